// The staff console (/staff): search the catalogue with every filter, pick activities for
// a client, and hand them over as a printed slip, a PDF or a text for e-mail or SMS.
//
// Access: the shared staff token, typed in once per tab, kept in sessionStorage and sent
// as "Authorization: Bearer …" to /api/staff/…. Nothing about the client is stored: the
// referral lives in this page's memory only.

import { $, $$, applyTexts, el, formatDate, hiddenText } from "./dom.js";
import { emailText, slipItem, smsText } from "./slip.js";
import { pickButton, resultItem, searchError } from "./staff-results.js";
import { pickLang, t } from "./texts.js";

const TOKEN_KEY = "mukaan-staff-token";
const LANG_KEY = "mukaan-staff-lang";
const params = new URLSearchParams(location.search);

const state = {
  lang: pickLang(params.get("lang"), readStorage(LANG_KEY), document.documentElement.lang),
  token: readStorage(TOKEN_KEY),
  options: null,       // filter values and labels from /api/staff/options
  results: [],         // the last search's activity cards
  goodMatch: true,     // false: nothing fitted well; the results are the nearest alternatives
  picked: new Map(),   // id → card: the referral, in pick order
  slip: null,          // {results, texts, lang}: the picked activities in the client's language
};

function readStorage(key) {
  try { return sessionStorage.getItem(key); } catch { return null; }
}

function writeStorage(key, value) {
  try {
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch { /* not kept: the staff member signs in again after a reload */ }
}

const T = (key, vars) => t(state.lang, key, vars);

// ---------------------------------------------------------------------------------------------
// Talking to the server

class AuthError extends Error {}

async function api(path, init = {}) {
  const headers = { ...(init.headers || {}), Authorization: `Bearer ${state.token || ""}` };
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401 || response.status === 403) throw new AuthError(String(response.status));
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  return response;
}

async function loadOptions() {
  const response = await api(`/api/staff/options?lang=${state.lang}`);
  state.options = await response.json();
}

/** Runs `work`; an AuthError (token wrong or console disabled) sends the page back to sign-in. */
async function guarded(work) {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AuthError) {
      signOut(T("badToken"));
      return undefined;
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Views: disabled, sign-in, console

function show(view) {
  $("#disabled").hidden = view !== "disabled";
  $("#login").hidden = view !== "login";
  $("#console").hidden = view !== "console";
  $("#logout").hidden = view !== "console";
  if (view !== "console") $("#slip").hidden = true;
}

function signOut(message = "") {
  state.token = null;
  writeStorage(TOKEN_KEY, null);
  state.picked.clear();
  state.results = [];
  state.slip = null;
  $("#results").replaceChildren();
  renderReferral();
  show("login");
  $("#token-error").textContent = message;
  $("#token").value = "";
  $("#token").focus();
}

async function signIn(token) {
  state.token = token;
  try {
    await loadOptions();
  } catch (error) {
    if (!(error instanceof AuthError)) throw error;
    signOut(T("badToken"));
    return;
  }
  writeStorage(TOKEN_KEY, token);
  $("#token-error").textContent = "";
  renderOptions();
  renderReferral();
  show("console");
}

// ---------------------------------------------------------------------------------------------
// Language of the console (the client's language is chosen separately, for the slip)

async function applyLang(next) {
  state.lang = next;
  writeStorage(LANG_KEY, next);
  document.documentElement.lang = next;
  document.title = T("staffTitle");
  applyTexts(document, (key) => T(key));
  for (const button of $$(".langs button[data-lang]")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === next));
  }
  if (state.token && !$("#console").hidden) {
    await guarded(loadOptions);
    renderOptions();
    renderResults();
    renderReferral();
    renderSlip();
  }
}

// ---------------------------------------------------------------------------------------------
// The search form

function checked(name) {
  return new Set($$(`#search input[name="${name}"]:checked`).map((input) => input.value));
}

function checkboxes(container, name, options) {
  const keep = checked(name);
  container.replaceChildren(...options.map((o) =>
    el("label", { class: "check" },
      el("input", { type: "checkbox", name, value: o.value, checked: keep.has(o.value) }),
      " ", el("span", {}, o.label))));
}

