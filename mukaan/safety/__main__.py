"""Train the semantic route of the crisis check when its inputs changed (`make safety`).

    python -m mukaan.safety train [--force]

Reads the examples (mukaan/data/crisis_examples.yaml) and the NLU data, encodes them with
the embedding model of the settings and writes the weights to the setting ``crisis_model``.
"""
from __future__ import annotations

import argparse
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mukaan.safety", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["train"])
    parser.add_argument("--force", action="store_true", help="train even when nothing changed")
    args = parser.parse_args(argv)

    # The encoder lives with the search; it is imported here, at the command's edge only.
    from mukaan.catalogue.embedding import get_embedder, model_id
    from mukaan.safety import load_model, semantic
    from mukaan.settings import get_settings

    settings = get_settings()
    embedder = get_embedder(settings)
    path, identity = settings.crisis_model, model_id(embedder)
    if not args.force:
        try:
            load_model(settings, embedder.queries, identity)
            print(f"crisis classifier up to date: {path}")
            return 0
        except (FileNotFoundError, ValueError, KeyError):
            pass
    started = time.perf_counter()
    counts = semantic.train(embedder.queries, path, semantic.fingerprint(identity))
    print(f"crisis classifier trained in {time.perf_counter() - started:.0f} s on "
          f"{sum(counts.values())} examples ({', '.join(f'{k} {v}' for k, v in counts.items())}): {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
