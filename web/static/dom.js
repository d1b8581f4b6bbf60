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

/** Sets the text of every element with data-t="key" (and data-t-attr="attribute" for attributes). */
export function applyTexts(root, translate) {
  for (const node of $$("[data-t]", root)) {
    const value = translate(node.dataset.t);
    if (node.dataset.tAttr) node.setAttribute(node.dataset.tAttr, value);
    else node.textContent = value;
  }
}