function selectOptions(select, options) {
  const keep = select.value;
  select.replaceChildren(el("option", { value: "" }, T("any")),
    ...options.map((o) => el("option", { value: o.value }, o.label)));
  select.value = options.some((o) => o.value === keep) ? keep : "";
}

function renderOptions() {
  const o = state.options;
  if (!o) return;
  checkboxes($("#kinds"), "kind", o.kinds);
  checkboxes($("#topics"), "topic", o.topics);
  checkboxes($("#accessibility"), "accessibility", o.accessibility);
  selectOptions($("#audience"), o.audiences);
  selectOptions($("#language"), o.languages);
  $("#municipalities").replaceChildren(...o.municipalities.map((name) => el("option", { value: name })));
}

/** The form as the query string of GET /api/activities/search. */
function searchQuery() {
  const form = new FormData($("#search"));
  const query = new URLSearchParams();
  for (const [name, value] of form.entries()) {
    const text = String(value).trim();
    if (!text) continue;
    if (name === "nearby" && !form.get("municipality")) continue;
    query.append(name, text);
  }
  return query;
}

async function search(event) {
  event.preventDefault();
  $("#search-error").textContent = "";
  $("#search-status").textContent = T("searching");
  const query = searchQuery();
  try {
    const response = await fetch(`/api/activities/search?${query}`);
    const data = await response.json();
    if (!response.ok) {
      state.results = [];  // old results never stand under a message about a new search
      renderResults();
      $("#search-status").textContent = "";
      $("#search-error").replaceChildren(...searchError(data, query.get("municipality"), state.lang, (place) => {
        $("#municipality").value = place;
        $("#search").requestSubmit();
      }));
      return;
    }
    state.results = data.results;
    state.goodMatch = data.good_match !== false;
    renderResults();
    $("#search-status").textContent = !data.results.length ? T("none")
      : state.goodMatch ? T("count", { n: data.results.length }) : T("noGoodMatch");
  } catch {
    $("#search-status").textContent = "";
    $("#search-error").textContent = T("searchFailed");
  }
}

// ---------------------------------------------------------------------------------------------
// Results (staff-results.js): a compact list; when nothing fits well, the nearest alternatives
// apart under their own heading.

function resultContext() {
  return { lang: state.lang, options: state.options, picked: state.picked, onPick: togglePick };
}

function renderResults() {
  const items = state.results.map((a) => resultItem(a, resultContext()));
  $("#results").replaceChildren(...items);
  $("#alternatives").replaceChildren(...(state.goodMatch ? [] : items));
  $("#alternatives-area").hidden = state.goodMatch || !items.length;
  $("#results").hidden = !state.goodMatch;
}

// ---------------------------------------------------------------------------------------------
// The referral: picked activities, the slip in the client's language, PDF and text

function togglePick(a, button) {
  const adding = !state.picked.has(a.id);
  if (adding) state.picked.set(a.id, a);
  else state.picked.delete(a.id);
  if (button) {
    const item = button.closest(".result");
    const fresh = pickButton(a, resultContext());
    button.replaceWith(fresh);
    fresh.focus();
    item.classList.toggle("picked", adding);
  } else {
    renderResults();
  }
  $("#referral-status").textContent = T(adding ? "addedStatus" : "removedStatus", { name: a.name });
  renderReferral();
  refreshSlip();
}

function renderReferral() {
  const items = [...state.picked.values()];
  $("#referral-empty").hidden = items.length > 0;
  $("#slip-link").hidden = !items.length;
  for (const id of ["print", "pdf", "copy-email", "copy-sms", "clear-referral"]) $(`#${id}`).disabled = !items.length;
  $("#referral-list").replaceChildren(...items.map((a) => {
    const remove = el("button", { type: "button", class: "quiet" }, T("remove"), hiddenText(`: ${a.name}`));
    remove.addEventListener("click", () => {
      togglePick(a, null);
      (($("#referral-list button")) || $("#referral-title")).focus();
    });
    return el("li", {}, el("span", { class: "referral-name" }, a.name), remove);
  }));
  if (!items.length) $("#referral-text").value = "";
}

