// Staff review (/staff/review): the associations' pending changes as before/after, approve or
// send back with a reason; residents' error reports; activities not checked for a long time
// (review-fresh.js, a page at a time); edit links (create, revoke; e-mailed when staff tick
// it); associations' requests for a link (review-access.js); the audit log.
//
// Access: the staff token as in the staff console (the same sessionStorage key, so signing in
// once serves both pages), sent as "Authorization: Bearer …".

import { $, $$, applyTexts, el, formatDate } from "./dom.js";
import { accessRequests } from "./review-access.js";
import { freshness } from "./review-fresh.js";
import { pickLang, t } from "./texts.js";

const TOKEN_KEY = "mukaan-staff-token";
const LANG_KEY = "mukaan-staff-lang";

function storage(key, value) {
  try {
    if (value === undefined) return sessionStorage.getItem(key);
    if (value === null) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, value);
  } catch { /* not kept: sign in again after a reload */ }
  return null;
}

const state = {
  lang: pickLang(new URLSearchParams(location.search).get("lang"), storage(LANG_KEY), document.documentElement.lang),
  token: storage(TOKEN_KEY),
  links: [],
};
const T = (key, vars) => t(state.lang, key, vars);

class AuthError extends Error {}

async function api(path, body) {
  const init = { headers: { Authorization: `Bearer ${state.token || ""}` } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (response.status === 401 || response.status === 403) throw new AuthError(String(response.status));
  return response;
}

async function json(path, body) {
  const response = await api(path, body);
  if (!response.ok) throw new Error(String(response.status));
  return response.json();
}

function say(text) {
  $("#review-status").textContent = text;
}

async function guarded(work) {
  try {
    await work();
  } catch (error) {
    if (error instanceof AuthError) signOut(T("badToken"));
    else say(T("actionFailed"));
  }
}

function button(text, onClick, cls = "", label = null) {
  const node = el("button", { type: "button", class: cls || null, "aria-label": label }, text);
  node.addEventListener("click", onClick);
  return node;
}

const date = (iso) => formatDate(String(iso || "").slice(0, 10), state.lang);
const access = accessRequests({ json, guarded, say, button, T, date, lang: () => state.lang, reload: loadAll });
const fresh = freshness({ json, T, date, guarded });

// -- pending changes --------------------------------------------------------------------------
/** "name.fi" → "Nimi suomeksi". */
function fieldLabel(key) {
  const [field, lang] = key.split(".");
  return lang ? `${T(`f_${field}`)} ${T(`in_${lang}`)}` : T(`f_${field}`);
}

function diffTable(change) {
  return el("table", { class: "diff" },
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, T("fieldCol")),
      el("th", { scope: "col" }, T("beforeCol")), el("th", { scope: "col" }, T("afterCol")))),
    el("tbody", {}, change.differences.map((d) => el("tr", {},
      el("th", { scope: "row" }, fieldLabel(d.field)),
      el("td", { class: "before" }, d.before), el("td", { class: "after" }, d.after)))));
}

function changeItem(change) {
  const id = `reason-${change.id}`;
  const reason = el("textarea", { id, rows: 2, maxlength: 500 });
  const name = change.after.name;
  return el("li", { class: "review-item", "data-change": change.id },
    el("h3", {}, name, change.new ? ` (${T("newActivity")})` : ""),
    el("p", { class: "meta" }, T("changeBy", { org: change.after.organizer, date: date(change.created) })),
    diffTable(change),
    el("div", { class: "buttons-row" },
      button(T("approve"), () => decide(change.id, true), "primary", `${T("approve")}: ${name}`)),
    el("div", { class: "control" }, el("label", { for: id }, T("reasonLabel")), reason),
    button(T("sendBack"), () => decide(change.id, false, reason), "quiet", `${T("sendBack")}: ${name}`));
}

async function decide(id, approve, reasonField) {
  if (!approve && !reasonField.value.trim()) {
    say(T("reasonNeeded"));
    reasonField.focus();
    return;
  }
  await guarded(async () => {
    const data = approve ? await json(`/api/staff/review/${id}/approve`, {})
      : await json(`/api/staff/review/${id}/return`, { reason: reasonField.value });
    await loadAll();
    say(approve ? T("approvedNow", { seconds: data.live_seconds.toFixed(1) }) : T("returnedNow"));
  });
}

