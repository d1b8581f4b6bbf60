"""POST /api/reports: "Report an error" on an activity card (chat, widget, kiosk, staff
console). A reason code and an optional short text, scrubbed of phone numbers, e-mail
addresses, henkilötunnus and IBANs before it is stored; no session id, no address. Rate
limited per client and hour (web/security.py); the reports wait in the staff queue."""
from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel, Field

from web.access import require_catalogue, same_site
from web.api.deps import EditorialDep, SearcherDep, SettingsDep

router = APIRouter(tags=["reports"])


class Report(BaseModel):
    activity_id: str = Field(max_length=120)
    reason: Literal["wrong_info", "ended", "contact", "other"]
    note: str = Field("", max_length=2000)


@router.post("/api/reports", dependencies=[Depends(same_site), Depends(require_catalogue)])
async def report(body: Report, editorial: EditorialDep, searcher: SearcherDep, settings: SettingsDep) -> dict:
    if searcher.get(body.activity_id) is None:
        raise HTTPException(404, detail="Unknown activity.")
    limit = settings.report_max_chars
    if len(body.note.strip()) > limit:
        raise HTTPException(422, detail=f"Please keep the text under {limit} characters.")
    editorial.report(body.activity_id, body.reason, body.note, limit)
    return {"received": True}
