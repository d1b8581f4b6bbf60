"""Load test on the real servers: simulated residents talk to POST /api/chat and search
GET /api/activities/search on loopback, and the figures are printed per phase.

  make loadtest                                   # all phases on ports 8780 (web) / 5080 (Rasa)
  .venv/bin/python -m scripts.loadtest --quick    # 10-second phases: a smoke check
  .venv/bin/python -m scripts.loadtest --url http://127.0.0.1:8780 --rasa-port 5080
                                                  # a running stack (start it with
                                                  # MUKAAN_RATE_LIMIT_PER_MINUTE=0)
  .venv/bin/python -m scripts.loadtest --think 0  # no pauses between turns: a stress test
  .venv/bin/python -m scripts.loadtest --model models/rasa/mukaan-<hash>.tar.gz
                                                  # another trained Rasa model

The stack started here gets MUKAAN_RATE_LIMIT_PER_MINUTE=0 (every client is on loopback) and
logs to var/log/loadtest/.

Phases: a short unmeasured warm-up; "single user" (1 resident, --single-turns turns);
"peak" (--users residents for --duration s); "soak" (--soak-users for --soak-duration s).
Each resident is one coroutine that runs one request at a time (the load is bounded by
the number of residents) and pauses --think seconds on average between turns (default 5: a
resident reads the reply and types the next message — real pauses are longer, 10–30 s, so
this is a heavier load than real use; --think 0 keeps a request always in flight, a stress
test where every resident is a script).

A resident's visit, drawn at random from this mix:
  chat page  (55 %)  /greet, then a case from tests/eval/chat_cases.yaml or
                     ../shared/eval/chat.yaml: `say` (varied a little, see in_own_words), the
                     `then` lines, and when they run out a button payload (/dont_care) or
                     "doesn't matter"; after the activities sometimes "Show more" (/ask_more)
                     or "Start over" (/start_over)
  kiosk      (20 %)  the same conversation, ended by the kiosk's wipe (/start_over)
  safety     (5 %)   /greet, then a crisis or a calm-but-alarming message from the crisis cases
  search     (20 %)  GET /api/activities/search with a case's (varied) words, municipality and language,
                     then a refinement (kind filter or nearby municipalities)

Printed per phase: turn latency p50/p95/p99 overall and per request kind (a profile: crisis
replies and search never reach Rasa; greet reaches Rasa but no custom action; "chat+cards"
runs a custom action and a catalogue search), throughput, errors (non-2xx, timeouts,
connection errors, empty replies, and degraded replies where the web app had to answer
without Rasa or without its search), RSS of each process with its children (sampled every
second: start, end, peak), CPU used per process, and the soak's memory growth (the mean of
the samples just after the soak's warm-up against the mean of its last samples).
Exit status 1 when any error occurred.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import httpx
import psutil

from mukaan.settings import ROOT
from mukaan.texts import TEXTS
from scripts.eval_chat import DONT_CARE, OWN, SHARED, load
from scripts.load_measure import (
    TARGET_ERRORS,
    TARGET_GROWTH,
    TARGET_PEAK_P95,
    TARGET_SINGLE_P95,
    Phase,
    Sampler,
    mark,
    ms,
    report,
)

WEB_PORT, RASA_PORT = 8780, 5080
REQUEST_TIMEOUT = 30.0
MIX = {"chat": 55, "kiosk": 20, "safety": 5, "search": 20}
# The web app's own notices when it answered without Rasa or without its search.
THANKS = {"fi": ["Kiitos.", "Kiitos!", "Kiitos etukäteen!"], "sv": ["Tack.", "Tack!", "Tack på förhand!"],
          "en": ["Thanks.", "Thank you!", "Thanks in advance!"]}
DEGRADED = {text for key in ("bot_unavailable", "bot_unavailable_no_results", "search_failed")
            for text in TEXTS[key].values()}


# ------------------------------------------------------------------------------------------
# What the residents say

@dataclass
class Material:
    cases: list[dict]
    crisis: list[dict]
    calm: list[dict]

    @classmethod
    def load(cls) -> Material:
        cases, crisis, calm = [], [], []
        for path in (SHARED / "chat.yaml", OWN / "chat_cases.yaml"):
            cases += load(path) or []
        for path in (SHARED / "crisis.yaml", OWN / "crisis_cases.yaml"):
            data = load(path) or {}
            crisis += data.get("crisis", [])
            calm += data.get("calm", [])
        if not cases:
            raise SystemExit("no conversation cases found (tests/eval/chat_cases.yaml)")
        return cls(cases, crisis, calm)


def in_own_words(text: str, lang: str, rng: random.Random) -> str:
    """The same need as a resident might type it: case, end punctuation, a thank-you. Real
    messages are all different; without this the web app's cache of query vectors
    (mukaan/catalogue/embedding.py) would answer nearly every search and hide the encoder's cost."""
    body, end = text.rstrip(".!?"), rng.choice(["", ".", "!", "?"])
    if rng.random() < 0.3:
        body = body[:1].lower() + body[1:]
    if rng.random() < 0.7:
        return f"{body}{end or '.'} {rng.choice(THANKS[lang])}"
    return body + end


