"""GET /health: the state of each component (the catalogue routes' guard is in web/access.py).

``status`` is "ok"; "degraded" when residents still get answers but something is missing
(Rasa down or slow: chat searches directly; or the last good catalogue index is served);
"starting" while the catalogue loads; "degraded" too when the crisis check runs on its word lists
alone (its semantic route is not trained: `make safety`); "error" when it cannot load (the catalogue component
then says what is wrong and which command fixes it). 200 for ok and degraded, 503 otherwise.
"""
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from web.access import READY

router = APIRouter()


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
    lexicon_only = {"state": "lexicon only", "fix": "run `make safety`"}
    crisis_check = ("ok" if state.crisis_model else lexicon_only if catalogue.get("state") in READY else "starting")
    body = {"status": status, "components": {"catalogue": catalogue, "rasa": rasa, "crisis_check": crisis_check}}
    return JSONResponse(body, status_code=200 if status in READY else 503)
