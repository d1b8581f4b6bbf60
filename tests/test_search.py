"""Search over the catalogue: ranking, filters and "why this"."""
import numpy as np
import pytest

from mukaan_catalogue.search import Filters, Searcher
from mukaan_catalogue.store import Store


def test_search_ranks_the_matching_activity_first(small_store, embedder):
    s = Searcher(small_store, embedder)
    assert s.search("hoidan muistisairasta puolisoa kotona", lang="fi")[0].activity.id == "espoo-omaishoitajien-iltapiiri"
    assert s.search("min man dog i våras", lang="sv")[0].activity.id == "vantaa-surevien-ryhma"
    assert s.search("I want to learn Finnish", lang="en")[0].activity.id == "espoo-kielikahvila-matinkyla"


def test_municipality_filter_accepts_finnish_swedish_and_inflected_names(small_store, embedder):
    s = Searcher(small_store, embedder)
    for name in ("Espoo", "esbo", "ESPOO", "Espoossa"):
        ids = {r.activity.id for r in s.search("tukea", municipality=name, limit=10)}
        assert ids == {"espoo-omaishoitajien-iltapiiri", "espoo-kielikahvila-matinkyla", "online-velkaneuvonta"}


def test_filters(small_store, embedder):
    s = Searcher(small_store, embedder)
    assert [r.activity.id for r in s.search("", filters=Filters(kinds=("club",)))] == ["helsinki-retkikerho"]
    assert {r.activity.id for r in s.search("", filters=Filters(online_only=True))} == {"online-velkaneuvonta"}
    assert {r.activity.id for r in s.search("x", filters=Filters(language="en"), limit=10)} == {
        "helsinki-retkikerho", "online-velkaneuvonta"}
    assert s.search("x", filters=Filters(municipality="Oulu", include_national=False)) == []


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_modes(small_store, embedder, mode):
    results = Searcher(small_store, embedder).search("omaishoitajien vertaistuki", mode=mode, limit=5)
    assert results[0].activity.id == "espoo-omaishoitajien-iltapiiri"
    assert all(np.isfinite(r.score) for r in results)


def test_why_is_in_the_query_language(small_store, embedder):
    s = Searcher(small_store, embedder)
    fi = s.search("suru ja menetys", lang="fi")[0]
    sv = s.search("sorg efter att min man dog", lang="sv")[0]
    assert fi.activity.id == sv.activity.id == "vantaa-surevien-ryhma"
    assert "suru" in fi.why.lower() and "Vantaa" in fi.why
    assert "sorg" in sv.why.lower() and "Vanda" in sv.why


def test_rebuild_embeds_only_changed_and_swaps_whole(small_store, embedder, data_copy):
    from mukaan_catalogue.loader import load_dir
    s = Searcher(small_store, embedder)
    before = s.snapshot()
    activities = load_dir(data_copy)
    stats = small_store.replace_all(activities, embedder)
    assert stats["embedded"] == 0 and stats["removed"] == 0
    changed = [a.model_copy(update={"area": "Tapiola"}) if a.id == "espoo-kielikahvila-matinkyla" else a
               for a in activities if a.id != "online-velkaneuvonta"]
    stats = small_store.replace_all(changed, embedder)
    assert stats == {"total": 4, "embedded": 1, "removed": 1}
    after = s.snapshot()
    assert after is not before and len(after.activities) == 4
    assert s.get("espoo-kielikahvila-matinkyla").area == "Tapiola"


def test_real_catalogue_municipality_filter(searcher):
    for r in searcher.search("vertaistuki", municipality="Esbo", limit=10):
        assert r.activity.is_national or r.activity.municipality.fi == "Espoo"


def test_approximate_index_gives_the_same_top_result(small_store, embedder, monkeypatch):
    from mukaan.settings import get_settings
    exact = Searcher(small_store, embedder).search("metsäretki lauantaina", limit=3)
    monkeypatch.setattr(get_settings(), "ann_min_vectors", 1)
    approx_searcher = Searcher(small_store, embedder)
    assert approx_searcher.snapshot().ann is not None
    approx = approx_searcher.search("metsäretki lauantaina", limit=3)
    assert approx[0].activity.id == exact[0].activity.id == "helsinki-retkikerho"
    assert abs(approx[0].dense - exact[0].dense) < 0.01
