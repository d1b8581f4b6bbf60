// Staff review (/staff/review), beside review.js: associations' requests for an edit link
// (approve: the link is created, and e-mailed when e-mail is set up; decline with a reason,
// e-mailed too),
// and "send by e-mail" for a link staff create for an organisation whose address is known
// (the one it gave when it asked for access).

import { $, el, languageName } from "./dom.js";

/** The section's behaviour over review.js's helpers: json(path, body), guarded(work),
 *  say(text), button(text, onClick, cls, label), T(key, vars), date(iso), reload(). */
export function accessRequests({ json, guarded, say, button, T, date, lang, reload }) {
  let contacts = {};
  let mailEnabled = false;

  /** What staff are told about a link just made: e-mailed, or why not (then: copy it). */
  function mailText(made) {
    if (!made.mail) return "";
    return made.mail.sent ? T("mailSent", { to: made.mail.to })
      : T("mailFailed", { problem: T(`mail_${made.mail.code}`) });
  }

  function showLink(made) {
    $("#access-made").textContent = made.mail ? `${T("accessApproved", { name: made.name })} ${mailText(made)}`
      : T("accessApprovedCopy", { name: made.name });
    $("#access-url").value = made.link;
    $("#access-box").hidden = false;
    $("#access-url").focus();
    $("#access-url").select();
  }

  function item(r) {
    const id = `decline-${r.id}`;
    const reason = el("textarea", { id, rows: 2, maxlength: 500, "aria-describedby": `${id}-hint` });
    const meta = [T("accessReqOn", { date: date(r.created) }),
      r.business_id ? T("accessReqBid", { id: r.business_id }) : T("accessReqNoBid"),
      T("accessReqLang", { lang: languageName(r.lang, lang()) })].join(" · ");
    return el("li", { class: "review-item", "data-request": r.id },
      el("h3", {}, r.org_name),
      el("p", { class: "meta" }, r.email),
      el("p", { class: "meta" }, meta),
      r.known ? null : el("p", {}, T("accessReqNew")),
      r.live_link ? el("p", { class: "hidden-mark" }, T("accessReqReplaces")) : null,
      r.message ? el("p", {}, r.message) : null,
      el("div", { class: "buttons-row" },
        button(T("accessApprove"), () => approve(r), "primary", `${T("accessApprove")}: ${r.org_name}`)),
      el("div", { class: "control" }, el("label", { for: id }, T("accessDeclineLabel")),
        el("p", { class: "hint", id: `${id}-hint` }, T(mailEnabled ? "accessDeclineHintMail" : "accessDeclineHint")),
        reason),
      button(T("accessDecline"), () => decline(r, reason), "quiet", `${T("accessDecline")}: ${r.org_name}`));
  }

  function approve(r) {
    return guarded(async () => {
      const made = await json(`/api/staff/access-requests/${r.id}/approve`, {});
      await reload();
      showLink(made);
    });
  }

  function decline(r, reasonField) {
    if (!reasonField.value.trim()) {
      say(T("accessDeclineNeeded"));
      reasonField.focus();
      return null;
    }
    return guarded(async () => {
      const done = await json(`/api/staff/access-requests/${r.id}/decline`, { reason: reasonField.value });
      await reload();
      if (!done.mail) say(T("accessDeclined"));
      else if (done.mail.sent) say(T("accessDeclinedMailed", { to: done.mail.to }));
      else say(T("accessDeclinedMailFailed", { problem: T(`mail_${done.mail.code}`) }));
    });
  }

  /** The "send by e-mail" choice under the edit links, for the organisation picked. */
  function mailChoice() {
    const email = contacts[$("#link-org").value];
    $("#link-mail-choice").hidden = !(mailEnabled && email);
    $("#link-mail-label").textContent = email ? T("sendByMail", { email }) : "";
    if (!email) $("#link-mail").checked = false;
  }

  async function load() {
    const [requests, known] = await Promise.all([json("/api/staff/access-requests"), json("/api/staff/contacts")]);
    mailEnabled = requests.mail_enabled;
    const items = requests.requests.map(item);
    $("#access-requests").replaceChildren(...(items.length ? items : [el("li", {}, T("noAccessRequests"))]));
    contacts = known.contacts;
    mailEnabled = known.mail_enabled;
    mailChoice();
  }

  $("#link-org").addEventListener("change", mailChoice);
  return {
    load,
    /** Where the link form posts: e-mailed when staff ticked the box. */
    linkPath: () => (!$("#link-mail-choice").hidden && $("#link-mail").checked
      ? "/api/staff/links/mail" : "/api/staff/links"),
    mailText,
  };
}
