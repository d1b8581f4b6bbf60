"""POST /webhook: Rasa's custom-action endpoint, served in this process so the embedding
model and the catalogue are loaded once. It speaks the rasa_sdk action-server protocol."""
from __future__ import annotations

import asyncio
import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

log = logging.getLogger(__name__)
router = APIRouter()

executor = ActionExecutor()
executor.register_package("actions")


@router.post("/webhook", include_in_schema=False)
async def webhook(request: Request) -> JSONResponse:
    try:
        action_call = await request.json()
    except ValueError:
        return JSONResponse({"error": "Invalid body request"}, status_code=400)
    try:
        # Actions do CPU work (embedding a query): run them off the server's event loop.
        result = await asyncio.to_thread(asyncio.run, executor.run(action_call))
    except ActionExecutionRejection as e:
        return JSONResponse({"error": e.message, "action_name": e.action_name}, status_code=400)
    except ActionNotFoundException as e:
        log.error("unknown action %s", e.action_name)
        return JSONResponse({"error": e.message, "action_name": e.action_name}, status_code=404)
    return JSONResponse(result.model_dump() if result else None)
