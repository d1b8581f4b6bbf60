"""Faults that really happen: the custom-action endpoint is down (Rasa runs, its actions
cannot be reached). The resident still gets activities and a way on, never silence."""
import httpx
import pytest

from devtools.stack import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def broken_actions(tmp_path_factory):
    s = Stack(web_port=8767, rasa_port=5067, log_dir=tmp_path_factory.mktemp("logs"),
              action_url="http://127.0.0.1:9/webhook",  # nothing listens there
              env={"MUKAAN_RATE_LIMIT_PER_MINUTE": "0"})
    s.start(timeout=420)
    yield s
    s.stop()


def test_action_endpoint_down_still_answers_with_activities(broken_actions):
    with httpx.Client(base_url=broken_actions.web_url, timeout=30) as c:
        body = c.post("/api/chat", json={"message": "Hei, olen eläkkeellä Vantaalla ja kaipaisin seuraa",
                                         "lang": "fi"}).json()
        notice, results = body["messages"][0], body["messages"][1]
        assert notice["kind"] == "notice" and "asiakasohjauksesta" in notice["text"]
        assert results["activities"]
        button = c.post("/api/chat", json={"session": body["session"], "message": "/ask_more", "lang": "sv"}).json()
        assert button["messages"] and "klientstyrning" in button["messages"][0]["text"]
