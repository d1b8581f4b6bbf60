"""The resident size of the running stack: the web app and the Rasa server started as `make run`
starts them (devtools.stack), read after start-up and again after a warm-up of chat turns and
searches (the figure issue 18 sets its targets on: the web app ≤ 900 MB, Rasa ≤ 1.4 GB).

  PYTHONPATH=. .venv/bin/python -m scripts.bench_memory              # 50 chat turns, 20 searches
  PYTHONPATH=. .venv/bin/python -m scripts.bench_memory --turns 100 --port 8790 --rasa-port 5095

Each process is read with its children (psutil RSS); nothing else should be running. Where the
memory goes inside each process: `python -m scripts.memory_steps` (and `--rasa`).
"""
from __future__ import annotations

import argparse
import itertools
import sys
import time
import uuid

import httpx
import psutil

from devtools.stack import Stack
from mukaan.settings import ROOT

# A few residents' turns in each language: greetings, needs, places, follow-ups.
TURNS = {
    "fi": ["moi", "etsin vertaistukea yksinhuoltajille", "Espoo", "entä jotain liikuntaa lapsille",
           "kiitos", "onko kuoroja eläkeläisille Tampereella", "näytä lisää"],
    "sv": ["hej", "jag söker en körsång för pensionärer", "Helsingfors", "något för barn", "tack"],
    "en": ["hello", "I am looking for a language cafe to practise Finnish", "Vantaa",
           "something for teenagers", "thanks"],
}
SEARCHES = [("vertaistuki", "fi"), ("kuoro", "fi"), ("liikunta lapsille", "fi"), ("suomen kielen kerho", "fi"),
            ("körsång", "sv"), ("stöd för föräldrar", "sv"), ("language cafe", "en"), ("football for kids", "en")]


def rss_mb(pid: int) -> float:
    proc = psutil.Process(pid)
    return sum(p.memory_info().rss for p in [proc, *proc.children(recursive=True)]) / 2**20


def warm_up(url: str, turns: int, searches: int) -> tuple[int, int]:
    """Chat turns over a few conversations per language, and searches; returns (ok, failed)."""
    ok = failed = 0
    with httpx.Client(base_url=url, timeout=30) as client:
        conversations = itertools.cycle(TURNS.items())
        done = 0
        while done < turns:
            lang, messages = next(conversations)
            session = uuid.uuid4().hex
            for message in messages[: turns - done]:
                r = client.post("/api/chat", json={"session": session, "message": message, "lang": lang})
                ok, failed = (ok + 1, failed) if r.status_code == 200 else (ok, failed + 1)
                done += 1
        for q, lang in itertools.islice(itertools.cycle(SEARCHES), searches):
            r = client.get("/api/activities/search", params={"q": q, "lang": lang, "limit": 10})
            ok, failed = (ok + 1, failed) if r.status_code == 200 else (ok, failed + 1)
    return ok, failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--rasa-port", type=int, default=5095)
    parser.add_argument("--turns", type=int, default=50)
    parser.add_argument("--searches", type=int, default=20)
    args = parser.parse_args()
    stack = Stack(web_port=args.port, rasa_port=args.rasa_port, log_dir=ROOT / "var" / "log" / "bench-memory")
    t0 = time.time()
    try:
        stack.start()
        started = time.time() - t0
        time.sleep(2)
        pids = {name: proc.pid for name, proc in stack.procs.items()}
        before = {name: rss_mb(pid) for name, pid in pids.items()}
        ok, failed = warm_up(stack.web_url, args.turns, args.searches)
        time.sleep(2)
        after = {name: rss_mb(pid) for name, pid in pids.items()}
    finally:
        stack.stop()
    print(f"stack ready in {started:.0f} s; warm-up: {args.turns} chat turns and {args.searches} searches "
          f"({ok} answered, {failed} failed)")
    print(f"{'process':<10}{'started':>12}{'warm':>12}")
    for name in before:
        print(f"{name:<10}{before[name]:>9.0f} MB{after[name]:>9.0f} MB")
    print(f"{'total':<10}{sum(before.values()):>9.0f} MB{sum(after.values()):>9.0f} MB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
