// The activity card: what a resident sees of one suggested activity. Used by the chat,
// the widget (through the chat page) and the kiosk. Field labels are in the reader's
// language; the activity's own texts carry their language (`text_lang`) when it differs.

import { contactFields } from "./contacts.js";
import { el, formatDate, hiddenText, languageName, safeUrl } from "./dom.js";
import { reportSection } from "./report.js";
import { t } from "./texts.js";

function field(key, label, value, attrs = {}) {
  if (!value) return null;
  return el("div", { class: `field field-${key}` }, el("dt", {}, label), el("dd", attrs, value));
}

function moreLink(a, lang) {
  const href = safeUrl(a.url);
  if (!href) return null;
  return el("p", { class: "more" },
    el("a", { href, target: "_blank", rel: "noopener noreferrer" },
      t(lang, "link"), hiddenText(`: ${a.name} ${t(lang, "newTab")}`)));
}

function qrCode(a, lang) {
  if (!a.url) return null;
  return el("figure", { class: "qr" },
    el("img", { src: `/api/qr/${encodeURIComponent(a.id)}.svg`, width: 144, height: 144,
                alt: t(lang, "qrAlt", { url: a.url }) }),
    el("figcaption", {}, t(lang, "qrCaption"), " ", el("span", { class: "url" }, a.url)));
}

/**
 * One activity as a list item.
 * options.link: show the "more information" link (not on the kiosk, where a QR code is better);
 * options.qr: show a QR code of the activity's page; options.heading: the heading element;
 * options.report: the "Report an error" section (not in a preview).
 */
export function activityCard(a, lang, { link = true, qr = false, heading = "h3", report = true } = {}) {
  const own = a.text_lang && a.text_lang !== lang ? { lang: a.text_lang } : {};
  const languages = (a.languages || []).map((code) => languageName(code, lang)).join(", ");
  const fields = el("dl", { class: "fields" },
    field("organizer", t(lang, "organizer"), a.organizer),
    field("place", t(lang, "place"), a.place),
    field("time", t(lang, "time"), a.schedule, own),
    field("next", t(lang, "nextTime"), a.next_time),
    field("cost", t(lang, "cost"), a.cost, own),
    field("languages", t(lang, "languages"), languages),
    field("join", t(lang, "join"), a.how_to_join, own),
    contactFields(a, lang).map(([key, label, value]) => field(key, label, value)),
    field("why", t(lang, "why"), a.why),
    field("updated", t(lang, "checked"), formatDate(a.checked || a.updated, lang)));
  const description = a.description
    ? el("details", { class: "description" }, el("summary", {}, t(lang, "description")), el("p", own, a.description))
    : null;
  return el("li", { class: "card", "data-id": a.id },
    el("div", { class: "card-head" },
      el(heading, { class: "card-name", ...own }, a.name),
      a.demo_label ? el("span", { class: "demo" }, a.demo_label) : null),
    own.lang ? el("p", { class: "no-own-text" }, t(lang, "noOwnText", { language: languageName(a.text_lang, lang) })) : null,
    fields,
    description,
    link ? moreLink(a, lang) : null,
    qr ? qrCode(a, lang) : null,
    report ? reportSection(a, lang) : null);
}
