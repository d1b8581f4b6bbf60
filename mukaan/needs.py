"""Unmet needs, counted anonymously: when a search finds no good match, one count is added
to (month, kind, topic, municipality, language). No text and no session ids are stored, so the
counts tell the city and the associations what is missing without telling who asked."""
from __future__ import annotations

import csv
import datetime as dt
import io
import sqlite3
import threading
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS unmet_needs (
    month TEXT NOT NULL, kind TEXT NOT NULL, topic TEXT NOT NULL,
    municipality TEXT NOT NULL, lang TEXT NOT NULL, count INTEGER NOT NULL,
    PRIMARY KEY (month, kind, topic, municipality, lang)
)
"""
COLUMNS = ("month", "kind", "topic", "municipality", "lang", "count")


class NeedsLog:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        with sqlite3.connect(self.path) as db:
            db.execute(SCHEMA)

    def record(self, *, kind: str | None, topics: list[str], municipality: str | None, lang: str) -> None:
        month = dt.date.today().strftime("%Y-%m")
        rows = [(month, kind or "-", topic, municipality or "-", lang) for topic in (topics or ["-"])]
        with self._lock, sqlite3.connect(self.path, timeout=10) as db:
            db.executemany(
                "INSERT INTO unmet_needs VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (month, kind, topic, municipality, lang)"
                " DO UPDATE SET count = count + 1", rows)

    def rows(self) -> list[dict]:
        with sqlite3.connect(self.path) as db:
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