# ------------------------------------------------------------------------------------------
# The residents

class Resident:
    """One simulated resident: visits one after another until the phase is over."""

    def __init__(self, client: httpx.AsyncClient, phase: Phase, material: Material,
                 rng: random.Random, think: float):
        self.client, self.phase, self.material, self.rng, self.think = client, phase, material, rng, think

    async def pause(self) -> None:
        if self.think > 0:
            await asyncio.sleep(min(self.rng.expovariate(1 / self.think), self.phase.remaining()))

    async def chat(self, message: str, lang: str, session: str | None) -> dict | None:
        """One chat turn; returns the reply, or None when the turn failed or the phase is over."""
        if self.phase.over():
            return None
        t0 = time.perf_counter()
        error, detail, body, kind = None, "", None, "chat"
        if message == "/greet":
            kind = "greet"
        elif message == "/start_over":
            kind = "start_over"
        try:
            r = await self.client.post("/api/chat", json={"session": session, "message": message, "lang": lang})
            if r.status_code // 100 != 2:
                error, detail = "non-2xx", str(r.status_code)
            else:
                body = r.json()
                messages = body.get("messages") or []
                if not body.get("session") or not any(m.get("text") or m.get("activities") for m in messages):
                    error = "empty reply"
                elif any(m.get("text") in DEGRADED for m in messages):
                    error = "degraded"
                if any(m.get("kind") == "crisis" for m in messages):
                    kind = "crisis"
                elif any(m.get("activities") for m in messages):
                    kind = "chat+cards"
        except httpx.TimeoutException as exc:
            error, detail = "timeout", type(exc).__name__
        except (httpx.HTTPError, ValueError) as exc:
            error, detail = "connection", f"{type(exc).__name__} {exc}"
        self.phase.add(kind, time.perf_counter() - t0, error, detail)
        if error in (None, "degraded"):
            await self.pause()
            return body
        return None

    async def search(self, params: dict) -> bool:
        if self.phase.over():
            return False
        t0 = time.perf_counter()
        error, detail = None, ""
        try:
            r = await self.client.get("/api/activities/search", params=params)
            if r.status_code // 100 != 2:
                error, detail = "non-2xx", f"{r.status_code} {r.text[:100]}"
            elif not isinstance(r.json().get("results"), list):
                error = "empty reply"
        except httpx.TimeoutException as exc:
            error, detail = "timeout", type(exc).__name__
        except (httpx.HTTPError, ValueError) as exc:
            error, detail = "connection", f"{type(exc).__name__} {exc}"
        self.phase.add("search", time.perf_counter() - t0, error, detail)
        await self.pause()
        return error is None

    async def conversation(self, case: dict, kiosk: bool) -> None:
        lang = case["lang"]
        body = await self.chat("/greet", lang, None)
        if body is None:
            return
        session = body["session"]
        queue = [in_own_words(case["say"], lang, self.rng), *case.get("then", [])]
        cards = False
        for _ in range(5):
            if queue:
                message = queue.pop(0)
            else:
                payloads = [b["payload"] for m in body["messages"] for b in m.get("buttons") or []]
                tap = "/dont_care" in payloads and self.rng.random() < 0.5
                message = "/dont_care" if tap else DONT_CARE[lang]
            body = await self.chat(message, lang, session)
            if body is None:
                return
            if any(m.get("activities") for m in body["messages"]):
                cards = True
                break
        if cards and self.rng.random() < 0.3:
            body = await self.chat("/ask_more", lang, session)
            if body is None:
                return
        if kiosk or self.rng.random() < 0.15:
            await self.chat("/start_over", lang, session)

    async def safety(self) -> None:
        m = self.material
        case = self.rng.choice(m.crisis if (self.rng.random() < 0.6 or not m.calm) else m.calm)
        body = await self.chat("/greet", case["lang"], None)
        if body is not None:
            await self.chat(case["say"], case["lang"], body["session"])

    async def search_visit(self, case: dict) -> None:
        params = {"q": in_own_words(case["say"], case["lang"], self.rng), "municipality": case["municipality"],
                  "lang": case["lang"], "limit": 5}
        if not await self.search(params):
            return
        if case.get("kinds"):
            params["kind"] = case["kinds"][0]
        else:
            params["nearby"] = "true"
        await self.search(params)

    async def run(self, stagger: float) -> None:
        await asyncio.sleep(self.rng.uniform(0, stagger))   # residents arrive over a moment, not at once
        m = self.material
        while not self.phase.over():
            visit = self.rng.choices(list(MIX), weights=list(MIX.values()))[0]
            case = self.rng.choice(m.cases)
            if visit == "search":
                await self.search_visit(case)
            elif visit == "safety" and m.crisis:
                await self.safety()
            else:
                await self.conversation(case, kiosk=visit == "kiosk")


