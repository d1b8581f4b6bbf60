"""Tunes the hybrid ranking weights on the project's own search cases and reports the shared
development cases as held out (they are not used to choose the weights).

  .venv/bin/python scripts/tune_search.py

Prints the best weights by precision@3 (then success@3, MRR) on the tuning set; put them in
mukaan/settings.py (dense_weight, lexical_weight, topic_weight, kind_weight, away_penalty).
"""
from __future__ import annotations

import itertools
import sys

import numpy as np
import yaml

from mukaan_catalogue.search import Filters, get_searcher
from scripts.eval_search import DEFAULT_SETS, relevant


def prepare(cases):
    searcher = get_searcher()
    out = []
    for c in cases:
        sig = searcher.signals(c["q"], c["lang"], Filters(municipality=c["municipality"]))
        rel = np.array([relevant(sig.snap.activities[i], c) for i in sig.idx])
        out.append((sig, rel))
    return out


def metrics(prepared, weights):
    s3 = p3 = rr = 0.0
    for sig, rel in prepared:
        order = np.argsort(-sig.combine("hybrid", *weights), kind="stable")[:5]
        r = rel[order]
        s3 += r[:3].any()
        p3 += r[:3].sum() / 3
        hit = np.flatnonzero(r)
        rr += 1 / (hit[0] + 1) if len(hit) else 0
    n = len(prepared)
    return s3 / n, p3 / n, rr / n


def main() -> int:
    tune = prepare(yaml.safe_load(DEFAULT_SETS["own"].read_text(encoding="utf-8")))
    held = prepare(yaml.safe_load(DEFAULT_SETS["shared"].read_text(encoding="utf-8")))
    grid = itertools.product([0.6, 0.8, 1.0], [0.0, 0.1, 0.2, 0.4], [0.0, 0.2, 0.4, 0.6],
                             [0.0, 0.1, 0.2, 0.4], [0.0, 0.05, 0.1])
    scored = sorted(((metrics(tune, w), w) for w in grid), key=lambda x: (x[0][1], x[0][0], x[0][2]), reverse=True)
    print("weights (dense, lexical, topic, kind, away) tuning s@3 p@3 MRR   held-out s@3 p@3 MRR")
    for (s3, p3, mrr), w in scored[:8]:
        hs3, hp3, hmrr = metrics(held, w)
        print(f"  {w!s:34} {s3:.3f} {p3:.3f} {mrr:.3f}      {hs3:.3f} {hp3:.3f} {hmrr:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
