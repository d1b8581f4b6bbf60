"""The crisis check on the blind case sets: recall and misfires per class, per route.

  .venv/bin/python -m scripts.eval_safety                      # every set, every route
  .venv/bin/python -m scripts.eval_safety --sweep              # dev: figures by threshold
  .venv/bin/python -m scripts.eval_safety --show-misses dev    # what dev missed or misfired on

Sets: tests/eval/blind/crisis_{dev,test}.yaml (written blind, split once: tune on dev only,
report test as it falls), the project's own tests/eval/crisis_cases.yaml, the shared
development cases, and "everyday": every message of the blind search and conversation sets
(dev and test halves), all calm, as residents write them all day. Routes: the lexicon alone,
the semantic classifier alone, and both (what the web app runs). A crisis case is caught
when the route finds a crisis; a calm case misfires when it does.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict

import yaml

from mukaan import safety
from mukaan.safety.lexicon import scan
from mukaan.settings import ROOT, get_settings

BLIND = ROOT / "tests" / "eval" / "blind"
SETS = {"dev": BLIND / "crisis_dev.yaml", "test": BLIND / "crisis_test.yaml",
        "own": ROOT / "tests" / "eval" / "crisis_cases.yaml",
        "shared": ROOT.parent / "shared" / "eval" / "crisis.yaml",
        "everyday dev": [BLIND / "search_dev.yaml", BLIND / "chat_dev.yaml", BLIND / "search_other_dev.yaml"],
        "everyday test": [BLIND / "search_test.yaml", BLIND / "chat_test.yaml", BLIND / "search_other_test.yaml"]}
ROUTES = ("lexicon", "semantic", "both")


def everyday(paths: list) -> dict[str, list[dict]]:
    """The residents' messages of the blind search and conversation sets (every turn), all
    calm: what the check meets most of the day."""
    calm = []
    for path in paths:
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            said = [case.get("say") or case.get("q"), *(case.get("then") or [])]
            calm += [{"cls": path.stem.rsplit("_", 1)[0], "say": s, "lang": case.get("lang", "fi"), "kind": "calm"}
                     for s in said if s]
    return {"crisis": [], "calm": calm}


def load_sets(names: list[str]) -> dict[str, dict[str, list[dict]]]:
    out = {}
    for name in names:
        path = SETS[name]
        if isinstance(path, list):
            out[name] = everyday(path)
        elif path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            out[name] = {kind: [{"cls": kind, **c, "kind": kind} for c in data.get(kind) or []]
                         for kind in ("crisis", "calm")}
    return out


def verdicts(model: safety.CrisisModel, case: dict) -> dict[str, bool]:
    """Whether each route calls the case a crisis."""
    words = scan(case["say"], case["lang"])
    return {"lexicon": bool(words.found or words.mentions),
            "semantic": model.is_crisis(model.score(case["say"])),
            "both": bool(safety.check(case["say"], case["lang"], model))}


def report(name: str, cases: dict[str, list[dict]], results: dict[int, dict[str, bool]]) -> None:
    print(f"\n== {name}: {len(cases['crisis'])} crisis, {len(cases['calm'])} calm")
    print(f"  {'class':<22}{'n':>5}  " + "  ".join(f"{r:>9}" for r in ROUTES))
    for kind, word in (("crisis", "recall"), ("calm", "misfires")):
        groups = defaultdict(list)
        for case in cases[kind]:
            groups[case["cls"]].append(case)
        groups = dict(sorted(groups.items())) | {f"all {kind}": cases[kind]}
        print(f"  {word}")
        for cls, members in groups.items():
            if not members:
                continue
            cells = []
            for route in ROUTES:
                hits = sum(results[id(c)][route] for c in members)
                cells.append(f"{hits / len(members):>8.1%} " if kind == "crisis" else f"{hits:>4}/{len(members):<4}")
            print(f"  {cls:<22}{len(members):>5}  " + "  ".join(cells))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    parser.add_argument("--sweep", action="store_true", help="dev figures by whole-message and part thresholds")
    parser.add_argument("--show-misses", choices=list(SETS))
    args = parser.parse_args()

    from mukaan.catalogue.embedding import get_embedder, model_id
    embedder = get_embedder(get_settings())
    model = safety.load_model(get_settings(), embedder.queries, model_id(embedder))

    if args.sweep:
        dev = load_sets(["dev"])["dev"]
        scored = [(c, bool(safety.check(c["say"], c["lang"], None)), model.score(c["say"]))
                  for c in dev["crisis"] + dev["calm"]]
        print("whole  part   recall(both)  misfires(both)  recall(semantic)  misfires(semantic)")
        for whole in [x / 20 for x in range(10, 20)]:
            for part in (0.9, 0.95, 0.98, 1.01):
                def rate(kind, with_lexicon, whole=whole, part=part):
                    group = [(lex, s) for c, lex, s in scored if c["kind"] == kind]
                    return sum((lex and with_lexicon) or s.whole >= whole or s.part >= part
                               for lex, s in group) / len(group)
                print(f"{whole:5.2f}  {part:4.2f}  {rate('crisis', 1):12.1%}  {rate('calm', 1):14.1%}  "
                      f"{rate('crisis', 0):16.1%}  {rate('calm', 0):18.1%}")
        return 0

    sets = load_sets(args.sets)
    for name, cases in sets.items():
        results = {id(c): verdicts(model, c) for kind in cases.values() for c in kind}
        report(name, cases, results)
        if args.show_misses == name:
            for c in cases["crisis"]:
                if not results[id(c)]["both"]:
                    print(f"  missed  [{c['lang']}] {c.get('level', c['cls'])}: {c['say']}")
            for c in cases["calm"]:
                if results[id(c)]["both"]:
                    print(f"  misfire [{c['lang']}] {c['cls']}: {c['say']}")
    t = model.thresholds
    print(f"\nthresholds: whole message {t.whole}, one part {t.part}; routes: lexicon alone, semantic alone, "
          "both (what the app runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
