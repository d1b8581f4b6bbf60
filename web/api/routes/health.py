"""GET /health: the state of each component; 503 until the catalogue is loaded."""
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter()


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    state = request.app.state
    catalogue = state.catalogue_status
    rasa = await state.rasa.status()
    ready = catalogue.get("state") == "ok"
    status = "starting" if not ready else ("ok" if rasa == "ok" else "degraded")
    body = {"status": status, "components": {"catalogue": catalogue, "rasa": rasa}}
    return JSONResponse(body, status_code=200 if ready else 503)
