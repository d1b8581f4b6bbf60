// Staff review (/staff/review), beside review.js: the activities not checked for a long time,
// a page at a time (/api/staff/freshness?limit=&offset=), the longest unchecked first, with
// "Previous" and "Next" under the list. After a turn of the page focus stays on the button
// pressed, or moves to the other one when the end is reached; the range above the list is
// read out (aria-live).

import { $, el } from "./dom.js";

export const FRESH_PAGE = 20;

/** The section over review.js's helpers: json(path), T(key, vars), date(iso), guarded(work). */
export function freshness({ json, T, date, guarded }) {
  let offset = 0;

  function item(a) {
    return el("li", { class: "review-item" },
      el("h3", {}, a.name),
      el("p", { class: "meta" }, `${a.org_name} · ${T("lastChecked", { date: date(a.checked) })}`),
      a.hidden ? el("p", { class: "hidden-mark" }, T("hiddenMark")) : null);
  }

  function range(from, count, total) {
    return { from: from + 1, to: Math.min(from + count, total) };
  }

  async function load() {
    let fresh = await json(`/api/staff/freshness?limit=${FRESH_PAGE}&offset=${offset}`);
    if (fresh.total && offset >= fresh.total) {            // the list got shorter: its last page
      offset = Math.floor((fresh.total - 1) / FRESH_PAGE) * FRESH_PAGE;
      fresh = await json(`/api/staff/freshness?limit=${FRESH_PAGE}&offset=${offset}`);
    }
    $("#fresh-intro").textContent = T("freshIntro", { remind: fresh.remind_months, hide: fresh.hide_months });
    const items = fresh.activities.map(item);
    $("#stale").replaceChildren(...(items.length ? items : [el("li", {}, T("noStale"))]));
    $("#stale-range").textContent = fresh.total
      ? T("freshRange", { ...range(offset, fresh.activities.length, fresh.total), total: fresh.total,
        hidden: fresh.hidden_total }) : "";
    const prev = $("#stale-prev");
    const next = $("#stale-next");
    prev.disabled = offset === 0;
    next.disabled = offset + FRESH_PAGE >= fresh.total;
    prev.setAttribute("aria-label", T("freshPrevLabel", range(Math.max(offset - FRESH_PAGE, 0), FRESH_PAGE, fresh.total)));
    next.setAttribute("aria-label", T("freshNextLabel", range(offset + FRESH_PAGE, FRESH_PAGE, fresh.total)));
    $("#stale-pages").hidden = fresh.total <= FRESH_PAGE;
  }

  function turn(step, pressed, other) {
    return guarded(async () => {
      offset = Math.max(offset + step, 0);
      await load();
      if (pressed.disabled && !other.disabled) other.focus();
    });
  }

  $("#stale-prev").addEventListener("click", () => turn(-FRESH_PAGE, $("#stale-prev"), $("#stale-next")));
  $("#stale-next").addEventListener("click", () => turn(FRESH_PAGE, $("#stale-next"), $("#stale-prev")));
  return { load };
}
