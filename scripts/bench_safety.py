"""Latency of the crisis check (it runs before Rasa on every chat turn).

  .venv/bin/python -m scripts.bench_safety [--rounds 200]

Times the lexicon route alone (the check before issue 12) and both routes, on short messages
and on long ones (several sentences: each clause is scored too), with the query-vector cache
emptied before every call so the encoder is always counted. One encoder thread, as served.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

from mukaan import safety
from mukaan.settings import get_settings

SHORT = ["en jaksa enää mitään", "etsin kuoroa Espoosta", "jag vill träffa nya människor",
         "my dad could use some company", "mies lyö mua", "haluan tappaa aikaa jossain kerhossa"]
LONG = [
    "Moi. Muutin tänne syksyllä enkä tunne ketään. Töissä menee ihan ok mutta illat on pitkiä, "
    "ja viikonloppuisin en puhu kenenkään kanssa. Koira kuoli keväällä. Olisiko jotain porukkaa, "
    "missä voisi käydä kävelyllä tai pelaamassa jotain, mieluiten Tampereella?",
    "Hej, jag är pensionär och bor ensam i Borgå. Barnen bor i Sverige och ringer sällan. "
    "Jag tycker om att sjunga och baka, och förr var jag med i en kör. Finns det något för mig?",
    "Hi, I moved to Espoo for work two months ago. My Finnish is still weak and evenings are long. "
    "I used to play football and I like board games. Is there something where I could meet people?",
]


def timed(fn, texts, rounds, forget) -> list[float]:
    out = []
    for i in range(rounds):
        forget()
        t0 = time.perf_counter()
        fn(texts[i % len(texts)])
        out.append((time.perf_counter() - t0) * 1000)
    return out


def line(name: str, ms: list[float]) -> str:
    ms = sorted(ms)
    return (f"  {name:<28} p50 {statistics.median(ms):6.1f} ms   p95 {ms[int(len(ms) * 0.95) - 1]:6.1f} ms   "
            f"mean {statistics.fmean(ms):6.1f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    from mukaan.catalogue.embedding import get_embedder, model_id
    settings = get_settings()
    embedder = get_embedder(get_settings())
    model = safety.load_model(settings, embedder.queries, model_id(embedder))
    for text in SHORT + LONG:                       # warm up: pipelines, matchers, the graph
        safety.check(text, "fi", model)
    print(f"crisis check, {args.rounds} calls each, query cache emptied before each call:")
    for label, texts in (("short", SHORT), ("long", LONG)):
        lexicon = timed(lambda t: safety.check(t, "fi"), texts, args.rounds, embedder.forget_queries)
        both = timed(lambda t: safety.check(t, "fi", model), texts, args.rounds,
                     embedder.forget_queries)
        print(line(f"{label}: lexicon only", lexicon))
        print(line(f"{label}: lexicon + semantic", both))
        added = statistics.median(both) - statistics.median(lexicon)
        print(f"  {label}: added by the semantic route  p50 {added:.1f} ms"
              f" (segments per message: {statistics.fmean(len(safety.semantic.segments(t)) for t in texts):.1f})")
    print("The search that follows a turn reuses the whole message's vector when it searches the same words.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
