"""Search benchmark: query latency (p50/p95, with filters, including the query embedding)
at 1k, 10k and 100k activities, index build throughput and memory.

  .venv/bin/python -m scripts.bench_search [--sizes 1000 10000 100000] [--queries 200]

Larger catalogues are synthetic copies of the bundled one: each copy gets a new id, a random
municipality and its original vectors with a little noise, written straight into a temporary
SQLite store (embedding 100k texts would take hours on two cores).
"""
from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml

from mukaan.catalogue.embedding import get_embedder
from mukaan.catalogue.loader import load_dir
from mukaan.catalogue.ranking import Filters
from mukaan.catalogue.schema import KINDS
from mukaan.catalogue.sqlite_search import SqliteSearcher
from mukaan.catalogue.sqlite_store import Store
from mukaan.gazette import gazette
from mukaan.settings import get_settings
from scripts.eval_search import DEFAULT_SETS


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def synthetic_store(source: Path, size: int, path: Path, seed: int = 0) -> Store:
    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    src = sqlite3.connect(source)
    rows = src.execute("SELECT id, data, content_hash FROM activities ORDER BY id").fetchall()
    vecs: dict[str, list[tuple[str, bytes]]] = {}
    for aid, lang, blob in src.execute("SELECT id, lang, vector FROM vectors"):
        vecs.setdefault(aid, []).append((lang, blob))
    places = [m.model_dump() for m in gazette() if not m.bilingual]  # copies may lack Swedish text
    store = Store(path)
    db = sqlite3.connect(path)
    db.execute("BEGIN")
    for n in range(size):
        aid, data, h = rows[n % len(rows)]
        copy = json.loads(data)
        copy["id"] = f"{aid}-{n}"
        if copy.get("municipality") and n >= len(rows):
            copy["municipality"] = pick.choice(places)
        db.execute("INSERT INTO activities VALUES (?, ?, ?)", (copy["id"], json.dumps(copy), h))
        for lang, blob in vecs[aid]:
            v = np.frombuffer(blob, np.float32) + rng.normal(0, 0.01, 384).astype(np.float32)
            db.execute("INSERT INTO vectors VALUES (?, ?, ?)", (copy["id"], lang, (v / np.linalg.norm(v)).tobytes()))
    db.execute("INSERT OR REPLACE INTO meta VALUES ('generation', '1')")
    db.commit()
    return store


def bench_queries(searcher: SqliteSearcher, cases: list[dict], n: int, filtered: bool = True,
                  found: list | None = None) -> tuple[list[float], list[float]]:
    """Time ``n`` searches, each with its query embedded afresh (the query-vector cache is
    emptied first), and the embedding alone. Filtered: the case's municipality, and two kinds
    in every third search; else the whole catalogue. ``found`` collects the top 5 as the ids of
    the bundled activities they copy."""
    rng = random.Random(1)
    total, embed = [], []
    for i in range(n):
        c = cases[i % len(cases)]
        f = Filters()
        if filtered:
            f = Filters(municipality=c["municipality"], kinds=tuple(rng.sample(KINDS, 2)) if i % 3 == 0 else ())
        searcher.embedder.forget_queries()
        t0 = time.perf_counter()
        hits = searcher.search(c["q"], lang=c["lang"], limit=5, filters=f)
        total.append((time.perf_counter() - t0) * 1000)
        if found is not None:
            found.append({h.activity.id.rsplit("-", 1)[0] for h in hits})   # copies are alike: by original
        searcher.embedder.forget_queries()
        t0 = time.perf_counter()
        searcher.embedder.query(c["q"])
        embed.append((time.perf_counter() - t0) * 1000)
    return total, embed


def pct(values, p):
    return float(np.percentile(values, p))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", type=int, default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=200)
    args = parser.parse_args()
    settings = get_settings()
    embedder = get_embedder(get_settings())
    cases = yaml.safe_load(DEFAULT_SETS["own"].read_text(encoding="utf-8"))

    # Build throughput: embed and store the bundled catalogue from scratch (the passage model
    # loaded beforehand: it takes 2–4 s once per build).
    activities = load_dir(settings.catalogue_dir)
    embedder.passages(["lämmittely"])
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        Store(Path(tmp) / "build.sqlite3").replace_all(activities, embedder)
        took = time.perf_counter() - t0
    texts = sum(len([x for x in ('fi', 'sv', 'en') if a.description.has(x)]) for a in activities)
    print(f"index build: {len(activities)} activities in {took:.1f} s = {len(activities) / took:.1f} activities/s "
          f"(one vector per language: {texts} texts)")

    print(f"{'activities':>10} {'filters':>13} {'dense':>6} {'load s':>7} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'embed p50':>9} {'RSS MB':>7}")
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store = synthetic_store(settings.database, size, Path(tmp) / "bench.sqlite3")
            searcher = SqliteSearcher(store, get_settings(), embedder)
            t0 = time.perf_counter()
            snap = searcher.snapshot()
            load = time.perf_counter() - t0
            bench_queries(searcher, cases, 10)  # warm up
            # A municipality leaves too few vectors for the ANN index (setting ann_min_vectors):
            # those searches are exact. Unfiltered ones use HNSW when the snapshot has it; they
            # are run once more with exact search, to compare speed and results.
            runs = [("municipality", True, "exact"), ("none", False, "HNSW" if snap.ann is not None else "exact")]
            if snap.ann is not None:
                runs.append(("none", False, "exact"))
            found: dict[str, list] = {}
            ann = snap.ann
            for label, filtered, dense in runs:
                snap.ann = ann if dense == "HNSW" else None
                ids = found.setdefault(f"{label}/{dense}", [])
                total, embed = bench_queries(searcher, cases, args.queries, filtered, ids)
                print(f"{size:>10} {label:>13} {dense:>6} {load:7.1f} {pct(total, 50):7.1f} {pct(total, 95):7.1f} "
                      f"{statistics.median(embed):9.1f} {rss_mb():7.0f}", flush=True)
            snap.ann = ann
            if "none/HNSW" in found:
                # The copies of one activity are near-ties (each ~190 times, a little noise), so
                # HNSW often returns other copies as close as the exact ones: also print how
                # similar its 10th vector is compared with the exact 10th.
                queries = np.stack([embedder.query(c["q"]) for c in cases])
                sims = queries @ snap.matrix.T
                exact = np.argsort(-sims, axis=1)[:, :10]
                approx = [ann.search(q, 10).keys.astype(np.int64) for q in queries]
                recall = [len(set(e) & set(a)) / 10 for e, a in zip(exact, approx)]
                ratio = [s[a].min() / s[e].min() for s, e, a in zip(sims, exact, approx)]
                print(f"{'':>10} HNSW recall@10 of the nearest vectors: {statistics.mean(recall):.3f}; "
                      f"its 10th is {statistics.mean(ratio):.3f} as similar as the exact 10th")
                overlap = [len(a & b) / max(len(b), 1) for a, b in zip(found["none/HNSW"], found["none/exact"])]
                print(f"{'':>10} HNSW top 5 agree with the exact top 5 (as bundled activities): "
                      f"{statistics.mean(overlap):.3f}")
            del searcher, snap
    return 0


if __name__ == "__main__":
    sys.exit(main())
