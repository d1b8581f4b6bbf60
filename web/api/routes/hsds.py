"""The catalogue as an Open Referral HSDS 3.0 read API under ``/hsds/``, for the city's other
systems and for directories that reuse Mukaan's catalogue.

Routes, pagination (``total_items, total_pages, page_number, size, first_page, last_page,
empty, contents``) and filters (``search``, ``taxonomy_term_id``, ``taxonomy_id``,
``organization_id``, ``modified_after``) follow the HSDS 3.0 API reference. Open without a
token, rate limited like the search (``web/security.py``). What residents may see is served:
activities waiting for staff review are left out. The HSDS records are built once per
catalogue generation and kept on the app's services (``HsdsIndexDep``, web/api/deps.py;
mukaan/catalogue/formats/hsds_index.py)."""
from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from mukaan.catalogue.formats import hsds_export as hsds
from mukaan.catalogue.formats.hsds_index import Entry, HsdsIndex
from mukaan.nlp import fold
from web.access import require_catalogue
from web.api.deps import HsdsIndexDep

router = APIRouter(prefix="/hsds", tags=["HSDS 3.0"], dependencies=[Depends(require_catalogue)],
                   responses={503: {"description": "The catalogue is loading or not available"},
                              429: {"description": "Too many requests"}})
PER_PAGE = 50
MAX_PER_PAGE = 200


def _page(items: list, page: int, per_page: int) -> dict:
    start = (page - 1) * per_page
    return hsds.page(items[start:start + per_page], page, per_page, len(items))


def _matches(text: str, search: str | None) -> bool:
    return all(word in text for word in fold(search or "").split())


def _since(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        raise HTTPException(422, detail="modified_after: give a date or datetime (ISO 8601)") from None


def _entries(index: HsdsIndex, search, taxonomy_term_id, taxonomy_id, organization_id, modified_after) -> list[Entry]:
    since = _since(modified_after)
    return [e for e in index.entries
            if _matches(e.text, search)
            and (not taxonomy_term_id or taxonomy_term_id in e.terms)
            and (not taxonomy_id or taxonomy_id in e.taxonomies)
            and (not organization_id or e.service["organization_id"] == organization_id)
            and (since is None or e.updated >= since)]


def _paging(page: int = Query(1, ge=1, le=100_000, description="Page number"),
            per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE, description="Results on one page")):
    return page, per_page


def _filters(search: str | None = Query(None, max_length=200, description="Full text search"),
             taxonomy_term_id: str | None = Query(None, max_length=64),
             taxonomy_id: str | None = Query(None, max_length=64),
             organization_id: str | None = Query(None, max_length=64),
             modified_after: str | None = Query(None, max_length=40, description="ISO 8601 date or datetime")):
    return search, taxonomy_term_id, taxonomy_id, organization_id, modified_after


@router.get("/", summary="HSDS version and profile of this API")
async def root(request: Request) -> dict:
    base = str(request.base_url)
    return {"version": hsds.HSDS_VERSION, "profile": f"{base}hsds/profile", "openapi_url": f"{base}openapi.json"}


@router.get("/profile", summary="The Mukaan HSDS profile (JSON Schema of the x_mukaan extension)")
async def profile() -> dict:
    return hsds.profile()


@router.get("/services", summary="Services, paginated and filtered")
async def services(index: HsdsIndexDep, paging=Depends(_paging), filters=Depends(_filters)) -> dict:
    return _page([e.service for e in _entries(index, *filters)], *paging)


@router.get("/services/{service_id}", summary="One fully nested service")
async def service(index: HsdsIndexDep, service_id: str) -> dict:
    entry = index.services.get(service_id)
    if entry is None:
        raise HTTPException(404, detail="No such service")
    return entry.service


@router.get("/organizations", summary="Organisations, paginated")
async def organizations(index: HsdsIndexDep, paging=Depends(_paging),
                        search: str | None = Query(None, max_length=200, description="Full text search")) -> dict:
    items = [o for o in index.organizations.values() if _matches(fold(o["name"]), search)]
    return _page(items, *paging)


@router.get("/organizations/{organization_id}", summary="One organisation with its services")
async def organization(index: HsdsIndexDep, organization_id: str) -> dict:
    org = index.organizations.get(organization_id)
    if org is None:
        raise HTTPException(404, detail="No such organization")
    services = [{k: e.service[k] for k in ("id", "name", "description", "status", "url") if k in e.service}
                for e in index.entries if e.service["organization_id"] == organization_id]
    return {**org, "services": services}


@router.get("/taxonomies", summary="The taxonomies of Mukaan's terms")
async def taxonomies(paging=Depends(_paging),
                     search: str | None = Query(None, max_length=200, description="Full text search")) -> dict:
    return _page([t for t in hsds.taxonomies() if _matches(fold(f"{t['name']} {t['description']}"), search)], *paging)


def _one(items, item_id: str, what: str) -> dict:
    found = next((item for item in items if item["id"] == item_id), None)
    if found is None:
        raise HTTPException(404, detail=f"No such {what}")
    return found


@router.get("/taxonomies/{taxonomy_id}", summary="One taxonomy")
async def taxonomy(taxonomy_id: str) -> dict:
    return _one(hsds.taxonomies(), taxonomy_id, "taxonomy")


@router.get("/taxonomy_terms", summary="Taxonomy terms, paginated")
async def taxonomy_terms(paging=Depends(_paging),
                         search: str | None = Query(None, max_length=200, description="Full text search"),
                         taxonomy_id: str | None = Query(None, max_length=64)) -> dict:
    terms = [t for t in hsds.taxonomy_terms() if (not taxonomy_id or t["taxonomy_id"] == taxonomy_id)
             and _matches(fold(f"{t['code']} {t['name']} {t['description']}"), search)]
    return _page(terms, *paging)


@router.get("/taxonomy_terms/{term_id}", summary="One taxonomy term")
async def taxonomy_term(term_id: str) -> dict:
    return _one(hsds.taxonomy_terms(), term_id, "taxonomy term")


@router.get("/service_at_locations", summary="Services at locations, paginated and filtered")
async def service_at_locations(index: HsdsIndexDep, paging=Depends(_paging), filters=Depends(_filters)) -> dict:
    links = [link for e in _entries(index, *filters) for link in e.service.get("service_at_locations", [])]
    return _page(links, *paging)


@router.get("/service_at_locations/{link_id}", summary="One service at a location")
async def service_at_location(index: HsdsIndexDep, link_id: str) -> dict:
    link = index.locations.get(link_id)
    if link is None:
        raise HTTPException(404, detail="No such service_at_location")
    return link