// -- reports, freshness, links, audit ---------------------------------------------------------
function reportItem(r) {
  const name = r.activity ? r.activity.name : T("unknownActivity");
  return el("li", { class: "review-item" },
    el("h3", {}, name),
    el("p", { class: "meta" }, [T(`reason_${r.reason}`), T("reportedOn", { date: date(r.created) }),
      r.activity ? r.activity.organizer : null].filter(Boolean).join(" · ")),
    r.note ? el("p", {}, r.note) : null,
    button(T("markHandled"), () => guarded(async () => {
      await json(`/api/staff/reports/${r.id}/handled`, {});
      await loadAll();
    }), "quiet", `${T("markHandled")}: ${name}`));
}

function linkState() {
  const chosen = state.links.find((o) => o.org === $("#link-org").value);
  const link = chosen && chosen.link;
  $("#link-state").textContent = !link ? T("linkNone") : link.revoked ? T("linkRevokedState")
    : T("linkLive", { date: date(link.expires) });
  $("#revoke").hidden = !link || Boolean(link.revoked);
}

function renderLinks() {
  const keep = $("#link-org").value;
  $("#link-org").replaceChildren(...state.links.map((o) => el("option", { value: o.org, selected: o.org === keep }, o.name)));
  linkState();
}

function renderAudit(entries) {
  $("#audit").replaceChildren(
    el("thead", {}, el("tr", {}, ["whenCol", "whoCol", "whatCol", "activityCol"].map((k) => el("th", { scope: "col" }, T(k))))),
    el("tbody", {}, entries.slice(0, 50).map((e) => el("tr", {},
      el("td", {}, e.at.replace("T", " ").slice(0, 16)), el("td", {}, e.who), el("td", {}, e.action),
      el("td", {}, e.activity_id || e.detail || "")))));
}

function list(node, items, empty) {
  node.replaceChildren(...(items.length ? items : [el("li", {}, empty)]));
}

async function loadAll() {
  const [pending, reports, links, audit] = await Promise.all([
    json(`/api/staff/review?lang=${state.lang}`), json(`/api/staff/reports?lang=${state.lang}`),
    json("/api/staff/links"), json("/api/staff/audit"), fresh.load()]);
  list($("#pending"), pending.changes.map(changeItem), T("noPending"));
  list($("#reports"), reports.reports.map(reportItem), T("noReports"));
  state.links = links.organisations;
  renderLinks();
  renderAudit(audit.entries);
  await access.load();
}

// -- sign-in, language ------------------------------------------------------------------------
function show(view) {
  $("#disabled").hidden = view !== "disabled";
  $("#login").hidden = view !== "login";
  $("#console").hidden = view !== "console";
  $("#logout").hidden = view !== "console";
}

function signOut(message = "") {
  state.token = null;
  storage(TOKEN_KEY, null);
  show("login");
  $("#token-error").textContent = message;
  $("#token").value = "";
}

async function signIn(token) {
  state.token = token;
  try {
    await loadAll();
  } catch (error) {
    signOut(error instanceof AuthError ? T("badToken") : T("actionFailed"));
    return;
  }
  storage(TOKEN_KEY, token);
  $("#token-error").textContent = "";
  show("console");
}

async function applyLang(next) {
  state.lang = next;
  storage(LANG_KEY, next);
  document.documentElement.lang = next;
  document.title = T("reviewTitle");
  applyTexts(document, (key) => T(key));
  for (const b of $$(".langs button[data-lang]")) b.setAttribute("aria-pressed", String(b.dataset.lang === next));
  if (state.token && !$("#console").hidden) await guarded(loadAll);
}

async function start() {
  for (const b of $$(".langs button[data-lang]")) b.addEventListener("click", () => applyLang(b.dataset.lang));
  $("#login").addEventListener("submit", (event) => {
    event.preventDefault();
    signIn($("#token").value.trim());
  });
  $("#logout").addEventListener("click", () => signOut());
  $("#link-org").addEventListener("change", linkState);
  $("#link-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded(async () => {
      const made = await json(access.linkPath(), { org: $("#link-org").value });
      await loadAll();
      $("#link-made").textContent = [T("linkMade", { name: made.name, days: made.days }), access.mailText(made)].join(" ");
      $("#link-url").value = made.link;
      $("#link-box").hidden = false;
      $("#link-url").select();
    });
  });
  $("#revoke").addEventListener("click", () => guarded(async () => {
    await json(`/api/staff/links/${encodeURIComponent($("#link-org").value)}/revoke`, {});
    $("#link-box").hidden = true;
    await loadAll();
    say(T("linkRevoked"));
  }));
  await applyLang(state.lang);
  const status = await fetch("/api/staff/status").then((r) => r.json()).catch(() => ({ enabled: false }));
  if (!status.enabled) show("disabled");
  else if (state.token) await signIn(state.token);
  else show("login");
}

start();
