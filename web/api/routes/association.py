"""The association editor (/association and /api/association/…): with its edit link, an
association sees its own activities and only those, edits them in fi/sv/en, sees the card
as residents will, adds new ones, marks one paused or ended, and confirms "still current".

Edits wait for staff review (/staff/review); a confirmation is applied at once. An activity
of another organisation answers 404 exactly as an unknown one does. Every change is in the
audit log under the organisation's key.
"""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from mukaan.catalogue.backend import Searcher
from mukaan.catalogue.editing import ActivityEdit, as_edit, build, confirm, owner, publish
from mukaan.catalogue.present import card, taxonomy_options
from mukaan.catalogue.ranking import today
from mukaan.catalogue.schema import Activity
from mukaan.texts import Lang
from web.access import OrgDep, require_catalogue, same_site
from web.api.deps import EditorialDep, SearcherDep, SettingsDep
from web.pages import page

router = APIRouter(tags=["association"])
READ = [Depends(require_catalogue)]
WRITE = [Depends(same_site), Depends(require_catalogue)]


class Proposal(BaseModel):
    edit: ActivityEdit
    lang: Lang = "fi"


def own_activity(activity_id: str, org: dict, searcher: Searcher) -> Activity:
    """The organisation's activity; 404 for an unknown one and for another's alike."""
    activity = searcher.get(activity_id) if len(activity_id) <= 120 else None
    if activity is None or owner(activity) != org["org"]:
        raise HTTPException(404, detail="No such activity among yours.")
    return activity


@router.get("/association", include_in_schema=False)
async def association_page() -> HTMLResponse:
    return page("association")


@router.get("/api/association/options")
async def options(org: OrgDep, lang: Lang = "fi") -> dict:
    """The organisation's name and the form's choices with labels in the editor's language."""
    return {"org_name": org["org_name"], **taxonomy_options(lang)}


@router.get("/api/association/activities", dependencies=READ)
async def my_activities(org: OrgDep, editorial: EditorialDep, searcher: SearcherDep) -> dict:
    """The organisation's activities, with the state of its latest change of each."""
    mine = [a for a in searcher.snapshot().activities if owner(a) == org["org"]]
    latest: dict[str, dict] = {}
    for change in editorial.changes(org=org["org"]):
        latest.setdefault(change["activity_id"], change)
    listed = [{"id": a.id, "name": a.name.get("fi"), "names": a.name.model_dump(), "status": a.status,
               "checked": a.checked.isoformat(), "change": _state(latest.get(a.id))} for a in mine]
    known = {a.id for a in mine}
    listed += [{"id": aid, "name": c["after"]["name"].get("fi") or next(iter(c["after"]["name"].values())),
                "names": c["after"]["name"], "status": "new", "checked": None, "change": _state(c)}
               for aid, c in latest.items() if aid not in known and c["status"] != "approved"]
    return {"org_name": org["org_name"], "activities": listed}


def _state(change: dict | None) -> dict | None:
    return {"id": change["id"], "status": change["status"], "reason": change["reason"],
            "created": change["created"]} if change else None


@router.get("/api/association/activities/{activity_id}", dependencies=READ)
async def my_activity(activity_id: str, org: OrgDep, searcher: SearcherDep, settings: SettingsDep,
                      lang: Lang = "fi") -> dict:
    activity = own_activity(activity_id, org, searcher)
    return {"id": activity.id, "form": as_edit(activity), "card": card(activity, lang)}


def _checked(body: Proposal, base: Activity | None, org: dict, day: dt.date) -> Activity | JSONResponse:
    activity, errors = build(body.edit, base, org["org_name"], day)
    if errors:
        return JSONResponse({"detail": "Check the fields marked.", "errors": errors}, status_code=422)
    return activity


@router.post("/api/association/preview", dependencies=WRITE, response_model=None)
async def preview(body: Proposal, org: OrgDep, searcher: SearcherDep, settings: SettingsDep,
                  id: str | None = None) -> dict | JSONResponse:
    """The card as residents would see it after the edit (nothing is stored)."""
    base = own_activity(id, org, searcher) if id else None
    activity = _checked(body, base, org, today(settings))
    return activity if isinstance(activity, JSONResponse) else {"card": card(activity, body.lang)}


@router.post("/api/association/activities/{activity_id}", dependencies=WRITE, response_model=None)
async def propose(activity_id: str, body: Proposal, org: OrgDep, editorial: EditorialDep, settings: SettingsDep,
                  searcher: SearcherDep) -> dict | JSONResponse:
    """Sends an edit of an own activity to staff review."""
    base = own_activity(activity_id, org, searcher)
    activity = _checked(body, base, org, today(settings))
    if isinstance(activity, JSONResponse):
        return activity
    change = editorial.propose(org["org"], base.id, base.model_dump(mode="json"), activity.model_dump(mode="json"))
    return {"change": change, "status": "pending"}


@router.post("/api/association/activities", dependencies=WRITE, response_model=None)
async def propose_new(body: Proposal, org: OrgDep, editorial: EditorialDep,
                      settings: SettingsDep) -> dict | JSONResponse:
    """Sends a new activity to staff review."""
    activity = _checked(body, None, org, today(settings))
    if isinstance(activity, JSONResponse):
        return activity
    change = editorial.propose(org["org"], activity.id, None, activity.model_dump(mode="json"))
    return {"change": change, "status": "pending", "id": activity.id}


@router.post("/api/association/activities/{activity_id}/confirm", dependencies=WRITE)
async def still_current(activity_id: str, org: OrgDep, editorial: EditorialDep, searcher: SearcherDep,
                        settings: SettingsDep) -> dict:
    """"Still current": the activity is confirmed today, at once (no review needed)."""
    activity = confirm(own_activity(activity_id, org, searcher), today(settings))
    await run_in_threadpool(publish, searcher, activity)
    editorial.log(org["org"], "confirmed current", activity.id)
    return {"id": activity.id, "checked": activity.checked.isoformat()}
