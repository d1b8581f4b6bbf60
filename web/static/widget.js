/* Mukaan chat widget for any web page:
 *
 *   <script src="https://MUKAAN-HOST/widget.js" defer></script>
 *
 * adds a floating "find activities in chat" button; it opens a panel with the Mukaan chat
 * (an iframe to https://MUKAAN-HOST/?embed=1). Optional attributes on the script tag:
 * data-lang="fi|sv|en" (default: the page's <html lang>, else Finnish).
 * The page can also call window.MukaanWidget.open() and .close().
 * When the chat cannot be shown in the frame (the Mukaan server does not list this site in
 * MUKAAN_FRAME_ANCESTORS, or the site's own policy forbids the frame), the panel offers a link
 * that opens the chat in a new tab instead.
 * A plain script with no dependencies; its look is in widget.css next to it.
 */
(function () {
  "use strict";
  if (window.__mukaanWidgetLoaded) return;  // included twice: one widget is enough
  window.__mukaanWidgetLoaded = true;

  var script = document.currentScript;
  var origin = new URL(script.src, location.href).origin;
  var TEXTS = {
    fi: { open: "Etsi toimintaa chatissa", close: "Sulje", frame: "Mukaan-chat: löydä yhdistysten toimintaa",
          privacy: "Tietosuoja", blocked: "Chat ei voi avautua tällä sivulla.",
          newTab: "Avaa Mukaan-chat uuteen välilehteen" },
    sv: { open: "Sök verksamhet i chatten", close: "Stäng", frame: "Mukaan-chatt: hitta föreningsverksamhet",
          privacy: "Dataskydd", blocked: "Chatten kan inte öppnas på den här sidan.",
          newTab: "Öppna Mukaan-chatten i en ny flik" },
    en: { open: "Find activities in chat", close: "Close", frame: "Mukaan chat: find activities run by associations",
          privacy: "Privacy", blocked: "The chat cannot open on this page.",
          newTab: "Open the Mukaan chat in a new tab" },
  };

  function pickLang() {
    var wanted = [script.getAttribute("data-lang"), document.documentElement.lang];
    for (var i = 0; i < wanted.length; i++) {
      var code = (wanted[i] || "").slice(0, 2).toLowerCase();
      if (TEXTS[code]) return code;
    }
    return "fi";
  }

  var lang = pickLang();
  var T = TEXTS[lang];

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    svg.setAttribute("class", "mukaan-widget-icon");
    var path = document.createElementNS(ns, "path");
    path.setAttribute("d", "M4 4h16a2 2 0 0 1 2 2v9a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z");
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    return svg;
  }

  function build() {
    var root = el("div", { class: "mukaan-widget", lang: lang });
    var toggle = el("button", { type: "button", class: "mukaan-widget-toggle",
                                "aria-expanded": "false", "aria-controls": "mukaan-widget-panel" });
    toggle.appendChild(chatIcon());
    toggle.appendChild(el("span", {}, T.open));
    var panel = el("div", { id: "mukaan-widget-panel", class: "mukaan-widget-panel", role: "dialog",
                            "aria-labelledby": "mukaan-widget-title" });
    panel.hidden = true;
    var bar = el("div", { class: "mukaan-widget-bar" });
    bar.appendChild(el("p", { id: "mukaan-widget-title", class: "mukaan-widget-title" }, "Mukaan"));
    // The privacy notice (also inside the chat): what is processed, how long, whom to contact.
    bar.appendChild(el("a", { class: "mukaan-widget-privacy", href: origin + "/privacy?lang=" + lang,
                              target: "_blank", rel: "noopener" }, T.privacy));
    var closeButton = el("button", { type: "button", class: "mukaan-widget-close" }, T.close);
    bar.appendChild(closeButton);
    panel.appendChild(bar);
    root.appendChild(toggle);
    root.appendChild(panel);
    document.body.appendChild(root);
    return { toggle: toggle, panel: panel, closeButton: closeButton };
  }

  // How long after the frame has loaded the chat has to say it is there (mukaan:ready).
  var READY_WAIT_MS = 3000;

  function start() {
    var ui = build();
    var frame = null;
    var ready = false;
    var fallbackTimer = null;

    /** The chat could not be framed: say so and offer it in a new tab. */
    function showFallback() {
      if (ready || ui.panel.querySelector(".mukaan-widget-fallback")) return;
      var box = el("div", { class: "mukaan-widget-fallback", role: "status" });
      box.appendChild(el("p", {}, T.blocked));
      box.appendChild(el("a", { href: origin + "/?lang=" + lang, target: "_blank", rel: "noopener",
                                class: "mukaan-widget-newtab" }, T.newTab));
      frame.hidden = true;
      ui.panel.appendChild(box);
      box.querySelector("a").focus();
    }

    function focusChat() {
      frame.focus();
      frame.contentWindow.postMessage({ type: "mukaan:focus" }, origin);
    }

    function open() {
      ui.panel.hidden = false;
      ui.toggle.setAttribute("aria-expanded", "true");
      if (!frame) {  // the chat loads only when someone opens it
        frame = el("iframe", { class: "mukaan-widget-frame", title: T.frame,
                               src: origin + "/?embed=1&lang=" + lang });
        frame.addEventListener("load", function () {
          if (ready) return focusChat();
          clearTimeout(fallbackTimer);
          fallbackTimer = setTimeout(showFallback, READY_WAIT_MS);
        });
        fallbackTimer = setTimeout(showFallback, 4 * READY_WAIT_MS);  // not even loaded
        ui.panel.appendChild(frame);
      } else {
        focusChat();
      }
    }

    function close() {
      if (ui.panel.hidden) return;
      ui.panel.hidden = true;
      ui.toggle.setAttribute("aria-expanded", "false");
      ui.toggle.focus();
    }

    ui.toggle.addEventListener("click", function () { ui.panel.hidden ? open() : close(); });
    ui.closeButton.addEventListener("click", close);
    ui.panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close();
    });
    window.addEventListener("message", function (event) {
      if (event.origin !== origin || !frame || event.source !== frame.contentWindow || !event.data) return;
      if (event.data.type === "mukaan:close") close();
      if (event.data.type === "mukaan:ready" && !ready) {
        ready = true;
        clearTimeout(fallbackTimer);
        focusChat();
      }
    });
    window.MukaanWidget = { open: open, close: close };
  }

  // The look comes from widget.css on the Mukaan server (no inline styles: strict CSPs allow it).
  var css = el("link", { rel: "stylesheet", href: origin + "/widget.css" });
  var started = false;
  function once() {
    if (started) return;
    started = true;
    if (document.body) start();
    else document.addEventListener("DOMContentLoaded", start);
  }
  css.addEventListener("load", once);
  css.addEventListener("error", once);
  document.head.appendChild(css);
})();
