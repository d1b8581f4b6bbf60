"""The PostgreSQL + pgvector catalogue's own behaviour: the HNSW index serves the dense
candidates, only changed activities are embedded and written again, a failed rebuild leaves
the old catalogue, the BM25 statistics stay exact, the ranking equals SQLite's, and one
setting selects the backend. The shared behaviour (filters, ranking, "why") is tested on both
backends in tests/unit/mukaan/catalogue/test_search.py. The server is real (tests/conftest.py, pg_server)."""

import numpy as np
import psycopg
import pytest

from devtools.postgres import fresh_database
from mukaan.catalogue import pg_search
from mukaan.catalogue.loader import load_dir
from mukaan.catalogue.pg_search import PgSearcher
from mukaan.catalogue.pg_store import PgStore
from mukaan.catalogue.ranking import Filters
from mukaan.catalogue.sqlite_store import passage_langs, passage_text
from mukaan.settings import get_settings
from scripts.bench_scale import synthetic_batches
from tests.conftest import FIXTURES


@pytest.fixture
def pg_store(pg_url):
    store = PgStore(pg_url)
    yield store
    store.close()


@pytest.fixture(scope="module")
def large_store(pg_fixture_template, pg_server):
    """10,000 activities (copies of the fixture catalogue with perturbed vectors), bulk-loaded:
    more than EXACT_UP_TO, so searches take the HNSW and full-text path."""
    source = PgStore(pg_server.get_uri(pg_fixture_template))
    activities, owners, matrix, _ = source.load()
    source.close()
    store = PgStore(fresh_database(pg_server.get_uri(), "large"))
    with store.bulk_loader(model="synthetic") as write:
        for rows, vectors in synthetic_batches(activities, owners, matrix, 10_000, batch=2000):
            write(rows, vectors)
    yield store
    store.close()


def _rows(store, sql, params=()):
    with store.pool.connection() as conn:
        return conn.execute(sql, params).fetchall()


def test_the_hnsw_index_serves_the_nearest_vectors(large_store, embedder):
    assert pg_search.EXACT_UP_TO < 10_000 == large_store.count()
    searcher = PgSearcher(large_store, get_settings(), embedder)
    plan = searcher.plan("metsäretki lauantaina")
    assert "Index Scan using catalogue_vectors_hnsw" in plan, plan
    # The approximate candidates hold the exact nearest activity.
    activities, owners, matrix, _ = large_store.load()
    q = embedder.query("metsäretki lauantaina")
    nearest = activities[owners[int(np.argmax(matrix @ q))][0]].id
    sig = searcher.signals("metsäretki lauantaina")
    assert nearest in {sig.snap.activities[i].id for i in sig.idx}
    assert searcher.search("metsäretki lauantaina")[0].activity.id.startswith("helsinki-retkikerho")


def test_only_rare_lemmas_pick_lexical_candidates(large_store, embedder, monkeypatch):
    """Lexical candidates come from lemmas that together match at most LEXICAL_BUDGET
    activities (each fixture lemma is in 2,000 of the 10,000 copies); BM25 still scores all."""
    searcher = PgSearcher(large_store, get_settings(), embedder)
    assert "lexemes @@" in searcher.plan("lauantaina")
    monkeypatch.setattr(pg_search, "LEXICAL_BUDGET", 1999)
    assert "lexemes @@" not in searcher.plan("lauantaina")
    sig = searcher.signals("metsäretki lauantaina")
    assert sig.lexical.max() > 0


