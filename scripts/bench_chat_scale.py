"""Chat throughput with 1 and with 2 Rasa instances: both configurations share one Redis
(tracker and lock store) and have two web instances in front, which the clients use in
turn, as a load balancer would. Prints turns per second, turn latency p50/p95, and the
scaling ratio (2 Rasa / 1 Rasa).

  .venv/bin/python -m scripts.bench_chat_scale                  # 16 clients, 60 s per configuration
  .venv/bin/python -m scripts.bench_chat_scale --clients 8 --duration 30
  .venv/bin/python -m scripts.bench_chat_scale --model models/rasa/mukaan-<hash>.tar.gz

Each client is one coroutine with one request in flight at a time (no pause between turns).
It runs the conversations of tests/eval/chat_cases.yaml: `say`, the `then` lines and
"doesn't matter" until activities come back, then "Show more" (/ask_more), and starts a new
conversation. Every request goes to the next web instance, so consecutive turns of one
conversation are served by different instances. A turn that the web app had to answer
without Rasa (Rasa too slow: the "bot unavailable" notice) is counted as degraded, not as a
turn. Ports: Redis 6392, Rasa 5092-5093, web 8792-8793; logs in var/log/bench-chat-scale/.
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil
import yaml

from devtools.cluster import Cluster, RedisServer
from devtools.stack import trained_model
from mukaan.settings import ROOT
from mukaan.texts import TEXTS

CASES = ROOT / "tests" / "eval" / "chat_cases.yaml"
LOG_DIR = ROOT / "var" / "log" / "bench-chat-scale"
REDIS_PORT, RASA_PORTS, WEB_PORTS = 6392, [5092, 5093], [8792, 8793]
DONT_CARE = {"fi": "ei väliä", "sv": "spelar ingen roll", "en": "doesn't matter"}
DEGRADED = {TEXTS[key][lang] for key in ("bot_unavailable", "bot_unavailable_no_results") for lang in TEXTS[key]}


@dataclass
class Tally:
    measuring: bool = False
    latencies: list[float] = field(default_factory=list)
    degraded: int = 0
    errors: Counter = field(default_factory=Counter)   # kind of failure → count


def conversations(cases: list[dict], offset: int):
    """Endless conversations for one client: lists of (lang, first turns) from the cases."""
    for case in itertools.islice(itertools.cycle(cases), offset, None):
        yield case["lang"], [case["say"], *case.get("then", [])]


async def client_loop(http: httpx.AsyncClient, urls, tally: Tally, cases: list[dict], offset: int,
                      stop_at: float) -> None:
    for lang, turns in conversations(cases, offset):
        session, cards, asked_more = None, [], False
        for _ in range(7):
            if time.monotonic() >= stop_at:
                return
            if cards:
                text, asked_more = "/ask_more", True
            elif turns:
                text = turns.pop(0)
            else:
                text = DONT_CARE[lang]
            t0 = time.monotonic()
            try:
                r = await http.post(f"{next(urls)}/api/chat", json={"session": session, "message": text, "lang": lang})
                r.raise_for_status()
                body = r.json()
            except (httpx.HTTPError, ValueError) as exc:
                if tally.measuring:
                    status = getattr(getattr(exc, "response", None), "status_code", None)
                    tally.errors[f"HTTP {status}" if status else type(exc).__name__] += 1
                break
            elapsed = time.monotonic() - t0
            session = body["session"]
            cards = [a for m in body["messages"] for a in m.get("activities") or []]
            if tally.measuring:
                if any(m.get("text") in DEGRADED for m in body["messages"]):
                    tally.degraded += 1
                else:
                    tally.latencies.append(elapsed)
            if asked_more:
                break


def cpu_seconds(cluster: Cluster) -> dict[str, float]:
    """CPU time used so far by the Rasa and the web processes (with their children)."""
    used = {"rasa": 0.0, "web": 0.0}
    for stack in cluster.stacks:
        for name, proc in stack.procs.items():
            try:
                p = psutil.Process(proc.pid)
                for q in [p, *p.children(recursive=True)]:
                    t = q.cpu_times()
                    used[name.split("-")[0]] += t.user + t.system
            except psutil.NoSuchProcess:
                pass
    return used


async def measure(cluster: Cluster, clients: int, duration: float, warmup: float) -> dict:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    urls = itertools.cycle(cluster.web_urls)
    tally = Tally()
    start = time.monotonic()
    stop_at = start + warmup + duration
    limits = httpx.Limits(max_connections=clients * 2, max_keepalive_connections=clients * 2)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        tasks = [asyncio.create_task(client_loop(http, urls, tally, cases, i * 3, stop_at)) for i in range(clients)]
        await asyncio.sleep(warmup)
        tally.measuring = True
        cpu0, t0 = cpu_seconds(cluster), time.monotonic()
        psutil.cpu_percent()
        await asyncio.sleep(duration)
        tally.measuring = False
        machine = psutil.cpu_percent()
        cpu1, window = cpu_seconds(cluster), time.monotonic() - t0
        await asyncio.gather(*tasks)
    lat = sorted(tally.latencies)
    turns = len(lat)
    return {"turns": turns, "rate": turns / window, "p50": statistics.median(lat) if lat else float("nan"),
            "p95": lat[min(len(lat) - 1, int(0.95 * len(lat)))] if lat else float("nan"),
            "degraded": tally.degraded, "errors": sum(tally.errors.values()), "error_kinds": dict(tally.errors),
            "machine_cpu": machine,
            "own_cpu": 100 * sum(cpu1[k] - cpu0[k] for k in cpu0) / window / (os.cpu_count() or 1),
            "cpu_per_turn": {k: (cpu1[k] - cpu0[k]) / max(turns, 1) for k in cpu0}}


def run_configuration(n_rasa: int, redis_url: str, args) -> dict:
    log_dir = LOG_DIR / f"rasa{n_rasa}"
    cluster = Cluster(rasa_ports=RASA_PORTS[:n_rasa], web_ports=WEB_PORTS, redis_url=redis_url, log_dir=log_dir,
                      env={"MUKAAN_RATE_LIMIT_PER_MINUTE": "0"})
    t0 = time.time()
    print(f"Starting {n_rasa} Rasa + {len(WEB_PORTS)} web instances…", flush=True)
    cluster.start(model=args.model, timeout=900)
    print(f"  ready in {time.time() - t0:.0f} s; {args.clients} clients, {args.warmup:.0f} s warm-up, "
          f"{args.duration:.0f} s measured", flush=True)
    try:
        return asyncio.run(measure(cluster, args.clients, args.duration, args.warmup))
    finally:
        cluster.stop()


def redis_memory(server: RedisServer) -> tuple[int, float, int]:
    """Conversations held in Redis, the mean bytes of memory per conversation, and the
    longest stored tracker (bytes of JSON)."""
    with server.client() as r:
        keys = list(r.scan_iter("*:tracker:*", count=1000))
        sizes = [r.memory_usage(k) or 0 for k in keys[:500]]
        longest = max((r.strlen(k) for k in keys), default=0)
    return len(keys), (sum(sizes) / len(sizes) if sizes else 0.0), longest


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_chat_scale", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60.0, help="measured seconds per configuration")
    parser.add_argument("--warmup", type=float, default=15.0, help="unmeasured seconds first")
    parser.add_argument("--model", type=Path, default=None, help="trained Rasa model (default: the current one)")
    args = parser.parse_args()
    args.model = (args.model or trained_model()).resolve()   # one model for both runs
    if not args.model.exists():
        raise SystemExit(f"No trained Rasa model at {args.model}: run `make train`")

    redis_server = RedisServer(port=REDIS_PORT, log_dir=LOG_DIR)
    redis_server.start()
    results = {}
    try:
        for n in (1, 2):
            results[n] = run_configuration(n, redis_server.url, args)
            r = results[n]
            print(f"  {n} Rasa: {r['rate']:.2f} turns/s ({r['turns']} turns), p50 {r['p50'] * 1000:.0f} ms, "
                  f"p95 {r['p95'] * 1000:.0f} ms, degraded {r['degraded']}, errors {r['errors']} "
                  f"{r['error_kinds'] or ''}, machine CPU {r['machine_cpu']:.0f} % (Mukaan's processes "
                  f"{r['own_cpu']:.0f} %), CPU s per turn: Rasa {r['cpu_per_turn']['rasa']:.2f}, "
                  f"web {r['cpu_per_turn']['web']:.2f}", flush=True)
        conversations, per_conversation, longest = redis_memory(redis_server)
    finally:
        redis_server.stop()

    one, two = results[1], results[2]
    cores = os.cpu_count() or 1
    print(f"\nChat throughput, {args.clients} clients, 2 web instances, Redis-shared state, {cores} CPU cores:")
    print("| Rasa instances | turns/s | p50 ms | p95 ms | degraded | errors | machine CPU | of it Mukaan's |")
    print("|---|---|---|---|---|---|---|---|")
    for n, r in results.items():
        print(f"| {n} | {r['rate']:.2f} | {r['p50'] * 1000:.0f} | {r['p95'] * 1000:.0f} | {r['degraded']} | "
              f"{r['errors']} | {r['machine_cpu']:.0f} % | {r['own_cpu']:.0f} % |")
    print(f"\nRedis after both runs: {conversations} conversations, {per_conversation / 1024:.1f} KiB of memory "
          f"each on average; the longest stored tracker is {longest / 1024:.1f} KiB of JSON.")
    ratio = two["rate"] / one["rate"] if one["rate"] else float("nan")
    print(f"\nScaling ratio (2 Rasa / 1 Rasa): {ratio:.2f}")
    print(f"Every instance here shares the same {cores} cores: a second Rasa process adds Rasa's "
          f"parallelism but no CPU. Once the machine is busy (machine CPU above), throughput is "
          f"bounded by CPU per turn (Rasa {two['cpu_per_turn']['rasa']:.2f} s + web "
          f"{two['cpu_per_turn']['web']:.2f} s with 2 Rasa), so the ratio stays modest. On separate "
          f"machines each Rasa+web pair brings its own cores; the shared Redis holds a conversation's "
          f"state, so the turns of one conversation may land on any instance.")
    if min(one["own_cpu"], two["own_cpu"]) < 0.8 * min(one["machine_cpu"], two["machine_cpu"]):
        print("Other programs used much of the CPU during the runs (machine CPU against Mukaan's share): "
              "more Mukaan processes then also win a larger share of the machine from them, which "
              "flatters the ratio. Measure on an otherwise idle machine for a clean figure.")


if __name__ == "__main__":
    main()
