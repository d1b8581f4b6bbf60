"""The catalogue store on PostgreSQL with pgvector: the same API as the SQLite ``Store``, for a
catalogue that several web instances and writers share or that no longer fits one process's
memory. Chosen by the setting ``database_url``; the searcher over it is pg_search.py.

Tables (created on first use; the ``vector`` extension too if the role may):

- ``catalogue_activities``: one row per activity — the filterable fields as columns
  (municipality code, kind, topics, audience, accessibility, languages, free, online), its
  lemmas (``lexemes``: a tsvector of the folded lemmas of ranking.lexical_tokens, taken as they
  are, GIN index; ``term_freqs`` and ``doc_len`` for BM25) and the activity itself as jsonb;
- ``catalogue_vectors``: one e5 vector per activity and language, HNSW index (inner product;
  the vectors are normalised, so it is the cosine);
- ``catalogue_lexicon``: in how many activities each lemma occurs (BM25's idf);
- ``catalogue_meta``: generation, model, activity count and total lemma count.

A rebuild is one transaction, so searches see the old or the new catalogue, never a mix, and
content hashes mean only changed activities are embedded.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from contextlib import contextmanager
from urllib.parse import urlsplit

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from mukaan.catalogue.ranking import passage_tokens
from mukaan.catalogue.schema import Activity
from mukaan.catalogue.sqlite_store import Store, content_hash, passage_langs, passage_text
from mukaan.sqlite import connect

DIM = 384                       # multilingual-e5-small; an existing table keeps its own
CANDIDATES = 200                # nearest vectors and best lexical matches taken per search
EF_SEARCH = CANDIDATES          # HNSW candidate list; iterative scans go on until LIMIT is met
POOL_SIZE = 8
_LOCK = 0x6D756B61616E          # advisory lock serialising writers ("mukaan")

SCHEMA = """
CREATE TABLE IF NOT EXISTS catalogue_meta (key text PRIMARY KEY, value text NOT NULL);
CREATE TABLE IF NOT EXISTS catalogue_activities (
    id text PRIMARY KEY,
    content_hash text NOT NULL,
    municipality integer,               -- Statistics Finland code; NULL = national / online
    kind text NOT NULL,                 -- the taxonomy's values as they are (schema.py)
    topics text[] NOT NULL,
    audience text[] NOT NULL,
    accessibility text[] NOT NULL,
    languages text[] NOT NULL,
    free boolean NOT NULL,
    online boolean NOT NULL,
    lexemes tsvector NOT NULL,          -- folded lemmas (search.lexical_tokens), no stemming
    term_freqs jsonb NOT NULL,          -- lemma -> count, for BM25
    doc_len integer NOT NULL,
    data jsonb NOT NULL
);
CREATE INDEX IF NOT EXISTS catalogue_activities_municipality ON catalogue_activities (municipality);
CREATE INDEX IF NOT EXISTS catalogue_activities_kind ON catalogue_activities (kind);
CREATE INDEX IF NOT EXISTS catalogue_activities_topics ON catalogue_activities USING gin (topics);
CREATE INDEX IF NOT EXISTS catalogue_activities_lexemes ON catalogue_activities USING gin (lexemes);
CREATE TABLE IF NOT EXISTS catalogue_vectors (
    activity_id text NOT NULL REFERENCES catalogue_activities (id) ON DELETE CASCADE,
    lang text NOT NULL,
    embedding vector({dim}) NOT NULL,
    PRIMARY KEY (activity_id, lang)
);
CREATE INDEX IF NOT EXISTS catalogue_vectors_hnsw ON catalogue_vectors
    USING hnsw (embedding vector_ip_ops);
CREATE TABLE IF NOT EXISTS catalogue_lexicon (term text PRIMARY KEY, df integer NOT NULL);
CREATE INDEX IF NOT EXISTS catalogue_activities_running ON catalogue_activities
    ((coalesce(data->>'status', 'active')),
     (greatest(data->>'updated', coalesce(data->>'confirmed', data->>'updated'))));
