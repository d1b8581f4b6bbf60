"""The staff console's API (/api/staff/…): filter options, activities for a referral slip in
the client's language, and the slip as a PDF.

Every route except /api/staff/status needs the shared token from the setting
``MUKAAN_STAFF_TOKEN`` in an ``Authorization: Bearer …`` header. Without the setting the
console is disabled and the routes answer 403. Nothing about the client is stored or logged:
a referral is built from activity ids and a language, and forgotten after the response.
"""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from mukaan.catalogue.present import card, taxonomy_options
from mukaan.catalogue.ranking import today
from mukaan.gazette import gazette
from mukaan.texts import LANGS, Lang
from mukaan.texts.cards import SLIP_FILENAMES, SLIP_TEXTS
from mukaan.texts.labels import LANGUAGE_NAMES, label
from web.access import require_catalogue, require_staff, staff_enabled
from web.api.deps import SearcherDep, SettingsDep
from web.slip import FPDF, render_pdf

MAX_REFERRAL = 20

router = APIRouter(prefix="/api/staff", tags=["staff"])
STAFF = [Depends(require_staff), Depends(require_catalogue)]

def _option(value: str, text: str) -> dict[str, str]:
    return {"value": value, "label": text}


# ---------------------------------------------------------------------------------------------
# Routes


@router.get("/status")
async def status(settings: SettingsDep) -> dict:
    """Whether the console is enabled (public: the page shows "disabled" without asking)."""
    return {"enabled": staff_enabled(settings)}


@router.get("/options", dependencies=STAFF)
async def options(searcher: SearcherDep, lang: Lang = "fi") -> dict:
    """The values of every search filter with labels in the staff member's language; also
    a cheap way for the page to check that a token is right."""
    activities = searcher.snapshot().activities
    spoken = sorted({code for a in activities for code in a.languages},
                    key=lambda c: (c not in LANGS, label(LANGUAGE_NAMES, c, lang)))
    places = sorted(gazette(), key=lambda m: m.fi)
    return {
        **taxonomy_options(lang),
        "languages": [_option(c, label(LANGUAGE_NAMES, c, lang)) for c in spoken],
        "municipalities": [m.name(lang) for m in places],
    }


def _cards(searcher: SearcherDep, ids: list[str], lang: str, settings) -> list[dict]:
    """Activity cards for ``ids`` in ``lang``, in the given order; 404 for an unknown id."""
    cards = []
    for activity_id in ids:
        activity = searcher.get(activity_id)
        if activity is None:
            raise HTTPException(404, detail=f"Unknown activity: {activity_id}")
        cards.append(card(activity, lang, today=today(settings)))
    return cards


@router.get("/activities", dependencies=STAFF)
async def activities(searcher: SearcherDep, settings: SettingsDep,
                     id: list[str] = Query(..., max_length=MAX_REFERRAL), lang: Lang = "fi") -> dict:
    """The picked activities in the client's language, with the slip's texts."""
    return {"results": _cards(searcher, id, lang, settings), "texts": SLIP_TEXTS[lang], "lang": lang}


class ReferralRequest(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=MAX_REFERRAL)
    lang: Lang = "fi"


@router.post("/referral.pdf", dependencies=STAFF)
async def referral_pdf(body: ReferralRequest, searcher: SearcherDep, settings: SettingsDep) -> Response:
    """The referral slip as a PDF: one block per activity with a QR code to its page."""
    if FPDF is object:
        raise HTTPException(503, detail="PDF slips need the fpdf2 package: pip install fpdf2")
    cards = _cards(searcher, body.ids, body.lang, settings)
    pdf = await run_in_threadpool(render_pdf, cards, body.lang)
    filename = SLIP_FILENAMES[body.lang]
    return Response(pdf, media_type="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})
