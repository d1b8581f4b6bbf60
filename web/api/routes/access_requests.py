"""Access for associations (issue 17, part 1): an association asks for an edit link on the
public page /access; staff approve it (a link is issued with the edit-link machinery of
catalogue/editorial.py) or decline it with a reason on /staff/review. When an SMTP server is
set (mukaan/mail.py) the link goes by e-mail in the association's language, and staff can
e-mail a link they create for an organisation whose contact address is known; a mail
failure is a message to staff, and the link stays valid to copy.

The public route is rate limited per client and hour (web/security.py) and refuses requests
from other sites, as every state-changing route does. Neither the token nor the address is
ever logged; the audit log has the request's number.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from mukaan import mail
from mukaan.catalogue.editing import organisations
from mukaan.catalogue.editorial import Editorial
from mukaan.catalogue.formats.hsds_export import organization_key
from mukaan.catalogue.ranking import today
from mukaan.settings import Settings
from mukaan.texts import Lang
from web.access import StaffDep, require_catalogue, same_site
from web.api.deps import EditorialDep, PublicUrlDep, SearcherDep, SettingsDep
from web.api.models import Decision
from web.pages import page

log = logging.getLogger("mukaan.access")
router = APIRouter(tags=["access"])
READ = [Depends(require_catalogue)]
WRITE = [Depends(same_site), Depends(require_catalogue)]
RowId = Annotated[int, PathParam(ge=1, le=2**63 - 1)]

# An address as mail servers take it: ASCII, one @, a domain with a dot (no spaces, no line breaks).
EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                   r"[A-Za-z]{2,63}")
BUSINESS_ID = re.compile(r"(\d{7})-(\d)")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_problem(value: str) -> str | None:
    """None for a valid Finnish business ID (Y-tunnus, 1234567-8: the last digit checks the
    seven before it); else "format" or "check_digit"."""
    match = BUSINESS_ID.fullmatch(value)
    if not match:
        return "format"
    remainder = sum(int(d) * w for d, w in zip(match.group(1), WEIGHTS)) % 11
    if remainder == 1 or (0 if remainder == 0 else 11 - remainder) != int(match.group(2)):
        return "check_digit"
    return None


def plain(text: str) -> str:
    """One line of printable text: no control characters, no lone surrogates, single spaces."""
    text = text.encode("utf-8", "replace").decode("utf-8")
    return " ".join("".join(ch if ch.isprintable() else " " for ch in text).split())


def email_ok(value: str) -> bool:
    return len(value) <= 254 and EMAIL.fullmatch(value) is not None and ".." not in value


@router.get("/access", include_in_schema=False)
async def access_page() -> HTMLResponse:
    return page("access")


@router.get("/api/access/organisations", dependencies=READ)
async def catalogue_organisations(searcher: SearcherDep, settings: SettingsDep) -> dict:
    """The catalogue's organisations (public, as in /hsds/organizations) and the message's
    length limit, for the request form."""
    return {"message_max_chars": settings.access_request_max_chars,
            "organisations": [{"org": key, "name": name}
                              for key, name in sorted(organisations(searcher).items(), key=lambda kv: kv[1].lower())]}


class AccessRequest(BaseModel):
    org: str = Field("", max_length=120)            # a catalogue organisation's key, or
    org_name: str = Field("", max_length=200)       # the name of one not in the catalogue yet
    business_id: str = Field("", max_length=40)
    email: str = Field(max_length=320)
    message: str = Field("", max_length=4000)
    lang: Lang = "fi"


@router.post("/api/access-requests", dependencies=WRITE, response_model=None)
async def request_access(body: AccessRequest, editorial: EditorialDep, searcher: SearcherDep,
                         settings: SettingsDep) -> dict | JSONResponse:
    """An association asks for an edit link. 422 names each field that is wrong (codes the
    page shows in its language); the values are never echoed."""
    known = organisations(searcher)
    errors: dict[str, str] = {}
    typed, message = plain(body.org_name), plain(body.message)
    if body.org:
        if body.org not in known:
            errors["org"] = "unknown"
        org, name = body.org, known.get(body.org, "")
    else:
        org, name = organization_key(typed) if typed else "", typed
        if len(typed) < 2 or not org:
            errors["org"] = "required"
        elif len(typed) > 120:
            errors["org"] = "too_long"
        elif org in known:                      # typed, but the catalogue has it
            name = known[org]
    business_id = "".join(body.business_id.split())
    if business_id and (problem := business_id_problem(business_id)):
        errors["business_id"] = problem
    email = body.email.strip()
    if not email:
        errors["email"] = "required"
    elif not email_ok(email):
        errors["email"] = "email"
    if len(message) > settings.access_request_max_chars:
        errors["message"] = "too_long"
    if errors:
        return JSONResponse({"detail": "Check the fields marked.", "errors": errors}, status_code=422)
    editorial.request_access(org=org, org_name=name, known=org in known, business_id=business_id or None,
                             email=email, lang=body.lang, message=message,
                             max_chars=settings.access_request_max_chars)
    return {"received": True}


# -- staff -----------------------------------------------------------------------------------
def _live(link: dict | None) -> bool:
    return bool(link and not link["revoked"]
                and dt.datetime.fromisoformat(link["expires"]) > dt.datetime.now(dt.timezone.utc))


@router.get("/api/staff/access-requests", dependencies=READ)
async def pending_requests(who: StaffDep, editorial: EditorialDep, settings: SettingsDep) -> dict:
    editorial.prune_access_requests(today(settings))
    links = {row["org"]: row for row in editorial.links()}
    return {"mail_enabled": mail.mail_enabled(settings),
            "requests": [{key: r[key] for key in ("id", "org", "org_name", "business_id", "email", "lang", "message",
                                                  "created")} | {"known": bool(r["known"]),
                                                                 "live_link": _live(links.get(r["org"]))}
                         for r in editorial.access_requests("pending")]}


def _pending(editorial: Editorial, request_id: int) -> dict:
    row = editorial.access_request(request_id)
    if row is None or row["status"] != "pending":
        raise HTTPException(404, detail="No such pending access request.")
    return row


async def send_mail(editorial: Editorial, settings: Settings, message, *, who: str, org: str, what: str,
                    lang: str) -> dict:
    """Sends ``message`` (``what``: "link" or "decline", for the log and the audit log) and says
    how it went: ``{"sent": True, "to", "lang"}`` or ``{"sent": False, "to", "code", "problem"}``.
    A failure is a message to staff, never an error; the log has the reason, not the address."""
    to = message["To"]
    try:
        await run_in_threadpool(mail.send, settings, message)
    except mail.MailError as exc:
        log.warning("the %s e-mail to %s was not sent: %s", what, org, exc)
        editorial.log(who, f"{what} e-mail failed", detail=org)
        return {"sent": False, "to": to, "code": exc.code, "problem": str(exc)}
    editorial.log(who, f"{what} e-mailed", detail=org)
    return {"sent": True, "to": to, "lang": lang}


async def issue_and_mail(editorial: Editorial, settings: Settings, site: str, *, org: str, name: str,
                         who: str, to: str | None, lang: str) -> dict:
    """A new edit link for ``org``; e-mailed to ``to`` when e-mail is set up. ``mail`` in the
    answer is None without e-mail, else whether it was sent (and why not). ``site``: the
    site's public address (web/api/deps.py, ``PublicUrlDep``)."""
    token = editorial.issue_link(org, name, who)
    link = f"{site}/association#{token}"
    issued = next(row for row in editorial.links() if row["org"] == org)
    expires = dt.datetime.fromisoformat(issued["expires"]).date()
    out = {"org": org, "name": name, "link": link, "days": settings.edit_link_days, "expires": expires.isoformat(),
           "mail": None}
    if to and mail.mail_enabled(settings):
        message = mail.link_message(settings, to=to, lang=lang, org_name=name, link=link, expires=expires)
        out["mail"] = await send_mail(editorial, settings, message, who=who, org=org, what="link", lang=lang)
    return out


