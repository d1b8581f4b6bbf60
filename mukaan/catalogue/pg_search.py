"""The PostgreSQL backend's searcher (the store is pg_store.py).

A search, with the filters in the WHERE clause, takes as candidates the CANDIDATES nearest
vectors from the HNSW index (``hnsw.iterative_scan`` keeps filtered queries full) and the
CANDIDATES best lexical matches found through the GIN index (picked by the query's rarer
lemmas, see LEXICAL_BUDGET); in a catalogue of at most EXACT_UP_TO activities, every activity
that passes the filters. For the candidates it computes the signals the SQLite searcher
computes — cosine (best language), the same BM25 (bm25s's Lucene variant and parameters, with
the whole catalogue's statistics) — and ranking.py's ``Signals.build`` and ``Signals.combine``
do the rest, as for SQLite; ``search`` is backend.py's. A search reads in one snapshot
(REPEATABLE READ).
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import bm25s
import numpy as np

from mukaan.catalogue.backend import Searcher
from mukaan.catalogue.pg_store import CANDIDATES, EXPIRY, RUNNING, PgStore, quote
from mukaan.catalogue.ranking import ANN_CANDIDATES, Filters, Signals, bits, lexical_tokens
from mukaan.catalogue.schema import ACCESSIBILITY, KINDS, TOPICS, WEEKDAYS, Activity
from mukaan.gazette import gazette

LEXICAL_BUDGET = 5_000          # activities the lemmas picking lexical candidates may match
EXACT_UP_TO = ANN_CANDIDATES    # at most this many pass the filters: all are candidates
EXACT_DENSE_BELOW = 10_000      # fewer pass the filters: exact nearest vectors, not HNSW
_DATES = "coalesce(a.data->'schedule'->'dates', '[]'::jsonb)"
_WEEKDAYS = "coalesce(a.data->'schedule'->'weekdays', '[]'::jsonb)"
# With a time window: a date in it; without dates, a weekday in it or no days known (ranking.py).
IN_WINDOW = (f"(EXISTS (SELECT 1 FROM jsonb_array_elements_text({_DATES}) d "
             f"WHERE d::date BETWEEN %(when_start)s AND %(when_end)s) "
             f"OR (jsonb_array_length({_DATES}) = 0 AND ({_WEEKDAYS} ?| %(when_days)s::text[] "
             f"OR jsonb_array_length({_WEEKDAYS}) = 0)))")
UNSCHEDULED = f"(jsonb_array_length({_DATES}) = 0 AND jsonb_array_length({_WEEKDAYS}) = 0)"
_BM25 = bm25s.BM25()            # the SQLite searcher's BM25: its k1, b and idf variant
if _BM25.method != "lucene":
    raise ImportError(f"PgSearcher implements bm25s's Lucene variant, not {_BM25.method}")


def _bm25(counts: np.ndarray, doc_len: np.ndarray, weights: np.ndarray, avgdl: float) -> np.ndarray:
    """BM25 as bm25s computes it (Lucene variant, float32): ``counts`` of the query lemmas per
    activity (rows), ``weights`` = idf times the lemma's count in the query."""
    if not counts.shape[1]:
        return np.zeros(len(counts), dtype=np.float32)
    k1, b = np.float32(_BM25.k1), np.float32(_BM25.b)
    norm = k1 * ((1 - b) + b * doc_len / np.float32(avgdl))
    return (counts / (norm[:, None] + counts) * weights).sum(axis=1, dtype=np.float32)


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
            self.generation = int(store.meta(conn, "generation"))
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
        if f.when is not None:
            params.update(when_start=f.window.start, when_end=f.window.end,
                          when_days=[d for i, d in enumerate(WEEKDAYS) if f.weekday_bits & (1 << i)])
            clauses.append(IN_WINDOW)
        if exclude:
            params["exclude"] = list(exclude)
            clauses.append("a.id <> ALL(%(exclude)s::text[])")
        return " AND ".join(clauses), params

    def _query(self, conn, query: str, lang: str, f: Filters, exclude: tuple[str, ...],
               vector=None) -> tuple[str, dict, dict]:
        """The candidate query for ``query`` and the filters, its parameters, and the meta
        values it was built from (read in the caller's transaction); ``vector``: the dense
        query vector (default: that of ``query``)."""
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
        params.update(n=CANDIDATES, q=(self.embedder.query(query) if vector is None else vector) if query else None,
                      home=int(home.code) if home else None, tsq=" | ".join(map(quote, picking)))
        params.update({f"t{i}": t for i, t in enumerate(terms)})
        # Order of the lexical candidates: the idf of the picking lemmas they have, shorter
        # activities first at equal sums (BM25 without its per-row term counts, which are slow).
        params.update({f"pq{i}": quote(t) for i, t in enumerate(picking)})
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
                         {dense}, a.doc_len, ARRAY[{counts_sql}]::int[], a.data::text, {UNSCHEDULED}
                  FROM (SELECT DISTINCT id FROM ({union}) p) c JOIN catalogue_activities a ON a.id = c.id"""
        bm25 = {"weights": np.array([counts[t] * idf[t] for t in terms], dtype=np.float32),
                "avgdl": int(meta.get("total_len", 0)) / max(n_docs, 1)}
        return sql, params, {**meta, **bm25}

    def signals(self, query: str, lang: str = "fi", filters: Filters | None = None,
                exclude: tuple[str, ...] = ()) -> Signals | None:
        """The ranking signals for the candidates that pass the filters (see module doc)."""
        f = (filters or Filters()).for_residents(self.settings)
        reading = self.understand(query)
        query = reading.text
        with self.store.pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            sql, params, meta = self._query(conn, query, lang, f, tuple(exclude),
                                            self.query_vector(reading) if query else None)
            rows = conn.execute(sql, params).fetchall()
        if not rows:
            return None
        rows.sort(key=lambda r: r[0])   # ties break by id, as in the SQLite snapshot
        snap = _Candidates(_LazyActivities([r[8] for r in rows]), int(meta.get("generation", 0)))
        return Signals.build(
            snap, np.arange(len(rows)), np.array([r[5] for r in rows], dtype=np.float32),
            _bm25(np.array([r[7] for r in rows], dtype=np.float32).reshape(len(rows), -1),
                  np.array([r[6] for r in rows], dtype=np.float32), meta["weights"], meta["avgdl"]),
            query, lang, f, reading,
            kind=np.array([KINDS.index(r[2]) for r in rows], dtype=np.int8),
            topic_bits=np.array([bits(r[3], TOPICS) for r in rows], dtype=np.int64),
            municipality=np.array([r[1] for r in rows], dtype=np.int32),
            unscheduled=np.array([r[9] for r in rows], dtype=bool))

    def plan(self, query: str, lang: str = "fi", filters: Filters | None = None,
             analyze: bool = False) -> str:
        """EXPLAIN (ANALYZE) of the candidate query a search runs: which indexes it uses."""
        query = " ".join(query.split())
        with self.store.pool.connection() as conn, conn.transaction():
            sql, params, _ = self._query(conn, query, lang, (filters or Filters()).for_residents(self.settings), ())
            rows = conn.execute(f"EXPLAIN {'(ANALYZE, BUFFERS) ' if analyze else ''}{sql}", params).fetchall()
        return "\n".join(r[0] for r in rows)