def test_filtered_searches_still_fill_the_page(large_store, embedder, monkeypatch):
    """A filter that 2,000 of 10,000 activities pass: fewer than EXACT_DENSE_BELOW, so an exact
    scan over them; through the HNSW index, the scan goes on past its ef_search list
    (iterative scan) until CANDIDATES rows pass the filter."""
    searcher = PgSearcher(large_store, get_settings(), embedder)
    q, clubs = "vertaistukea surun keskellä", Filters(kinds=("club",))
    assert "catalogue_vectors_hnsw" not in searcher.plan(q, filters=clubs)
    exact = searcher.search(q, filters=clubs, limit=20)
    monkeypatch.setattr(pg_search, "EXACT_DENSE_BELOW", 0)
    assert "Index Scan using catalogue_vectors_hnsw" in searcher.plan(q, filters=clubs)
    sig = searcher.signals(q, filters=clubs)
    # Without the iterative scan about a fifth of the ef_search list (40 rows) would pass the
    # filter. The CANDIDATES rows are vectors, one per language: an activity with two of them
    # near the query counts once, so a few fewer activities than rows is right (once 199).
    assert len(sig.idx) >= 0.9 * pg_search.CANDIDATES
    assert {sig.snap.activities[i].kind for i in sig.idx} == {"club"}
    approx = searcher.search(q, filters=clubs, limit=20)
    assert len(approx) == 20 and approx[0].activity.id == exact[0].activity.id
    espoo = searcher.search("kielikahvila", municipality="Espoo", limit=10)
    assert espoo and all(r.activity.is_national or r.activity.municipality.fi == "Espoo" for r in espoo)


def test_only_changed_activities_are_embedded_and_written(pg_store, embedder):
    activities = load_dir(FIXTURES / "catalogue")
    pg_store.replace_all(activities, embedder)
    before = dict((r[0] + "/" + r[1], r[2]) for r in _rows(
        pg_store, "SELECT activity_id, lang, xmin::text FROM catalogue_vectors"))
    calls = []

    class Counting:                     # the real model; counts what it is asked to embed
        name, dim = embedder.name, embedder.dim

        def passages(self, texts, progress=False):
            calls.extend(texts)
            return embedder.passages(texts)

    changed = [a.model_copy(update={"area": "Tapiola"}) if a.id == "espoo-kielikahvila-matinkyla" else a
               for a in activities]
    assert pg_store.replace_all(changed, Counting()) == {"total": 5, "embedded": 1, "removed": 0}
    cafe = changed[[a.id for a in changed].index("espoo-kielikahvila-matinkyla")]
    assert calls == [passage_text(cafe, lang) for lang in passage_langs(cafe)]
    after = dict((r[0] + "/" + r[1], r[2]) for r in _rows(
        pg_store, "SELECT activity_id, lang, xmin::text FROM catalogue_vectors"))
    assert after.keys() == before.keys()
    rewritten = {k for k in after if after[k] != before[k]}
    assert rewritten == {f"espoo-kielikahvila-matinkyla/{lang}" for lang in passage_langs(cafe)}


def test_a_failed_rebuild_leaves_the_old_catalogue(pg_store, embedder):
    activities = load_dir(FIXTURES / "catalogue")
    pg_store.replace_all(activities, embedder)
    searcher = PgSearcher(pg_store, get_settings(), embedder)
    state = (pg_store.generation(), _rows(pg_store, "SELECT id, content_hash FROM catalogue_activities ORDER BY id"),
             _rows(pg_store, "SELECT term, df FROM catalogue_lexicon ORDER BY term"))

    class Broken:                       # gives vectors of the wrong size: the COPY fails late
        name, dim = "another-model", embedder.dim

        def passages(self, texts, progress=False):
            return embedder.passages(texts)[:, :-1]

    shorter = [a for a in activities if a.id != "online-velkaneuvonta"]
    with pytest.raises(psycopg.Error):
        pg_store.replace_all(shorter, Broken())
    assert state == (pg_store.generation(),
                     _rows(pg_store, "SELECT id, content_hash FROM catalogue_activities ORDER BY id"),
                     _rows(pg_store, "SELECT term, df FROM catalogue_lexicon ORDER BY term"))
    assert searcher.get("online-velkaneuvonta") is not None and len(searcher) == 5


