"""NLU evaluation on the held-out test sets (tests/nlu/<lang>_test.yml), never the training data.
Runs in the Rasa environment:

  .venv-rasa/bin/python scripts/eval_nlu.py                 # the trained combined model
  .venv-rasa/bin/python scripts/eval_nlu.py --compare       # also train one model per language
  .venv-rasa/bin/python scripts/eval_nlu.py --model /tmp/nlu-try/try.tar.gz   # any other model

Prints intent macro-F1 and entity F1 (exact entity type, value and span) per language.
"""
from __future__ import annotations

import argparse
import asyncio
import glob
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import logging  # noqa: E402

import structlog  # noqa: E402
from rasa.core.agent import Agent  # noqa: E402
from rasa.shared.nlu.training_data.loading import load_data  # noqa: E402
from sklearn.metrics import f1_score  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
logging.getLogger().setLevel(logging.WARNING)
LANGS = ("fi", "sv", "en")


def entities_of(items) -> set:
    return {(e["entity"], str(e.get("value")).lower(), e["start"], e["end"]) for e in items or []}


async def evaluate(model: Path, lang: str, show: bool = False) -> tuple[float, float, int]:
    agent = Agent.load(str(model))
    data = load_data(str(ROOT / "tests" / "nlu" / f"{lang}_test.yml"))
    gold_intents, pred_intents = [], []
    tp = fp = fn = 0
    for example in data.intent_examples:
        parsed = await agent.parse_message(example.get("text"))
        gold_intents.append(example.get("intent"))
        pred_intents.append((parsed.get("intent") or {}).get("name"))
        if show and gold_intents[-1] != pred_intents[-1]:
            print(f"   {lang} {gold_intents[-1]} -> {pred_intents[-1]}: {example.get('text')}")
        gold, pred = entities_of(example.get("entities")), entities_of(parsed.get("entities"))
        if show and gold != pred:
            print(f"   {lang} entities missed {sorted(gold - pred)} extra {sorted(pred - gold)}: {example.get('text')}")
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
    labels = sorted(set(gold_intents))
    macro = f1_score(gold_intents, pred_intents, labels=labels, average="macro", zero_division=0)
    entity_f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    return macro, entity_f1, len(gold_intents)


def latest_model() -> Path:
    models = sorted(glob.glob(str(ROOT / "models" / "rasa" / "mukaan-*.tar.gz")), key=os.path.getmtime)
    if not models:
        sys.exit("no trained model in models/rasa: run `make train`")
    return Path(models[-1])


def train_single(lang: str, out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    name = f"nlu-{lang}"
    subprocess.run([str(ROOT / ".venv-rasa" / "bin" / "rasa"), "train", "nlu", "--config", "bot/config.yml",
                    "--nlu", f"nlu_data/{lang}", "--out", str(out), "--fixed-model-name", name],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return out / f"{name}.tar.gz"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compare", action="store_true", help="also train and test one model per language")
    parser.add_argument("--show-errors", action="store_true",
                        help="list misclassified test examples and entity mismatches")
    parser.add_argument("--model", type=Path, help="evaluate this model (.tar.gz) instead of the latest "
                        "in models/rasa, e.g. an NLU-only candidate from `rasa train nlu --out ...`")
    args = parser.parse_args()
    if args.model and not args.model.is_file():
        sys.exit(f"no such model: {args.model}")
    combined = args.model or latest_model()
    print(f"{'model':10} {'lang':4} {'intent macro-F1':>16} {'entity F1':>10} {'examples':>9}")
    for lang in LANGS:
        macro, ent, n = asyncio.run(evaluate(combined, lang, args.show_errors))
        print(f"{'combined':10} {lang:4} {macro:16.3f} {ent:10.3f} {n:9d}", flush=True)
    if args.compare:
        for lang in LANGS:
            model = train_single(lang, ROOT / "var" / "nlu-compare")
            macro, ent, n = asyncio.run(evaluate(model, lang))
            print(f"{'per-lang':10} {lang:4} {macro:16.3f} {ent:10.3f} {n:9d}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
