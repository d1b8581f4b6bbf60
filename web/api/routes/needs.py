"""Unmet needs for staff: GET /staff/needs (the page), /api/staff/needs (JSON) and
/api/staff/needs.csv (export). Counts only: month, kind, topic, municipality, language.
Also /api/staff/expired: catalogue activities whose dates have all passed, which no resident
is shown any more, so that staff can update or remove them."""
from __future__ import annotations

import datetime as dt
from collections import Counter

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse, Response

from mukaan.gazette import gazette
from mukaan.texts import Lang
from mukaan.texts.labels import KIND_LABELS, LANGUAGE_NAMES, TOPIC_LABELS, UNSAID, label
from web.access import require_catalogue, require_staff
from web.api.deps import NeedsLogDep, SearcherDep
from web.pages import page

router = APIRouter()
# What a count's "-" means in each column: the resident did not say.


@router.get("/staff/needs", include_in_schema=False)
async def needs_page() -> HTMLResponse:
    return page("needs")


def labelled(row: dict, lang: str) -> dict:
    """A count's codes with their labels in ``lang`` (``*_label``); "-" reads as "not given"."""
    unsaid = UNSAID[lang]
    place = gazette().resolve(row["municipality"]) if row["municipality"] != "-" else None
    return row | {
        "kind_label": label(KIND_LABELS, row["kind"], lang).capitalize() if row["kind"] != "-" else unsaid,
        "topic_label": label(TOPIC_LABELS, row["topic"], lang).capitalize() if row["topic"] != "-" else unsaid,
        "municipality_label": (place.name(lang) if place else
                               row["municipality"] if row["municipality"] != "-" else unsaid),
        "lang_label": label(LANGUAGE_NAMES, row["lang"], lang).capitalize(),
    }


def totals(rows: list[dict], key: str) -> list[dict]:
    """Counts added up by one labelled column, largest first (for the page's chart)."""
    sums = Counter()
    for row in rows:
        sums[row[key]] += row["count"]
    return [{"label": name, "count": n} for name, n in sums.most_common()]


@router.get("/api/staff/needs", tags=["staff"], dependencies=[Depends(require_staff)])
async def needs(needs_log: NeedsLogDep, lang: Lang = "fi") -> dict:
    rows = [labelled(r, lang) for r in needs_log.rows()]
    return {"rows": rows, "by_topic": totals(rows, "topic_label"),
            "by_municipality": totals(rows, "municipality_label")}


@router.get("/api/staff/needs.csv", tags=["staff"], dependencies=[Depends(require_staff)])
async def needs_csv(needs_log: NeedsLogDep) -> Response:
    return Response(needs_log.csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="mukaan-unmet-needs.csv"'})


@router.get("/api/staff/expired", tags=["staff"], dependencies=[Depends(require_staff), Depends(require_catalogue)])
async def expired(searcher: SearcherDep, lang: Lang = "fi", today: dt.date | None = None) -> dict:
    """Activities whose dates have all passed (as of ``today``, default today): never shown to
    residents or in searches; listed here so that staff can update or remove them."""
    day = today or dt.date.today()
    over = [a for a in searcher.snapshot().activities if a.is_over(day)]
    over.sort(key=lambda a: a.last_date, reverse=True)
    return {"today": day.isoformat(), "rows": [
        {"id": a.id, "name": a.name.get(lang), "organizer": a.organizer.name,
         "municipality": a.municipality.name(lang) if a.municipality else None,
         "last_date": a.last_date.isoformat()} for a in over]}
