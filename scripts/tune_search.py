"""Tunes the hybrid ranking weights on the project's own search cases and reports the shared
development cases as held out (they are not used to choose the weights).

  .venv/bin/python -m scripts.tune_search

Coordinate ascent from the current settings: each weight in turn takes the value from its grid
that gives the best precision@3 (then success@3, MRR) on the tuning set, until nothing improves.
Prints the path and the final weights; put them in mukaan/settings.py.
"""
from __future__ import annotations

import dataclasses
import sys

import numpy as np
import yaml

from mukaan.catalogue.backend import open_searcher
from mukaan.catalogue.ranking import Filters, Weights
from mukaan.settings import get_settings
from scripts.eval_search import DEFAULT_SETS, relevant

GRID = {
    "dense": [0.4, 0.6, 0.8, 1.0],
    "lexical": [0.0, 0.05, 0.1, 0.2, 0.3],
    "topic": [0.2, 0.4, 0.6, 0.8, 1.0, 1.2],
    "kind": [0.0, 0.2, 0.4, 0.6, 0.8],
    "need": [0.0, 0.1, 0.2, 0.3, 0.4, 0.6],
    "away": [0.0, 0.05, 0.1, 0.15, 0.2, 0.3],
    "unasked": [0.0, 0.2, 0.4, 0.6, 0.8, 1.0],
}


def prepare(cases):
    searcher = open_searcher(get_settings())
    out = []
    for c in cases:
        sig = searcher.signals(c["q"], c["lang"], Filters(municipality=c["municipality"]))
        rel = np.array([relevant(sig.snap.activities[i], c) for i in sig.idx])
        out.append((sig, rel))
    return out


def metrics(prepared, weights: Weights) -> tuple[float, float, float]:
    s3 = p3 = rr = 0.0
    for sig, rel in prepared:
        order = np.argsort(-sig.combine("hybrid", weights), kind="stable")[:5]
        r = rel[order]
        s3 += r[:3].any()
        p3 += r[:3].sum() / 3
        hit = np.flatnonzero(r)
        rr += 1 / (hit[0] + 1) if len(hit) else 0
    n = len(prepared)
    return s3 / n, p3 / n, rr / n


def key(m: tuple[float, float, float]) -> tuple[float, float, float]:
    s3, p3, mrr = m
    return round(p3, 4), round(s3, 4), round(mrr, 4)


def show(label: str, tune, held, w: Weights) -> None:
    (s3, p3, mrr), (hs3, hp3, hmrr) = metrics(tune, w), metrics(held, w)
    print(f"  {label:34} tuning s@3 {s3:.3f} p@3 {p3:.3f} MRR {mrr:.3f}   "
          f"held-out s@3 {hs3:.3f} p@3 {hp3:.3f} MRR {hmrr:.3f}", flush=True)


def main() -> int:
    tune = prepare(yaml.safe_load(DEFAULT_SETS["own"].read_text(encoding="utf-8")))
    held = prepare(yaml.safe_load(DEFAULT_SETS["shared"].read_text(encoding="utf-8")))
    best = Weights.from_settings(get_settings())
    show("current settings", tune, held, best)
    best_key = key(metrics(tune, best))
    improved = True
    while improved:
        improved = False
        for name, values in GRID.items():
            for value in values:
                trial = dataclasses.replace(best, **{name: value})
                k = key(metrics(tune, trial))
                if k > best_key:
                    best, best_key, improved = trial, k, True
                    show(f"{name} = {value}", tune, held, best)
    print("best:", ", ".join(f"{f.name}={getattr(best, f.name)}" for f in dataclasses.fields(best)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
