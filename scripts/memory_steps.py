"""Where the memory goes: the resident size after each import and load step of the web app
(and, with --rasa, of the Rasa server's), each step measured in a fresh process.

  .venv/bin/python -m scripts.memory_steps          # the web app
  .venv/bin/python -m scripts.memory_steps --rasa   # the Rasa server (runs in .venv-rasa)

Each line: the step, the resident size after it (MB) and what it added. The steps follow the
web app's own start-up (web/main.py: import, embedding model, crisis classifier, catalogue
index, language detector, one search and one crisis check), so the last line is close to
what a started app holds before its first visitor.
"""
from __future__ import annotations

import argparse
import subprocess
import sys

from mukaan.settings import ROOT

WEB_STEPS = [
    ("python", "pass"),
    ("numpy", "import numpy"),
    ("spacy + pipelines", "from mukaan.nlp import pipeline\nfor l in ('fi', 'sv', 'en'): pipeline(l)('moi')"),
    ("web app imported", "import web.main"),
    ("onnxruntime session", "from mukaan.catalogue.embedding import get_embedder\n"
                            "from mukaan.settings import get_settings\n"
                            "e = get_embedder(get_settings())\ne.query('moi')"),
    ("crisis classifier", "from mukaan import safety\n"
                          "from mukaan.catalogue.embedding import model_id\n"
                          "m = safety.load_model(get_settings(), e.queries, model_id(e))\n"
                          "safety.check('en jaksa enää', 'fi', m)"),
    ("catalogue index (BM25 + vectors)", "from mukaan.catalogue.backend import open_searcher\n"
                                         "open_searcher(get_settings()).search('vertaistuki', lang='fi', limit=3)"),
    ("language detector", "from mukaan import language\nlanguage.warm_up()"),
    ("torch (index builds only)", "import torch"),
]

RASA_STEPS = [
    ("python", "pass"),
    ("tensorflow", "import tensorflow"),
    ("rasa", "import rasa.core.agent"),
    ("model loaded", "import asyncio, glob\nfrom rasa.core.agent import Agent\n"
                     f"path = sorted(glob.glob('{ROOT}/models/rasa/*.tar.gz'))[-1]\n"
                     "agent = Agent.load(path)\n"
                     "asyncio.run(agent.parse_message('moi'))"),
]

# Resident size from the kernel (the Rasa environment has no psutil).
PROBE = ("\nprint(next(int(line.split()[1]) * 1024 for line in open('/proc/self/status') "
         "if line.startswith('VmRSS')))\n")


def measure(python: str, steps: list[tuple[str, str]]) -> None:
    previous, code = 0, ""
    print(f"{'step':<36}{'resident':>10}{'added':>10}")
    for name, step in steps:
        code += step + "\n"
        out = subprocess.run([python, "-c", code + PROBE], cwd=ROOT, capture_output=True, text=True)
        if out.returncode:
            print(f"{name:<36} failed: {out.stderr.strip().splitlines()[-1] if out.stderr else out.returncode}")
            return
        rss = int(out.stdout.strip().splitlines()[-1]) / 2**20
        print(f"{name:<36}{rss:>8.0f} MB{rss - previous:>+8.0f} MB")
        previous = rss


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rasa", action="store_true", help="the Rasa server's steps, in .venv-rasa")
    args = parser.parse_args()
    if args.rasa:
        measure(str(ROOT / ".venv-rasa" / "bin" / "python"), RASA_STEPS)
    else:
        measure(sys.executable, WEB_STEPS)
    return 0


if __name__ == "__main__":
    sys.exit(main())
