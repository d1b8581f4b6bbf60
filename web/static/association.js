// The association editor (/association#<token>): the organisation's own activities, an edit
// form in Finnish, Swedish and English with each field's problem next to it, a preview of
// the card as residents see it, new activities, paused or ended, and "still current".
//
// The edit link's token comes in the address after #, which browsers never send to a
// server; the page moves it to sessionStorage, takes it out of the address bar, and sends it
// as "Authorization: Bearer …" to /api/association/….

import { activityCard } from "./cards.js";
import { $, $$, applyTexts, el, formatDate } from "./dom.js";
import { LANGS, pickLang, t } from "./texts.js";

const TOKEN_KEY = "mukaan-edit-link";
const LANG_KEY = "mukaan-editor-lang";
const TEXT_FIELDS = { name: 120, description: 2000, how_to_join: 600, schedule: 300, cost_text: 200 };
const LONG = new Set(["description", "how_to_join"]);
const PLAIN_FIELDS = { municipality: 80, address: 200, url: 300, email: 200, phone: 40 };
const STATUSES = ["active", "paused", "ended"];

function storage(key, value) {
  try {
    if (value === undefined) return sessionStorage.getItem(key);
    sessionStorage.setItem(key, value);
  } catch { /* private mode: the link is used from the address only */ }
  return null;
}

const fromAddress = location.hash.slice(1);
if (fromAddress) {
  storage(TOKEN_KEY, fromAddress);
  history.replaceState(null, "", location.pathname + location.search);
}
const state = {
  lang: pickLang(new URLSearchParams(location.search).get("lang"), storage(LANG_KEY), document.documentElement.lang),
  token: fromAddress || storage(TOKEN_KEY) || "",
  options: null,
  activities: [],
  editing: undefined,      // an activity id, null for a new one, undefined when the form is closed
};
const T = (key, vars) => t(state.lang, key, vars);

class BadLink extends Error {}

async function api(path, body) {
  const init = { headers: { Authorization: `Bearer ${state.token}` } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) throw new BadLink();
  return response;
}

function showBadLink() {
  $("#workspace").hidden = true;
  $("#bad-link").hidden = false;
  $("#ask-link").hidden = false;
}

async function guarded(work) {
  try {
    await work();
  } catch (error) {
    if (error instanceof BadLink) showBadLink();
    else $("#list-status").textContent = T("actionFailed");
  }
}

// -- the list ---------------------------------------------------------------------------------
function changeNote(change) {
  if (!change) return null;
  return el("p", { class: `change change-${change.status}` },
    T(`change_${change.status}`, { reason: change.reason || "" }));
}

function activityItem(a) {
  const name = (a.names && a.names[state.lang]) || a.name;
  const meta = [T(`status_${a.status}`), a.checked ? T("lastChecked", { date: formatDate(a.checked, state.lang) }) : null];
  const buttons = a.status === "new" ? [] : [
    button(T("edit"), () => openEditor(a.id), `${T("edit")}: ${name}`),
    button(T("stillCurrent"), () => stillCurrent(a.id), `${T("stillCurrent")}: ${name}`, "quiet")];
  return el("li", { class: "editor-item", "data-id": a.id },
    el("h3", {}, name),
    el("p", { class: "meta" }, meta.filter(Boolean).join(" · ")),
    changeNote(a.change),
    el("div", { class: "buttons-row" }, buttons));
}

function button(text, onClick, label, cls = "") {
  const node = el("button", { type: "button", class: cls || null, "aria-label": label || null }, text);
  node.addEventListener("click", onClick);
  return node;
}

async function loadList() {
  const data = await (await api("/api/association/activities")).json();
  state.activities = data.activities;
  $("#org-name").textContent = T("assocOrg", { name: data.org_name });
  renderList();
}

function renderList() {
  const items = state.activities.map(activityItem);
  $("#activities").replaceChildren(...(items.length ? items : [el("li", {}, T("noActivities"))]));
}

async function stillCurrent(id) {
  await guarded(async () => {
    const response = await api(`/api/association/activities/${encodeURIComponent(id)}/confirm`, {});
    if (!response.ok) throw new Error(String(response.status));
    const data = await response.json();
    await loadList();
    $("#list-status").textContent = T("confirmedNow", { date: formatDate(data.checked, state.lang) });
  });
}

