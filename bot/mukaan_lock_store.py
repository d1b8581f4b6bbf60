"""A Redis lock store for several Rasa instances whose ticket changes are atomic.

Rasa Open Source 3.6's RedisLockStore reads a conversation's ticket lock, changes it and
writes it back in separate commands. Two instances that receive messages of one conversation
at the same moment can then draw the same ticket and process both turns at once, and one of
the turns goes missing from the tracker (seen in tests/test_multi_instance.py). Here every
change of a lock runs as one Redis transaction (WATCH, read, MULTI, write, EXEC; retried when
another instance changed the lock in between), and a lock nobody waits for is deleted in the
same transaction.

Used by bot/endpoints.redis.yml (`type: mukaan_lock_store.AtomicRedisLockStore`); Rasa finds
this module because mukaan/stack.py puts bot/ on PYTHONPATH. Runs in Rasa's environment.
"""
from __future__ import annotations

import json
from typing import Callable, Text, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
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
            raise LockError(f"Error while acquiring lock. Error:\n{e}")

    def update_lock(self, conversation_id: Text) -> None:
        self._change(conversation_id, lambda lock: lock.remove_expired_tickets())

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        self._change(conversation_id, lambda lock: lock.remove_ticket_for(ticket_number))

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        # Removing the ticket and deleting a lock nobody waits for is one transaction.
        self.finish_serving(conversation_id, ticket_number)
