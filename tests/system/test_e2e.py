"""End to end: the real Rasa server and the real web app (which serves the actions),
started on spare ports; conversations go through POST /api/chat as a page would send them."""
import httpx
import pytest

from devtools.stack import Stack
from scripts import eval_chat
from tests.conftest import SHARED_EVAL, TESTS, start_over_call

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    s = Stack(web_port=8765, rasa_port=5065, log_dir=tmp_path_factory.mktemp("logs"),
              env={"MUKAAN_RATE_LIMIT_PER_MINUTE": "0"})
    s.start(timeout=420)
    yield s
    s.stop()


def converse(stack, lang, turns, max_turns=5):
    with httpx.Client(base_url=stack.web_url, timeout=30) as client:
        return eval_chat.converse(client, lang, turns, max_turns)


def test_finnish_conversation_reaches_espoo_peer_support(stack):
    cards, replies = converse(stack, "fi", ["Hei, asun Espoossa ja etsin vertaistukea",
                                            "omaishoitajana jaksaminen"])
    assert cards, replies
    assert all(c["online"] or c["municipality_fi"] == "Espoo" for c in cards[:3])
    assert all(c["kind"] == "peer_support" for c in cards[:3])
    assert any("caregiving" in c["topics"] for c in cards[:3])
    assert all(r["lang"] == "fi" for r in replies)
    # The bot asked a question in Finnish before searching.
    assert "vertaistukea" in replies[0]["messages"][0]["text"]


def test_only_rasa_may_call_the_actions(stack):
    """The stack's Rasa sends the action token (the conversation above ran its actions); a
    caller without it is refused."""
    call = start_over_call("outsider")
    r = httpx.post(f"{stack.web_url}/webhook", json=call, timeout=10)
    assert r.status_code == 403
    r = httpx.post(f"{stack.web_url}/webhook", json=call, timeout=10,
                   headers={"X-Mukaan-Action-Token": stack.env["MUKAAN_ACTION_TOKEN"]})
    assert r.status_code == 200


def test_swedish_conversation_reaches_espoo_volunteering(stack):
    cards, replies = converse(stack, "sv", ["Hej, jag bor i Esbo och vill bli frivillig", "med barn och unga"])
    assert cards, replies
    assert all(c["online"] or c["municipality_fi"] == "Espoo" for c in cards[:3])
    assert all(c["kind"] == "volunteering" for c in cards[:3])
    assert replies[0]["messages"][0]["text"].startswith("Vilket slags frivilligarbete")
    assert cards[0]["municipality"] in ("Esbo", None)


def test_greeting_and_crisis_through_the_real_stack(stack):
    with httpx.Client(base_url=stack.web_url, timeout=30) as c:
        hello = c.post("/api/chat", json={"message": "/greet", "lang": "en"}).json()
        assert hello["messages"][0]["text"].startswith("Hi! I'm Mukaan")
        assert hello["messages"][0]["buttons"]
        crisis = c.post("/api/chat", json={"session": hello["session"], "message": "I want to end my life",
                                           "lang": "en"}).json()
        assert "112" in crisis["messages"][0]["text"]


def test_own_crisis_cases_through_the_real_stack(stack):
    """What the resident gets, not one route: the check before Rasa, then the NLU classifier's
    crisis intent and action_crisis. Every crisis case gets the emergency reply, no calm one does
    ("haluun lopettaa tupakoinnin" once got it from a weak NLU guess)."""
    data = eval_chat.load(TESTS / "eval" / "crisis_cases.yaml")
    with httpx.Client(base_url=stack.web_url, timeout=30) as client:
        assert eval_chat.crisis_misses(client, data) == ([], [])


def test_shared_conversations(stack):
    """The shared development conversations: report every one, require at least 80 %."""
    cases = eval_chat.load(SHARED_EVAL / "chat.yaml")
    if not cases:
        pytest.fail("../shared/eval/chat.yaml not found")
    results = [(case, *converse(stack, case["lang"], [case["say"], *case.get("then", [])])) for case in cases]
    passed = [eval_chat.chat_case_passes(case, cards, replies) for case, cards, replies in results]
    print(f"shared conversations: {sum(passed)}/{len(cases)} passed")
    assert sum(passed) >= 0.8 * len(cases), [
        (case["say"], [(c["name"], c["kind"], c["topics"]) for c in cards[:3]])
        for (case, cards, _), ok in zip(results, passed) if not ok]


