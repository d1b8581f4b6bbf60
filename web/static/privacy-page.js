// The privacy page (/privacy): its language from ?lang=fi|sv|en (the pages link to it with
// theirs); the notice itself is drawn by privacy.js.

import { $$, applyTexts } from "./dom.js";
import { pickLang, t } from "./texts.js";

const lang = pickLang(new URLSearchParams(location.search).get("lang"), document.documentElement.lang);
document.documentElement.lang = lang;
document.title = t(lang, "privacyTitle");
applyTexts(document, (key) => t(lang, key));
for (const link of $$(".langs a")) {
  if (link.dataset.lang === lang) link.setAttribute("aria-current", "page");
}
