"""Fit to the person (mukaan/catalogue/fit.py): age, languages and narrow groups, on the real
catalogue's activities, and through the chat's search action in Finnish, Swedish and English."""
import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.search import ActionSearch
from actions.slots import ValidateSlotMappings
from mukaan.catalogue.fit import Person, age_group_of, asked_languages, fits
from tests.unit.actions.test_actions import run, tracker

pytestmark = pytest.mark.usefixtures("action_services")


@pytest.fixture(scope="module")
def by_id(catalogue):
    return {a.id: a for a in catalogue}


@pytest.mark.parametrize("text,codes", [
    ("Helst på svenska", ["sv"]), ("mieluiten englanniksi", ["en"]), ("preferably in English", ["en"]),
    ("jotain venäjäksi tai suomeksi", ["fi", "ru"]), ("kaipaan seuraa", []),
])
def test_asked_languages(text, codes):
    assert sorted(asked_languages(text)) == codes


@pytest.mark.parametrize("text,group", [
    ("olen eläkeläinen", "seniors"), ("jag är pensionär", "seniors"), ("I'm retired", "seniors"),
    ("olen nuori opiskelija", "youth"), ("I am a student", "youth"), ("jag är studerande", "youth"),
    ("olen kolmekymppinen", None),
])
def test_age_group_from_words(text, group):
    assert age_group_of(text) == group


def test_a_senior_is_not_offered_youth_only_activities(by_id):
    youth_chat = next(a for a in by_id.values() if a.name.fi.startswith("Yksin-chat nuorille"))
    band = next(a for a in by_id.values() if "16–25-vuotiaille" in a.name.fi)
    senior = Person(words="olen 70-vuotias ja yksinäinen", age_group="seniors", languages={"fi"})
    young = Person(words="olen yksinäinen", age_group="youth", languages={"fi"})
    for activity in (youth_chat, band):
        assert not fits(activity, senior), activity.id
        assert fits(activity, young), activity.id
    parent = Person(words="etsin tekemistä nuorelle pojalleni", languages={"fi"})
    assert fits(youth_chat, parent)


@pytest.mark.parametrize("words,lang", [
    ("vaimoni kuoli keväällä", "fi"), ("min fru dog i våras", "sv"), ("my wife died in the spring", "en"),
])
def test_a_widower_is_offered_widows_not_suicide_or_child_loss_groups(by_id, words, lang):
    person = Person(words=words, languages={lang, "fi", "sv", "en"})
    for suicide in (a for a in by_id.values() if "itsemurh" in a.name.fi.lower()):
        assert not fits(suicide, person), suicide.id
    assert not fits(by_id["online-lapsensa-menettaneet"], person)
    widows = next(a for a in by_id.values() if a.name.fi.startswith("Leskien"))
    assert fits(widows, person)
    assert not fits(widows, Person(words="olen yksinäinen", languages={"fi"}))


def test_narrow_groups_open_when_the_words_name_them(by_id):
    child_loss = by_id["online-lapsensa-menettaneet"]
    assert fits(child_loss, Person(words="vår son dog förra året", languages={"fi", "sv"}))
    assert not fits(child_loss, Person(words="min son har autism", languages={"fi", "sv"}))
    autism = next(a for a in by_id.values() if a.name.fi.startswith("Vertaisryhmä ADHD- ja autismikirjon"))
    assert fits(autism, Person(words="min son är autistisk", languages=set(autism.languages)))


def test_activities_only_in_other_languages_are_not_offered(by_id):
    russian = next(a for a in by_id.values() if a.languages == ["ru"])
    assert not fits(russian, Person(words="kaipaan seuraa", languages={"fi"}))
    assert fits(russian, Person(words="olen eläkeläinen, kaipaan seuraa venäjäksi", age_group="seniors",
                                languages={"fi", "ru"}))
    finnish_only = next(a for a in by_id.values() if a.languages == ["fi"] and a.audience != ["youth"])
    assert not fits(finnish_only, Person(words="helst på svenska", languages={"sv"}))


def cards_for(slots, lang):
    messages, _ = run(ActionSearch(), tracker(slots=slots, lang=lang))
    return next(m["custom"]["activities"] for m in messages if m.get("custom"))


@pytest.mark.parametrize("lang,situation,municipality", [
    ("fi", "vaimoni kuoli ja kaipaan vertaistukea", "Espoo"),
    ("sv", "min fru dog och jag behöver kamratstöd", "Espoo"),
    ("en", "my wife died and I need peer support", "Helsinki"),
])
def test_chat_search_for_a_widower_offers_no_narrower_groups(searcher, lang, situation, municipality):
    cards = cards_for({"situation": situation, "municipality": municipality, "kind": "peer_support",
                       "topics": ["grief"]}, lang)
    assert cards
    for c in cards:
        assert not any(word in c["id"] for word in ("itsemurh", "lapsensa", "menettaneet-vanhemmat")), c["id"]
        assert lang in c["languages"], (c["id"], c["languages"])


def test_chat_search_honours_the_language_asked_for(searcher):
    asked = ValidateSlotMappings().extract_wanted_languages(
        CollectingDispatcher(), tracker("Helst på svenska, jag söker en sorggrupp", lang="sv"), {})
    assert asked == {"wanted_languages": ["sv"]}
    cards = cards_for({"situation": "sorggrupp helst på svenska", "municipality": "Vantaa", "topics": ["grief"],
                       "wanted_languages": ["sv"]}, "sv")
    assert cards and all("sv" in c["languages"] for c in cards)


@pytest.mark.parametrize("lang,words", [("fi", "olen 70-vuotias ja yksinäinen"), ("sv", "jag är pensionär och ensam"),
                                        ("en", "I'm retired and lonely")])
def test_chat_search_for_a_senior_offers_nothing_only_for_the_young(searcher, lang, words):
    cards = cards_for({"situation": words, "municipality": "Helsinki", "age_group": "seniors",
                       "topics": ["loneliness"]}, lang)
    assert cards
    assert all(set(c["audience"]) - {"children", "youth"} for c in cards)
