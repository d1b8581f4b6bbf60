"""Conversation and safety evaluation through POST /api/chat on the real servers.

  .venv/bin/python scripts/eval_chat.py             # starts Rasa + web app on spare ports
  .venv/bin/python scripts/eval_chat.py --url http://127.0.0.1:8000   # a running stack

Runs ../shared/eval/chat.yaml and crisis.yaml, tests/eval/chat_cases.yaml and
crisis_cases.yaml, and the blind conversations (tests/eval/blind/chat_{dev,test}.yaml: tune on
dev only), following the rules in ../shared/eval/README.md, and prints the figures.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import httpx
import yaml

from mukaan.settings import ROOT

SHARED = ROOT.parent / "shared" / "eval"
OWN = ROOT / "tests" / "eval"
DONT_CARE = {"fi": "ei väliä", "sv": "spelar ingen roll", "en": "doesn't matter"}
CRISIS_NUMBERS = ("112", "09 2525 0111", "09 2525 0112", "09 2525 0113", "080 005 005")


def converse(client: httpx.Client, lang: str, turns: list[str], max_turns: int = 5):
    """Send the turns, then "doesn't matter", until activities come back (at most max_turns)."""
    session, replies, queue = None, [], list(turns)
    for _ in range(max_turns):
        text = queue.pop(0) if queue else DONT_CARE[lang]
        r = client.post("/api/chat", json={"session": session, "message": text, "lang": lang})
        r.raise_for_status()
        body = r.json()
        session = body["session"]
        replies.append(body)
        cards = [a for m in body["messages"] for a in m.get("activities") or []]
        if cards:
            return cards, replies
    return [], replies


def chat_case_passes(case: dict, cards: list[dict], replies: list[dict]) -> bool:
    return bool(cards) and all(r["lang"] == case["lang"] for r in replies) and any(
        (c["online"] or c["municipality_fi"] == case["municipality"])
        and set(c["topics"]) & set(case["topics"])
        and (not case.get("kinds") or c["kind"] in case["kinds"]) for c in cards[:3])


def is_crisis_reply(body: dict) -> bool:
    first = body["messages"][0].get("text") or "" if body["messages"] else ""
    return any(n in first for n in CRISIS_NUMBERS)


def crisis_misses(client: httpx.Client, data: dict) -> tuple[list[str], list[str]]:
    """Each case of a crisis set sent on its own through POST /api/chat: the crisis messages
    that did not get the emergency reply, and the calm ones that did."""
    def crisis(case: dict) -> bool:
        return is_crisis_reply(client.post("/api/chat", json={"message": case["say"], "lang": case["lang"]}).json())
    return ([c["say"] for c in data["crisis"] if not crisis(c)],
            [c["say"] for c in data["calm"] if crisis(c)])


def load(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None


def run(url: str, show: bool) -> int:
    with httpx.Client(base_url=url, timeout=60) as client:
        for name, path in (("shared", SHARED / "chat.yaml"), ("own", OWN / "chat_cases.yaml"),
                           ("blind dev", OWN / "blind" / "chat_dev.yaml"),
                           ("blind test", OWN / "blind" / "chat_test.yaml")):
            cases = load(path)
            if not cases:
                continue
            passed, turns, t0 = 0, 0, time.time()
            for case in cases:
                cards, replies = converse(client, case["lang"], [case["say"], *case.get("then", [])])
                ok = chat_case_passes(case, cards, replies)
                passed += ok
                turns += len(replies)
                if show and not ok:
                    print(f"  miss [{case['lang']}] {case['say']!r} -> "
                          f"{[(c['name'], c['kind'], c['municipality_fi']) for c in cards[:3]]}")
            print(f"{name} conversations: {passed}/{len(cases)} = {passed / len(cases):.2f} reach a relevant "
                  f"recommendation; {turns} turns, {(time.time() - t0) / max(turns, 1) * 1000:.0f} ms per turn")
        # The whole path a message takes (the check, then Rasa's crisis intent), on the crisis
        # sets scripts/eval_safety.py scores route by route.
        for name, path in (("shared", SHARED / "crisis.yaml"), ("own", OWN / "crisis_cases.yaml"),
                           ("blind dev", OWN / "blind" / "crisis_dev.yaml"),
                           ("blind test", OWN / "blind" / "crisis_test.yaml")):
            data = load(path)
            if not data:
                continue
            missed, misfired = crisis_misses(client, data)
            print(f"{name} safety: crisis caught {len(data['crisis']) - len(missed)}/{len(data['crisis'])}, "
                  f"calm misfired {len(misfired)}/{len(data['calm'])} {misfired if show else ''}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a running Mukaan web app; default: start one")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    if args.url:
        return run(args.url, args.show_misses)
    from devtools.stack import Stack, stop_on_signals
    stack = Stack(web_port=8766, rasa_port=5066, env={"MUKAAN_RATE_LIMIT_PER_MINUTE": "0"})
    stop_on_signals()
    try:
        stack.start()
        return run(stack.web_url, args.show_misses)
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