@router.post("/api/staff/access-requests/{request_id}/approve", dependencies=WRITE)
async def approve(request_id: RowId, site: PublicUrlDep, who: StaffDep, editorial: EditorialDep,
                  settings: SettingsDep) -> dict:
    """Issues the organisation's edit link (replacing a live one) and e-mails it when e-mail is
    set up; the answer has the link for staff to copy either way."""
    row = _pending(editorial, request_id)
    if not editorial.decide_access(request_id, approved=True, who=who):
        raise HTTPException(404, detail="No such pending access request.")
    issued = await issue_and_mail(editorial, settings, site, org=row["org"], name=row["org_name"], who=who,
                                  to=row["email"], lang=row["lang"])
    return {"id": request_id, "status": "approved", **issued}


@router.post("/api/staff/access-requests/{request_id}/decline", dependencies=WRITE)
async def decline(request_id: RowId, body: Decision, site: PublicUrlDep, who: StaffDep, editorial: EditorialDep,
                  settings: SettingsDep) -> dict:
    """Declines the request with staff's reason; when e-mail is set up the association gets
    the reason and the address to ask again (/access), in its language. ``mail`` as in
    approve: None without e-mail, else whether it was sent."""
    row = _pending(editorial, request_id)
    reason = body.reason.strip()
    if not reason:
        raise HTTPException(422, detail="Write the reason for declining.")
    if not editorial.decide_access(request_id, approved=False, who=who, reason=reason):
        raise HTTPException(404, detail="No such pending access request.")
    out = {"id": request_id, "status": "declined", "mail": None}
    if mail.mail_enabled(settings):
        message = mail.decline_message(settings, to=row["email"], lang=row["lang"], org_name=row["org_name"],
                                       reason=reason, access_url=f"{site}/access")
        out["mail"] = await send_mail(editorial, settings, message, who=who, org=row["org"], what="decline",
                                      lang=row["lang"])
    return out


