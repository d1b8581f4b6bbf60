"""Unmet needs, counted anonymously: when a search finds no good match, one count is added
to (month, kind, topic, municipality, language). No text and no session ids are stored, so the
counts tell the city and the associations what is missing without telling who asked.

Counts are kept for ``retention_months`` (the setting ``needs_retention_months``): the current
month and the months before it, that many in all; older rows are deleted when the log is
opened and then at most once an hour as counts are added or read. 0 keeps them all."""
from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import time
from pathlib import Path

from mukaan.settings import Settings
from mukaan.sqlite import connect

SCHEMA = """
CREATE TABLE IF NOT EXISTS unmet_needs (
    month TEXT NOT NULL, kind TEXT NOT NULL, topic TEXT NOT NULL,
    municipality TEXT NOT NULL, lang TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (month, kind, topic, municipality, lang)
)
"""
COLUMNS = ("month", "kind", "topic", "municipality", "lang", "count")
PRUNE_EVERY = 3600.0  # seconds


def first_kept_month(retention_months: int, today: dt.date | None = None) -> str:
    """The oldest month ("YYYY-MM") kept when counts are kept for ``retention_months``."""
    today = today or dt.date.today()
    index = today.year * 12 + (today.month - 1) - (retention_months - 1)
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


class NeedsLog:
    def __init__(self, path: Path, retention_months: int = 0):
        self.path = Path(path)
        self.retention_months = retention_months
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._pruned = 0.0
        with connect(self.path) as db:
            db.execute(SCHEMA)
        self.prune()

    def prune(self, today: dt.date | None = None) -> int:
        """Deletes the counts older than the retention time; returns how many rows went."""
        self._pruned = time.monotonic()
        if self.retention_months <= 0:
            return 0
        with self._lock, connect(self.path, timeout=10) as db:
            cur = db.execute("DELETE FROM unmet_needs WHERE month < ?",
                             (first_kept_month(self.retention_months, today),))
            return cur.rowcount

    def _prune_now_and_then(self) -> None:
        if time.monotonic() - self._pruned > PRUNE_EVERY:
            self.prune()

    def record(self, *, kind: str | None, topics: list[str], municipality: str | None, lang: str) -> None:
        month = dt.date.today().strftime("%Y-%m")
        rows = [(month, kind or "-", topic, municipality or "-", lang) for topic in (topics or ["-"])]
        self._prune_now_and_then()
        with self._lock, connect(self.path, timeout=10) as db:
            db.executemany(
                "INSERT INTO unmet_needs VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (month, kind, topic, municipality, lang)"
                " DO UPDATE SET count = count + 1", rows)

    def rows(self) -> list[dict]:
        self._prune_now_and_then()
        with connect(self.path) as db:
            cur = db.execute(f"SELECT {', '.join(COLUMNS)} FROM unmet_needs ORDER BY month DESC, count DESC")
            return [dict(zip(COLUMNS, r)) for r in cur]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(self.rows())
        return out.getvalue()


def is_unmet(results, wanted_topics: list[str]) -> bool:
    """No results, or none of the first three shares a topic the resident's words point to."""
    if not results:
        return True
    return bool(wanted_topics) and not any(set(wanted_topics) & set(r.activity.topics) for r in results[:3])


def open_needs_log(settings: Settings) -> NeedsLog:
    """The needs log the settings describe (file ``needs_database``, ``needs_retention_months``)."""
    return NeedsLog(settings.needs_database, retention_months=settings.needs_retention_months)
