// The kiosk (/kiosk): a shared touch screen in a library or a service point.
//
// Start screen: language buttons and common situations (no typing needed). The chat
// screen shows the same conversation as the chat page, with a QR code on every suggestion.
// Idle reset: after `idle` seconds without a touch or a key a warning counts down `warning`
// seconds ("I'm still here" keeps the conversation); then the conversation is ended on the
// server, the page forgets it, all browser storage is wiped and the start screen returns.
// The times come from GET /api/kiosk/config; ?idle=N and ?warning=N (N ≥ 3) override them.
// The kiosk's own town (setting MUKAAN_KIOSK_MUNICIPALITY, or ?municipality=Name for one
// kiosk of a city in another town) is the first answer offered to "which municipality?".

import { Conversation } from "./conversation.js";
import { $, $$, applyTexts, el, wipeBrowserStorage } from "./dom.js";
import { pickLang, t } from "./texts.js";

const params = new URLSearchParams(location.search);
const DEFAULT_LANG = pickLang(params.get("lang"), document.documentElement.lang);
const MIN_SECONDS = 3;
const timing = { idle: 120, warning: 30 };
let home = null;  // {fi, sv}: the kiosk's municipality, if it has one
let lang = DEFAULT_LANG;

const start = $("#start");
const chat = $("#chat");
const dialog = $("#idle-dialog");

const conversation = new Conversation({
  list: $("#messages"),
  status: $("#status"),
  busy: $("#log"),
  lang,
  persist: false,
  key: "mukaan-kiosk",
  cardOptions: { link: false, qr: true },
  onLang: applyLang,
  onMessage: () => idle.activity(),
  onStartOver: () => wipe(),
});

// ---------------------------------------------------------------------------------------------
// Texts and language

function durationText(seconds) {
  return seconds >= 120 && seconds % 60 === 0
    ? t(lang, "minutes", { n: seconds / 60 })
    : t(lang, "seconds", { n: seconds });
}

function applyLang(next) {
  lang = next;
  conversation.lang = next;
  conversation.municipality = home && ((lang === "sv" && home.sv) || home.fi);
  document.documentElement.lang = lang;
  document.title = t(lang, "pageTitle");
  applyTexts(document, (key) => t(lang, key));
  $("#auto-clear").textContent = t(lang, "kioskAutoClear", { time: durationText(timing.idle) });
  for (const button of $$(".langs button")) {
    button.setAttribute("aria-pressed", String(button.dataset.lang === lang));
  }
  renderSituations();
}

function renderSituations() {
  $("#situations").replaceChildren(...t(lang, "situations").map((s) => {
    const button = el("button", { type: "button", class: "situation" }, s.label);
    button.addEventListener("click", () => begin(s.message));
    return button;
  }));
}

// ---------------------------------------------------------------------------------------------
// Screens

function showChat() {
  start.hidden = true;
  chat.hidden = false;
}

function showStart() {
  chat.hidden = true;
  start.hidden = false;
  $("#start-title").focus();
}

/** The first message, from a situation button or the start screen's text box. */
function begin(message) {
  showChat();
  conversation.send(message);
  $("#input").focus();
}

/** Ends everything: the server's conversation, the page's, and all browser storage. */
function wipe() {
  idle.stop();
  conversation.reset({ end: true });
  wipeBrowserStorage();
  $("#input").value = "";
  $("#start-input").value = "";
  applyLang(DEFAULT_LANG);
  showStart();
}

// ---------------------------------------------------------------------------------------------
// Idle reset with a warning (WCAG 2.2.1: the user can extend the time with a simple action)

const idle = {
  active: false,   // is there anything to wipe?
  idleTimer: null,
  tickTimer: null,
  remaining: 0,

  activity() {
    if (dialog.open) return;  // while warning, only the dialog's buttons count
    this.active = true;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.warn(), timing.idle * 1000);
  },

  warn() {
    this.remaining = timing.warning;
    this.showRemaining();
    dialog.showModal();
    $("#still-here").focus();
    this.tickTimer = setInterval(() => this.tick(), 1000);
  },

  tick() {
    this.remaining -= 1;
    if (this.remaining <= 0) wipe();
    else this.showRemaining();
  },

  showRemaining() {
    $("#idle-countdown").textContent = t(lang, "warnCountdown", { n: this.remaining });
  },

  stillHere() {
    clearInterval(this.tickTimer);
    if (dialog.open) dialog.close();
    this.activity();
  },

  stop() {
    clearTimeout(this.idleTimer);
    clearInterval(this.tickTimer);
    if (dialog.open) dialog.close();
    this.active = false;
  },
};

// ---------------------------------------------------------------------------------------------
// Set-up

async function loadConfig() {
  try {
    const town = params.get("municipality");
    const response = await fetch(`/api/kiosk/config${town ? `?municipality=${encodeURIComponent(town)}` : ""}`);
    if (response.ok) {
      const config = await response.json();
      timing.idle = config.idle_seconds;
      timing.warning = config.warning_seconds;
      home = config.municipality;
    }
  } catch { /* keep the defaults */ }
  for (const [param, key] of [["idle", "idle"], ["warning", "warning"]]) {
    const value = Number(params.get(param));
    if (Number.isFinite(value) && value >= MIN_SECONDS) timing[key] = value;
  }
}

/** Before any printing (the Print button or the browser's own): the latest suggestions alone,
 *  under a title, on one A4 page (kiosk.css). */
function markForPrint() {
  const latest = $$("#messages .msg.bot").filter((m) => m.querySelector(".cards")).pop();
  for (const m of $$("#messages .msg.printed")) m.classList.remove("printed");
  $$(".print-title").forEach((node) => node.remove());
  if (latest) {
    latest.classList.add("printed");
    latest.prepend(el("p", { class: "print-title", "aria-hidden": "true" }, t(lang, "printTitle")));
  }
}

function onSubmit(form, input, handler) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value.trim();
    input.value = "";
    if (text) handler(text);
    else input.focus();
  });
}

function listen() {
  for (const type of ["pointerdown", "keydown", "input", "wheel"]) {
    document.addEventListener(type, () => idle.activity(), { passive: true, capture: true });
  }
  for (const button of $$(".langs button")) {
    button.addEventListener("click", () => applyLang(button.dataset.lang));
  }
  onSubmit($("#start-form"), $("#start-input"), begin);
  onSubmit($("#form"), $("#input"), (text) => conversation.send(text));
  $("#end").addEventListener("click", wipe);
  $("#print").addEventListener("click", () => window.print());
  window.addEventListener("beforeprint", markForPrint);
  $("#still-here").addEventListener("click", () => idle.stillHere());
  $("#end-now").addEventListener("click", wipe);
  dialog.addEventListener("cancel", (event) => {  // Escape means "I'm still here"
    event.preventDefault();
    idle.stillHere();
  });
}

$("#start-title").setAttribute("tabindex", "-1");
listen();
applyLang(lang);
await loadConfig();
applyLang(lang);
Object.assign(document.body.dataset, { idleSeconds: timing.idle, warningSeconds: timing.warning, ready: "true" });
