"""GET /health: the state of each component, and the guard the catalogue routes share.

``status`` is "ok"; "degraded" when residents still get answers but something is missing
(Rasa down or slow: chat searches directly; or the last good catalogue index is served);
"starting" while the catalogue loads; "degraded" too when the crisis check runs on its word lists
alone (its semantic route is not trained: `make safety`); "error" when it cannot load (the catalogue component
then says what is wrong and which command fixes it). 200 for ok and degraded, 503 otherwise.
"""
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

router = APIRouter()
READY = ("ok", "degraded")


def catalogue_ready(request: Request) -> bool:
    return request.app.state.catalogue_status.get("state") in READY


def require_catalogue(request: Request) -> None:
    """A dependency: 503 with a clear message while the catalogue is loading or broken."""
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


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    state = request.app.state
    catalogue = {k: v for k, v in state.catalogue_status.items() if k != "generation"}
    rasa = await state.rasa.status()
    if catalogue.get("state") == "loading":
        status = "starting"
    elif catalogue.get("state") not in READY:
        status = "error"
    else:
        status = "ok" if rasa == "ok" and catalogue["state"] == "ok" and state.crisis_model else "degraded"
    crisis_check = ("ok" if state.crisis_model else
                    {"state": "lexicon only", "fix": "run `make safety`"} if catalogue.get("state") in READY else "starting")
    body = {"status": status, "components": {"catalogue": catalogue, "rasa": rasa, "crisis_check": crisis_check}}
    return JSONResponse(body, status_code=200 if status in READY else 503)
