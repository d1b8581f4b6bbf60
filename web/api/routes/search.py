"""GET /api/activities/search: the catalogue search, for the pages and for staff."""
from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from mukaan.catalogue.present import result_card
from mukaan.catalogue.ranking import Filters
from mukaan.catalogue.ranking import today as today_of
from mukaan.catalogue.schema import ACCESSIBILITY, AUDIENCES, KINDS, TOPICS
from mukaan.catalogue.taxonomy import detect_topics
from mukaan.catalogue.when import NAMES, window
from mukaan.gazette import gazette, resolve_fuzzy
from mukaan.needs import is_unmet
from mukaan.texts import Lang
from web.access import require_catalogue
from web.api.deps import NeedsLogDep, SearcherDep, SettingsDep
from web.api.models import SearchResponse

router = APIRouter()


@router.get("/api/activities/search", response_model=SearchResponse, dependencies=[Depends(require_catalogue)],
            responses={503: {"description": "The catalogue is loading or not available"}})
async def search(
    searcher: SearcherDep,
    needs_log: NeedsLogDep,
    settings: SettingsDep,
    q: str = Query("", max_length=500, description="The need in the resident's own words"),
    municipality: str | None = Query(None, max_length=80, description="Finnish or Swedish name"),
    lang: Lang = "fi",
    limit: int = Query(5, ge=1, le=50),
    mode: Literal["hybrid", "dense", "lexical"] = "hybrid",
    kind: list[str] = Query([], description="Filter: kinds (repeatable)"),
    topic: list[str] = Query([], description="Filter: topics (repeatable)"),
    language: str | None = Query(None, max_length=2, description="Run in this language (ISO 639-1)"),
    audience: str | None = Query(None, max_length=20),
    free: bool = False,
    online: bool = False,
    nearby: bool = Query(False, description="Also the municipality's neighbours"),
    accessibility: list[str] = Query([], description="Required accessibility features (repeatable)"),
    today: dt.date | None = Query(None, description="What is on as of this date (default: today): "
                                                    "activities whose dates have all passed are left out"),
    when: str | None = Query(None, max_length=30, description=f"Happening: {', '.join(NAMES)}, "
                             "YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD (days in Finland's time zone)"),
) -> SearchResponse | JSONResponse:
    if municipality and gazette().resolve(municipality) is None:
        guess = resolve_fuzzy(municipality, cutoff=75)  # only a suggestion: looser than for answers
        return JSONResponse({"detail": f"Unknown municipality: {municipality}",
                             "did_you_mean": guess.name("sv" if lang == "sv" else "fi") if guess else None},
                            status_code=422)
    for value, allowed, name in [(kind, KINDS, "kind"), (topic, TOPICS, "topic")]:
        bad = [v for v in value if v not in allowed]
        if bad:
            raise HTTPException(422, detail=f"Unknown {name}: {', '.join(bad)}")
    if audience and audience not in AUDIENCES:
        raise HTTPException(422, detail=f"Unknown audience: {audience}")
    bad = [v for v in accessibility if v not in ACCESSIBILITY]
    if bad:
        raise HTTPException(422, detail=f"Unknown accessibility feature: {', '.join(bad)}")
    day = today or today_of(settings)
    try:
        span = window(when, day) if when else None
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from None
    filters = Filters(municipality=municipality, nearby=nearby, kinds=tuple(kind), topics=tuple(topic),
                      language=language, audience=audience, free_only=free, online_only=online,
                      accessibility=tuple(accessibility), today=day, when=span)
    results = await run_in_threadpool(searcher.search, q, lang=lang, limit=limit,
                                      mode=mode, filters=filters)
    wanted = detect_topics(q, lang) if q.strip() else []
    unmet = is_unmet(results, list(topic) or wanted)
    if q.strip() and unmet:
        place = gazette().resolve(municipality) if municipality else None
        needs_log.record(kind=kind[0] if kind else None, topics=list(topic) or wanted,
                               municipality=place.fi if place else None, lang=lang)
    return SearchResponse(results=[result_card(r, lang, day) for r in results], total=len(results),
                          good_match=not unmet)
