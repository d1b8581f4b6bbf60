"""Several instances behind one address: one redis-server, two Rasa instances sharing it
(bot/endpoints.redis.yml) and two web instances (web A → Rasa 1, web B → Rasa 2). One
conversation whose turns alternate between A and B must keep its state; what Redis holds must
expire, and "start over" must delete it; turns of one conversation that arrive at both
instances at once must all be kept (bot/mukaan_redis.py); Rasa's log must not hold what a
resident wrote (bot/logging.yml)."""
import asyncio
import subprocess
import time

import httpx
import pytest

from devtools.cluster import Cluster, RedisServer
from devtools.stack import RASA_BIN, rasa_env
from mukaan.settings import ROOT

pytestmark = pytest.mark.e2e

TTL = 600  # seconds; not the default (30 minutes), so the test sees the setting reach Rasa


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory):
    server = RedisServer(port=6390, log_dir=tmp_path_factory.mktemp("redis"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def cluster(redis_server, tmp_path_factory):
    c = Cluster(rasa_ports=[5090, 5091], web_ports=[8790, 8791], redis_url=redis_server.url,
                log_dir=tmp_path_factory.mktemp("logs"),
                env={"MUKAAN_RATE_LIMIT_PER_MINUTE": "0", "MUKAAN_CONVERSATION_RETENTION_MINUTES": str(TTL // 60)})
    c.start(timeout=600)
    yield c
    c.stop()


def cards_of(body):
    return [a for m in body["messages"] for a in m.get("activities") or []]


def say(web_url, session, text):
    r = httpx.post(f"{web_url}/api/chat", json={"session": session, "message": text, "lang": "fi"}, timeout=60)
    r.raise_for_status()
    return r.json()


def tracker_slots(rasa_url, session):
    r = httpx.get(f"{rasa_url}/conversations/{session}/tracker", timeout=30)
    r.raise_for_status()
    return r.json()["slots"]


@pytest.fixture(scope="module")
def conversation(cluster):
    """Turns alternate A, B, A, B: each turn is served by the other Rasa than the one before."""
    web_a, web_b = cluster.web_urls
    first = say(web_a, None, "Hei, asun Espoossa ja etsin vertaistukea")
    session = first["session"]
    found = say(web_b, session, "omaishoitajana jaksaminen")
    more_button = next(b["payload"] for m in found["messages"] for b in m.get("buttons") or []
                       if b["title"] == "Näytä lisää")
    more = say(web_a, session, more_button)
    details = say(web_b, session, "kerro lisää ensimmäisestä")
    return {"session": session, "first": first, "found": found, "more": more, "details": details}


def test_second_turn_on_other_instance_uses_first_turns_municipality_and_kind(conversation):
    # Turn 1 (web A, Rasa 1) asked which peer support; turn 2 (web B, Rasa 2) knew the rest.
    assert "vertaistukea" in conversation["first"]["messages"][0]["text"]
    assert not cards_of(conversation["first"])
    cards = cards_of(conversation["found"])
    assert cards, conversation["found"]
    assert all(c["online"] or c["municipality_fi"] == "Espoo" for c in cards[:3])
    assert all(c["kind"] == "peer_support" for c in cards[:3])
    assert any("caregiving" in c["topics"] for c in cards[:3])


def test_more_on_other_instance_shows_different_activities(conversation):
    shown = {c["id"] for c in cards_of(conversation["found"])}
    more = cards_of(conversation["more"])
    assert more, conversation["more"]
    assert shown.isdisjoint(c["id"] for c in more)
    assert all(c["kind"] == "peer_support" for c in more)


def test_details_on_other_instance_name_the_first_activity_shown(conversation):
    first_card = cards_of(conversation["found"])[0]
    assert conversation["details"]["messages"][0]["text"].startswith(first_card["name"])


def test_both_rasa_instances_see_the_same_tracker(cluster, conversation):
    one, two = (tracker_slots(url, conversation["session"]) for url in cluster.rasa_urls)
    assert one["municipality"] == two["municipality"] == "Espoo"
    assert one["kind"] == two["kind"] == "peer_support"
    assert one["shown"] == two["shown"] and len(one["shown"]) >= 4


def test_redis_holds_the_conversation_with_an_expiry_and_no_leftover_locks(redis_server, conversation):
    with redis_server.client() as r:
        key = f"mukaan:tracker:{conversation['session']}"
        assert r.exists(key)
        assert 0 < r.ttl(key) <= TTL
        trackers = list(r.scan_iter("mukaan:tracker:*"))
        assert trackers and all(0 < r.ttl(k) <= TTL for k in trackers)
        assert not list(r.scan_iter("mukaan:lock:*"))  # a lock lives only while a turn is processed
        # Besides the trackers only each conversation's language (two codes, web/session_lang.py),
        # expiring as they do; nothing outside the prefix.
        langs = list(r.scan_iter("mukaan:lang:*"))
        assert f"mukaan:lang:{conversation['session']}" in langs
        assert all(0 < r.ttl(k) <= TTL and len(r.get(k)) <= 5 for k in langs)
        assert set(r.keys("*")) == set(trackers) | set(langs)


def test_start_over_erases_the_conversation_from_redis(cluster, redis_server):
    """"Start over" (and the kiosk wipe) replace the conversation with an empty one: with
    Redis the key is deleted, not merged with the old one, and no instance remembers it."""
    web_a, web_b = cluster.web_urls
    session = say(web_a, None, "Hei, asun Espoossa ja etsin vertaistukea")["session"]
    key = f"mukaan:tracker:{session}"
    with redis_server.client() as r:
        assert "Espoossa" in r.get(key)
        say(web_b, session, "/start_over")
        assert not r.exists(key)
    for rasa_url in cluster.rasa_urls:
        events = httpx.get(f"{rasa_url}/conversations/{session}/tracker", timeout=30).json()["events"]
        assert not [e for e in events if e["event"] == "user"]


def test_concurrent_turns_of_one_conversation_on_both_instances(cluster):
    """Messages of one conversation arriving at both instances at once are all processed
    (the lock store orders them), and the shared tracker has every one."""
    web_a, web_b = cluster.web_urls
    texts = ["asun Espoossa", "etsin vertaistukea", "omaishoitajana jaksaminen", "kiitos"]

    async def send_all(session):
        async with httpx.AsyncClient(timeout=120) as client:
            return await asyncio.gather(*(
                client.post(f"{(web_a, web_b)[i % 2]}/api/chat", json={"session": session, "message": t, "lang": "fi"})
                for i, t in enumerate(texts)))

    for _ in range(3):
        session = say(web_a, None, "/greet")["session"]
        responses = asyncio.run(send_all(session))
        assert all(r.status_code == 200 and r.json()["messages"] for r in responses)
        events = httpx.get(f"{cluster.rasa_urls[1]}/conversations/{session}/tracker", timeout=30).json()["events"]
        user_texts = [e.get("text") for e in events if e["event"] == "user"]
        assert sorted(user_texts) == sorted(["/greet", *texts])


def test_rasa_log_keeps_no_message_text_when_a_turn_is_cancelled(cluster):
    """Rasa's REST channel logs the message when the caller gives up waiting (the web app's
    deadline); bot/logging.yml drops the text and keeps the event."""
    log = cluster.log_dir / f"rasa-{cluster.rasa_ports[0]}.log"
    for attempt in range(5):
        with pytest.raises(httpx.TimeoutException):
            httpx.post(f"{cluster.rasa_urls[0]}/webhooks/rest/webhook", timeout=0.02,
                       json={"sender": f"cancelled-{attempt}", "message": "asun Espoossa, etsin vertaistukea Qwzx"})
        time.sleep(3)
        if "rest.message.received.timeout" in log.read_text(errors="replace"):
            break
    text = log.read_text(errors="replace")
    assert "rest.message.received.timeout" in text
    assert "Qwzx" not in text and "Espoossa" not in text


# Four processes increment a Redis counter by read, pause, write, each inside the lock of one
# conversation, as four Rasa instances would handle four messages of one conversation.
LOCK_RACE = """
import asyncio, multiprocessing, sys
import redis
from rasa.utils.endpoints import EndpointConfig
from mukaan_redis import AtomicRedisLockStore

PORT, ROUNDS = int(sys.argv[1]), int(sys.argv[2])

def worker(_):
    store = AtomicRedisLockStore(EndpointConfig(url="127.0.0.1", port=PORT, db=0, key_prefix="race"))
    r = redis.Redis(port=PORT)
    async def run():
        for _ in range(ROUNDS):
            async with store.lock("conversation", wait_time_in_seconds=0.001):
                value = int(r.get("counter") or 0)
                await asyncio.sleep(0.001)
                r.set("counter", value + 1)
    asyncio.run(run())

with multiprocessing.Pool(4) as pool:
    pool.map(worker, range(4))
print(int(redis.Redis(port=PORT).get("counter")), len(redis.Redis(port=PORT).keys("race*")))
"""


def test_lock_store_excludes_concurrent_turns_across_processes(redis_server):
    """bot/mukaan_redis.py: no two processes hold one conversation's lock at once (Rasa's
    own RedisLockStore fails this: tickets are read and written back in separate commands)."""
    out = subprocess.run([str(RASA_BIN.parent / "python"), "-c", LOCK_RACE, str(redis_server.port), "50"],
                         cwd=ROOT, env=rasa_env(), capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    counter, leftover_locks = map(int, out.stdout.split())
    assert counter == 4 * 50
    assert leftover_locks == 0


def test_the_conversations_language_is_kept_across_web_instances(cluster, redis_server):
    """Turn 1 in Swedish on web A; turns 2 and 3 without `lang` on web B, one of them a
    Swedish place name: still Swedish, and the language is kept in Redis."""
    web_a, web_b = cluster.web_urls
    first = httpx.post(f"{web_a}/api/chat", json={"message": "Hej, jag söker kamratstöd", "lang": "sv"},
                       timeout=60).json()
    session = first["session"]
    for text in ("Borgå", "för närståendevårdare"):
        body = httpx.post(f"{web_b}/api/chat", json={"session": session, "message": text}, timeout=60).json()
        assert body["lang"] == "sv", body
        assert all(m.get("lang", "sv") == "sv" for m in body["messages"]), body
    with redis_server.client() as r:
        assert r.get(f"mukaan:lang:{session}") == "sv sv"