let slipRequest = 0;

/** Fetches the picked activities in the client's language and redraws the slip. */
async function refreshSlip() {
  const ids = [...state.picked.keys()];
  const lang = $("#client-lang").value;
  const request = ++slipRequest;
  if (!ids.length) {
    state.slip = null;
    renderSlip();
    return;
  }
  const query = new URLSearchParams(ids.map((id) => ["id", id]));
  query.set("lang", lang);
  const data = await guarded(async () => (await api(`/api/staff/activities?${query}`)).json());
  if (!data || request !== slipRequest) return;  // signed out, or a newer request is on its way
  state.slip = data;
  renderSlip();
  $("#referral-text").value = emailText(state.slip);
}

function renderSlip() {
  const slip = $("#slip");
  if (!state.slip || !state.picked.size) {
    slip.hidden = true;
    slip.replaceChildren();
    return;
  }
  const { results, texts, lang } = state.slip;
  slip.setAttribute("lang", lang);
  slip.replaceChildren(
    el("p", { class: "slip-preview-label", lang: state.lang }, T("slipPreview")),
    el("h2", { id: "slip-title" }, texts.title),
    el("p", {}, texts.intro),
    el("p", {}, texts.check),
    el("ol", { class: "slip-list" }, results.map((a) => slipItem(a, texts, lang))),
    el("p", { class: "slip-footer" }, `${texts.made} · ${formatDate(new Date().toISOString().slice(0, 10), lang)}`));
  slip.hidden = false;
}

async function copy(text) {
  const box = $("#referral-text");
  box.value = text;
  try {
    await navigator.clipboard.writeText(text);
    $("#referral-status").textContent = T("copied");
  } catch {
    box.focus();
    box.select();
    $("#referral-status").textContent = T("copyFailed");
  }
}

async function downloadPdf() {
  const lang = $("#client-lang").value;
  try {
    const response = await guarded(() => api("/api/staff/referral.pdf", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ids: [...state.picked.keys()], lang }),
    }));
    if (!response) return;
    const name = (response.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    const url = URL.createObjectURL(await response.blob());
    const link = el("a", { href: url, download: name ? name[1] : "mukaan.pdf", hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    $("#referral-status").textContent = T("pdfReady");
  } catch {
    $("#referral-status").textContent = T("pdfFailed");
  }
}

function clearReferral() {
  state.picked.clear();
  renderResults();
  renderReferral();
  refreshSlip();
  $("#referral-title").setAttribute("tabindex", "-1");
  $("#referral-title").focus();
}

// ---------------------------------------------------------------------------------------------
// Set-up

function listen() {
  for (const button of $$(".langs button[data-lang]")) {
    button.addEventListener("click", () => applyLang(button.dataset.lang));
  }
  $("#login").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn($("#token").value.trim());
  });
  $("#logout").addEventListener("click", () => signOut());
  $("#search").addEventListener("submit", search);
  $("#search").addEventListener("reset", () => {
    state.results = [];
    renderResults();
    $("#search-status").textContent = "";
    $("#search-error").textContent = "";
  });
  $("#client-lang").addEventListener("change", refreshSlip);
  $("#print").addEventListener("click", () => window.print());
  $("#pdf").addEventListener("click", downloadPdf);
  $("#copy-email").addEventListener("click", () => copy(emailText(state.slip)));
  $("#copy-sms").addEventListener("click", () => copy(smsText(state.slip)));
  $("#clear-referral").addEventListener("click", clearReferral);
}

async function init() {
  listen();
  $("#result-lang").value = state.lang;
  $("#client-lang").value = state.lang;
  await applyLang(state.lang);
  renderReferral();
  let enabled = false;
  try {
    enabled = (await (await fetch("/api/staff/status")).json()).enabled;
  } catch { /* treated as disabled */ }
  if (!enabled) show("disabled");
  else if (state.token) await signIn(state.token);
  else show("login");
  document.body.dataset.ready = "true";
}

init();
