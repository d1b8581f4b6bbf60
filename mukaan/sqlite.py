"""SQLite connections that end with their block. ``with sqlite3.connect(...) as db`` only
commits: the connection stays open until the garbage collector finds it, and while it is open
a WAL-mode file keeps its -wal journal beside it (a plain copy of the file then misses the
latest writes)."""
from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def connect(path: Path | str, *, timeout: float = 30, wal: bool = False, **kwargs) -> Iterator[sqlite3.Connection]:
    """A connection that commits when the block succeeds, rolls back when it fails, and is
    closed either way."""
    db = sqlite3.connect(path, timeout=timeout, **kwargs)
    try:
        if wal:
            db.execute("PRAGMA journal_mode = WAL")
        with db:
            yield db
    finally:
        db.close()
