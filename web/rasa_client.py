"""Talks to the Rasa server's REST channel and turns its messages into the API's form.

Every call has a total deadline (the setting ``rasa_timeout``), not just httpx's per-read
timeout: a Rasa that accepts the connection and then trickles bytes, or never answers,
still gives way after that many seconds. After a failure the client skips Rasa for a short
while (``RETRY_AFTER`` seconds), so a burst of residents is not made to wait for a Rasa that
has just failed; each of them gets the direct search at once.

Privacy: :meth:`RasaClient.forget` replaces a conversation's tracker in Rasa with an empty
one (``PUT /conversations/{id}/tracker/events``), which removes what the resident wrote from
Rasa's in-memory tracker store; a "restart" event alone would only reset the slots. The web
app calls it when a conversation ends ("start over", the kiosk wipe) and when it has been
idle longer than the setting ``conversation_retention_minutes`` (see :class:`Sessions`).
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import httpx

from mukaan.texts import LANGS

log = logging.getLogger(__name__)
RETRY_AFTER = 5.0        # seconds Rasa is skipped after it failed
MAX_SESSIONS = 100_000   # sessions remembered for the retention sweep (ids and times only)


class RasaUnavailable(Exception):
    """Rasa did not answer (down, starting, too slow, or nonsense)."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float):
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self._client = httpx.AsyncClient(timeout=self.timeout)
        self._skip_until = 0.0
        self.last_failure: str | None = None   # "down" or "slow": what /health reports

    async def close(self) -> None:
        await self._client.aclose()

    async def _request(self, method: str, path: str, deadline: float, **kwargs) -> httpx.Response:
        """One request that gives up after ``deadline`` seconds in total."""
        try:
            async with asyncio.timeout(deadline):
                return await self._client.request(method, f"{self.base_url}{path}", **kwargs)
        except TimeoutError as exc:
            raise httpx.TimeoutException(f"no answer from Rasa in {deadline:g} s") from exc

    def _failed(self, kind: str) -> None:
        self.last_failure = kind
        self._skip_until = time.monotonic() + RETRY_AFTER

    async def send(self, session: str, text: str, lang: str, *, checked: bool = False) -> list[dict[str, Any]]:
        """Rasa's answer to ``text``; ``checked``: the crisis check ran with its semantic route
        and found no crisis (the message metadata says so to action_crisis)."""
        if time.monotonic() < self._skip_until:
            raise RasaUnavailable(f"Rasa failed ({self.last_failure}) less than {RETRY_AFTER:g} s ago")
        try:
            response = await self._request(
                "POST", "/webhooks/rest/webhook", self.timeout,
                json={"sender": session, "message": text,
                      "metadata": {"lang": lang, "crisis_checked": checked}})
            response.raise_for_status()
            messages = response.json() or []
        except httpx.TimeoutException as exc:
            self._failed("slow")
            raise RasaUnavailable(f"timeout: {exc}") from exc
        except (httpx.HTTPError, ValueError) as exc:
            self._failed("down")
            raise RasaUnavailable(f"{type(exc).__name__}: {exc}") from exc
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            self._failed("down")
            raise RasaUnavailable(f"unexpected answer from Rasa: {type(messages).__name__}")
        self.last_failure = None
        return messages

    async def status(self) -> str:
        """'ok' when a model is loaded, 'starting' while it loads, 'slow' when it does not answer
        in time, 'down' otherwise."""
        try:
            response = await self._request("GET", "/status", min(2.0, self.timeout))
            if response.status_code == 200 and response.json().get("model_file"):
                return "ok"
            return "starting"
        except httpx.TimeoutException:
            return "slow"
        except httpx.HTTPError:
            return "down"
        except (ValueError, AttributeError):
            return "starting"

    async def forget(self, session: str) -> bool:
        """Erases the conversation in Rasa (its tracker becomes empty). True when Rasa confirmed;
        False (try again later) when it failed or Rasa failed just before."""
        if time.monotonic() < self._skip_until:
            return False
        try:
            response = await self._request("PUT", f"/conversations/{session}/tracker/events",
                                           self.timeout, json=[])
            return response.status_code == 200
        except httpx.HTTPError as exc:
            log.warning("could not erase a conversation in Rasa: %s", type(exc).__name__)
            return False


class Sessions:
    """When each conversation last had a message (session id → time; no text), so that
    conversations idle longer than the retention time can be erased in Rasa."""

    def __init__(self, retention_seconds: float):
        self.retention = retention_seconds
        self._seen: OrderedDict[str, float] = OrderedDict()

    def touch(self, session: str) -> None:
        self._seen[session] = time.monotonic()
        self._seen.move_to_end(session)
        while len(self._seen) > MAX_SESSIONS:      # the oldest are erased by the next sweep anyway
            self._seen.popitem(last=False)

    def drop(self, session: str) -> None:
        self._seen.pop(session, None)

    def expired(self) -> list[str]:
        limit = time.monotonic() - self.retention
        return [s for s, seen in self._seen.items() if seen <= limit]

    def __len__(self) -> int:
        return len(self._seen)

    async def sweep_forever(self, rasa: Callable[[], RasaClient]) -> None:
        """Every little while, erase the conversations idle longer than the retention time
        (``rasa`` gives the client in use)."""
        interval = max(0.5, min(60.0, self.retention / 4))
        while True:
            await asyncio.sleep(interval)
            for session in self.expired():
                if await rasa().forget(session):
                    self.drop(session)


def to_messages(rasa_messages: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    """Rasa's REST messages → the API's messages, plus a language the bot switched to."""
    out: list[dict[str, Any]] = []
    switched = None
    for m in rasa_messages:
        custom = m.get("custom") or {}
        if not isinstance(custom, dict):
            custom = {}
        if custom.get("set_lang") in LANGS:
            switched = custom["set_lang"]
        if custom.get("ask") in ("municipality",) and out and not m.get("text"):
            out[-1]["ask"] = custom["ask"]   # which question the previous message asks
        msg: dict[str, Any] = {}
        if isinstance(m.get("text"), str) and m["text"]:
            msg["text"] = m["text"]
        if isinstance(m.get("buttons"), list) and m["buttons"]:
            msg["buttons"] = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                              for b in m["buttons"] if isinstance(b, dict)]
        if isinstance(custom.get("activities"), list):
            msg["activities"] = custom["activities"]
            if custom.get("text_version"):
                msg["text_version"] = custom["text_version"]
        if msg:
            out.append(msg)
    return out, switched
