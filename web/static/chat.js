// Mukaan resident chat: sends messages to /api/chat and renders replies, buttons and
// activity cards. Nothing is kept in the browser except the conversation id for this tab.
(() => {
  "use strict";
  const UI = {
    fi: { title: "Mukaan", label: "Viesti", send: "Lähetä", restart: "Aloita alusta", placeholder: "Kirjoita tähän…",
          notice: "Mukaan on automaattinen chat-botti. Se ehdottaa yhdistysten toimintaa. Viestejäsi ei tallenneta. Toiminnot ovat esimerkkitietoja (demo).",
          hello: "Hei", join: "Näin pääset mukaan", why: "Miksi tämä", updated: "Päivitetty", languages: "Kielet", link: "Lisätietoja", error: "Yhteys katkesi. Yritä uudelleen." },
    sv: { title: "Mukaan", label: "Meddelande", send: "Skicka", restart: "Börja om", placeholder: "Skriv här…",
          notice: "Mukaan är en automatisk chattbot. Den föreslår föreningsverksamhet. Dina meddelanden sparas inte. Verksamheterna är exempeldata (demo).",
          hello: "Hej", join: "Så här kommer du med", why: "Varför detta", updated: "Uppdaterad", languages: "Språk", link: "Mer information", error: "Anslutningen bröts. Försök igen." },
    en: { title: "Mukaan", label: "Message", send: "Send", restart: "Start over", placeholder: "Type here…",
          notice: "Mukaan is an automated chatbot. It suggests activities run by associations. Your messages are not stored. The activities are demo data.",
          hello: "Hello", join: "How to join", why: "Why this", updated: "Updated", languages: "Languages", link: "More information", error: "The connection failed. Please try again." },
  };
  const $ = (id) => document.getElementById(id);
  const log = $("log"), input = $("input"), form = $("form");
  let lang = ["fi", "sv", "en"].includes(document.documentElement.lang) ? document.documentElement.lang : "fi";
  let session = sessionStorage.getItem("mukaan-session") || null;

  function el(tag, attrs = {}, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function applyLang(newLang) {
    lang = newLang;
    const t = UI[lang];
    document.documentElement.lang = lang;
    $("title").textContent = t.title;
    $("input-label").textContent = t.label;
    $("send").textContent = t.send;
    $("restart").textContent = t.restart;
    $("notice").textContent = t.notice;
    input.placeholder = t.placeholder;
    document.querySelectorAll(".langs button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === lang)));
  }

  function card(a) {
    const t = UI[lang];
    const li = el("li", { class: "card", lang: a.text_lang || lang });
    li.append(el("h3", {}, a.name));
    if (a.demo_label) li.append(el("span", { class: "demo" }, a.demo_label));
    li.append(el("p", { class: "meta" }, `${a.organizer} · ${a.place}`));
    li.append(el("p", {}, a.schedule));
    if (a.cost) li.append(el("p", { class: "meta" }, a.cost));
    li.append(el("p", { class: "meta" }, `${t.languages}: ${a.languages.join(", ")}`));
    li.append(el("p", {}, `${t.join}: ${a.how_to_join}`));
    if (a.why) li.append(el("p", { class: "why", lang }, `${t.why}: ${a.why}`));
    li.append(el("p", { class: "meta" }, `${t.updated}: ${a.updated}`));
    if (a.url) { const p = el("p"); p.append(el("a", { href: a.url, rel: "noopener", target: "_blank" }, t.link)); li.append(p); }
    return li;
  }

  function addMessage(m, who) {
    const li = el("li", { class: `msg ${who}${m.kind === "crisis" ? " crisis" : ""}`, lang: m.lang || lang });
    if (m.text) li.append(el("p", { style: "margin:0" }, m.text));
    if (m.activities && m.activities.length) {
      const ul = el("ul", { class: "cards" });
      m.activities.forEach((a) => ul.append(card(a)));
      li.append(ul);
    }
    if (m.buttons && m.buttons.length) {
      const div = el("div", { class: "buttons" });
      m.buttons.forEach((b) => {
        const btn = el("button", { type: "button" }, b.title);
        btn.addEventListener("click", () => send(b.payload, b.title));
        div.append(btn);
      });
      li.append(div);
    }
    log.append(li);
    li.scrollIntoView({ block: "nearest" });
  }

  async function send(message, shown) {
    addMessage({ text: shown || message }, "me");
    try {
      const r = await fetch("/api/chat", { method: "POST", headers: { "Content-Type": "application/json" },
                                            body: JSON.stringify({ session, message, lang }) });
      if (!r.ok) throw new Error(String(r.status));
      const data = await r.json();
      session = data.session;
      sessionStorage.setItem("mukaan-session", session);
      if (data.lang !== lang) applyLang(data.lang);
      data.messages.forEach((m) => addMessage(m, "bot"));
    } catch (e) {
      addMessage({ text: UI[lang].error, kind: "notice" }, "bot");
    }
  }

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  $("restart").addEventListener("click", () => {
    log.replaceChildren();
    sessionStorage.removeItem("mukaan-session");
    session = null;
    send("/greet", UI[lang].hello);
  });
  document.querySelectorAll(".langs button").forEach((b) => b.addEventListener("click", () => applyLang(b.dataset.lang)));
  applyLang(lang);
  send("/greet", UI[lang].hello);
})();