// -- the form ---------------------------------------------------------------------------------
function errorLine(key) {
  return el("p", { class: "error", id: `err-${key}`, role: "alert" });
}

function textField(key, values) {
  const input = (lang) => {
    const attrs = { id: `f-${key}-${lang}`, name: `${key}.${lang}`, lang, maxlength: TEXT_FIELDS[key] + 50,
                    "aria-describedby": `err-${key} hint-${key}` };
    return LONG.has(key) ? el("textarea", { ...attrs, rows: 4 }, values[lang] || "")
      : el("input", { ...attrs, type: "text", value: values[lang] || "" });
  };
  return el("fieldset", { class: "text-field", "data-field": key },
    el("legend", {}, T(`f_${key}`)),
    el("p", { class: "hint", id: `hint-${key}` }, T("textHint")),
    LANGS.map((lang) => el("div", { class: "control" },
      el("label", { for: `f-${key}-${lang}` }, `${T(`f_${key}`)} ${T(`in_${lang}`)}`), input(lang))),
    errorLine(key));
}

function plainField(key, value, type = "text") {
  return el("div", { class: "control", "data-field": key },
    el("label", { for: `f-${key}` }, T(`f_${key}`)),
    el("input", { id: `f-${key}`, name: key, type, value: value || "", maxlength: PLAIN_FIELDS[key] || 100,
                  "aria-describedby": `err-${key}`, autocomplete: "off" }),
    errorLine(key));
}

function checks(key, options, chosen, type = "checkbox") {
  return el("fieldset", { class: "checks-group", "data-field": key, "aria-describedby": `err-${key}` },
    el("legend", {}, T(`f_${key}`)),
    el("div", { class: "checks" }, options.map((o) => el("label", { class: "check" },
      el("input", { type, name: key, value: o.value, checked: chosen.includes(o.value) }), " ", el("span", {}, o.label)))),
    errorLine(key));
}

function buildForm(v) {
  const o = state.options;
  const form = $("#edit-form");
  form.replaceChildren(
    ...Object.keys(TEXT_FIELDS).map((key) => textField(key, v[key])),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "free", checked: v.free }), " ", T("f_free")),
    el("div", { class: "control", "data-field": "kind" },
      el("label", { for: "f-kind" }, T("f_kind")),
      el("select", { id: "f-kind", name: "kind", "aria-describedby": "err-kind" },
        o.kinds.map((k) => el("option", { value: k.value, selected: k.value === v.kind }, k.label))),
      errorLine("kind")),
    checks("topics", o.topics, v.topics),
    checks("audience", o.audiences, v.audience),
    plainField("municipality", v.municipality),
    el("label", { class: "check" }, el("input", { type: "checkbox", name: "online", checked: v.online }), " ", T("f_online")),
    plainField("address", v.address),
    plainField("url", v.url, "url"),
    plainField("email", v.email, "email"),
    plainField("phone", v.phone, "tel"),
    el("div", { class: "control", "data-field": "languages" },
      el("label", { for: "f-languages" }, T("f_languages")),
      el("p", { class: "hint", id: "hint-languages" }, T("languagesHint")),
      el("input", { id: "f-languages", name: "languages", type: "text", value: v.languages.join(", "), maxlength: 40,
                    "aria-describedby": "hint-languages err-languages" }),
      errorLine("languages")),
    ...(state.editing ? [checks("status", STATUSES.map((s) => ({ value: s, label: T(`status_${s}`) })), [v.status], "radio")] : []),
    el("div", { class: "buttons-row" },
      button(T("preview"), () => submit(true)),
      el("button", { type: "submit", class: "primary" }, T("sendForReview")),
      button(T("cancel"), closeEditor, null, "quiet")));
}

/** The form's values as the API's ActivityEdit. */
function collect() {
  const form = new FormData($("#edit-form"));
  const edit = {};
  for (const key of Object.keys(TEXT_FIELDS)) {
    edit[key] = Object.fromEntries(LANGS.map((lang) => [lang, String(form.get(`${key}.${lang}`) || "")]));
  }
  for (const key of Object.keys(PLAIN_FIELDS)) edit[key] = String(form.get(key) || "");
  edit.free = form.has("free");
  edit.online = form.has("online");
  edit.kind = String(form.get("kind") || "");
  edit.topics = form.getAll("topics").map(String);
  edit.audience = form.getAll("audience").map(String);
  edit.languages = String(form.get("languages") || "").split(/[\s,;]+/).map((c) => c.trim().toLowerCase()).filter(Boolean);
  edit.status = String(form.get("status") || "active");
  return edit;
}

