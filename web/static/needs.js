// Unmet needs for staff (/staff/needs): anonymous counts as two bar charts (by topic and by
// municipality, drawn here as SVG: no chart library, nothing from elsewhere) and as tables, a
// CSV download, and the catalogue's activities that are over. Same staff token as the staff
// console (kept in this tab's sessionStorage); fi, sv and en like the console.

import { $, $$, applyTexts, el, formatDate } from "./dom.js";
import { pickLang, t } from "./texts.js";

const TOKEN_KEY = "mukaan-staff-token";
const LANG_KEY = "mukaan-staff-lang";
const SVG = "http://www.w3.org/2000/svg";
const CHART_ROWS = 8;
let lang = pickLang(new URLSearchParams(location.search).get("lang"), storage(LANG_KEY), document.documentElement.lang);

function storage(key, value) {
  try {
    if (value === undefined) return sessionStorage.getItem(key);
    sessionStorage.setItem(key, value);
  } catch { /* not kept */ }
  return null;
}

const T = (key, vars) => t(lang, key, vars);
const headers = () => ({ Authorization: `Bearer ${storage(TOKEN_KEY) || ""}` });

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

/** A horizontal bar chart of {label, count} rows; the table under it says the same in words. */
function barChart(figure, title, rows) {
  const shown = rows.slice(0, CHART_ROWS);
  const max = Math.max(1, ...shown.map((r) => r.count));
  const rowHeight = 28;
  const labelWidth = 170;
  const barWidth = 220;
  const chart = svg("svg", { viewBox: `0 0 ${labelWidth + barWidth + 50} ${shown.length * rowHeight + 4}`,
                             class: "bars", "aria-hidden": "true", focusable: "false" });
  shown.forEach((r, i) => {
    const y = i * rowHeight;
    chart.append(svg("text", { x: labelWidth - 8, y: y + 18, "text-anchor": "end", class: "bar-label" },
                     r.label.length > 24 ? `${r.label.slice(0, 23)}…` : r.label));
    chart.append(svg("rect", { x: labelWidth, y: y + 5, height: 18, width: Math.max(2, (r.count / max) * barWidth),
                               class: "bar" }));
    chart.append(svg("text", { x: labelWidth + (r.count / max) * barWidth + 6, y: y + 18, class: "bar-value" }, r.count));
  });
  const table = el("table", { class: "chart-table" },
    el("caption", {}, title),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, T("needsLabel")), el("th", { scope: "col" }, T("needsCount")))),
    el("tbody", {}, rows.map((r) => el("tr", {}, el("th", { scope: "row" }, r.label), el("td", {}, String(r.count))))));
  figure.replaceChildren(el("figcaption", {}, title), chart, table);
}

function renderTable(rows) {
  $("#table tbody").replaceChildren(...rows.map((r) => el("tr", {},
    el("td", {}, r.month), el("td", {}, r.kind_label), el("td", {}, r.topic_label),
    el("td", {}, r.municipality_label), el("td", {}, r.lang_label), el("td", {}, String(r.count)))));
}

function renderExpired(rows) {
  $("#expired").replaceChildren(...(rows.length ? rows.map((r) => el("li", {},
    el("strong", {}, r.name), ` – ${[r.organizer, r.municipality].filter(Boolean).join(", ")}. `,
    T("expiredLast", { date: formatDate(r.last_date, lang) }))) : [el("li", {}, T("expiredNone"))]));
}

async function load() {
  const [needs, expired] = await Promise.all([
    fetch(`/api/staff/needs?lang=${lang}`, { headers: headers() }),
    fetch(`/api/staff/expired?lang=${lang}`, { headers: headers() }),
  ]);
  if (!needs.ok) {
    $("#report").hidden = true;
    $("#token-form").hidden = needs.status === 403;
    $("#status").textContent = T(needs.status === 403 ? "staffDisabled" : "badToken");
    return;
  }
  const data = await needs.json();
  $("#token-form").hidden = true;
  $("#report").hidden = false;
  $("#status").textContent = data.rows.length ? T("needsRows", { n: data.rows.length }) : T("needsNone");
  barChart($("#chart-topic"), T("needsByTopic"), data.by_topic);
  barChart($("#chart-municipality"), T("needsByMunicipality"), data.by_municipality);
  renderTable(data.rows);
  renderExpired(expired.ok ? (await expired.json()).rows : []);
}

function applyLang(next) {
  lang = next;
  storage(LANG_KEY, next);
  document.documentElement.lang = lang;
  document.title = T("needsTitle");
  applyTexts(document, (key) => T(key));
  for (const button of $$(".langs button")) button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
}

$("#token-form").addEventListener("submit", (event) => {
  event.preventDefault();
  storage(TOKEN_KEY, $("#token").value.trim());
  load();
});
$("#csv").addEventListener("click", async () => {
  const response = await fetch("/api/staff/needs.csv", { headers: headers() });
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  el("a", { href: url, download: "mukaan-unmet-needs.csv" }).click();
  URL.revokeObjectURL(url);
});
for (const button of $$(".langs button")) {
  button.addEventListener("click", () => {
    applyLang(button.dataset.lang);
    if (storage(TOKEN_KEY)) load();
  });
}
applyLang(lang);
if (storage(TOKEN_KEY)) load();
else $("#token-form").hidden = false;