async def run_phase(url: str, phase: Phase, material: Material, seed: int, think: float,
                    sampler: Sampler | None) -> None:
    limits = httpx.Limits(max_connections=phase.users, max_keepalive_connections=phase.users)
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        cpu0 = sampler.cpu_seconds() if sampler else {}
        phase.started = time.monotonic()
        residents = [Resident(client, phase, material, random.Random(seed * 1000 + i), think)
                     for i in range(phase.users)]
        stagger = 1.0 if phase.users > 1 else 0.0
        await asyncio.gather(*(r.run(stagger) for r in residents))
        phase.ended = time.monotonic()
        if sampler:
            cpu1 = sampler.cpu_seconds()
            elapsed = phase.ended - phase.started
            phase.cpu = {name: (cpu1[name] - cpu0[name]) / elapsed for name in cpu1}
            # What the rest of the machine (other people's processes) used meanwhile.
            phase.cpu["other processes"] = phase.cpu.pop("machine") - sum(phase.cpu.values())


# ------------------------------------------------------------------------------------------
# Running it

def listening_pid(port: int) -> int | None:
    for conn in psutil.net_connections(kind="tcp"):
        if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
            return conn.pid
    return None


async def run_all(url: str, args: argparse.Namespace, sampler: Sampler | None) -> int:
    material = Material.load()
    print(f"Load test on {url}: {len(material.cases)} conversation cases, {len(material.crisis)} crisis and "
          f"{len(material.calm)} calm safety cases; mix {MIX}; think time {args.think} s.\n"
          f"Errors: non-2xx, timeout (> {REQUEST_TIMEOUT:.0f} s), connection, empty reply, and degraded (the web "
          f"app answered without Rasa, e.g. Rasa slower than MUKAAN_RASA_TIMEOUT, or without its search).\n"
          f"Load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    phases = [
        (Phase("warm-up", 2, max_turns=20, record=False), None, 0),
        (Phase("single user", 1, max_turns=args.single_turns), TARGET_SINGLE_P95, 0),
        (Phase("peak", args.users, duration=args.duration), TARGET_PEAK_P95, 0),
        (Phase("soak", args.soak_users, duration=args.soak_duration), None,
         min(60.0, args.soak_duration * 0.2)),
    ]
    results = {}
    for seed, (phase, target, warmup) in enumerate(phases, start=1):
        print(f"\n.. {phase.name} ({phase.users} concurrent, "
              f"{f'{phase.duration:.0f} s' if phase.duration else f'{phase.max_turns} turns'})", flush=True)
        await run_phase(url, phase, material, args.seed + seed, args.think, sampler)
        if phase.record:
            results[phase.name] = report(phase, sampler, target, warmup)
        elif phase.errors:
            print(f"  warm-up errors: {dict(phase.errors)} {phase.error_examples}")
    errors = sum(r["errors"] for r in results.values())
    growth = results["soak"]["growth"]
    print("\n== Summary against the targets")
    print(f"  errors, all phases        {errors:>8}          target {TARGET_ERRORS}: {mark(errors <= TARGET_ERRORS)}")
    for name, target in (("peak", TARGET_PEAK_P95), ("single user", TARGET_SINGLE_P95)):
        p95 = results[name]["p95"]
        print(f"  p95 {name:<21} {ms(p95)} ms         target <= {target * 1000:.0f} ms: {mark(p95 <= target)}")
    for name, g in growth.items():
        print(f"  soak memory growth {name:<6} {g:+7.1f} %          target <= {TARGET_GROWTH:.0f} %: "
              f"{mark(g <= TARGET_GROWTH)}")
    print(f"  load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"(other processes on this machine share its {psutil.cpu_count()} cores)")
    return 1 if errors else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, help="concurrent residents in the peak phase")
    parser.add_argument("--duration", type=float, help="seconds of the peak phase (60; --quick 10)")
    parser.add_argument("--soak-users", type=int, default=20)
    parser.add_argument("--soak-duration", type=float, help="seconds of the soak (300; --quick 10)")
    parser.add_argument("--single-turns", type=int, help="turns of the single-user phase (60; --quick 20)")
    parser.add_argument("--think", type=float, default=5.0, help="mean pause between a resident's turns, s")
    parser.add_argument("--quick", action="store_true", help="short phases for a smoke check")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--url", help="a running web app (default: start Rasa and the web app)")
    parser.add_argument("--web-port", type=int, default=WEB_PORT)
    parser.add_argument("--rasa-port", type=int, default=RASA_PORT)
    parser.add_argument("--model", type=Path, help="Rasa model to serve (default: the one for the current inputs)")
    args = parser.parse_args()
    for name, full, quick in (("duration", 60, 10), ("soak_duration", 300, 10), ("single_turns", 60, 20)):
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)

    if args.url:
        pids = {name: listening_pid(port) for name, port in
                (("web", urlparse(args.url).port or 80), ("rasa", args.rasa_port))}
        found = {k: v for k, v in pids.items() if v}
        sampler = Sampler(found) if found else None
        return _run(args.url, args, sampler)

    from devtools.stack import Stack, stop_on_signals
    stack = Stack(web_port=args.web_port, rasa_port=args.rasa_port,
                  env={"MUKAAN_RATE_LIMIT_PER_MINUTE": "0"}, log_dir=ROOT / "var" / "log" / "loadtest")
    print(f"Starting Rasa (:{args.rasa_port}) and the web app (:{args.web_port})…", flush=True)
    t0 = time.time()
    stop_on_signals()                     # a killed run stops its servers too
    try:
        stack.start(model=args.model)
        print(f"Ready in {time.time() - t0:.0f} s; logs in {stack.log_dir}", flush=True)
        return _run(stack.web_url, args, Sampler({n: p.pid for n, p in stack.procs.items()}))
    finally:
        stack.stop()


def _run(url: str, args: argparse.Namespace, sampler: Sampler | None) -> int:
    if sampler:
        sampler.start()
    try:
        return asyncio.run(run_all(url, args, sampler))
    finally:
        if sampler:
            sampler.stop()


if __name__ == "__main__":
    sys.exit(main())
