// The resident chat page (/), also shown inside the widget's panel (/?embed=1).
// Query parameters: lang=fi|sv|en (the starting language), embed=1 (compact layout; Escape
// asks the widget to close the panel).

import { Conversation } from "./conversation.js";
import { $, $$, applyTexts } from "./dom.js";
import { pickLang, t } from "./texts.js";

const params = new URLSearchParams(location.search);
const embedded = params.get("embed") === "1";
const input = $("#input");
const form = $("#form");

function storedLang() {
  try { return sessionStorage.getItem("mukaan-lang"); } catch { return null; }
}

let lang = pickLang(params.get("lang"), storedLang(), document.documentElement.lang);

/** Shows the page in `next`: every labelled text, the title, html lang (privacy.js follows it). */
function applyLang(next) {
  lang = next;
  document.documentElement.lang = lang;
  document.title = t(lang, "pageTitle");
  applyTexts(document, (key) => t(lang, key));
  for (const button of $$(".langs button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  }
  try { sessionStorage.setItem("mukaan-lang", lang); } catch { /* not kept: fine */ }
}

const conversation = new Conversation({
  list: $("#messages"),
  status: $("#status"),
  busy: $("#log"),
  lang,
  onLang: applyLang,
  onStartOver: () => startOver(),
});

/** The resident picked a language: before they have written anything, greet again in it. */
function switchLang(next) {
  if (next === lang) return;
  applyLang(next);
  conversation.lang = next;
  if (!conversation.hasResidentMessages) {
    conversation.reset({ end: true });
    conversation.start();
  }
}

function submit(event) {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) {
    input.focus();
    return;
  }
  input.value = "";
  conversation.send(text);
}

/** Ends the conversation on the server and clears the screen: the next person sees nothing of it. */
function startOver() {
  conversation.reset({ end: true });
  window.scrollTo({ top: 0 });
  conversation.start();
  input.focus({ preventScroll: true });
}

function setUpEmbedding() {
  document.body.classList.add("embedded");
  // Tells the widget that the chat could be shown in its frame (else it offers a new tab).
  if (window.parent !== window) window.parent.postMessage({ type: "mukaan:ready" }, "*");
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && window.parent !== window) {
      window.parent.postMessage({ type: "mukaan:close" }, "*");
    }
  });
  window.addEventListener("message", (event) => {
    if (event.source === window.parent && event.data && event.data.type === "mukaan:focus") input.focus();
  });
}

form.addEventListener("submit", submit);
input.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    form.requestSubmit();
  }
});
$("#restart").addEventListener("click", startOver);
for (const button of $$(".langs button")) {
  button.addEventListener("click", () => switchLang(button.dataset.lang));
}
if (embedded) setUpEmbedding();
applyLang(lang);
conversation.start();
