"""Searches keep answering while the catalogue changes under them, and each one sees one whole
catalogue, old or new, never a mix.

A real SQLite store in tmp_path holds the fixture catalogue (version A). Search threads query
it without pause while the main thread imports a good CSV file (version B: A plus six new
activities), rebuilds the index after every name in the fixture file was changed (version C:
"(v3)" names), and then imports a broken file, which must fail with the line of each problem and
change nothing. With ``limit`` above the catalogue's size every search returns the whole
catalogue ranked, so each result set can be compared, id and name, with A, B and C."""
from __future__ import annotations

import hashlib
import random
import threading
import time
from pathlib import Path

import pytest

from mukaan.catalogue.importers import import_file, to_yaml
from mukaan.catalogue.loader import CatalogueError, load_dir
from mukaan.catalogue.sqlite_search import SqliteSearcher
from mukaan.catalogue.sqlite_store import Store
from mukaan.settings import get_settings
from tests.conftest import FIXTURES

IMPORT = FIXTURES / "import"
QUERIES = [("", "fi"), ("omaishoitajan vertaistuki", "fi"), ("kielikahvila", "fi"), ("stödgrupp för sörjande", "sv"),
           ("vapaaehtoistyö Espoossa", "fi"), ("seniorikuoro", "fi"), ("'; DROP TABLE activities; --", "fi")]
SEARCH_THREADS = 2


def catalogue_version(store: Store) -> frozenset[tuple[str, str]]:
    """What the store holds now: (id, Finnish name) of every activity."""
    activities = store.load()[0]
    return frozenset((a.id, a.name.get("fi")) for a in activities)


def folder_state(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


class Searches:
    """Threads that search continuously and keep every result set, with when it ran."""

    def __init__(self, searcher: SqliteSearcher):
        self.searcher = searcher
        self.stop = threading.Event()
        self.seen: list[tuple[int, float, float, frozenset]] = []   # thread, start, end, result set
        self.errors: list[BaseException] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(SEARCH_THREADS)]

    def _run(self, number: int) -> None:
        rng = random.Random(number)
        while not self.stop.is_set():
            query, lang = rng.choice(QUERIES)
            start = time.monotonic()
            try:
                results = self.searcher.search(query, lang=lang, limit=50)
            except Exception as exc:  # every failure is a test failure, reported below
                with self.lock:
                    self.errors.append(exc)
                continue
            found = frozenset((r.activity.id, r.activity.name.get("fi")) for r in results)
            with self.lock:
                self.seen.append((number, start, time.monotonic(), found))
            time.sleep(0.002)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(60)

    def during(self, start: float, end: float) -> int:
        """How many searches ran at least partly between ``start`` and ``end``."""
        with self.lock:
            return sum(1 for _, s, e, _ in self.seen if s < end and e > start)


def renamed(data_dir: Path, fixture: str = "fixture.yaml") -> None:
    """Every activity in the fixture file gets " (v3)" after its Finnish name."""
    path = data_dir / fixture
    activities = load_dir(data_dir)
    own = {a.id for a in load_dir_file(path)}
    changed = [a.model_copy(update={"name": a.name.model_copy(update={"fi": a.name.fi + " (v3)"})})
               for a in activities if a.id in own]
    path.write_text(to_yaml(changed, "# fixture, renamed by the concurrency test\n"), encoding="utf-8")


def load_dir_file(path: Path):
    from mukaan.catalogue.loader import read_yaml
    activities, problems = read_yaml(path)
    assert not problems
    return activities


@pytest.fixture
def store(tmp_path, data_copy, embedder):
    s = Store(tmp_path / "catalogue.sqlite3")
    s.replace_all(load_dir(data_copy), embedder)
    return s


def test_searches_see_the_old_or_the_new_catalogue_never_a_mix(store, data_copy, embedder):
    searcher = SqliteSearcher(store, get_settings(), embedder)
    for query, lang in QUERIES:                # load the language pipelines before the clock runs
        searcher.search(query, lang=lang)
    versions = {"A": catalogue_version(store)}
    phases = {}
    with Searches(searcher) as searches:
        time.sleep(0.5)
        t0 = time.monotonic()
        result = import_file(IMPORT / "activities.csv", data_dir=data_copy, store=store, embedder=embedder)
        phases["import"] = (t0, time.monotonic())
        assert result["activities"] == 6
        versions["B"] = catalogue_version(store)
        time.sleep(0.3)

        t0 = time.monotonic()
        renamed(data_copy)
        store.replace_all(load_dir(data_copy), embedder)                # `make index`
        phases["rebuild"] = (t0, time.monotonic())
        versions["C"] = catalogue_version(store)
        time.sleep(0.3)

        before_store, before_folder = (store.generation(), versions["C"]), folder_state(data_copy)
        t0 = time.monotonic()
        failures = []
        while len(failures) < 3 or time.monotonic() - t0 < 0.5:    # it fails fast: try it for a while
            with pytest.raises(CatalogueError) as failed:
                import_file(IMPORT / "broken.csv", data_dir=data_copy, store=store, embedder=embedder)
            failures.append([p.line for p in failed.value.problems])
        phases["broken import"] = (t0, time.monotonic())
        time.sleep(0.3)

    # The broken file: every problem with its line; nothing changed.
    assert all(lines == [4, 6] for lines in failures)
    assert all(p.file.endswith("broken.csv") for p in failed.value.problems)
    assert (store.generation(), catalogue_version(store)) == before_store
    assert folder_state(data_copy) == before_folder

    # The three versions really differ: B adds activities, C renames A's.
    a, b, c = versions["A"], versions["B"], versions["C"]
    assert len(a) == 5 and len(b) == 11 and a < b
    assert len(c) == 11 and len(c & b) == 6 and all(name.endswith("(v3)") for _, name in c - b)

    # Every search answered, with one whole catalogue.
    assert not searches.errors, searches.errors[:3]
    assert len(searches.seen) >= 30
    names = {v: k for k, v in versions.items()}
    mixed = [found for *_, found in searches.seen if found not in names]
    assert not mixed, f"{len(mixed)} result sets were a mix, e.g. {sorted(mixed[0])}"
    # Each thread went forward only: A, then B, then C.
    for number in range(SEARCH_THREADS):
        order = [names[found] for n, _, _, found in sorted(searches.seen, key=lambda s: s[1]) if n == number]
        assert order == sorted(order), f"thread {number} went back to an older catalogue"
    seen = {names[found] for *_, found in searches.seen}
    assert {"A", "C"} <= seen
    # The searches really ran while the catalogue was being written.
    for phase, (start, end) in phases.items():
        assert searches.during(start, end) > 0, f"no search ran during the {phase}"
