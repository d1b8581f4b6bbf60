"""Search evaluation: prints success@3, precision@3, MRR and nDCG@5 for the lexical, dense
and hybrid rankers on the shared development cases, the project's own cases and the blind
case sets (tests/eval/blind/: written from personas without reading the code; tune on the dev
halves only, report the frozen test halves as they fall). Cases in other languages (ru, uk,
ar, so, et, fa) are searched as from a Finnish page.

  .venv/bin/python scripts/eval_search.py [--cases FILE ...] [--show-misses]

A result is relevant when its kind is in the case's `kinds` (if given), it shares a topic with
`topics`, and it is in the case's municipality or online/national (shared/eval/README.md).
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import yaml

from mukaan.catalogue.backend import open_searcher
from mukaan.catalogue.ranking import MODES, Filters
from mukaan.settings import ROOT, get_settings

BLIND = ROOT / "tests" / "eval" / "blind"
DEFAULT_SETS = {"shared": ROOT.parent / "shared" / "eval" / "search.yaml",
                "own": ROOT / "tests" / "eval" / "search_cases.yaml",
                "blind dev": BLIND / "search_dev.yaml", "blind test": BLIND / "search_test.yaml",
                "other languages dev": BLIND / "search_other_dev.yaml",
                "other languages test": BLIND / "search_other_test.yaml"}
PAGE_LANGS = ("fi", "sv", "en")


def relevant(activity, case) -> bool:
    if case.get("kinds") and activity.kind not in case["kinds"]:
        return False
    if not set(activity.topics) & set(case.get("topics") or []):
        return False
    return activity.is_national or activity.municipality.fi == case["municipality"]


def score_case(searcher, case, mode: str) -> dict:
    lang = case["lang"] if case["lang"] in PAGE_LANGS else "fi"
    results = searcher.search(case["q"], lang=lang, limit=5, mode=mode,
                              filters=Filters(municipality=case["municipality"]))
    rel = [relevant(r.activity, case) for r in results]
    first = next((i for i, ok in enumerate(rel) if ok), None)
    dcg = sum(1 / math.log2(i + 2) for i, ok in enumerate(rel) if ok)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(5, max(1, sum(rel)))))
    return {"s3": float(any(rel[:3])), "p3": sum(rel[:3]) / 3, "rr": 0.0 if first is None else 1 / (first + 1),
            "ndcg": dcg / ideal if ideal else 0.0, "top": [r.activity.id for r in results[:3]]}


def evaluate(cases: list[dict], modes=MODES) -> dict[str, dict[str, float]]:
    searcher = open_searcher(get_settings())
    table = {}
    for mode in modes:
        scores = [score_case(searcher, c, mode) for c in cases]
        n = len(scores) or 1
        table[mode] = {k: sum(s[k] for s in scores) / n for k in ("s3", "p3", "rr", "ndcg")}
        table[mode]["misses"] = [c for c, s in zip(cases, scores) if not s["s3"]]
    return table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", nargs="*", help="case files (default: shared + own)")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    sets = {Path(p).stem: Path(p) for p in args.cases} if args.cases else DEFAULT_SETS
    for name, path in sets.items():
        if not path.exists():
            print(f"{name}: {path} not found, skipped", file=sys.stderr)
            continue
        cases = yaml.safe_load(path.read_text(encoding="utf-8"))
        table = evaluate(cases)
        by_lang = {lang: sum(c["lang"] == lang for c in cases) for lang in sorted({c["lang"] for c in cases})}
        print(f"\n{name}: {len(cases)} cases {by_lang} ({path})")
        print(f"  {'ranker':8} {'success@3':>10} {'precision@3':>12} {'MRR':>7} {'nDCG@5':>8}")
        for mode in ("lexical", "dense", "hybrid"):
            m = table[mode]
            print(f"  {mode:8} {m['s3']:10.3f} {m['p3']:12.3f} {m['rr']:7.3f} {m['ndcg']:8.3f}")
        if args.show_misses:
            for c in table["hybrid"]["misses"]:
                print(f"  miss [{c['lang']}/{c['municipality']}] {c['q']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
