"""The conversation keeps its language (issue 15, item 4): the decision rule
(mukaan.language.decide) and the stores that keep each session's language between turns
(web/session_lang.py: in this process, and in a real redis-server)."""
import asyncio

import pytest

from devtools.cluster import RedisServer
from mukaan.language import Decision, Remembered, decide, detect
from mukaan.settings import Settings
from web.session_lang import MemoryLanguages, RedisLanguages, session_languages


def turn(page, remembered, text):
    return decide(page, remembered, detect(text), default="fi")


def test_a_new_conversation_starts_in_the_page_language_or_the_default():
    assert turn("sv", None, "/greet") == Decision("sv", False)
    assert turn(None, None, "/greet") == Decision("fi", False)


def test_a_turn_without_lang_continues_in_the_conversations_language():
    assert turn(None, Remembered("sv", "sv"), "ja") == Decision("sv", False)
    assert turn(None, Remembered("en", None), "ok") == Decision("en", False)


@pytest.mark.parametrize("answer", ["Esbo", "Borgå", "Helsingfors", "Espoo", "i Esbo", "Hagalund",
                                    "Kontulasta", "Hervannas", "Stadis", "Hesas", "Tampereel",
                                    "72", "00100", "jo", "kyllä", "yes", "Borgå 06100"])
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_a_place_name_a_number_or_a_one_word_answer_never_switches(answer, lang):
    for page in (lang, None):
        assert turn(page, Remembered(lang, lang), answer) == Decision(lang, False)


def test_a_message_clearly_in_another_language_switches_once():
    first = turn("fi", Remembered("fi", "fi"), "jag bor i Esbo och vill träffa andra pensionärer")
    assert first == Decision("sv", True)
    # The page kept sending "fi" (it did not follow the switch): the next Swedish turn goes
    # on in Swedish without a second notice, and so does a Swedish place name.
    kept = Remembered(first.lang, "fi")
    assert turn("fi", kept, "gärna på eftermiddagen, jag har tid då") == Decision("sv", False)
    assert turn("fi", kept, "Borgå") == Decision("sv", False)
    # The page followed the switch ("sv" now): the same.
    assert turn("sv", kept, "gärna på eftermiddagen, jag har tid då") == Decision("sv", False)


def test_the_pages_language_button_changes_the_language_without_a_notice():
    assert turn("en", Remembered("sv", "sv"), "/greet") == Decision("en", False)


def test_a_switch_back_is_a_real_switch_and_is_said_again():
    assert turn(None, Remembered("sv", "fi"), "asun Espoossa ja etsin vertaistukea") == Decision("fi", True)


def test_detect_leaves_districts_and_spoken_place_names_out():
    assert detect("Tapiolassa") is None and detect("bor i Hagalund") is None
    assert detect("Stadis Kontulas") is None


def _round_trip(store):
    async def run():
        assert await store.get("s1") is None
        await store.set("s1", Remembered("sv", "fi"))
        kept = await store.get("s1")
        await store.set("s2", Remembered("en", None))
        other = await store.get("s2")
        await store.drop("s1")
        gone = await store.get("s1")
        await store.close()
        return kept, other, gone
    return asyncio.run(run())


def test_memory_store_keeps_drops_and_forgets_after_the_retention_time():
    assert _round_trip(MemoryLanguages(60)) == (Remembered("sv", "fi"), Remembered("en", None), None)

    async def expired():
        store = MemoryLanguages(0.05)
        await store.set("s", Remembered("sv", "sv"))
        await asyncio.sleep(0.1)
        return await store.get("s")
    assert asyncio.run(expired()) is None


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = RedisServer(port=6393, log_dir=tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


def test_redis_store_is_shared_expires_and_keeps_no_text(redis_server):
    settings = Settings(redis_url=redis_server.url, redis_key_prefix="t15", conversation_retention_minutes=2)
    store = session_languages(settings)
    assert isinstance(store, RedisLanguages)
    assert _round_trip(store) == (Remembered("sv", "fi"), Remembered("en", None), None)
    with redis_server.client() as r:
        assert r.get("t15:lang:s2") == "en -"           # two codes, no text
        assert 0 < r.ttl("t15:lang:s2") <= 120


def test_redis_store_down_means_the_page_language_not_an_error():
    store = RedisLanguages("redis://127.0.0.1:1/0", "t15", 60)

    async def run():
        await store.set("s", Remembered("sv", "sv"))
        value = await store.get("s")
        await store.drop("s")
        await store.close()
        return value
    assert asyncio.run(run()) is None