"""

_COLUMNS = ("id", "content_hash", "municipality", "kind", "topics", "audience",
            "accessibility", "languages", "free", "online", "lexemes", "term_freqs", "doc_len", "data")
_TF = _COLUMNS.index("term_freqs")


EXPIRY = ("(NOT EXISTS (SELECT 1 FROM jsonb_array_elements_text(a.data->'schedule'->'dates') d) "
          "OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(a.data->'schedule'->'dates') d "
          "WHERE d::date >= %(today)s))")


# Shown to residents: running (not paused or ended), and checked recently enough (freshness).
# The dates are compared as ISO text, so that the expression can be indexed: the index gives
# the planner its statistics, without which it takes the filter for a rare one and walks past
# the HNSW index.
CHECKED = ("greatest(a.data->>'updated', coalesce(a.data->>'confirmed', a.data->>'updated'))")
RUNNING = f"coalesce(a.data->>'status', 'active') = 'active' AND {CHECKED} >= %(checked_since)s"


def lexical_doc(activity: Activity) -> list[str]:
    """The lemmas BM25 indexes for ``activity``: exactly what the SQLite searcher indexes."""
    return [t for lang in passage_langs(activity)
            for t in passage_tokens(passage_text(activity, lang), lang)] or ["_"]


def quote(lemma: str) -> str:
    """A lexeme literal for tsvector/tsquery input, taken as it is (no parsing, no stemming)."""
    return "'" + lemma.replace("\\", "\\\\").replace("'", "''") + "'"


def activity_row(activity: Activity, hash_: str) -> tuple:
    """The row of ``catalogue_activities`` for COPY, in the order of ``_COLUMNS``."""
    a = activity
    tokens = lexical_doc(a)
    return (a.id, hash_, int(a.municipality.code) if a.municipality else None, a.kind,
            list(a.topics), list(a.audience), list(a.accessibility), list(a.languages), a.cost.free,
            a.online, " ".join(quote(t) for t in sorted(set(tokens))), Jsonb(dict(Counter(tokens))),
            len(tokens), a.model_dump_json())


def _terms(row: tuple) -> Iterable[str]:
    return row[_TF].obj.keys()


def redact(url: str) -> str:
    """``url`` without user and password, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{':' + str(parts.port) if parts.port else ''}{parts.path}"


