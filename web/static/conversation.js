// One conversation with the bot through POST /api/chat, rendered into a list: the
// resident's messages, the bot's texts, quick-reply buttons and activity cards.
// Used by the chat page (and so by the widget) and by the kiosk.
//
// What stays in the browser: the conversation id, and (chat page only) the conversation
// itself in sessionStorage, so that it survives moving between pages in the same tab.
// Both go when the tab is closed or the resident starts over.

import { activityCard } from "./cards.js";
import { el, hiddenText, reveal, withPhoneLinks } from "./dom.js";
import { t } from "./texts.js";

export class Conversation {
  /**
   * list: the <ol> that holds the messages; status: a role=status element for "waiting…";
   * busy: the live region to mark aria-busy while waiting; lang: the starting language;
   * onLang(lang): called when the bot switches language; onMessage(): after every reply;
   * persist: keep the conversation in sessionStorage; cardOptions: see activityCard();
   * onStartOver(): the bot's own "start over" button was pressed (the page clears itself);
   * municipality: offered as the first answer when the bot asks for the municipality (kiosk).
   */
  constructor({ list, status, busy, lang, onLang = () => {}, onMessage = () => {}, onStartOver = null,
                persist = true, cardOptions = {}, key = "mukaan", municipality = null }) {
    Object.assign(this, { list, status, busy: busy || list, lang, onLang, onMessage, onStartOver, persist,
                          cardOptions, key, municipality });
    this.session = this.read("session");
    this.transcript = persist ? JSON.parse(this.read("transcript") || "[]") : [];
    this.queue = Promise.resolve();
    this.generation = 0;
  }

  read(name) {
    try { return sessionStorage.getItem(`${this.key}-${name}`); } catch { return null; }
  }

  write(name, value) {
    try {
      if (value === null) sessionStorage.removeItem(`${this.key}-${name}`);
      else sessionStorage.setItem(`${this.key}-${name}`, value);
    } catch { /* storage blocked or full: the conversation still works, it just is not kept */ }
  }

  /** Shows a kept conversation, or greets the resident when there is none. */
  start() {
    if (this.transcript.length && this.session) {
      for (const entry of this.transcript) this.render(entry.message, entry.who, entry.lang);
      return Promise.resolve();
    }
    this.transcript = [];
    return this.send("/greet", null);
  }

  get hasResidentMessages() {
    return this.transcript.some((entry) => entry.who === "me");
  }

  /** Sends a message (or a button's payload); `shown` is what the resident's bubble says,
   *  null for none. Messages are sent one after another, never at the same time. */
  send(message, shown = message) {
    if (shown !== null) this.add({ text: shown }, "me");
    this.queue = this.queue.then(() => this.post(message));
    return this.queue;
  }

  async post(message) {
    const generation = this.generation;
    this.waiting(true);
    try {
      const response = await fetch("/api/chat", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session: this.session, message, lang: this.lang }),
      });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const data = await response.json();
      if (generation !== this.generation) return;  // the conversation was reset meanwhile
      this.session = data.session;
      this.write("session", this.session);
      if (data.lang && data.lang !== this.lang) {
        this.lang = data.lang;
        this.onLang(data.lang);
      }
      this.waiting(false);
      const first = data.messages.map((m) => this.add(m, "bot", m.lang || data.lang))[0];
      // A long answer is read from its beginning; the greeting leaves the page at its top.
      if (first && this.hasResidentMessages) reveal(first, "start");
    } catch (error) {
      this.waiting(false);
      if (generation !== this.generation) return;
      this.add({ text: t(this.lang, "error"), kind: "notice" }, "bot", this.lang, false);
    }
    this.onMessage();
  }

  waiting(on) {
    this.busy.setAttribute("aria-busy", String(on));
    if (this.status) this.status.textContent = on ? t(this.lang, "waiting") : "";
  }

  /** Renders a message and remembers it (unless keep is false). */
  add(message, who, lang = this.lang, keep = true) {
    if (keep) {
      this.transcript.push({ who, message, lang });
      if (this.persist) this.write("transcript", JSON.stringify(this.transcript));
    }
    return this.render(message, who, lang);
  }

  render(m, who, lang = this.lang) {
    const kind = m.kind ? ` ${m.kind}` : "";
    const item = el("li", { class: `msg ${who}${kind}`, lang },
      hiddenText(`${t(lang, who === "me" ? "you" : "bot")}: `),
      m.text ? el("p", { class: "text" }, who === "bot" ? withPhoneLinks(m.text) : m.text) : null,
      m.activities && m.activities.length ? this.cards(m.activities, lang) : null,
      m.buttons && m.buttons.length ? this.buttons(this.offered(m), lang) : null);
    this.list.append(item);
    return item;
  }

  cards(activities, lang) {
    return el("ul", { class: "cards", "aria-label": t(lang, "suggestions") },
      activities.map((a) => activityCard(a, lang, this.cardOptions)));
  }

  /** The message's buttons; when it asks for the municipality, this place's first. */
  offered(m) {
    const place = m.ask === "municipality" && this.municipality;
    return place ? [{ title: place, payload: place }, ...m.buttons] : m.buttons;
  }

  buttons(buttons, lang) {
    const group = el("div", { class: "buttons", role: "group", "aria-label": t(lang, "choices") });
    for (const b of buttons) {
      const button = el("button", { type: "button" }, b.title);
      const startOver = b.payload === "/start_over" && this.onStartOver;
      button.addEventListener("click", () => (startOver ? this.onStartOver() : this.send(b.payload, b.title)));
      group.append(button);
    }
    return group;
  }

  /** Forgets the conversation here; `end` also asks the server to end it. */
  reset({ end = false } = {}) {
    if (end && this.session) {
      fetch("/api/chat", {
        method: "POST", keepalive: true, headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ session: this.session, message: "/start_over", lang: this.lang }),
      }).catch(() => {});
    }
    this.generation += 1;
    this.waiting(false);
    this.session = null;
    this.transcript = [];
    this.write("session", null);
    this.write("transcript", null);
    this.list.replaceChildren();
    this.queue = Promise.resolve();
  }
}
