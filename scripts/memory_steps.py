"""Where the memory goes: the resident size after each import and load step of the web app
(and, with --rasa, of the Rasa server), the steps run in order in one fresh process.

  PYTHONPATH=. .venv/bin/python -m scripts.memory_steps          # the web app
  PYTHONPATH=. .venv/bin/python -m scripts.memory_steps --rasa   # the Rasa server (in .venv-rasa)

Each line: the step, the resident size after it (MB) and what it added. The steps follow the
web app's own start-up (web/main.py: import, embedding model, crisis classifier, catalogue
index, language detector), so the last web line is close to what a started app holds before
its first visitor; then whether torch, sentence-transformers or transformers were imported
(the serving process needs none of them), and torch's own size for index builds. Rasa's
steps run with the serving environment devtools/stack.py gives Rasa (RASA_SERVING_ENV: thread
pools, malloc arenas, oneDNN off); a variable set in this shell wins, to compare (e.g.
MALLOC_ARENA_MAX=8 TF_ENABLE_ONEDNN_OPTS=1). The whole running stack after a warm-up:
scripts/bench_memory.py.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys

from devtools.stack import RASA_SERVING_ENV
from mukaan.settings import ROOT

WEB_STEPS = [
    ("python", "pass"),
    ("numpy", "import numpy"),
    ("spaCy (mukaan.nlp)", "from mukaan import nlp"),
    ("spaCy pipelines + lemma dictionaries", "for lang in ('fi', 'sv', 'en'):\n"
                                             "    nlp.lemmas('kerhoja lapsille ja nuorille', lang)"),
    ("web app imported", "import web.main"),
    ("embedding tokenizer", "from mukaan.catalogue.embedding import get_embedder\n"
                            "from mukaan.settings import get_settings\n"
                            "e = get_embedder(get_settings())\ne.load_tokenizer()"),
    ("onnxruntime session + a query", "e.query('moi')"),
    ("crisis classifier", "from mukaan import safety\n"
                          "from mukaan.catalogue.embedding import model_id\n"
                          "m = safety.load_model(get_settings(), e.queries, model_id(e))\n"
                          "safety.check('en jaksa enää', 'fi', m)"),
    ("catalogue index (BM25 + vectors)", "from mukaan.catalogue.backend import open_searcher\n"
                                         "s = open_searcher(get_settings(), embedder=e)\n"
                                         "s.search('vertaistuki', lang='fi', limit=3)\n"
                                         "vectors = s.snapshot().matrix"),
    ("language detector", "from mukaan import language\nlanguage.warm_up()\n"
                          "language.detect('jag söker en kör för pensionärer')"),
]
WEB_AFTER = ("import sys\n"
             "heavy = [n for n in ('torch', 'sentence_transformers', 'transformers', 'tensorflow')\n"
             "         if n in sys.modules]\n"
             "print(f'NOTE imported by the steps above: {\", \".join(heavy) or \"none of torch, "
             "sentence-transformers, transformers\"}')\n"
             "print(f'NOTE catalogue vectors: {vectors.shape[0]} x {vectors.shape[1]} {vectors.dtype}, "
             "{vectors.nbytes / 2**20:.1f} MB')\n")
TORCH_STEP = ("torch (index builds only)", "import torch")

RASA_STEPS = [
    ("python", "pass"),
    ("tensorflow", "import tensorflow"),
    ("rasa", "import rasa.core.agent"),
    ("model loaded", "import asyncio, glob\nfrom rasa.core.agent import Agent\n"
                     f"path = sorted(glob.glob('{ROOT}/models/rasa/*.tar.gz'))[-1]\n"
                     "agent = Agent.load(path)"),
    ("first message parsed", "asyncio.run(agent.parse_message('moi'))"),
    ("ten more messages", "for text in ['etsin vertaistukea', 'Espoo', 'jag söker en kör', 'tack', 'hello',\n"
                          "             'I need help with Finnish', 'kiitos', 'mitä kerhoja on', 'Vantaa', 'hej']:\n"
                          "    asyncio.run(agent.parse_message(text))"),
]

# Resident size from the kernel (the Rasa environment has no psutil).
PROBE = ("print('STEP', {name!r}, next(int(line.split()[1]) * 1024 for line in open('/proc/self/status') "
         "if line.startswith('VmRSS')), flush=True)\n")


def measure(python: str, steps: list[tuple[str, str]], after: str = "", env: dict | None = None) -> None:
    code = "".join(step + "\n" + PROBE.format(name=name) for name, step in steps) + after
    out = subprocess.run([python, "-c", code], cwd=ROOT, capture_output=True, text=True, env=env)
    previous = 0.0
    print(f"{'step':<40}{'resident':>10}{'added':>10}")
    for line in out.stdout.splitlines():
        if line.startswith("STEP "):
            name, rss = line[5:].rsplit(" ", 1)
            rss_mb = int(rss) / 2**20
            print(f"{name.strip(chr(39)):<40}{rss_mb:>7.0f} MB{rss_mb - previous:>+7.0f} MB")
            previous = rss_mb
        elif line.startswith("NOTE "):
            print(line[5:])
    if out.returncode:
        print("failed:", out.stderr.strip().splitlines()[-1] if out.stderr.strip() else out.returncode)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rasa", action="store_true", help="the Rasa server's steps, in .venv-rasa")
    args = parser.parse_args()
    if args.rasa:
        env = RASA_SERVING_ENV | dict(os.environ) | {"TF_CPP_MIN_LOG_LEVEL": "2"}
        print("environment:", " ".join(f"{k}={env[k]}" for k in RASA_SERVING_ENV))
        measure(str(ROOT / ".venv-rasa" / "bin" / "python"), RASA_STEPS, env=env)
    else:
        measure(sys.executable, WEB_STEPS, WEB_AFTER)
        print()
        measure(sys.executable, [WEB_STEPS[0], TORCH_STEP])
    return 0


if __name__ == "__main__":
    sys.exit(main())
