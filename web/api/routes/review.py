"""Staff review (/staff/review and /api/staff/…): pending changes as a readable before/after,
approve (live within seconds: only that activity is embedded again) or send back with a
reason; edit links (issue, revoke); activities not confirmed for a while; residents' error
reports; the audit log. Every route needs a staff token (web/access.py); every decision is
logged under the token's name.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from mukaan.catalogue.editing import as_edit, organisations, owner, publish, unconfirmed
from mukaan.catalogue.editorial import Editorial
from mukaan.catalogue.present import card
from mukaan.catalogue.ranking import today
from mukaan.catalogue.schema import Activity
from mukaan.texts import Lang
from web.access import StaffDep, require_catalogue, same_site
from web.api.deps import EditorialDep, PublicUrlDep, SearcherDep, SettingsDep
from web.api.models import Decision
from web.pages import page

# A row id: larger numbers cannot be a row in SQLite or PostgreSQL (a 404 would need a query that overflows).
RowId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]

router = APIRouter(tags=["staff"])
READ = [Depends(require_catalogue)]
WRITE = [Depends(same_site), Depends(require_catalogue)]


def _flat(form: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in form.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = ", ".join(value) if isinstance(value, list) else str(value)
    return out


def differences(before: Activity | None, after: Activity) -> list[dict]:
    """The fields an edit changes: field, old value, new value (texts per language)."""
    old = _flat(as_edit(before)) if before else {}
    new = _flat(as_edit(after))
    return [{"field": k, "before": old.get(k, ""), "after": v} for k, v in new.items() if old.get(k, "") != v]


@router.get("/staff/review", include_in_schema=False)
async def review_page() -> HTMLResponse:
    return page("review")


@router.get("/api/staff/review", dependencies=READ)
async def pending(who: StaffDep, editorial: EditorialDep, lang: Lang = "fi") -> dict:
    out = []
    for change in editorial.changes(status="pending"):
        before = Activity.model_validate(change["before"]) if change["before"] else None
        after = Activity.model_validate(change["after"])
        out.append({"id": change["id"], "org": change["org"], "activity_id": change["activity_id"],
                    "created": change["created"], "new": before is None,
                    "before": card(before, lang) if before else None, "after": card(after, lang),
                    "differences": differences(before, after)})
    return {"changes": out}


def _pending(editorial: Editorial, change_id: int) -> dict:
    change = editorial.change(change_id)
    if change is None or change["status"] != "pending":
        raise HTTPException(404, detail="No such pending change.")
    return change


@router.post("/api/staff/review/{change_id}/approve", dependencies=WRITE)
async def approve(change_id: RowId, who: StaffDep, editorial: EditorialDep, searcher: SearcherDep) -> dict:
    """Publishes the change: only this activity is embedded again; searches see it at once."""
    change = _pending(editorial, change_id)
    activity = Activity.model_validate(change["after"])
    seconds = await run_in_threadpool(publish, searcher, activity)
    editorial.decide(change_id, approved=True, who=who)
    return {"id": change_id, "status": "approved", "activity_id": activity.id, "live_seconds": round(seconds, 3)}


@router.post("/api/staff/review/{change_id}/return", dependencies=WRITE)
async def send_back(change_id: RowId, body: Decision, who: StaffDep, editorial: EditorialDep) -> dict:
    """Sends the change back to the association with a reason it sees."""
    _pending(editorial, change_id)
    if not body.reason.strip():
        raise HTTPException(422, detail="Write the reason the association will see.")
    editorial.decide(change_id, approved=False, who=who, reason=body.reason.strip())
    return {"id": change_id, "status": "returned"}


# -- edit links ------------------------------------------------------------------------------
@router.get("/api/staff/links", dependencies=READ)
async def links(who: StaffDep, editorial: EditorialDep, searcher: SearcherDep) -> dict:
    issued = {row["org"]: row for row in editorial.links()}
    return {"organisations": [{"org": key, "name": name, "link": issued.get(key)}
                              for key, name in sorted(organisations(searcher).items(), key=lambda kv: kv[1])]}


class LinkRequest(BaseModel):
    org: str = Field(max_length=120)


@router.post("/api/staff/links", dependencies=WRITE)
async def issue(body: LinkRequest, site: PublicUrlDep, who: StaffDep, editorial: EditorialDep,
                searcher: SearcherDep, settings: SettingsDep) -> dict:
    """A new edit link for an organisation (the previous one stops working). Shown once."""
    name = organisations(searcher).get(body.org)
    if name is None:
        raise HTTPException(404, detail="No such organisation in the catalogue.")
    token = editorial.issue_link(body.org, name, who)
    return {"org": body.org, "name": name, "link": f"{site}/association#{token}",
            "days": settings.edit_link_days}


@router.post("/api/staff/links/{org}/revoke", dependencies=WRITE)
async def revoke(org: str, who: StaffDep, editorial: EditorialDep) -> dict:
    if not editorial.revoke_link(org[:120], who):
        raise HTTPException(404, detail="No live link for this organisation.")
    return {"org": org, "revoked": True}


# -- freshness, reports, audit ---------------------------------------------------------------
FRESH_PAGE = 20
FRESH_MAX_PAGE = 200


@router.get("/api/staff/freshness", dependencies=READ)
async def freshness(who: StaffDep, searcher: SearcherDep, settings: SettingsDep,
                    limit: int = Query(FRESH_PAGE, ge=1, le=FRESH_MAX_PAGE),
                    offset: int = Query(0, ge=0, le=10_000_000)) -> dict:
    """Activities not confirmed for ``freshness_remind_months``, the longest unchecked first,
    ``limit`` of them from ``offset`` (``total``: all of them, ``hidden_total``: those residents
    no longer see, after ``freshness_hide_months``)."""
    stale = unconfirmed(searcher.snapshot().activities, today(settings), settings.freshness_remind_months,
                        settings.freshness_hide_months)
    return {"today": today(settings).isoformat(), "remind_months": settings.freshness_remind_months,
            "hide_months": settings.freshness_hide_months, "total": len(stale),
            "hidden_total": sum(a["hidden"] for a in stale), "limit": limit, "offset": offset,
            "activities": stale[offset:offset + limit]}


@router.get("/api/staff/reports", dependencies=READ)
async def reports(who: StaffDep, editorial: EditorialDep, searcher: SearcherDep, lang: Lang = "fi") -> dict:
    out = []
    for report in editorial.reports():
        activity = searcher.get(report["activity_id"])
        out.append({**report, "activity": card(activity, lang) if activity else None,
                    "org": owner(activity) if activity else None})
    return {"reports": out}


@router.post("/api/staff/reports/{report_id}/handled", dependencies=WRITE)
async def handled(report_id: RowId, who: StaffDep, editorial: EditorialDep) -> dict:
    if not editorial.handle_report(report_id, who):
        raise HTTPException(404, detail="No such open report.")
    return {"id": report_id, "handled": True}


@router.get("/api/staff/audit")
async def audit(who: StaffDep, editorial: EditorialDep, settings: SettingsDep) -> dict:
    editorial.prune_audit(today(settings))
    return {"entries": editorial.audit()}
