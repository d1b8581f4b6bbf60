"""The catalogue store: one SQLite file holding the activities and their embeddings.

Each activity is embedded once per language it has text in (``passage:`` prompt); a content
hash per activity means a rebuild embeds only what changed. Writes happen in one
transaction, so readers see either the old or the new catalogue, never a mix.

:func:`check_index` looks a file over before anyone relies on it (read-only: it never
creates or repairs): a missing, damaged or empty index raises :class:`IndexProblem`, whose
message names the command that fixes it. :func:`copy_index` takes a consistent copy (the
web app keeps the last good index beside the file, to fall back on).
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from mukaan.catalogue.schema import LANGS, Activity
from mukaan.sqlite import connect
from mukaan.texts.labels import kind_label, topic_label

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


# Fields added after indexes were built: left out of the hash while they hold their default,
# so an index built before them is not embedded again for nothing.
_LATER_DEFAULTS = {"confirmed": None, "status": "active"}


def content_hash(activity: Activity, model_name: str) -> str:
    data = activity.model_dump(mode="json")
    for key, default in _LATER_DEFAULTS.items():
        if data.get(key) == default:
            data.pop(key, None)
    body = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{model_name}\n{body}".encode()).hexdigest()


class IndexProblem(sqlite3.DatabaseError):
    """The catalogue index cannot be used as it is; ``fix`` says what to run."""

    def __init__(self, path: Path, problem: str, fix: str = "run `make index`"):
        super().__init__(f"catalogue index {path}: {problem}; {fix}")
        self.path, self.problem, self.fix = Path(path), problem, fix


def check_index(path: Path) -> dict:
    """A quick read-only check of an index file: SQLite's ``quick_check``, the tables, at least
    one activity with vectors. Returns ``{"activities", "vectors", "generation", "model",
    "fingerprint"}`` (the fingerprint changes whenever the content does)."""
    path = Path(path)
    if not path.is_file():
        raise IndexProblem(path, "the file is missing")
    remove = f"remove {path} and run `make index`"
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise IndexProblem(path, f"cannot be opened ({exc})") from exc
    try:
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise IndexProblem(path, f"the file is damaged ({verdict})", remove)
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not {"activities", "vectors", "meta"} <= tables:
            raise IndexProblem(path, "the file holds no catalogue index")
        meta = dict(db.execute("SELECT key, value FROM meta"))
        activities = db.execute("SELECT count(*) FROM activities").fetchone()[0]
        vectors = db.execute("SELECT count(*) FROM vectors").fetchone()[0]
        if not activities or not vectors:
            raise IndexProblem(path, "the index is empty")
        digest = hashlib.sha256()
        for aid, content in db.execute("SELECT id, content_hash FROM activities ORDER BY id"):
            digest.update(f"{aid}:{content}\n".encode())
    except IndexProblem:
        raise
    except sqlite3.DatabaseError as exc:       # "file is not a database", "malformed", …
        raise IndexProblem(path, f"the file is damaged ({exc})", remove) from exc
    finally:
        db.close()
    return {"activities": activities, "vectors": vectors, "generation": int(meta.get("generation", 0)),
            "model": meta.get("model"), "fingerprint": digest.hexdigest()}


def copy_index(source: Path, target: Path) -> None:
    """A consistent copy of the index ``source`` (SQLite's backup, safe while others read or
    write it) at ``target``, written beside it first and then moved into place."""
    target = Path(target)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        src = sqlite3.connect(f"{Path(source).resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


class Store:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with connect(self.path, wal=True) as db:
            db.execute("PRAGMA foreign_keys = ON")
            yield db

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
            self._next_generation(db, embedder.name)
        return {"total": len(activities), "embedded": len(changed), "removed": len(removed)}

    def upsert(self, activity: Activity, embedder) -> None:
        """Adds or replaces one activity and embeds only it (an approved edit). One
        transaction: readers see the old or the new version; the new generation makes
        searchers swap in a new snapshot whole."""
        langs = passage_langs(activity)
        vectors = embedder.few_passages([passage_text(activity, lang) for lang in langs])
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT OR REPLACE INTO activities (id, data, content_hash) VALUES (?, ?, ?)",
                       (activity.id, activity.model_dump_json(), content_hash(activity, embedder.name)))
            db.execute("DELETE FROM vectors WHERE id = ?", (activity.id,))
            db.executemany("INSERT INTO vectors (id, lang, vector) VALUES (?, ?, ?)",
                           [(activity.id, lang, vec.astype(np.float32).tobytes())
                            for lang, vec in zip(langs, vectors)])
            self._next_generation(db, embedder.name)

    @staticmethod
    def _next_generation(db: sqlite3.Connection, model: str) -> None:
        db.execute("INSERT INTO meta (key, value) VALUES ('generation', '1') "
                   "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")
        db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('model', ?)", (model,))

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
