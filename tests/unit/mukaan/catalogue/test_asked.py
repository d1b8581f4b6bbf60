"""What a search asks for (mukaan/catalogue/asked.py): giving vs getting help read from the e5
query vector, and negation ("not X but Y"). The queries here are written for these tests: none
is in the detector's training data (NLU, mukaan/data/asked_examples.yaml) or an evaluation set.
Searches run on both backends (``catalogue_searcher``), each against the lexicon alone."""
import pytest

from mukaan.catalogue import asked
from mukaan.catalogue.backend import open_searcher
from mukaan.catalogue.ranking import Filters
from mukaan.settings import Settings, get_settings

GIVING = [("mulla on aikaa ja haluaisin olla avuksi yksinäisille vanhuksille", "fi", "Espoo"),
          ("jag har tid och vill ställa upp för ensamma äldre", "sv", "Helsinki"),
          ("I have free evenings and would love to be useful to lonely old people", "en", "Helsinki")]


def kinds(searcher, query, lang, municipality):
    return [r.activity.kind for r in searcher.search(query, lang=lang, limit=3,
                                                     filters=Filters(municipality=municipality))]


@pytest.fixture
def lexicon_only(catalogue_searcher, embedder, tmp_path):
    """The same catalogue searched without the detector and without reading negation."""
    settings = Settings(asked_model=tmp_path / "missing.npz", asked_negation=False)
    return open_searcher(settings, catalogue_searcher.store, embedder)


@pytest.mark.parametrize("query, lang, municipality", GIVING)
def test_a_wish_to_help_without_the_word_ranks_volunteering_first(catalogue_searcher, lexicon_only,
                                                                  query, lang, municipality):
    assert catalogue_searcher.asked is not None, "the detector is missing: run `make asked`"
    assert kinds(catalogue_searcher, query, lang, municipality)[0] == "volunteering"
    assert kinds(lexicon_only, query, lang, municipality)[0] != "volunteering"


def test_a_wish_for_a_volunteers_company_does_not_rank_volunteering_first(catalogue_searcher, lexicon_only):
    """The word for volunteer, but the resident wants one for their father: befriending."""
    query = ("mun isä on yksinäinen, löytyiskö sille vapaaehtoinen kaveri", "fi", "Espoo")
    assert kinds(lexicon_only, *query)[0] == "volunteering"
    assert "volunteering" not in kinds(catalogue_searcher, *query)


def test_getting_help_does_not_rank_volunteering_first(catalogue_searcher):
    for query in [("tarviin jonkun auttamaan kauppakassien kanssa", "fi", "Espoo"),
                  ("jag är ensam och skulle vilja ha någon att prata med", "sv", "Helsinki")]:
        assert kinds(catalogue_searcher, *query)[0] != "volunteering"


@pytest.mark.parametrize("query, lang, municipality, negated, wanted", [
    ("not a support group but somewhere to just hang out", "en", "Helsinki", "peer_support", "meeting_place"),
    ("inte dans utan någon att prata med", "sv", "Espoo", "club", "peer_support"),
])
def test_what_is_negated_is_not_searched_for(catalogue_searcher, lexicon_only, query, lang, municipality,
                                            negated, wanted):
    assert kinds(lexicon_only, query, lang, municipality)[0] == negated
    found = kinds(catalogue_searcher, query, lang, municipality)
    assert found[0] == wanted and negated not in found


@pytest.mark.parametrize("query, text", [
    ("ei kuntosali vaan kävelyryhmä", "kävelyryhmä"),
    ("ei mitään piiriä jossa vaan istutaan, vaan jotain liikkuvaa", "jotain liikkuvaa"),
    ("en halua neuvontaa vaan ihan tekemistä", "ihan tekemistä"),
    ("jag vill inte sitta hemma utan träffa folk", "jag vill träffa folk"),
    ("not the gym but walking", "walking"),
    ("kuntosalin sijaan jotain ulkona", "jotain ulkona"),
    ("instead of the gym I want to walk outdoors", "I want to walk outdoors"),
])
def test_split_negated(query, text):
    assert asked.split_negated(query)[0] == text


@pytest.mark.parametrize("query", [
    "mä en jaksa vaan istua kotona",                # "vaan" = just
    "jag klarar mig inte utan hjälp",               # "utan" = without
    "I don't want to be alone but I don't know where to go",   # a concession
    "no one to talk to but my cat",
    "ei",
])
def test_split_negated_leaves_other_negations(query):
    assert asked.split_negated(query) == (query, "")


def wishes(**p):
    return asked.Wishes(p, asked.Thresholds(giving=0.3, getting=0.5, need=0.5))


def test_fusion_of_the_classifier_and_the_lexicon():
    # giving help, most likely: volunteering is asked for although no word named it
    assert wishes(volunteering=0.4, situation=0.35, befriending=0.25).fuse([], {})[0] == ["volunteering"]
    # likely, but not the most likely reading: not asked for
    assert wishes(volunteering=0.35, befriending=0.45, situation=0.2).fuse([], {})[0] == []
    # the lexicon saw the word, the classifier reads a wish for company: not wanted
    asked_, needs, unwanted = wishes(volunteering=0.3, befriending=0.7).fuse(["volunteering"], {"club": 0.9})
    assert asked_ == [] and unwanted == ["volunteering"]
    assert needs == {"befriending": 0.35, "club": 0.9}      # the stronger of lexicon and classifier
    # the classifier agrees with the lexicon: kept
    assert wishes(volunteering=0.6, club=0.4).fuse(["volunteering"], {})[0] == ["volunteering"]


def test_negated_kinds_are_unwanted_and_situation_topics_stay():
    reading = asked.Reading("jotain tekemistä", "ei mitään vauvaperheiden kerhoa tai kuoroa vaan", None)
    fused = reading.fuse("fi", [], [], {})
    assert "club" in fused.unwanted
    assert "families" in fused.topics and "culture" not in fused.topics


def test_a_stale_detector_is_not_used_but_a_changed_catalogue_keeps_it(embedder, tmp_path):
    """Trained for other examples or another model: the search runs on the lexicon alone.
    Trained before a catalogue file changed (an import): still used, and `make asked` trains
    it again."""
    import shutil

    from mukaan.catalogue.embedding import model_id
    settings = get_settings()
    identity = model_id(embedder)
    assert asked.up_to_date(settings, identity), "the detector is stale: run `make asked`"
    with pytest.raises(ValueError):
        asked.AskedModel.load(settings.asked_model, embedder.queries, "another fingerprint")
    catalogue = tmp_path / "activities"
    shutil.copytree(settings.catalogue_dir, catalogue)
    first = sorted(catalogue.glob("*.yaml"))[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    changed = Settings(catalogue_dir=catalogue)
    assert not asked.up_to_date(changed, identity)
    assert asked.load_model(changed, embedder.queries, identity).wishes("haluan auttaa muita").giving > 0.5