def contacts(editorial: Editorial) -> dict[str, dict]:
    """Organisation key → {"email", "lang"} of its latest approved access request: the address
    the association gave for its link. (The catalogue's organiser addresses are the groups'
    contacts for residents, not the association's own, so a link never goes to them.)"""
    return {row["org"]: {"email": row["email"], "lang": row["lang"]}
            for row in reversed(editorial.access_requests("approved"))}      # the latest one wins


@router.get("/api/staff/contacts", dependencies=READ)
async def staff_contacts(who: StaffDep, editorial: EditorialDep, settings: SettingsDep) -> dict:
    """Whether e-mail is set up, and each organisation's known contact address."""
    return {"mail_enabled": mail.mail_enabled(settings),
            "contacts": {org: c["email"] for org, c in contacts(editorial).items()}}


class MailLink(BaseModel):
    org: str = Field(max_length=120)


@router.post("/api/staff/links/mail", dependencies=WRITE)
async def mail_link(body: MailLink, site: PublicUrlDep, who: StaffDep, editorial: EditorialDep,
                    searcher: SearcherDep, settings: SettingsDep) -> dict:
    """A new edit link for an organisation, e-mailed to its known contact address in the
    language of its request. The previous link stops working."""
    issued = {row["org"]: row["org_name"] for row in editorial.links()}    # new ones are not in the catalogue yet
    name = organisations(searcher).get(body.org) or issued.get(body.org)
    if name is None:
        raise HTTPException(404, detail="No such organisation.")
    if not mail.mail_enabled(settings):
        raise HTTPException(409, detail="E-mail is not set up (MUKAAN_SMTP_HOST). Create the link and copy it.")
    contact = contacts(editorial).get(body.org)
    if contact is None:
        raise HTTPException(409, detail="No e-mail address is known for this organisation. "
                                        "Create the link and copy it.")
    return await issue_and_mail(editorial, settings, site, org=body.org, name=name, who=who, to=contact["email"],
                                lang=contact["lang"])
