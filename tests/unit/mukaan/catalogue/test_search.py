"""Search over the catalogue: ranking, filters and "why this". Every test that takes
``small_searcher`` or ``catalogue_searcher`` runs on both backends, SQLite and PostgreSQL +
pgvector (tests/conftest.py); tests/unit/mukaan/catalogue/test_postgres.py has PostgreSQL's own."""
import datetime as dt

import numpy as np
import pytest

from mukaan.catalogue.ranking import Filters
from mukaan.catalogue.sqlite_search import SqliteSearcher
from mukaan.settings import get_settings


def test_search_ranks_the_matching_activity_first(small_searcher):
    s = small_searcher
    first = s.search("hoidan muistisairasta puolisoa kotona", lang="fi")[0]
    assert first.activity.id == "espoo-omaishoitajien-iltapiiri"
    assert s.search("min man dog i våras", lang="sv")[0].activity.id == "vantaa-surevien-ryhma"
    assert s.search("I want to learn Finnish", lang="en")[0].activity.id == "espoo-kielikahvila-matinkyla"


def test_municipality_filter_accepts_finnish_swedish_and_inflected_names(small_searcher):
    s = small_searcher
    for name in ("Espoo", "esbo", "ESPOO", "Espoossa"):
        ids = {r.activity.id for r in s.search("tukea", municipality=name, limit=10)}
        assert ids == {"espoo-omaishoitajien-iltapiiri", "espoo-kielikahvila-matinkyla", "online-velkaneuvonta"}


def test_filters(small_searcher):
    s = small_searcher
    assert [r.activity.id for r in s.search("", filters=Filters(kinds=("club",)))] == ["helsinki-retkikerho"]
    assert {r.activity.id for r in s.search("", filters=Filters(online_only=True))} == {"online-velkaneuvonta"}
    assert {r.activity.id for r in s.search("x", filters=Filters(language="en"), limit=10)} == {
        "helsinki-retkikerho", "online-velkaneuvonta"}
    assert s.search("x", filters=Filters(municipality="Oulu", include_national=False)) == []


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_modes(small_searcher, mode):
    results = small_searcher.search("omaishoitajien vertaistuki", mode=mode, limit=5)
    assert results[0].activity.id == "espoo-omaishoitajien-iltapiiri"
    assert all(np.isfinite(r.score) for r in results)


def test_why_is_in_the_query_language(small_searcher):
    s = small_searcher
    fi = s.search("suru ja menetys", lang="fi")[0]
    sv = s.search("sorg efter att min man dog", lang="sv")[0]
    assert fi.activity.id == sv.activity.id == "vantaa-surevien-ryhma"
    assert "suru" in fi.why.lower() and "Vantaa" in fi.why
    assert "sorg" in sv.why.lower() and "Vanda" in sv.why


def test_rebuild_embeds_only_changed_and_swaps_whole(small_searcher, embedder, data_copy):
    from mukaan.catalogue.loader import load_dir
    s = small_searcher
    before = s.snapshot()
    activities = load_dir(data_copy)
    stats = s.store.replace_all(activities, embedder)
    assert stats["embedded"] == 0 and stats["removed"] == 0
    changed = [a.model_copy(update={"area": "Tapiola"}) if a.id == "espoo-kielikahvila-matinkyla" else a
               for a in activities if a.id != "online-velkaneuvonta"]
    stats = s.store.replace_all(changed, embedder)
    assert stats == {"total": 4, "embedded": 1, "removed": 1}
    after = s.snapshot()
    assert after is not before and len(after.activities) == 4 and len(s) == 4
    assert s.get("espoo-kielikahvila-matinkyla").area == "Tapiola"
    assert s.get("online-velkaneuvonta") is None
    assert "online-velkaneuvonta" not in {r.activity.id for r in s.search("velka", limit=10)}


def test_real_catalogue_municipality_filter(catalogue_searcher):
    for r in catalogue_searcher.search("vertaistuki", municipality="Esbo", limit=10):
        assert r.activity.is_national or r.activity.municipality.fi == "Espoo"


