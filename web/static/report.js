// "Report an error" under an activity card (chat, widget, kiosk, staff console): the reason
// and an optional short text, sent to POST /api/reports. Nothing else goes with it: no
// session id, no name. The server scrubs phone numbers and e-mail addresses from the text.

import { el, hiddenText } from "./dom.js";
import { t } from "./texts.js";

export const REPORT_REASONS = ["wrong_info", "ended", "contact", "other"];
const MAX_CHARS = 300;
let counter = 0;

async function send(activityId, form, status, lang) {
  const data = new FormData(form);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  status.textContent = t(lang, "reportSending");
  try {
    const response = await fetch("/api/reports", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ activity_id: activityId, reason: data.get("reason"), note: String(data.get("note") || "") }),
    });
    if (!response.ok) throw new Error(String(response.status));
    form.replaceChildren();
    status.textContent = t(lang, "reportThanks");
  } catch (error) {
    status.textContent = t(lang, error.message === "429" ? "reportTooMany" : "reportFailed");
    button.disabled = false;
  }
}

/** The closed "Report an error" section for activity card `a`. */
export function reportSection(a, lang) {
  const id = `report-${++counter}`;
  const status = el("p", { class: "report-status", role: "status" });
  const form = el("form", { class: "report-form" },
    el("fieldset", {},
      el("legend", {}, t(lang, "reportWhat")),
      REPORT_REASONS.map((reason, i) => el("label", { class: "check" },
        el("input", { type: "radio", name: "reason", value: reason, required: true, checked: i === 0 }),
        " ", el("span", {}, t(lang, `reason_${reason}`))))),
    el("label", { for: `${id}-note` }, t(lang, "reportNote")),
    el("p", { class: "hint", id: `${id}-hint` }, t(lang, "reportNoteHint", { max: MAX_CHARS })),
    el("textarea", { id: `${id}-note`, name: "note", rows: 3, maxlength: MAX_CHARS, "aria-describedby": `${id}-hint` }),
    el("button", { type: "submit" }, t(lang, "reportSend")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(a.id, form, status, lang);
  });
  return el("details", { class: "report" },
    el("summary", {}, t(lang, "reportError"), hiddenText(`: ${a.name}`)),
    form, status);
}
