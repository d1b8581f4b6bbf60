"""The crisis check catches every crisis message and leaves everyday phrases alone: the lexicon
route alone (tests here), and with the semantic route (tests/unit/mukaan/safety/test_safety_semantic.py)."""

import pytest
import yaml

from mukaan.safety import check, crisis_reply
from tests.conftest import SHARED_EVAL, TESTS

OWN_CRISIS = [
    ("fi", "mä en jaksa enää elää"), ("fi", "haluisin vaan kuolla pois"), ("fi", "ajattelen itsemurhaa joka päivä"),
    ("fi", "olen viillellyt itseäni"), ("fi", "mies lyö mua kun se juo"), ("fi", "pelkään että hän tappaa minut"),
    ("fi", "en halua elaa enaa"), ("sv", "jag vill inte leva längre"), ("sv", "jag skadar mig själv"),
    ("sv", "min pappa slår mig"), ("sv", "jag tänker på självmord"), ("en", "I want to end my life"),
    ("en", "my partner hits me"), ("en", "I have been cutting myself"), ("en", "I don't want to live anymore"),
    # spoken reflexive forms, ending one's days, farewells, being rid of oneself (issue 12's classes)
    ("fi", "aion tappaa itteni viikonloppuna"), ("fi", "taidan päättää päiväni pian"),
    ("fi", "lapsilla ois helpompaa kun musta päästäis eroon"), ("en", "goodbye everyone, thanks for everything"),
]
OWN_CALM = [
    ("fi", "haluun tappaa aikaa jossain kerhossa"), ("fi", "nauroin itseni kuoliaaksi siinä teatterissa"),
    ("fi", "vertaistukea läheisen itsemurhan jälkeen"), ("fi", "en ole ajatellut itsemurhaa, olen vain yksinäinen"),
    ("sv", "jag vill hitta en dansgrupp"), ("sv", "det ska ingå i priset"), ("en", "I want to diet and exercise"),
    ("en", "my grandson beat me at chess"), ("en", "killer workout group in Espoo"),
    ("en", "I'm bored to death at home"),
    ("fi", "sisko teki itsemurhan ja etsin ryhmää läheisille"), ("en", "volunteering in suicide prevention work"),
    ("fi", "tää flunssa tappaa mut, mut haluun silti kuoroon"),
]


def _cases(kind):
    """The shared development cases and the project's own case file."""
    out = []
    for path in (SHARED_EVAL / "crisis.yaml", TESTS / "eval" / "crisis_cases.yaml"):
        if path.exists():
            out += [(c["lang"], c["say"]) for c in yaml.safe_load(path.read_text(encoding="utf-8"))[kind]]
    return out


@pytest.mark.parametrize("lang,text", OWN_CRISIS + _cases("crisis"))
def test_crisis_is_caught(lang, text):
    assert check(text, lang), text


@pytest.mark.parametrize("lang,text", OWN_CALM + _cases("calm"))
def test_calm_is_not_a_crisis(lang, text):
    assert not check(text, lang), text


def test_violence_gets_nollalinja_and_suicidal_thoughts_the_crisis_line():
    assert check("puolisoni uhkailee minua", "fi").category == "domestic_violence"
    assert "080 005 005" in crisis_reply("domestic_violence", "fi")[0]
    for lang, number in [("fi", "09 2525 0111"), ("sv", "09 2525 0112"), ("en", "09 2525 0113")]:
        for category in ("suicidal", "self_harm"):
            text, buttons = crisis_reply(category, lang)
            assert "112" in text and number in text and buttons


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("category,numbers", [
    ("suicidal", ["112", "09 2525 011"]), ("self_harm", ["112", "09 2525 011"]),
    ("domestic_violence", ["112", "080 005 005"]), ("sexual_abuse", ["112", "Seri"]),
    ("child_abuse", ["112", "116 111"]), ("threat_to_kill", ["112", "080 005 005"]),
    ("danger_to_others", ["112", "09 2525 011"])])
def test_each_class_has_its_reply_with_112_first(lang, category, numbers):
    text, buttons = crisis_reply(category, lang)
    first_line = text.splitlines()[0]
    assert "112" in first_line, "the emergency number comes first"
    assert all(n in text for n in numbers), (category, lang, text)
    assert buttons and all(title and payload.startswith("/") for title, payload in buttons)


def test_a_message_about_two_things_gets_both_helplines_once():
    text, _ = crisis_reply(["suicidal", "domestic_violence"], "fi")
    assert "09 2525 0111" in text and "080 005 005" in text
    assert text.count("080 005 005") == 1 and text.count("hätänumeroon 112") == 1
    assert text.startswith("Olen pahoillani, että sinulla on nyt näin raskasta")


def test_lexicon_classes():
    assert check("mä viiltelen itseäni", "fi").category == "self_harm"
    assert check("haluan kuolla", "fi").category == "suicidal"
    assert check("he threatened to kill me", "en").category == "threat_to_kill"
    assert check("hon blev våldtagen", "sv").category == "sexual_abuse"
    assert not check("/look_for_peer_support", "fi")
