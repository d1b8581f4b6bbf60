"""The catalogue store: one SQLite file holding the activities and their embeddings.

Each activity is embedded once per language it has text in (``passage:`` prompt); a content
hash per activity means a rebuild embeds only what changed. Writes happen in one
transaction, so readers see either the old or the new catalogue, never a mix.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import numpy as np

from mukaan_catalogue.schema import LANGS, Activity
from mukaan_catalogue.taxonomy import kind_label, topic_label

SCHEMA = """
CREATE TABLE IF NOT EXISTS activities (
    id TEXT PRIMARY KEY,
    data TEXT NOT NULL,
    content_hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS vectors (
    id TEXT NOT NULL REFERENCES activities(id) ON DELETE CASCADE,
    lang TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (id, lang)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def passage_text(activity: Activity, lang: str) -> str:
    """What is embedded and indexed for ``activity`` in ``lang``: its own words plus the
    names of its kind and topics in that language."""
    labels = [kind_label(activity.kind, lang)] + [topic_label(t, lang) for t in activity.topics]
    return "\n".join([activity.name.get(lang), activity.description.get(lang), ", ".join(labels)])


def passage_langs(activity: Activity) -> list[str]:
    return [lang for lang in LANGS if activity.description.has(lang)]


def content_hash(activity: Activity, model_name: str) -> str:
    body = json.dumps(activity.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{model_name}\n{body}".encode()).hexdigest()


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA journal_mode = WAL")
        return db

    def generation(self) -> int:
        with self._connect() as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0]) if row else 0

    def replace_all(self, activities: list[Activity], embedder, progress: bool = False) -> dict:
        """Make the store hold exactly ``activities``; embed only new or changed ones."""
        with self._connect() as db:
            known = dict(db.execute("SELECT id, content_hash FROM activities"))
        hashes = {a.id: content_hash(a, embedder.name) for a in activities}
        changed = [a for a in activities if known.get(a.id) != hashes[a.id]]
        jobs = [(a.id, lang, passage_text(a, lang)) for a in changed for lang in passage_langs(a)]
        # One call: sentence-transformers sorts all texts by length into batches (less padding)
        # and draws the progress bar.
        vectors = embedder.passages([text for _, _, text in jobs], progress=progress)
        removed = set(known) - set(hashes)
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            for a in changed:
                db.execute("INSERT OR REPLACE INTO activities (id, data, content_hash) VALUES (?, ?, ?)",
                           (a.id, a.model_dump_json(), hashes[a.id]))
                db.execute("DELETE FROM vectors WHERE id = ?", (a.id,))
            db.executemany("INSERT INTO vectors (id, lang, vector) VALUES (?, ?, ?)",
                           [(aid, lang, vec.astype(np.float32).tobytes())
                            for (aid, lang, _), vec in zip(jobs, vectors)])
            db.executemany("DELETE FROM activities WHERE id = ?", [(r,) for r in removed])
            db.execute("INSERT INTO meta (key, value) VALUES ('generation', '1') "
                       "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('model', ?)", (embedder.name,))
        return {"total": len(activities), "embedded": len(changed), "removed": len(removed)}

    def load(self) -> tuple[list[Activity], list[tuple[int, str]], np.ndarray, int]:
        """Activities, (activity index, lang) per vector row, the vector matrix, generation."""
        with self._connect() as db:
            db.execute("BEGIN")
            gen_row = db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
            rows = db.execute("SELECT id, data FROM activities ORDER BY id").fetchall()
            vrows = db.execute("SELECT id, lang, vector FROM vectors ORDER BY id, lang").fetchall()
        activities = [Activity.model_validate_json(data) for _, data in rows]
        pos = {a.id: i for i, a in enumerate(activities)}
        owners = [(pos[aid], lang) for aid, lang, _ in vrows]
        matrix = (np.frombuffer(b"".join(v for _, _, v in vrows), dtype=np.float32).reshape(len(vrows), -1)
                  if vrows else np.zeros((0, 0), np.float32))
        return activities, owners, matrix, int(gen_row[0]) if gen_row else 0