def test_approximate_index_gives_the_same_top_result(small_store, embedder, monkeypatch):
    """SQLite's in-process ANN (usearch); PostgreSQL's HNSW is in tests/unit/mukaan/catalogue/test_postgres.py."""
    from mukaan.settings import Settings
    exact = SqliteSearcher(small_store, Settings(), embedder).search("metsäretki lauantaina", limit=3)
    approx_searcher = SqliteSearcher(small_store, Settings(ann_min_vectors=1), embedder)
    assert approx_searcher.snapshot().ann is not None
    approx = approx_searcher.search("metsäretki lauantaina", limit=3)
    assert approx[0].activity.id == exact[0].activity.id == "helsinki-retkikerho"
    assert abs(approx[0].dense - exact[0].dense) < 0.01


@pytest.mark.parametrize("filters, expected", [
    (Filters(topics=("grief", "debt")), {"vantaa-surevien-ryhma", "online-velkaneuvonta"}),
    (Filters(topics=("no_such_topic",)), set()),
    (Filters(audience="seniors"), {"espoo-omaishoitajien-iltapiiri", "vantaa-surevien-ryhma"}),
    (Filters(accessibility=("wheelchair",)), {"espoo-omaishoitajien-iltapiiri"}),
    (Filters(accessibility=("wheelchair", "step_free")), set()),
    (Filters(kinds=("peer_support", "advice")),
     {"espoo-omaishoitajien-iltapiiri", "vantaa-surevien-ryhma", "online-velkaneuvonta"}),
    (Filters(municipality="Vantaa", include_national=False), {"vantaa-surevien-ryhma"}),
    (Filters(municipality="Helsingissä", nearby=True, include_national=False),
     {"helsinki-retkikerho", "espoo-omaishoitajien-iltapiiri", "espoo-kielikahvila-matinkyla",
      "vantaa-surevien-ryhma"}),
    (Filters(municipality="Esbo", language="sv"), {"espoo-omaishoitajien-iltapiiri", "online-velkaneuvonta"}),
    (Filters(free_only=True, online_only=True), {"online-velkaneuvonta"}),
])
@pytest.mark.parametrize("query", ["", "vertaistukea ja seuraa"])
def test_every_filter_keeps_exactly_the_matching_activities(small_searcher, filters, expected, query):
    assert {r.activity.id for r in small_searcher.search(query, filters=filters, limit=10)} == expected


def test_exclude_leaves_out_what_was_shown(small_searcher):
    first = small_searcher.search("vertaistuki surussa", limit=2)
    shown = tuple(r.activity.id for r in first)
    rest = small_searcher.search("vertaistuki surussa", limit=10, exclude=shown)
    assert len(rest) == 3 and not {r.activity.id for r in rest} & set(shown)


def test_volunteering_ranks_lower_unless_asked_for(catalogue_searcher):
    """Volunteering is giving help, not getting it: a lonely pensioner is offered company
    first, and someone who wants to volunteer gets volunteering."""
    company = catalogue_searcher.search("olen eläkeläinen ja kaipaan seuraa", municipality="Espoo", limit=3)
    assert all(r.activity.kind != "volunteering" for r in company)
    helping = catalogue_searcher.search("haluan vapaaehtoiseksi auttamaan ikäihmisiä", municipality="Espoo", limit=3)
    assert all(r.activity.kind == "volunteering" for r in helping)


def test_activities_that_are_over_are_left_out(catalogue_searcher, monkeypatch):
    """An activity is found up to its last date, and never after it (on every backend).
    Freshness is set aside here (tests/unit/web/test_association.py): in 2030 nothing is confirmed."""
    monkeypatch.setattr(get_settings(), "freshness_hide_months", 0)
    def found(day, **filters):
        f = Filters(municipality="Porvoo", today=day, **filters)
        return {r.activity.id for r in catalogue_searcher.search("yhdistysmessut", limit=100, filters=f)}
    assert "porvoo-foreningsmassan-2026" in found(dt.date(2026, 9, 26))
    assert "porvoo-foreningsmassan-2026" not in found(dt.date(2026, 9, 27))
    assert "porvoo-foreningsmassan-2026" not in found(dt.date(2026, 12, 4), kinds=("event",))
    # Without dates an activity is ongoing: found on any day.
    assert len(found(dt.date(2030, 1, 1))) > 0
