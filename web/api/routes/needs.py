"""Unmet needs for staff: GET /staff/needs (the page), /api/staff/needs (JSON) and
/api/staff/needs.csv (export). Counts only: month, kind, topic, municipality, language."""
from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends
from fastapi.responses import FileResponse, Response

from mukaan.settings import get_needs_log
from web.api.routes.staff import require_staff

STATIC = Path(__file__).resolve().parents[2] / "static"
router = APIRouter()


@router.get("/staff/needs", include_in_schema=False)
async def needs_page() -> FileResponse:
    return FileResponse(STATIC / "needs.html", media_type="text/html")


@router.get("/api/staff/needs", tags=["staff"], dependencies=[Depends(require_staff)])
async def needs() -> dict:
    return {"rows": get_needs_log().rows()}


@router.get("/api/staff/needs.csv", tags=["staff"], dependencies=[Depends(require_staff)])
async def needs_csv() -> Response:
    return Response(get_needs_log().csv(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="mukaan-unmet-needs.csv"'})
