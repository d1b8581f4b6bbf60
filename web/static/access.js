// The access-request page (/access): an association asks for an edit link. It chooses itself
// from the catalogue's organisations (or types its name when it is not listed), gives its
// business ID if it has one, a contact e-mail and an optional short message. Each field's
// problem is shown next to it in the page's language; the page's language is the language of
// the e-mail the association later gets. POST /api/access-requests; staff decide on
// /staff/review.

import { $, $$, applyTexts, el } from "./dom.js";
import { pickLang, t } from "./texts.js";

const LANG_KEY = "mukaan-access-lang";
const NOT_LISTED = "__new__";
const FIELDS = { org: "#a-org", business_id: "#a-bid", email: "#a-email", message: "#a-message" };

function storage(key, value) {
  try {
    if (value === undefined) return sessionStorage.getItem(key);
    sessionStorage.setItem(key, value);
  } catch { /* private mode: the language is not remembered */ }
  return null;
}

const state = {
  lang: pickLang(new URLSearchParams(location.search).get("lang"), storage(LANG_KEY), navigator.language,
    document.documentElement.lang),
  organisations: [],
  maxChars: 500,
  errors: {},
};
const T = (key, vars) => t(state.lang, key, vars);

function say(text, thanks = false) {
  const status = $("#access-status");
  status.textContent = text;
  status.classList.toggle("thanks", thanks);
}

function renderOrganisations() {
  const select = $("#a-org");
  const keep = select.value;
  select.replaceChildren(
    el("option", { value: "" }, T("accessOrgChoose")),
    ...state.organisations.map((o) => el("option", { value: o.org }, o.name)),
    el("option", { value: NOT_LISTED }, T("accessOrgNotListed")));
  select.value = keep;
  if (select.value !== keep) select.value = "";
}

function showNameField() {
  const typed = $("#a-org").value === NOT_LISTED;
  $("#name-control").hidden = !typed;
  return typed;
}

function showErrors() {
  for (const [key, selector] of Object.entries(FIELDS)) {
    const code = state.errors[key];
    $(`#err-${key}`).textContent = code ? T(`accessErr_${key}_${code}`, { max: state.maxChars }) : "";
    const field = key === "org" && showNameField() ? $("#a-name") : $(selector);
    for (const node of [$(selector), $("#a-name")]) node.removeAttribute("aria-invalid");
    if (code) field.setAttribute("aria-invalid", "true");
  }
}

function firstInvalid() {
  return $$("[aria-invalid='true']", $("#access-form"))[0];
}

async function send(event) {
  event.preventDefault();
  const choice = $("#a-org").value;
  const body = {
    org: choice === NOT_LISTED ? "" : choice,
    org_name: choice === NOT_LISTED ? $("#a-name").value : "",
    business_id: $("#a-bid").value,
    email: $("#a-email").value,
    message: $("#a-message").value,
    lang: state.lang,
  };
  const button = $("#a-send");
  button.disabled = true;
  say(T("accessSending"));
  try {
    const response = await fetch("/api/access-requests", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
    if (response.status === 429) {
      say(T("accessTooMany"));
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (response.status === 422 && data.errors) {
      state.errors = data.errors;
      showErrors();
      say(T("accessCheckFields"));
      (firstInvalid() || $("#a-org")).focus();
      return;
    }
    if (!response.ok) throw new Error(String(response.status));
    state.errors = {};
    showErrors();
    $("#access-form").hidden = true;
    say(T("accessThanks"), true);
    $("#access-status").focus();
  } catch {
    say(T("accessFailed"));
  } finally {
    button.disabled = false;
  }
}

function applyLang(next) {
  state.lang = next;
  storage(LANG_KEY, next);
  document.documentElement.lang = next;
  document.title = T("accessTitle");
  applyTexts(document, (key) => T(key));
  $("#hint-message").textContent = T("accessMessageHint", { max: state.maxChars });
  for (const b of $$(".langs button[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === next));
  renderOrganisations();
  showErrors();
  const status = $("#access-status");
  if (status.classList.contains("thanks")) say(T("accessThanks"), true);
  else say("");
}

async function start() {
  for (const b of $$(".langs button[data-lang]")) b.addEventListener("click", () => applyLang(b.dataset.lang));
  $("#a-org").addEventListener("change", () => {
    if (showNameField()) $("#a-name").focus();
  });
  $("#access-form").addEventListener("submit", send);
  applyLang(state.lang);
  try {
    const response = await fetch("/api/access/organisations");
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    state.organisations = data.organisations;
    state.maxChars = data.message_max_chars || state.maxChars;
    $("#a-message").setAttribute("maxlength", String(state.maxChars));
    applyLang(state.lang);
  } catch {
    $("#a-org").value = NOT_LISTED;
    showNameField();
    say(T("accessLoadFailed"));
  }
}

start();
