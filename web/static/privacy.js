// The privacy notice, on every page: what is processed, how long it is kept, whom to contact.
//
// A page includes this module and marks where the notice goes:
//   <details class="privacy" data-privacy-notice></details>   (an openable notice with a link to
//                                                              /privacy; data-no-link: without)
//   <div data-privacy-notice data-full></div>                  (the /privacy page: headings)
// The texts are in texts.js; the retention times and the contact come from GET /api/privacy
// (the settings), so the notice always says what the server really does. The notice follows
// the page's language (<html lang>), also when the page switches language later.

import { el, safeUrl } from "./dom.js";
import { pickLang, t } from "./texts.js";

const facts = fetch("/api/privacy")
  .then((r) => (r.ok ? r.json() : {}))
  .catch(() => ({}));

function fill(text, values) {
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
}

/** The contact as a link when it is an e-mail or web address. */
function contactNode(contact) {
  if (/^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i.test(contact)) return el("a", { href: `mailto:${contact}` }, contact);
  const url = safeUrl(contact);
  return url ? el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, contact) : contact;
}

/** An item's text with {placeholders} filled in; {contact} becomes a link. */
function item(text, info) {
  if (info.needs_retention_months === 0) {   // counts kept without a limit: drop the sentence about it
    text = text.split(/(?<=\.) /).filter((sentence) => !sentence.includes("{months}")).join(" ");
  }
  const values = {
    minutes: info.conversation_retention_minutes ?? "…",
    months: info.needs_retention_months ?? "…",
    controller: info.controller ?? "…",
  };
  const [before, after] = fill(text, values).split("{contact}");
  if (after === undefined) return el("li", {}, before);
  return el("li", {}, before, info.contact ? contactNode(info.contact) : "…", after);
}

function sections(lang, info, full) {
  return t(lang, "privacyNotice").map((section) =>
    el("section", { class: "privacy-section" },
      full ? el("h2", {}, section.heading) : el("p", { class: "privacy-heading" }, el("strong", {}, section.heading)),
      el("ul", {}, section.items.map((text) => item(text, info)))));
}

function render(node, lang, info) {
  const full = node.hasAttribute("data-full");
  const body = sections(lang, info, full);
  if (full) {
    node.replaceChildren(...body);
    return;
  }
  // No link on the kiosk: a new tab there would leave the next visitor stranded.
  const link = node.hasAttribute("data-no-link") ? null
    : el("p", {}, el("a", { href: `/privacy?lang=${lang}`, target: "_blank", rel: "noopener" }, t(lang, "privacyFull")));
  node.replaceChildren(el("summary", {}, t(lang, "privacySummary")), ...body, ...(link ? [link] : []));
}

async function renderAll() {
  const info = await facts;
  const lang = pickLang(document.documentElement.lang);
  for (const node of document.querySelectorAll("[data-privacy-notice]")) render(node, lang, info);
  document.body.dataset.privacyReady = lang;
}

renderAll();
// Pages switch language by setting <html lang>; the notice follows.
new MutationObserver(renderAll).observe(document.documentElement, { attributes: true, attributeFilter: ["lang"] });
