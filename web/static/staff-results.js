// One search result in the staff console: name, a one-line summary, the organiser, details
// that open on demand (contacts as tel:/mailto:/map links, labels instead of codes) and the
// button that adds it to the referral.

import { contactFields } from "./contacts.js";
import { el, formatDate, hiddenText, safeUrl } from "./dom.js";
import { reportSection } from "./report.js";
import { t } from "./texts.js";

function detailField(label, value) {
  if (!value || (Array.isArray(value) && !value.length)) return null;
  return el("div", { class: "field" }, el("dt", {}, label), el("dd", {}, value));
}

/** The labels of `values` in the option list `kind` (the code itself only when it has none). */
function labelsOf(options, kind, values) {
  const list = (options && options[kind]) || [];
  return values.map((v) => (list.find((o) => o.value === v) || { label: v }).label).join(", ");
}

// Fields an importer inferred from an imported activity's text, by their labels.
const INFERRED_LABEL = { kind: "kind", topics: "topic", audience: "audience" };

function resultDetails(a, { lang, options }) {
  const T = (key) => t(lang, key);
  const own = a.text_lang && a.text_lang !== lang ? { lang: a.text_lang } : {};
  return el("details", { class: "result-details" },
    el("summary", {}, T("details"), hiddenText(`: ${a.name}`)),
    a.description ? el("p", own, a.description) : null,
    el("dl", { class: "fields" },
      detailField(T("join"), a.how_to_join),
      detailField(T("time"), a.schedule),
      detailField(T("nextTime"), a.next_time),
      detailField(T("contact"), el("span", {}, a.organizer,
        contactFields(a, lang).map(([, label, value]) => [el("br"), `${label}: `, value]))),
      detailField(T("languages"), labelsOf(options, "languages", a.languages || [])),
      detailField(T("audience"), labelsOf(options, "audiences", a.audience || [])),
      detailField(T("accessibility"), (a.accessibility_labels || []).join(", ")),
      detailField(T("why"), a.why),
      detailField(T("inferred"), (a.inferred || []).map((f) => T(INFERRED_LABEL[f] || f)).join(", ")),
      detailField(T("checked"), formatDate(a.checked || a.updated, lang))),
    safeUrl(a.url) ? el("p", {}, el("a", { href: safeUrl(a.url), target: "_blank", rel: "noopener noreferrer" },
      a.url, hiddenText(` ${T("newTab")}`))) : null);
}

/** The button that adds `a` to the referral or takes it away. */
export function pickButton(a, { lang, picked, onPick }) {
  const inReferral = picked.has(a.id);
  const button = el("button", { type: "button", class: inReferral ? "pick picked" : "pick primary" },
    t(lang, inReferral ? "added" : "add"), hiddenText(`: ${a.name}`));
  button.addEventListener("click", () => onPick(a, button));
  return button;
}

/** context: {lang, options (filter labels), picked (Map of the referral), onPick(a, button)}. */
export function resultItem(a, context) {
  const own = a.text_lang && a.text_lang !== context.lang ? { lang: a.text_lang } : {};
  const next = a.next_time ? `${t(context.lang, "nextTime")}: ${a.next_time}` : null;
  const meta = [a.kind_label, a.place, a.schedule, next, a.cost].filter(Boolean).join(" · ");
  return el("li", { class: context.picked.has(a.id) ? "result picked" : "result", "data-id": a.id },
    el("div", { class: "result-head" },
      el("h3", { class: "result-name", ...own }, a.name),
      a.demo_label ? el("span", { class: "demo" }, a.demo_label) : null),
    el("p", { class: "result-meta", ...own }, meta),
    el("p", { class: "result-org" }, a.organizer),
    resultDetails(a, context),
    pickButton(a, context),
    reportSection(a, context.lang));
}

/** What a failed search says: "No municipality called Vantta. Did you mean Vantaa?" with a button
 *  that searches with the suggestion (onUse(name)), or the server's message. */
export function searchError(data, municipality, lang, onUse) {
  if (data.did_you_mean === undefined) {
    const detail = Array.isArray(data.detail) ? data.detail.map((d) => d.msg).join("; ") : data.detail || "";
    return [`${t(lang, "searchFailed")} ${detail}`];
  }
  const nodes = [t(lang, "unknownMunicipality", { name: municipality })];
  if (data.did_you_mean) {
    const use = el("button", { type: "button", class: "link-button" }, t(lang, "useSuggestion", { name: data.did_you_mean }));
    use.addEventListener("click", () => onUse(data.did_you_mean));
    nodes.push(" ", t(lang, "didYouMean", { name: data.did_you_mean }), " ", use);
  }
  return nodes;
}
