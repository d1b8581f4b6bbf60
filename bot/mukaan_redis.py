"""Redis tracker and lock stores for several Rasa instances (Rasa 3.6's own, two fixes).

Lock store: Rasa's RedisLockStore reads a conversation's ticket lock, changes it and writes
it back in separate commands. Two instances that receive messages of one conversation at the
same moment can then draw the same ticket and process both turns at once, and one of the
turns goes missing from the tracker (seen in tests/system/test_multi_instance.py). Here every change
of a lock runs as one Redis transaction (WATCH, read, MULTI, write, EXEC; retried when
another instance changed the lock in between), and a lock nobody waits for is deleted in the
same transaction.

Tracker store: Rasa's RedisTrackerStore merges every saved tracker into the stored one, so
replacing a conversation with an empty tracker (PUT /conversations/{id}/tracker/events, which
the web app sends on "start over" and the kiosk wipe) kept everything the resident wrote and
renewed its expiry. Here a save stores exactly the tracker it is given (Rasa hands it the
whole current session) with the expiry, and an empty tracker deletes the key.

Used by bot/endpoints.redis.yml (`type: mukaan_redis.…`); Rasa finds this module because
devtools/stack.py puts bot/ on PYTHONPATH. Runs in Rasa's environment.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore (same settings and keys) with atomic ticket updates."""

    def __init__(self, endpoint_config: EndpointConfig) -> None:
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: Text, change: Callable[[TicketLock], T]) -> T:
        """Apply `change` to the stored lock in one transaction; returns what it returns."""
        key = self.key_prefix + conversation_id
        result: list[T] = []

        def transaction(pipe) -> None:
            result.clear()
            stored = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(stored)) if stored else TicketLock(conversation_id)
            result.append(change(lock))
            pipe.multi()
            if lock.is_someone_waiting():
                pipe.set(key, lock.dumps())
            else:
                pipe.delete(key)

        self.red.transaction(transaction, key)
        return result[0]

    def issue_ticket(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME) -> int:
        try:
            return self._change(conversation_id, lambda lock: lock.issue_ticket(lock_lifetime))
        except Exception as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Removing the ticket and deleting a lock nobody waits for is one transaction.
        self.finish_serving(conversation_id, ticket_number)


class ReplacingRedisTrackerStore(RedisTrackerStore):
    """RedisTrackerStore (same settings and keys) where a save replaces the stored tracker."""

    def __init__(self, *args: Any, record_exp: Optional[Any] = None, **kwargs: Any) -> None:
        # Values from endpoints.yml's ${ENV} substitution arrive as text.
        super().__init__(*args, record_exp=int(float(record_exp)) if record_exp else None, **kwargs)

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        await self.stream_events(tracker)
        key = self.key_prefix + tracker.sender_id
        if not tracker.events:
            self.red.delete(key)
            return
        self.red.set(key, self.serialise_tracker(tracker), ex=int(timeout or self.record_exp or 0) or None)
