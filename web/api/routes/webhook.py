"""POST /webhook: Rasa's custom-action endpoint, served in this process so the embedding
model and the catalogue are loaded once. It speaks the rasa_sdk action-server protocol.
With the setting action_token, only calls that carry it (Rasa's, bot/endpoints.yml) are run."""
from __future__ import annotations

import asyncio
import hmac
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionMissingDomainException, ActionNotFoundException, Tracker

from actions.services import use
from web.api.deps import ServicesDep

log = logging.getLogger(__name__)
router = APIRouter()

executor = ActionExecutor()
executor.register_package("actions")


@router.post("/webhook", include_in_schema=False)
async def webhook(request: Request, services: ServicesDep) -> JSONResponse:
    expected = services.settings.action_token
    given = request.headers.get("X-Mukaan-Action-Token", "")
    if expected and not hmac.compare_digest(given.encode(), expected.encode()):
        return JSONResponse({"error": "Action calls need the action token (X-Mukaan-Action-Token)"},
                            status_code=403)
    try:
        action_call = await request.json()
    except (ValueError, RecursionError):          # not JSON, not UTF-8, or nested too deep
        return JSONResponse({"error": "Invalid body request"}, status_code=400)
    problem = _malformed(action_call)
    if problem:
        return JSONResponse({"error": f"Invalid action call: {problem}"}, status_code=400)
    try:
        # Actions do CPU work (embedding a query): run them off the server's event loop.
        # The actions use this app's services (actions/services.py).
        with use(services):
            result = await asyncio.to_thread(asyncio.run, executor.run(action_call))
    except ActionExecutionRejection as e:
        return JSONResponse({"error": e.message, "action_name": e.action_name}, status_code=400)
    except ActionNotFoundException as e:
        log.error("unknown action %r", e.action_name)
        return JSONResponse({"error": e.message, "action_name": e.action_name}, status_code=404)
    except ActionMissingDomainException as e:   # Rasa then sends the call again with its domain
        return JSONResponse({"error": e.message, "action_name": e.action_name}, status_code=449)
    return JSONResponse(result.model_dump() if result else None)


def _malformed(action_call) -> str | None:
    """What is wrong with a body that is not an action call (400, not a 500 from inside the SDK)."""
    if not isinstance(action_call, dict):
        return "the body must be a JSON object"
    if not action_call.get("next_action"):
        return None                                  # the SDK answers "nothing to run"
    if not isinstance(action_call["next_action"], str):
        return "next_action must be a string"
    if not isinstance(action_call.get("tracker"), dict):
        return "tracker must be an object"
    if not isinstance(action_call.get("domain", {}), dict):
        return "domain must be an object"
    try:
        Tracker.from_dict(action_call["tracker"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return f"tracker is not a Rasa tracker ({type(exc).__name__})"
    return None
