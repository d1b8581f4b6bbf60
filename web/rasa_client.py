"""Talks to the Rasa server's REST channel and turns its messages into the API's form."""
from __future__ import annotations

from typing import Any

import httpx

from mukaan.settings import get_settings


class RasaUnavailable(Exception):
    """Rasa did not answer (down, starting, or too slow)."""


class RasaClient:
    def __init__(self, base_url: str | None = None, timeout: float | None = None):
        settings = get_settings()
        self.base_url = (base_url or settings.rasa_url).rstrip("/")
        self._client = httpx.AsyncClient(timeout=timeout or settings.rasa_timeout)

    async def close(self) -> None:
        await self._client.aclose()

    async def send(self, session: str, text: str, lang: str) -> list[dict[str, Any]]:
        try:
            response = await self._client.post(
                f"{self.base_url}/webhooks/rest/webhook",
                json={"sender": session, "message": text, "metadata": {"lang": lang}})
            response.raise_for_status()
            return response.json() or []
        except (httpx.HTTPError, ValueError) as exc:
            raise RasaUnavailable(str(exc)) from exc

    async def status(self) -> str:
        """'ok' when a model is loaded, 'starting' while it loads, 'down' otherwise."""
        try:
            response = await self._client.get(f"{self.base_url}/status", timeout=2.0)
            if response.status_code == 200 and response.json().get("model_file"):
                return "ok"
            return "starting"
        except httpx.HTTPError:
            return "down"
        except ValueError:
            return "starting"

    async def forget(self, session: str) -> None:
        """Ends the conversation in Rasa: its tracker is replaced by a fresh one."""
        try:
            await self._client.post(f"{self.base_url}/conversations/{session}/tracker/events",
                                    json=[{"event": "restart"}, {"event": "session_started"}])
        except httpx.HTTPError:
            pass


def to_messages(rasa_messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    """Rasa's REST messages → the API's messages, plus a language the bot switched to."""
    out: list[dict[str, Any]] = []
    switched = None
    for m in rasa_messages:
        custom = m.get("custom") or {}
        if custom.get("set_lang"):
            switched = custom["set_lang"]
        msg: dict[str, Any] = {}
        if m.get("text"):
            msg["text"] = m["text"]
        if m.get("buttons"):
            msg["buttons"] = [{"title": b.get("title", ""), "payload": b.get("payload", "")}
                              for b in m["buttons"]]
        if custom.get("activities") is not None:
            msg["activities"] = custom["activities"]
            if custom.get("text_version"):
                msg["text_version"] = custom["text_version"]
        if msg:
            out.append(msg)
    return out, switched
