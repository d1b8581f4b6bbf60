"""Who may call a route, as FastAPI dependencies shared by the route modules: the catalogue
is ready, a staff token, an association's edit link, and requests from this site only.

Staff and associations send their token in an ``Authorization: Bearer …`` header, which a
browser never adds by itself to a request from another site; on top of that every
state-changing route refuses a request whose ``Origin`` (or ``Sec-Fetch-Site``) says it came
from another site (cross-site request forgery), unless that site is in ``cors_origins``.
"""
from __future__ import annotations

import hmac
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Header, HTTPException, Request

from mukaan.settings import Settings
from web.api.deps import EditorialDep, SettingsDep

READY = ("ok", "degraded")


def catalogue_ready(request: Request) -> bool:
    return request.app.state.catalogue_status.get("state") in READY


def require_catalogue(request: Request) -> None:
    """503 with a clear message while the catalogue is loading or broken."""
    status = request.app.state.catalogue_status
    state = status.get("state")
    if state in READY:
        return
    if state == "loading":
        raise HTTPException(503, detail="The activity catalogue is still loading. Please try again in a moment.",
                            headers={"Retry-After": "10"})
    raise HTTPException(503, detail=f"The activity catalogue is not available: {status.get('problem')}. "
                                    f"An administrator can fix it: {status.get('fix')}.",
                        headers={"Retry-After": "60"})


def staff_tokens(settings: Settings) -> dict[str, str]:
    """Token name → token: the named tokens and the shared one (as "staff")."""
    tokens = {name: token for name, token in settings.staff_tokens.items() if token.strip()}
    if (settings.staff_token or "").strip():
        tokens["staff"] = settings.staff_token.strip()
    return tokens


def staff_enabled(settings: Settings) -> bool:
    return bool(staff_tokens(settings))


def _bearer(authorization: str | None) -> str:
    scheme, _, given = (authorization or "").partition(" ")
    return given.strip() if scheme.lower() == "bearer" else ""


def require_staff(settings: SettingsDep, authorization: str | None = Header(None)) -> str:
    """The staff token's name; 403 when the console is disabled, 401 for a wrong token."""
    tokens = staff_tokens(settings)
    if not tokens:
        raise HTTPException(403, detail="The staff console is disabled: set MUKAAN_STAFF_TOKEN.")
    given = _bearer(authorization).encode("utf-8", "surrogatepass")
    for name, token in tokens.items():
        if hmac.compare_digest(given, token.encode()):
            return name
    raise HTTPException(401, detail="A valid staff token is required.", headers={"WWW-Authenticate": "Bearer"})


def require_org(editorial: EditorialDep, authorization: str | None = Header(None)) -> dict:
    """The organisation of a live edit link: ``{"org", "org_name"}``; 401 otherwise (unknown,
    expired and revoked links alike, so the answer tells nothing about which)."""
    org = editorial.org_for(_bearer(authorization))
    if org is None:
        raise HTTPException(401, detail="This edit link does not work. Ask the city's staff for a new one.",
                            headers={"WWW-Authenticate": "Bearer"})
    return org


def same_site(request: Request, settings: SettingsDep) -> None:
    """403 for a request another site's page made (Origin or Sec-Fetch-Site say so)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        origin_ok = request.headers.get("origin") in settings.cors_origins
        if not origin_ok:
            raise HTTPException(403, detail="Requests from other sites are not accepted here.")
    origin = request.headers.get("origin")
    if origin and origin != "null":
        if urlsplit(origin).netloc != request.headers.get("host") and origin not in settings.cors_origins:
            raise HTTPException(403, detail="Requests from other sites are not accepted here.")
    elif origin == "null":
        raise HTTPException(403, detail="Requests from other sites are not accepted here.")


StaffDep = Annotated[str, Depends(require_staff)]     # the staff token's name
OrgDep = Annotated[dict, Depends(require_org)]        # the edit link's organisation
