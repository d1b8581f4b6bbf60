"""spaCy pipelines, the municipality gazette in free text, topic detection."""
import pytest

from mukaan.catalogue.taxonomy import detect, detect_kinds, detect_topics
from mukaan.gazette import find_municipalities, resolve_fuzzy
from mukaan.nlp import lemmas


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


@pytest.mark.parametrize("text,lang,topic,present", [
    # A close relative with an illness: the resident is a family carer.
    ("mun äiti on muistisairas ja mä en tiiä miten jaksan", "fi", "caregiving", True),
    ("min mamma har demens, var kan jag få stöd", "sv", "caregiving", True),
    ("my wife has Parkinson's", "en", "caregiving", True),
    # "Mother" or "dad" names who the query is about, not parenting.
    ("my dad lives alone and could use some company", "en", "parenting", False),
    # Anxiety is not harassment; computer games are not gambling.
    ("ahdistus ja paniikkihäiriö", "fi", "violence", False),
    ("16v poika vaan pelaa koneella", "fi", "substance_use", False),
    ("rahapelit vie kaikki rahat", "fi", "substance_use", True),
    ("AA meetings", "en", "substance_use", True),
    # Phrases that spaCy splits into several tokens are found as written.
    ("I just moved here and don't know anyone", "en", "loneliness", True),
])
def test_topic_understanding(text, lang, topic, present):
    assert (topic in detect_topics(text, lang)) is present


@pytest.mark.parametrize("text,lang,kind", [
    ("seniorikerho", "fi", "club"),              # kind words head compounds
    ("ikäihmisten päiväkerho", "fi", "club"),
    ("lapsiperheille tekemistä", "fi", "club"),
    ("ungdomsgård på svenska", "sv", "meeting_place"),
    ("things to do for teenagers", "en", "club"),
])
def test_kind_understanding(text, lang, kind):
    assert kind in detect_kinds(text, lang)


@pytest.mark.parametrize("text,lang,kind", [
    ("onks muita vanhempia joiden kaa vois puhua", "fi", "peer_support"),
    ("tarviisin jonkun jolle jutella", "fi", "peer_support"),
    ("jag vill prata med andra som har varit med om samma", "sv", "peer_support"),
    ("ei oo ketään kenen kaa puhua", "fi", "peer_support"),
    ("haluaisin puhua toisten vanhempien kanssa", "fi", "peer_support"),
    ("I need someone to talk to", "en", "peer_support"),
    ("mist löytyis jotain seuraa", "fi", "befriending"),
    ("vois joku käydä kylässä mummon luona", "fi", "befriending"),
    ("min pappa behöver sällskap", "sv", "befriending"),
    ("my dad could use some company", "en", "befriending"),
    ("haluisin tutustua uusiin ihmisiin", "fi", "meeting_place"),
    ("I just moved here and don't know anyone", "en", "meeting_place"),
    ("näkövammaisten liikuntaa", "fi", "club"),
    ("dans för pensionärer", "sv", "club"),
    ("wheelchair accessible sports", "en", "club"),
])
def test_wishes_point_to_kinds(text, lang, kind):
    """What residents wish for ranks fitting kinds higher (taxonomy.NEED_CUES)."""
    assert detect(text, lang)[2].get(kind) == 1.0


@pytest.mark.parametrize("text,lang", [
    ("seuraava ryhmä alkaa syksyllä", "fi"),          # "next", not "company"
    ("seurakunnan diakoniatyö", "fi"),
    ("velkaneuvontaa Espoossa", "fi"),
    ("help with debt", "en"),
    ("vaimoni on yksin kotona, ei puhu vielä suomee", "fi"),   # speaking a language, not to someone
    ("min mamma talar bara finska", "sv"),
])
def test_no_wish_no_preference(text, lang):
    assert detect(text, lang)[2] == {}
