// Unmet needs for staff: a table of anonymous counts and a CSV download. Uses the same
// staff token as the staff console (kept in this tab's sessionStorage).
"use strict";
(() => {
  const TOKEN_KEY = "mukaan-staff-token";
  const $ = (id) => document.getElementById(id);
  const headers = () => ({ Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) || ""}` });

  async function load() {
    const r = await fetch("/api/staff/needs", { headers: headers() });
    if (!r.ok) {
      $("status").textContent = r.status === 403 ? "Henkilökunnan näkymä ei ole käytössä." : "Tunnus ei kelpaa.";
      return;
    }
    const { rows } = await r.json();
    const body = $("table").querySelector("tbody");
    body.replaceChildren(...rows.map((row) => {
      const tr = document.createElement("tr");
      for (const key of ["month", "kind", "topic", "municipality", "lang", "count"]) {
        const td = document.createElement("td");
        td.textContent = String(row[key]);
        tr.append(td);
      }
      return tr;
    }));
    $("status").textContent = rows.length ? `${rows.length} riviä.` : "Ei kirjattuja tarpeita.";
    $("table").hidden = false;
    $("csv").hidden = false;
  }

  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, $("token").value.trim());
    load();
  });
  $("csv").addEventListener("click", async () => {
    const r = await fetch("/api/staff/needs.csv", { headers: headers() });
    if (!r.ok) return;
    const url = URL.createObjectURL(await r.blob());
    const a = Object.assign(document.createElement("a"), { href: url, download: "mukaan-unmet-needs.csv" });
    a.click();
    URL.revokeObjectURL(url);
  });
  if (sessionStorage.getItem(TOKEN_KEY)) load();
})();