class PgStore:
    """The catalogue store on PostgreSQL: ``replace_all``, ``generation`` and ``load`` as in
    the SQLite ``Store``, plus ``bulk_loader`` for very large first loads."""

    def __init__(self, url: str, dim: int = DIM, pool_size: int = POOL_SIZE):
        self.url = url
        self.location = redact(url)
        with psycopg.connect(url, autocommit=True) as conn:
            if conn.execute("SELECT to_regclass('catalogue_lexicon')").fetchone()[0] is None:
                self._create_schema(conn, dim)
            self.dim = conn.execute("SELECT atttypmod FROM pg_attribute WHERE attname = 'embedding' "
                                    "AND attrelid = 'catalogue_vectors'::regclass").fetchone()[0]
            version = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()[0]
        self.vector_version = tuple(int(p) for p in version.split(".")[:2])
        # check: a connection the server dropped (restart, failover) is replaced, not used.
        self.pool = ConnectionPool(url, min_size=1, max_size=pool_size, configure=self._configure,
                                   check=ConnectionPool.check_connection, open=True, name="catalogue")

    def _create_schema(self, conn, dim: int) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))   # one creator at a time
            if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone() is None:
                try:
                    conn.execute("CREATE EXTENSION vector")
                except psycopg.errors.InsufficientPrivilege as exc:
                    raise RuntimeError(f"{self.location}: the pgvector extension is missing and this "
                                       "role may not create it: run CREATE EXTENSION vector as a "
                                       "superuser once") from exc
            conn.execute(SCHEMA.format(dim=int(dim)))

    def _configure(self, conn: psycopg.Connection) -> None:
        register_vector(conn)
        conn.execute(f"SET hnsw.ef_search = {EF_SEARCH}")
        if self.vector_version >= (0, 8):
            # Filtered queries: keep walking the graph until LIMIT rows pass the filters.
            conn.execute("SET hnsw.iterative_scan = relaxed_order")
        conn.commit()

    def close(self) -> None:
        self.pool.close()

    def meta(self, conn, key: str, default: str = "0") -> str:
        row = conn.execute("SELECT value FROM catalogue_meta WHERE key = %s", (key,)).fetchone()
        return row[0] if row else default

    def generation(self) -> int:
        with self.pool.connection() as conn:
            return int(self.meta(conn, "generation"))

    def count(self) -> int:
        with self.pool.connection() as conn:
            return int(self.meta(conn, "doc_count"))

    # -- writing ------------------------------------------------------------------------------
    def replace_all(self, activities: list[Activity], embedder, progress: bool = False) -> dict:
        """Make the store hold exactly ``activities``; embed only new or changed ones.
        One transaction: readers see the old catalogue until it commits; on any error
        nothing changes. Writers wait for each other (advisory lock)."""
        if embedder.dim != self.dim:
            raise ValueError(f"the catalogue holds {self.dim}-dimensional vectors; {embedder.name} "
                             f"gives {embedder.dim}: use a new database for another model")
        hashes = {a.id: content_hash(a, embedder.name) for a in activities}
        with self.pool.connection() as conn:
            known = dict(conn.execute("SELECT id, content_hash FROM catalogue_activities"))
        # Embed outside the transaction (it may take minutes); checked again under the lock.
        vectors = self._embed([a for a in activities if known.get(a.id) != hashes[a.id]], embedder, progress)
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            known = dict(conn.execute("SELECT id, content_hash FROM catalogue_activities"))
            changed = [a for a in activities if known.get(a.id) != hashes[a.id]]
            late = [a for a in changed if a.id not in vectors]   # another writer got in between
            vectors.update(self._embed(late, embedder, False))
            removed = sorted(set(known) - set(hashes))
            gone = [a.id for a in changed if a.id in known] + removed   # rows deleted (and re-added)
            old_df = Counter(t for (terms,) in conn.execute(
                "SELECT array(SELECT jsonb_object_keys(term_freqs)) FROM catalogue_activities "
                "WHERE id = ANY(%s)", (gone,)) for t in terms)
            rows = [activity_row(a, hashes[a.id]) for a in changed]
            delta = Counter(t for r in rows for t in _terms(r))
            delta.subtract(old_df)
            conn.execute("DELETE FROM catalogue_activities WHERE id = ANY(%s)", (gone,))  # vectors cascade
            self._write(conn, rows, [(a.id, lang, vec) for a in changed for lang, vec in vectors[a.id]])
            self._update_lexicon(conn, {t: d for t, d in delta.items() if d})
            self._finish(conn, embedder.name)
        return {"total": len(activities), "embedded": len(changed), "removed": len(removed)}

    def upsert(self, activity: Activity, embedder) -> None:
        """Adds or replaces one activity and embeds only it (an approved edit); one
        transaction, so searches see the old or the new version."""
        langs = passage_langs(activity)
        vectors = list(zip(langs, embedder.few_passages([passage_text(activity, lang) for lang in langs])))
        row = activity_row(activity, content_hash(activity, embedder.name))
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            delta = Counter(_terms(row))
            delta.subtract(t for (terms,) in conn.execute(
                "SELECT array(SELECT jsonb_object_keys(term_freqs)) FROM catalogue_activities "
                "WHERE id = %s", (activity.id,)) for t in terms)
            conn.execute("DELETE FROM catalogue_activities WHERE id = %s", (activity.id,))
            self._write(conn, [row], [(activity.id, lang, vec) for lang, vec in vectors])
            self._update_lexicon(conn, {t: d for t, d in delta.items() if d})
            self._finish(conn, embedder.name)

    @staticmethod
    def _embed(activities: list[Activity], embedder, progress: bool) -> dict[str, list]:
        """(lang, vector) per activity id, one ``passages`` call for all (length-sorted batches)."""
        jobs = [(a.id, lang, passage_text(a, lang)) for a in activities for lang in passage_langs(a)]
        vecs = embedder.passages([text for _, _, text in jobs], progress=progress) if jobs else []
        out: dict[str, list] = {a.id: [] for a in activities}
        for (aid, lang, _), vec in zip(jobs, vecs):
            out[aid].append((lang, np.asarray(vec, dtype=np.float32)))
        return out

    @staticmethod
    def _write(conn, rows: list[tuple], vectors: list[tuple]) -> None:
        """COPY new activity rows and their (id, lang, vector) rows."""
        with conn.cursor() as cur:
            with cur.copy(f"COPY catalogue_activities ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                for r in rows:
                    copy.write_row(r)
            with cur.copy("COPY catalogue_vectors (activity_id, lang, embedding) FROM STDIN "
                          "WITH (FORMAT BINARY)") as copy:
                copy.set_types(["text", "text", "vector"])
                for row in vectors:
                    copy.write_row(row)

    @staticmethod
    def _update_lexicon(conn, delta: dict[str, int]) -> None:
        if not delta:
            return
        conn.execute("""
            INSERT INTO catalogue_lexicon (term, df) SELECT * FROM unnest(%s::text[], %s::int[])
            ON CONFLICT (term) DO UPDATE SET df = catalogue_lexicon.df + EXCLUDED.df""",
                     (list(delta), list(delta.values())))
        conn.execute("DELETE FROM catalogue_lexicon WHERE df <= 0")

    @staticmethod
    def _finish(conn, model: str) -> None:
        count, total = conn.execute(
            "SELECT count(*), coalesce(sum(doc_len), 0) FROM catalogue_activities").fetchone()
        conn.execute("""
            INSERT INTO catalogue_meta (key, value) VALUES
                ('generation', '1'), ('model', %s), ('doc_count', %s), ('total_len', %s)
            ON CONFLICT (key) DO UPDATE SET value = CASE WHEN catalogue_meta.key = 'generation'
                THEN (catalogue_meta.value::bigint + 1)::text ELSE EXCLUDED.value END""",
                     (model, str(count), str(total)))

    @contextmanager
    def bulk_loader(self, model: str):
        """A first load of a very large catalogue: yields ``load(rows, vectors)`` to call per
        batch (rows from :func:`activity_row`, vectors as (id, lang, vector)); COPYs them
        into the empty store, then builds the HNSW index, the lexicon and the counts once.
        One transaction; the server's ``maintenance_work_mem`` decides the index build speed."""
        df: Counter = Counter()
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            if conn.execute("SELECT 1 FROM catalogue_activities LIMIT 1").fetchone():
                raise RuntimeError("bulk_loader needs an empty catalogue; use replace_all")
            conn.execute("DROP INDEX IF EXISTS catalogue_vectors_hnsw")

            def load(rows: list[tuple], vectors: list[tuple]) -> None:
                df.update(t for r in rows for t in _terms(r))
                self._write(conn, rows, vectors)

            yield load
            conn.execute("CREATE INDEX catalogue_vectors_hnsw ON catalogue_vectors "
                         "USING hnsw (embedding vector_ip_ops)")
            self._update_lexicon(conn, dict(df))
            self._finish(conn, model)
            conn.execute("ANALYZE catalogue_activities")
            conn.execute("ANALYZE catalogue_vectors")

    def copy_from_sqlite(self, source: Store) -> dict:
        """Fill this store from a SQLite catalogue index without embedding anything again."""
        activities, owners, matrix, _ = source.load()
        with connect(source.path) as db:
            row = db.execute("SELECT value FROM meta WHERE key = 'model'").fetchone()
        if row is None:
            raise ValueError(f"{source.path} does not name its embedding model: run build-index")
        known = {passage_text(activities[i], lang): matrix[n] for n, (i, lang) in enumerate(owners)}
        return self.replace_all(activities, _KnownVectors(row[0], matrix.shape[1], known))

    # -- reading ------------------------------------------------------------------------------
    def load(self) -> tuple[list[Activity], list[tuple[int, str]], np.ndarray, int]:
        """Activities, (activity index, lang) per vector row, the vector matrix, generation —
        the SQLite ``Store.load`` shape (everything in memory: for tools and tests)."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            generation = int(self.meta(conn, "generation"))
            rows = conn.execute("SELECT id, data::text FROM catalogue_activities ORDER BY id COLLATE \"C\"").fetchall()
            vrows = conn.execute("SELECT activity_id, lang, embedding FROM catalogue_vectors "
                                 "ORDER BY activity_id COLLATE \"C\", lang COLLATE \"C\"").fetchall()
        activities = [Activity.model_validate_json(data) for _, data in rows]
        pos = {a.id: i for i, a in enumerate(activities)}
        owners = [(pos[aid], lang) for aid, lang, _ in vrows]
        matrix = (np.stack([v.to_numpy().astype(np.float32) for _, _, v in vrows])
                  if vrows else np.zeros((0, 0), np.float32))
        return activities, owners, matrix, generation


class _KnownVectors:
    """Stands in for the embedder when the vectors already exist (moving a SQLite index)."""

    def __init__(self, name: str, dim: int, vectors: dict[str, np.ndarray]):
        self.name, self.dim, self._vectors = name, dim, vectors

    def passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return np.stack([self._vectors[t] for t in texts]) if texts else np.zeros((0, self.dim), np.float32)
