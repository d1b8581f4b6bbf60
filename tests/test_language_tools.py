"""spaCy pipelines, the municipality gazette in free text, topic detection."""
import pytest

from mukaan.nlp import lemmas
from mukaan_catalogue.gazette import find_municipalities, resolve_fuzzy
from mukaan_catalogue.taxonomy import detect_kinds, detect_topics


def test_lemmatiser_handles_finnish_and_swedish_inflection():
    assert "omaishoitaja" in lemmas("omaishoitajien ryhmä", "fi")
    assert "yksinäisyys" in lemmas("yksinäisyyteen", "fi")
    assert "frivillig" in lemmas("frivilliga", "sv")


@pytest.mark.parametrize("text,lang,expected", [
    ("Hei, asun Espoossa ja etsin vertaistukea", "fi", "Espoo"),
    ("Hej, jag bor i Esbo och vill bli frivillig", "sv", "Espoo"),
    ("olen eläkkeellä Vantaalla", "fi", "Vantaa"),
    ("Jag bor i Vanda", "sv", "Vantaa"),
    ("asun helsingissa", "fi", "Helsinki"),
    ("muutin Loviisaan", "fi", "Loviisa"),
    ("I live in Borgå", "en", "Porvoo"),
])
def test_municipality_in_free_text(text, lang, expected):
    assert [m.fi for m in find_municipalities(text, lang)][:1] == [expected]


def test_everyday_words_are_not_municipalities():
    assert find_municipalities("uimme lahdessa ja kävimme salossa", "fi") == []
    assert find_municipalities("det ska ingå i priset", "sv") == []


def test_fuzzy_answer_to_which_municipality():
    assert resolve_fuzzy("tampereel").fi == "Tampere"
    assert resolve_fuzzy("Jarvenpaa").fi == "Järvenpää"
    assert resolve_fuzzy("kissa") is None


def test_topics_and_kinds_from_residents_words():
    assert "memory_disorders" in detect_topics("Mun mies sairastaa Alzheimeria", "fi")
    assert "grief" in detect_topics("min man dog i våras", "sv")
    assert "loneliness" in detect_topics("mä oon tosi yksin kotona päivät", "fi")
    assert detect_kinds("haluaisin vertaistukea", "fi") == ["peer_support"]
    assert detect_kinds("jag vill bli frivillig", "sv") == ["volunteering"]
