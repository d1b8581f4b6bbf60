"""The load test's measurements (scripts/loadtest.py runs the residents): latencies and
errors per phase, the processes' memory and CPU sampled while it runs, and the report with
the targets met or missed."""
from __future__ import annotations

import contextlib
import math
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

import psutil

TARGET_ERRORS = 0
TARGET_PEAK_P95 = 1.5
TARGET_SINGLE_P95 = 0.25
TARGET_GROWTH = 10.0

# ------------------------------------------------------------------------------------------
# Measurements

@dataclass
class Phase:
    name: str
    users: int
    duration: float | None = None      # seconds, or
    max_turns: int | None = None       # a number of turns
    record: bool = True
    started: float = 0.0
    ended: float = 0.0
    turns: int = 0
    turns_in_window: int = 0           # finished before the phase's time was up
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_examples: list[str] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)

    def over(self) -> bool:
        if self.max_turns is not None and self.turns >= self.max_turns:
            return True
        return self.duration is not None and time.monotonic() - self.started >= self.duration

    def remaining(self) -> float:
        """Seconds left in a timed phase (a pause never outlasts the phase)."""
        if self.duration is None:
            return math.inf
        return max(0.0, self.started + self.duration - time.monotonic())

    def add(self, kind: str, seconds: float, error: str | None, detail: str = "") -> None:
        self.turns += 1
        if self.duration is None or time.monotonic() - self.started <= self.duration:
            self.turns_in_window += 1
        self.latencies[kind].append(seconds)
        if error:
            self.errors[error] += 1
            if len(self.error_examples) < 5:
                self.error_examples.append(f"{kind}: {error} {detail}"[:200])

    @property
    def all_latencies(self) -> list[float]:
        return [x for values in self.latencies.values() for x in values]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


class Sampler:
    """Samples the RSS (with children) of each server process once a second in a thread."""

    def __init__(self, pids: dict[str, int]):
        self.procs = {name: psutil.Process(pid) for name, pid in pids.items()}
        self.samples: list[tuple[float, dict[str, int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree(proc: psutil.Process) -> list[psutil.Process]:
        try:
            return [proc, *proc.children(recursive=True)]
        except psutil.Error:
            return [proc]

    def rss(self) -> dict[str, int]:
        out = {}
        for name, proc in self.procs.items():
            total = 0
            for p in self._tree(proc):
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
            out[name] = total
        return out

    def cpu_seconds(self) -> dict[str, float]:
        """CPU seconds used so far by each server, this load generator and the whole machine."""
        machine = psutil.cpu_times()
        out = {"machine": sum(machine) - machine.idle - getattr(machine, "iowait", 0.0),
               "load generator": sum(psutil.Process().cpu_times()[:2])}
        for name, proc in self.procs.items():
            total = 0.0
            for p in self._tree(proc):
                try:
                    t = p.cpu_times()
                    total += t.user + t.system + t.children_user + t.children_system
                except psutil.Error:
                    pass
            out[name] = total
        return out

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.monotonic(), self.rss()))
            self._stop.wait(1.0)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def between(self, start: float, end: float) -> list[dict[str, int]]:
        return [s for t, s in self.samples if start <= t <= end]


# ------------------------------------------------------------------------------------------
# Report

def ms(seconds: float) -> str:
    return "   n/a" if math.isnan(seconds) else f"{seconds * 1000:6.0f}"


def mark(ok: bool) -> str:
    return "met" if ok else "MISSED"


def gb(n: float) -> str:
    return f"{n / 2**30:.2f} GB"


def report(phase: Phase, sampler: Sampler | None, target_p95: float | None, soak_warmup: float) -> dict:
    elapsed = phase.ended - phase.started
    values = phase.all_latencies
    p95 = percentile(values, 95)
    n_errors = sum(phase.errors.values())
    print(f"\n== {phase.name}: {phase.users} concurrent, {phase.turns} turns in {elapsed:.1f} s")
    line = (f"  turn latency ms   p50 {ms(percentile(values, 50))}   p95 {ms(p95)}   "
            f"p99 {ms(percentile(values, 99))}   max {ms(max(values, default=math.nan))}")
    if target_p95 is not None:
        line += f"   target p95 <= {target_p95 * 1000:.0f} ms: {mark(p95 <= target_p95)}"
    print(line)
    window = phase.duration or elapsed
    drain = f"; the turns in flight at the end finished {elapsed - window:.1f} s later" if phase.duration else ""
    print(f"  throughput        {phase.turns_in_window / window:.1f} turns/s ({phase.turns_in_window} turns "
          f"finished in {window:.0f} s{drain})")
    kinds = ", ".join(f"{k} {v}" for k, v in sorted(phase.errors.items())) or "none"
    print(f"  errors            {n_errors} ({kinds})   target {TARGET_ERRORS}: {mark(n_errors <= TARGET_ERRORS)}")
    for example in phase.error_examples:
        print(f"    e.g. {example}")
    print("  by request        " + "n".rjust(6) + "p50".rjust(7) + "p95".rjust(7) + "p99".rjust(7))
    for kind, lat in sorted(phase.latencies.items(), key=lambda kv: percentile(kv[1], 50)):
        print(f"    {kind:<15} {len(lat):6d} {ms(percentile(lat, 50))} {ms(percentile(lat, 95))} "
              f"{ms(percentile(lat, 99))}")
    result = {"p95": p95, "errors": n_errors, "growth": {}}
    if sampler is None:
        return result
    samples = sampler.between(phase.started, phase.ended)
    if samples:
        for name in sampler.procs:
            rss = [s[name] for s in samples]
            print(f"  memory {name:<5}      start {gb(rss[0])}   end {gb(rss[-1])}   peak {gb(max(rss))}"
                  f"   ({len(rss)} samples, RSS with children)")
    print("  CPU (cores)       " + "   ".join(f"{k} {v:.2f}" for k, v in phase.cpu.items())
          + f"   (of {psutil.cpu_count()})")
    if soak_warmup:
        end = phase.started + (phase.duration or elapsed)
        span = max(1.0, min(30.0, (end - phase.started) * 0.1))
        early = sampler.between(phase.started + soak_warmup, phase.started + soak_warmup + span)
        late = sampler.between(end - span, end)
        for name in sampler.procs:
            if not early or not late:
                continue
            a = sum(s[name] for s in early) / len(early)
            b = sum(s[name] for s in late) / len(late)
            growth = (b - a) / a * 100
            result["growth"][name] = growth
            print(f"  growth {name:<5}      {growth:+.1f} %  ({gb(a)} at {soak_warmup:.0f}-{soak_warmup + span:.0f} s "
                  f"-> {gb(b)} in the last {span:.0f} s)   target <= {TARGET_GROWTH:.0f} %: "
                  f"{mark(growth <= TARGET_GROWTH)}")
    return result
