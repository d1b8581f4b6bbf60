// Small helpers shared by the pages: building elements, formatting dates and language
// names, and wiping what a browser keeps (used by the kiosk and by "start over").

/** An element with attributes and children (strings become text, never HTML). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "hidden" && value === true) node.hidden = true;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** `url` if it is an http(s) address, else null: catalogue data never becomes a javascript: link. */
export function safeUrl(url) {
  try {
    const parsed = new URL(String(url));
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

export const $ = (selector, root = document) => root.querySelector(selector);
export const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

/** Text that screen readers read but that is not shown. */
export function hiddenText(text) {
  return el("span", { class: "visually-hidden" }, text);
}

const LOCALES = { fi: "fi-FI", sv: "sv-FI", en: "en-GB" };

/** "2026-09-15" as a long date in the language ("15. syyskuuta 2026"). */
export function formatDate(iso, lang) {
  const [y, m, d] = String(iso || "").split("-").map(Number);
  if (!y || !m || !d) return iso || "";
  return new Intl.DateTimeFormat(LOCALES[lang] || "fi-FI", { dateStyle: "long" }).format(new Date(y, m - 1, d));
}

/** A language code's name in the reader's language ("sv" in Finnish: "ruotsi"). */
export function languageName(code, lang) {
  try {
    return new Intl.DisplayNames([LOCALES[lang] || lang], { type: "language" }).of(code) || code;
  } catch {
    return code;
  }
}

export function prefersReducedMotion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/** Scrolls an element into view, without animation for people who asked for less motion. */
export function reveal(node, block = "nearest") {
  node.scrollIntoView({ block, behavior: prefersReducedMotion() ? "auto" : "smooth" });
}

/** Forgets everything this page's origin keeps in the browser: both storages and cookies. */
export function wipeBrowserStorage() {
  try { sessionStorage.clear(); } catch { /* storage blocked: nothing to wipe */ }
  try { localStorage.clear(); } catch { /* storage blocked: nothing to wipe */ }
  for (const cookie of document.cookie.split(";")) {
    const name = cookie.split("=")[0].trim();
    if (!name) continue;
    const expired = `${name}=; expires=Thu, 01 Jan 1970 00:00:00 GMT`;
    document.cookie = `${expired}; path=/`;
    document.cookie = expired;
  }
}

/** Sets the text of every element with data-t="key" (and data-t-attr="attribute" for attributes;
 *  data-phones makes the phone numbers in the text tel: links). */
export function applyTexts(root, translate) {
  for (const node of $$("[data-t]", root)) {
    const value = translate(node.dataset.t);
    if (node.dataset.tAttr) node.setAttribute(node.dataset.tAttr, value);
    else if ("phones" in node.dataset) node.replaceChildren(...withPhoneLinks(value));
    else node.textContent = value;
  }
}

// Phone numbers as people write them in Finland: 112, 116 123, 09 2525 0111, 0800 123 456,
// +358 40 123 4567. Times ("18–21", "klo 09.30") and years do not match.
const PHONE = /(\+358(?:[ -]?\d){6,12}|\b0\d{1,3}(?:[ -]\d{2,4}){1,4}\b|\b0\d{6,10}\b|\b11[26](?: \d{3})?\b)/g;

/** A tel: address for a phone number as written ("09 2525 0111" → "tel:+358925250111"). */
export function telHref(phone) {
  let digits = String(phone || "").replace(/[^\d+]/g, "");
  if (digits.replace("+", "").length < 3) return null;
  if (digits.startsWith("0") && digits.length > 5) digits = `+358${digits.slice(1)}`;
  return `tel:${digits}`;
}

/** Text as nodes in which every phone number is a tel: link (a tap calls it on a phone). */
export function withPhoneLinks(text) {
  const parts = String(text).split(PHONE);
  return parts.map((part, i) => (i % 2 ? el("a", { href: telHref(part), class: "tel" }, part) : part))
    .filter((part) => part !== "");
}