function showErrors(errors) {
  for (const node of $$("#edit-form .error")) node.textContent = "";
  for (const node of $$("#edit-form [aria-invalid]")) node.removeAttribute("aria-invalid");
  for (const [key, code] of Object.entries(errors)) {
    const [field, lang] = key.split(".");
    const line = $(`#err-${field}`);
    if (line) line.textContent = T(`err_${code}`);
    else $("#form-status").textContent += ` ${T(`err_${code}`)} (${field})`;
    const inputs = lang ? [$(`#f-${field}-${lang}`)] : $$(`[data-field="${field}"] input, [data-field="${field}"] textarea, [data-field="${field}"] select`);
    for (const input of inputs.filter(Boolean)) input.setAttribute("aria-invalid", "true");
  }
  const first = $("#edit-form [aria-invalid]");
  if (first) first.focus();
}

async function submit(previewOnly) {
  await guarded(async () => {
    const id = state.editing;
    const query = id ? `?id=${encodeURIComponent(id)}` : "";
    const path = previewOnly ? `/api/association/preview${query}`
      : id ? `/api/association/activities/${encodeURIComponent(id)}` : "/api/association/activities";
    const response = await api(path, { edit: collect(), lang: state.lang });
    const data = await response.json();
    if (response.status === 422 && data.errors) {
      $("#form-status").textContent = T("formHasErrors");
      showErrors(data.errors);
      return;
    }
    if (!response.ok) throw new Error(String(response.status));
    showErrors({});
    if (previewOnly) {
      $("#preview").replaceChildren(activityCard(data.card, state.lang, { link: false, report: false, heading: "h4" }));
      $("#preview-area").hidden = false;
      $("#form-status").textContent = "";
      return;
    }
    closeEditor();
    await loadList();
    $("#list-status").textContent = T("sentForReview");
  });
}

const EMPTY = () => ({
  ...Object.fromEntries(Object.keys(TEXT_FIELDS).map((k) => [k, { fi: "", sv: "", en: "" }])),
  free: true, kind: "club", topics: [], audience: ["adults"], municipality: "", online: false, address: "",
  url: "", email: "", phone: "", languages: ["fi"], status: "active",
});

async function openEditor(id) {
  await guarded(async () => {
    let values = EMPTY();
    if (id) {
      const response = await api(`/api/association/activities/${encodeURIComponent(id)}?lang=${state.lang}`);
      if (!response.ok) throw new Error(String(response.status));
      values = (await response.json()).form;
    }
    state.editing = id;
    $("#editor-title").textContent = T(id ? "editHeading" : "newHeading");
    buildForm(values);
    $("#preview-area").hidden = true;
    $("#form-status").textContent = "";
    $("#editor").hidden = false;
    $("#editor").focus();
  });
}

function closeEditor() {
  state.editing = undefined;
  $("#editor").hidden = true;
  $("#edit-form").replaceChildren();
}

// -- language and start -----------------------------------------------------------------------
async function applyLang(next) {
  const values = state.editing !== undefined ? collect() : null;
  state.lang = next;
  storage(LANG_KEY, next);
  document.documentElement.lang = next;
  document.title = T("assocTitle");
  applyTexts(document, (key) => T(key));
  for (const b of $$(".langs button[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === next));
  if (!state.token || !$("#bad-link").hidden) return;
  await guarded(async () => {
    state.options = await (await api(`/api/association/options?lang=${next}`)).json();
    await loadList();
    if (values) {
      $("#editor-title").textContent = T(state.editing ? "editHeading" : "newHeading");
      buildForm(values);
    }
  });
}

for (const b of $$(".langs button[data-lang]")) b.addEventListener("click", () => applyLang(b.dataset.lang));
$("#add-new").addEventListener("click", () => openEditor(null));
$("#edit-form").addEventListener("submit", (event) => {
  event.preventDefault();
  submit(false);
});
if (!state.token) {
  showBadLink();
  applyLang(state.lang);
} else {
  $("#workspace").hidden = false;
  applyLang(state.lang);
}