def test_lexicon_stays_exact_through_changes(pg_store, embedder):
    """The document frequencies kept up by each rebuild equal a recount from scratch."""
    activities = load_dir(FIXTURES / "catalogue")
    pg_store.replace_all(activities, embedder)
    new_text = {"fi": "Uusi kuvaus: kävelyretki metsässä."}
    edited = [a.model_copy(update={"description": a.description.model_copy(update=new_text)})
              if a.id == "vantaa-surevien-ryhma" else a for a in activities if a.id != "helsinki-retkikerho"]
    pg_store.replace_all(edited, embedder)
    kept = dict(_rows(pg_store, "SELECT term, df FROM catalogue_lexicon"))
    recount = dict(_rows(pg_store, "SELECT t, count(*) FROM catalogue_activities, "
                                   "jsonb_object_keys(term_freqs) t GROUP BY t"))
    assert kept == recount and "kavelyretki" in kept
    meta = dict(_rows(pg_store, "SELECT key, value FROM catalogue_meta"))
    assert meta["doc_count"] == "4"
    assert int(meta["total_len"]) == _rows(pg_store, "SELECT sum(doc_len) FROM catalogue_activities")[0][0]


def test_signals_equal_sqlite_on_the_bundled_catalogue(pg_catalogue_url, searcher, embedder):
    """Dense, BM25, topic, kind and away signals and the top results are the SQLite
    searcher's (the bundled catalogue is small: every filtered activity is a candidate)."""
    store = PgStore(pg_catalogue_url)
    pg = PgSearcher(store, get_settings(), embedder)
    try:
        for q, lang, place in [("vertaistukea omaishoitajille", "fi", "Espoo"),
                               ("sorg efter min man", "sv", "Vanda"),
                               ("I feel lonely and want to meet people", "en", None),
                               ("liikuntaa ja ulkoilua senioreille", "fi", "Helsinki")]:
            f = Filters(municipality=place)
            a, b = pg.signals(q, lang, f), searcher.signals(q, lang, Filters(municipality=place))
            assert [a.snap.activities[i].id for i in a.idx] == [b.snap.activities[i].id for i in b.idx]
            assert np.allclose(a.dense, b.dense, atol=1e-5)
            assert np.allclose(a.lexical, b.lexical, rtol=1e-4, atol=1e-6) and a.lexical.max() > 0
            for field in ("topic", "kind", "away"):
                assert np.array_equal(getattr(a, field), getattr(b, field)), field
            assert ([r.activity.id for r in pg.search(q, lang=lang, filters=Filters(municipality=place))]
                    == [r.activity.id for r in searcher.search(q, lang=lang, filters=Filters(municipality=place))])
    finally:
        store.close()


def test_database_url_selects_postgres(pg_catalogue_url, searcher, monkeypatch):
    from mukaan.catalogue.backend import open_searcher
    from mukaan.catalogue.sqlite_search import SqliteSearcher
    from mukaan.settings import Settings
    for var in ("MUKAAN_DATABASE_URL", "DATABASE_URL"):
        monkeypatch.delenv("MUKAAN_DATABASE_URL", raising=False)
        monkeypatch.delenv("DATABASE_URL", raising=False)
        monkeypatch.setenv(var, pg_catalogue_url)
        assert Settings().database_url == pg_catalogue_url
    s = open_searcher(Settings())
    assert isinstance(s, PgSearcher) and len(s) == len(searcher)
    s.store.close()
    monkeypatch.delenv("DATABASE_URL")
    assert Settings().database_url is None and isinstance(open_searcher(Settings()), SqliteSearcher)


def test_copy_from_sqlite_needs_no_embedding(pg_url, searcher):
    store = PgStore(pg_url)
    try:
        stats = store.copy_from_sqlite(searcher.store)
        assert stats["embedded"] == len(searcher) == store.count()
        activities, owners, matrix, _ = store.load()
        s_acts, s_owners, s_matrix, _ = searcher.store.load()
        assert [a.id for a in activities] == [a.id for a in s_acts] and owners == s_owners
        assert np.allclose(matrix, s_matrix)
    finally:
        store.close()
