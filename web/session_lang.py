"""Each conversation's language, kept on the server between turns (mukaan.language.decide
reads it), so a turn sent without ``lang`` goes on in the conversation's language.

Two stores with one interface: :class:`MemoryLanguages` in this process (one web instance),
:class:`RedisLanguages` in the Redis the Rasa instances share (the setting ``redis_url``), so
every web instance behind one address sees the same language. Only two language codes per
session are kept, never any text; they expire with the conversation
(``conversation_retention_minutes``) and are erased when it ends ("start over").
"""
from __future__ import annotations

import logging
import time
from collections import OrderedDict

import redis
import redis.asyncio

from mukaan.language import Remembered
from mukaan.settings import Settings
from mukaan.texts import LANGS

log = logging.getLogger(__name__)
MAX_SESSIONS = 100_000



def _pack(kept: Remembered) -> str:
    return f"{kept.lang} {kept.page or '-'}"


def _unpack(value: str | None) -> Remembered | None:
    lang, _, page = (value or "").partition(" ")
    if lang not in LANGS:
        return None
    return Remembered(lang, page if page in LANGS else None)


class MemoryLanguages:
    """Session → language in this process, forgotten after the retention time."""

    def __init__(self, retention_seconds: float):
        self.retention = retention_seconds
        self._kept: OrderedDict[str, tuple[float, str]] = OrderedDict()

    async def get(self, session: str) -> Remembered | None:
        seen, value = self._kept.get(session, (0.0, ""))
        if time.monotonic() - seen > self.retention:
            self._kept.pop(session, None)
            return None
        return _unpack(value)

    async def set(self, session: str, kept: Remembered) -> None:
        self._kept[session] = (time.monotonic(), _pack(kept))
        self._kept.move_to_end(session)
        while len(self._kept) > MAX_SESSIONS:
            self._kept.popitem(last=False)

    async def drop(self, session: str) -> None:
        self._kept.pop(session, None)

    async def close(self) -> None:
        self._kept.clear()


class RedisLanguages:
    """Session → language in Redis, under the key prefix, expiring after the retention time
    (renewed on every turn). If Redis fails, the turn goes on in the page's language."""

    def __init__(self, url: str, prefix: str, retention_seconds: float):
        self._redis = redis.asyncio.Redis.from_url(url, decode_responses=True)
        self.prefix = prefix
        self.retention = max(1, int(retention_seconds))

    def _key(self, session: str) -> str:
        return f"{self.prefix}:lang:{session}"

    async def get(self, session: str) -> Remembered | None:
        try:
            return _unpack(await self._redis.get(self._key(session)))
        except redis.RedisError as exc:
            log.warning("could not read a conversation's language from Redis: %s", type(exc).__name__)
            return None

    async def set(self, session: str, kept: Remembered) -> None:
        try:
            await self._redis.set(self._key(session), _pack(kept), ex=self.retention)
        except redis.RedisError as exc:
            log.warning("could not keep a conversation's language in Redis: %s", type(exc).__name__)

    async def drop(self, session: str) -> None:
        try:
            await self._redis.delete(self._key(session))
        except redis.RedisError as exc:
            log.warning("could not erase a conversation's language in Redis: %s", type(exc).__name__)

    async def close(self) -> None:
        await self._redis.aclose()


def session_languages(settings: Settings) -> MemoryLanguages | RedisLanguages:
    """The store the settings choose: Redis when ``redis_url`` is set, else this process."""
    retention = settings.conversation_retention_minutes * 60
    if settings.redis_url:
        return RedisLanguages(settings.redis_url, settings.redis_key_prefix, retention)
    return MemoryLanguages(retention)