@pytest.mark.parametrize("lang,first,nearer,other", [
    ("fi", "asun Leppävaarassa Espoossa ja kaipaan vertaistukea omaishoitajana", "löytyisikö jotain lähempää?",
     "näytä jotain muuta"),
    ("sv", "jag bor i Kallio i Helsingfors och känner mig ensam", "något närmare hemma?", "visa något annat"),
    ("en", "I live in Kallio in Helsinki and feel lonely", "anything nearer to me?", "show me something else"),
])
def test_nearer_and_something_else_refine_the_last_search(stack, lang, first, nearer, other):
    """Through the real Rasa server: 'nearer' keeps the search and leaves out online activities;
    'something else' shows none of the activities already shown."""
    def say(client, session, text):
        body = client.post("/api/chat", json={"session": session, "message": text, "lang": lang}).json()
        return body, [a for m in body["messages"] for a in m.get("activities") or []]

    with httpx.Client(base_url=stack.web_url, timeout=60) as c:
        body, cards = say(c, None, first)
        assert cards, body
        body, near = say(c, body["session"], nearer)
        assert near and not any(a["online"] for a in near), body
        municipality = near[0]["municipality_fi"]
        assert municipality in ("Espoo", "Helsinki"), near[0]
        body, more = say(c, body["session"], other)
        assert more, body
        assert not {a["id"] for a in more} & {a["id"] for a in cards + near}
        assert not any(a["online"] for a in more)


# -- the conversation keeps its language (issue 15, item 4) ---------------------------------------

SWITCH_NOTICE = {"fi": "Vaihdoin kielen", "sv": "Jag bytte språk", "en": "I switched to English"}


def chat(client, session, message, lang=None):
    body = {"session": session, "message": message} | ({"lang": lang} if lang else {})
    r = client.post("/api/chat", json=body)
    r.raise_for_status()
    return r.json()


def texts(body):
    return " ".join(m.get("text") or "" for m in body["messages"])


@pytest.mark.parametrize("lang,first,then", [
    ("fi", "Hei, etsin vertaistukea", ["Espoo", "omaishoitajana jaksaminen"]),
    ("sv", "Hej, jag söker kamratstöd", ["Esbo", "för närståendevårdare"]),
    ("en", "Hi, I am looking for peer support", ["Espoo", "as a family carer"]),
])
def test_turns_without_lang_continue_in_the_conversations_language(stack, lang, first, then):
    with httpx.Client(base_url=stack.web_url, timeout=60) as c:
        body = chat(c, None, first, lang)
        session, replies = body["session"], [body]
        replies += [chat(c, session, text) for text in then]     # no `lang` after the first turn
    assert all(r["lang"] == lang for r in replies), [r["lang"] for r in replies]
    assert all(m.get("lang", lang) == lang for r in replies for m in r["messages"])
    assert not any(SWITCH_NOTICE[code] in texts(r) for r in replies for code in SWITCH_NOTICE)
    assert any(m.get("activities") for m in replies[-1]["messages"]), replies[-1]


@pytest.mark.parametrize("place", ["Borgå", "Helsingfors", "i Esbo"])
def test_swedish_conversation_answering_with_a_swedish_place_name_stays_swedish(stack, place):
    with httpx.Client(base_url=stack.web_url, timeout=60) as c:
        first = chat(c, None, "Hej, jag vill bli frivillig och hjälpa äldre", "sv")
        asked = texts(first)
        assert first["lang"] == "sv" and ("kommun" in asked or "Vilket" in asked), asked
        answer = chat(c, first["session"], place)              # the page sent no language
    assert answer["lang"] == "sv", answer
    said = texts(answer)
    assert "Jag bytte språk" not in said and "Vaihdoin kielen" not in said, said
    assert any(m.get("activities") for m in answer["messages"]) or "kommun" not in said, said


def test_the_switch_notice_is_given_once_per_real_switch(stack):
    """A page that keeps sending `lang: fi` while the resident writes Swedish: the notice comes
    on the turn that switched, not on the following ones; writing Finnish again switches back,
    with its own notice."""
    with httpx.Client(base_url=stack.web_url, timeout=60) as c:
        first = chat(c, None, "Hej, jag bor i Borgå och söker kamratstöd för närstående", "fi")
        session = first["session"]
        second = chat(c, session, "för närståendevårdare, gärna på svenska", "fi")
        third = chat(c, session, "Borgå", "fi")
        back = chat(c, session, "voitko näyttää lisää vaihtoehtoja suomeksi", "fi")
    assert first["lang"] == "sv" and texts(first).count("Jag bytte språk") == 1, first
    for later in (second, third):
        assert later["lang"] == "sv", later
        assert "Jag bytte språk" not in texts(later), later
    assert back["lang"] == "fi" and "Vaihdoin kielen" in texts(back), back
