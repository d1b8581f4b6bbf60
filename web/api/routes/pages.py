"""The pages' own routes: /staff (put together by web/pages.py), /kiosk and /privacy (files in
web/static), the kiosk's settings, what the privacy notice says about retention and whom to
contact, and QR codes that open an activity's web page (kiosk cards, referral slips).

The QR route only encodes an activity's own address from the catalogue, never text from
the request, so it cannot be used to make codes that point elsewhere.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import FileResponse, HTMLResponse, Response

from mukaan.gazette import gazette
from web.access import require_catalogue
from web.api.deps import SearcherDep, SettingsDep
from web.pages import page
from web.qr import qr_svg

STATIC = Path(__file__).resolve().parents[2] / "static"
router = APIRouter()


@router.get("/staff", include_in_schema=False)
async def staff_page() -> HTMLResponse:
    return page("staff")


@router.get("/kiosk", include_in_schema=False)
async def kiosk_page() -> FileResponse:
    return FileResponse(STATIC / "kiosk.html", media_type="text/html")


@router.get("/privacy", include_in_schema=False)
async def privacy_page() -> FileResponse:
    return FileResponse(STATIC / "privacy.html", media_type="text/html")


@router.get("/api/privacy", tags=["privacy"])
async def privacy_facts(settings: SettingsDep) -> dict:
    """What the privacy notice on every page fills in: how long conversations and the anonymous
    unmet-needs counts are kept (0 months: no limit), who runs the service and whom to contact."""
    minutes = settings.conversation_retention_minutes
    return {"conversation_retention_minutes": int(minutes) if float(minutes).is_integer() else minutes,
            "needs_retention_months": settings.needs_retention_months,
            "controller": settings.privacy_controller, "contact": settings.privacy_contact}


@router.get("/api/kiosk/config", tags=["kiosk"])
async def kiosk_config(settings: SettingsDep, municipality: str | None = Query(None, max_length=80)) -> dict:
    """How long the kiosk waits without a touch before warning, how long the warning lasts, and
    the kiosk's own municipality (?municipality= for one kiosk, else the setting; null if none
    or unknown): the first answer the kiosk offers when the chat asks where the visitor lives."""
    place = gazette().resolve(municipality or settings.kiosk_municipality or "")
    return {"idle_seconds": settings.kiosk_idle_seconds,
            "warning_seconds": settings.kiosk_warning_seconds,
            "municipality": {"fi": place.fi, "sv": place.name("sv")} if place else None}


@router.get("/api/qr/{activity_id}.svg", tags=["kiosk"], dependencies=[Depends(require_catalogue)])
async def activity_qr(activity_id: str, searcher: SearcherDep) -> Response:
    """A QR code (SVG) of the activity's web address."""
    activity = searcher.get(activity_id)
    url = activity and (activity.url or activity.organizer.url)
    if not url:
        raise HTTPException(404, detail=f"No web address for activity: {activity_id}")
    return Response(qr_svg(url, title=url), media_type="image/svg+xml",
                    headers={"Cache-Control": "public, max-age=3600"})
