// The referral slip a client takes home: one activity as the printed slip shows it, and the
// slip as a plain-text e-mail body or a short text message. All in the client's language.

import { el, formatDate } from "./dom.js";

function slipField(label, value) {
  if (!value) return null;
  return el("div", { class: "field" }, el("dt", {}, label), el("dd", {}, value));
}

function slipContacts(a, texts) {
  const c = a.organizer_contact || {};
  return el("span", {}, a.organizer,
    c.phone ? [el("br"), `${texts.phone}: ${c.phone}`] : null,
    c.email ? [el("br"), `${texts.email}: ${c.email}`] : null,
    c.url ? [el("br"), `${texts.web}: ${c.url}`] : null);
}

/** One activity on the slip, in the client's language (texts: the slip's texts from the server). */
export function slipItem(a, texts, lang) {
  return el("li", { class: "slip-item" },
    el("div", { class: "slip-text" },
      el("h3", {}, a.name),
      a.demo_label ? el("p", { class: "slip-demo" }, texts.demo) : null,
      el("dl", { class: "fields" },
        slipField(texts.when, a.schedule),
        slipField(texts.next, a.next_time),
        slipField(texts.where, [a.place, a.address].filter(Boolean).join(", ")),
        slipField(texts.join, a.how_to_join),
        slipField(texts.cost, a.cost),
        slipField(texts.languages, (a.language_names || []).join(", ")),
        slipField(texts.contact, slipContacts(a, texts))),
      el("p", { class: "slip-updated" }, `${texts.updated}: ${formatDate(a.updated, lang)}`)),
    a.url ? el("figure", { class: "slip-qr" },
      el("img", { src: `/api/qr/${encodeURIComponent(a.id)}.svg`, width: 120, height: 120, alt: `QR: ${a.url}` }),
      el("figcaption", {}, texts.qr, el("br"), el("span", { class: "url" }, a.url))) : null);
}

function contactsText(a, texts) {
  const c = a.organizer_contact || {};
  return [a.organizer, c.phone && `${texts.phone} ${c.phone}`, c.email, c.url].filter(Boolean).join(", ");
}

/** The slip as a plain-text e-mail body. */
export function emailText(slip) {
  if (!slip) return "";
  const { results, texts } = slip;
  const blocks = results.map((a, i) => [
    `${i + 1}. ${a.name}`,
    `${texts.when}: ${a.schedule}`,
    a.next_time ? `${texts.next}: ${a.next_time}` : null,
    `${texts.where}: ${[a.place, a.address].filter(Boolean).join(", ")}`,
    `${texts.join}: ${a.how_to_join}`,
    a.cost ? `${texts.cost}: ${a.cost}` : null,
    `${texts.contact}: ${contactsText(a, texts)}`,
    a.url,
    a.demo_label ? texts.demo : null,
  ].filter(Boolean).join("\n"));
  return [texts.title, texts.intro, ...blocks, texts.check].join("\n\n");
}

/** The slip as a short text message: one line per activity. */
export function smsText(slip) {
  if (!slip) return "";
  const { results, texts } = slip;
  const lines = results.map((a, i) => {
    const c = a.organizer_contact || {};
    return `${i + 1}. ${a.name}: ${a.schedule}, ${a.place}. ${c.phone || c.email || ""} ${a.url || ""}`.replace(/\s+/g, " ").trim();
  });
  return [`${texts.title}:`, ...lines].join("\n");
}
