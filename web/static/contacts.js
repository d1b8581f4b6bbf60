// How to get in touch with an activity's organiser: phone (tel:), e-mail (mailto:), the street
// address with a map link (OpenStreetMap, a plain link: no map script on the page) and the
// organiser's own web page. Used by the resident card and by the staff console.

import { el, hiddenText, safeUrl, telHref } from "./dom.js";
import { t } from "./texts.js";

const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
const OSM = /^https:\/\/www\.openstreetmap\.org\//;

function external(href, text, lang, hidden = "") {
  return el("a", { href, target: "_blank", rel: "noopener noreferrer" }, text,
    hiddenText(`${hidden} ${t(lang, "newTab")}`));
}

/** [key, label, value node] triples of the contacts an activity card has, in the reader's language. */
export function contactFields(a, lang) {
  const c = a.organizer_contact || {};
  const fields = [];
  const tel = telHref(c.phone);
  if (tel) fields.push(["phone", t(lang, "phone"), el("a", { href: tel, class: "tel" }, c.phone)]);
  if (c.email && EMAIL.test(c.email)) fields.push(["email", t(lang, "email"), el("a", { href: `mailto:${c.email}` }, c.email)]);
  if (a.address) {
    const map = a.map_url && OSM.test(a.map_url) ? a.map_url : null;
    fields.push(["address", t(lang, "address"), el("span", {}, a.address,
      map ? [" ", external(map, t(lang, "map"), lang, `: ${a.address}`)] : null)]);
  }
  const page = safeUrl(c.url);
  if (page) fields.push(["web", t(lang, "web"), external(page, page.replace(/^https?:\/\//, "").replace(/\/$/, ""), lang)]);
  return fields;
}
