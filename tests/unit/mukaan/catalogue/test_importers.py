"""Importers (CSV, HSDS, Linked Events), the HSDS export, and the all-or-nothing import into a
temporary data folder and SQLite store. Fixtures: tests/fixtures/import/ (demo data)."""
import datetime as dt
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from mukaan.catalogue import cli
from mukaan.catalogue.importers import detect_format, export_hsds, import_file, read_csv, read_hsds, read_linked_events
from mukaan.catalogue.loader import CatalogueError, load_dir, read_yaml
from mukaan.catalogue.sqlite_store import Store
from mukaan.settings import Settings
from tests.conftest import FIXTURES

IMPORT = FIXTURES / "import"
AS_OF = dt.date(2026, 10, 1)          # the Linked Events fixture's events are upcoming on this day


def _by_id(activities):
    return {a.id: a for a in activities}


def _line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1)
                if needle in line)


def _folder(folder: Path) -> dict:
    """Every file in the folder (hidden ones too) with a hash of its content."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _store_state(store: Store):
    activities, _, matrix, generation = store.load()
    return generation, [a.model_dump() for a in activities], matrix.shape


@pytest.fixture
def store(tmp_path, data_copy, embedder):
    """A temporary SQLite store holding the temporary data folder."""
    s = Store(tmp_path / "catalogue.sqlite3")
    s.replace_all(load_dir(data_copy), embedder)
    return s


# --- readers ---------------------------------------------------------------------------------

def test_csv_fixture():
    path = IMPORT / "activities.csv"
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")          # saved by Excel, with a BOM
    activities, problems = read_csv(path)
    assert problems == []
    a = _by_id(activities)
    assert len(a) == 6
    choir = a["porvoo-seniorikuoro"]                                # "Borgå", topics "a,b", cost
    assert (choir.municipality.fi, choir.municipality.sv) == ("Porvoo", "Borgå")
    assert choir.topics == ["culture", "seniors"] and choir.languages == ["fi", "sv"]
    assert "\n" in choir.description.fi and ";" in choir.description.fi
    assert choir.cost.free is False and choir.cost.text.sv == "Terminsavgift 20 €"
    group = a["tampere-mielen-hyvinvoinnin-ryhma"]                  # 17.00, 3.9.2026, kyllä
    assert (group.schedule.start, group.schedule.end) == ("17:00", "18:30")
    assert group.updated == dt.date(2026, 9, 3) and group.signup_required is True
    assert group.accessibility == ["wheelchair", "accessible_toilet"]
    online = a["online-erosta-eteenpain"]                           # empty municipality
    assert online.municipality is None and online.online is True
    assert online.how_to_join.en == "Sign up on the website; the link comes by e-mail."
    assert all(x.source == "demo" for x in activities)


def test_broken_csv_gives_line_precise_errors():
    path = IMPORT / "broken.csv"
    activities, problems = read_csv(path)
    assert [p.line for p in problems] == [_line_of(path, ",vertaistuki,"), _line_of(path, "31.9.2026")]
    assert [p.line for p in problems] == [4, 6]       # a quoted cell spans lines 2–3
    kind, date = problems
    assert kind.file == str(path) and kind.message.startswith("kind:")
    assert date.message.startswith("updated:") and "31.9.2026" in date.message


def test_csv_header_and_encoding_problems(tmp_path):
    bad_header = tmp_path / "header.csv"
    bad_header.write_text("id;kind;colour\nx;club;red\n", encoding="utf-8")
    _, problems = read_csv(bad_header)
    assert {p.line for p in problems} == {1}
    assert "colour" in problems[0].message and "missing column" in problems[1].message
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("id;kind\nkerho;club\nkäsityöt;club\n".encode("cp1252"))   # Excel's "CSV"
    _, problems = read_csv(latin1)
    assert len(problems) == 1 and "UTF-8" in problems[0].message and problems[0].line == 3


def test_hsds_fixture():
    activities, problems = read_hsds(IMPORT / "hsds.json")
    assert [(p.level, p.line) for p in problems] == [("note", _line_of(IMPORT / "hsds.json", "espoo-vanha-kerho"))]
    a = _by_id(activities)
    assert set(a) == {"turku-surevien-kavelyryhma", "3f1c9b2e-8c4d-4a57-9a0e-2b6f1d7e4c10",
                      "online-neuvontachat-maahanmuuttajille"}     # the defunct one is left out
    walk = a["turku-surevien-kavelyryhma"]
    assert walk.municipality.fi == "Turku" and walk.name.sv == "Promenadgrupp för sörjande i Åbo"
    assert walk.address == "Esimerkkikatu 4, 20100 Turku" and walk.area == "Aurajoen ranta"
    assert (walk.kind, walk.topics, walk.accessibility) == ("peer_support", ["grief", "exercise"], ["step_free"])
    assert (walk.schedule.weekdays, walk.schedule.start) == (["thu"], "17:00")
    assert walk.organizer.phone == "+358 40 000 0301" and walk.cost.free
    help_ = a["3f1c9b2e-8c4d-4a57-9a0e-2b6f1d7e4c10"]               # plain HSDS, linked tables
    assert help_.organizer.name == "Lahden Lähimmäisapu ry (demo)" and help_.municipality.fi == "Lahti"
    assert help_.schedule.weekdays == ["mon", "wed"] and help_.cost.free
    assert help_.source == "hsds:hsds.json"
    chat = a["online-neuvontachat-maahanmuuttajille"]
    assert chat.online and chat.municipality is None and chat.languages == ["fi", "en", "ar"]


def test_hsds_round_trip(tmp_path, data_copy):
    activities = load_dir(data_copy) + read_csv(IMPORT / "activities.csv")[0] + read_hsds(IMPORT / "hsds.json")[0]
    activities += read_linked_events(IMPORT / "linked_events.json", as_of=AS_OF)[0]
    exported = export_hsds(activities)
    service = exported["contents"][0]
    assert service["status"] == "active" and service["organization"]["name"]
    assert service["x_mukaan"]["name"]["sv"] and service["schedules"][0]["byday"]
    out = tmp_path / "export.json"
    out.write_text(json.dumps(exported, ensure_ascii=False, indent=2), encoding="utf-8")
    back, problems = read_hsds(out)
    assert problems == []
    assert [a.model_dump() for a in back] == [a.model_dump() for a in activities]


def test_linked_events_fixture():
    activities, problems = read_linked_events(IMPORT / "linked_events.json", as_of=AS_OF)
    assert [p.message for p in problems] == ["audience: inferred as adults"]
    a = _by_id(activities)
    assert set(a) == {"demo-agmuisti01", "demo-agperhe01", "demo-agluento01"}
    series = a["demo-agmuisti01"]                      # one activity for the three sub-events
    assert series.schedule.dates == [dt.date(2026, 10, d) for d in (13, 20, 27)]
    assert (series.schedule.start, series.schedule.end) == ("17:00", "18:30")   # Helsinki time
    assert series.kind == "peer_support" and series.audience == ["seniors"]
    assert series.topics[:2] == ["memory_disorders", "caregiving"]
    assert series.municipality.fi == "Helsinki" and series.address == "Esimerkkikatu 11, 00530 Helsinki"
    assert "<p>" not in series.description.fi and "&amp;" not in series.description.fi
    family = a["demo-agperhe01"]                       # address_locality only in Swedish
    assert family.kind == "event" and family.municipality.fi == "Espoo"
    assert set(family.audience) == {"children", "families"} and "exercise" in family.topics
    talk = a["demo-agluento01"]                        # an internet place: national online
    assert talk.online and talk.municipality is None
    assert not talk.cost.free and talk.cost.text.en == "€5, link sent by e-mail"
    assert talk.signup_required and talk.audience == ["adults"]


def test_linked_events_location_by_reference_needs_municipality(tmp_path):
    event = json.loads((IMPORT / "linked_events.json").read_text(encoding="utf-8"))["data"][4]
    event["location"] = {"@id": "https://api.hel.fi/linkedevents/v1/place/demo:place9/"}
    path = tmp_path / "events.json"
    path.write_text(json.dumps({"meta": {}, "data": [event]}, indent=2), encoding="utf-8")
    _, problems = read_linked_events(path, as_of=AS_OF)
    problems = [p for p in problems if p.is_error]
    assert len(problems) == 1 and "--municipality" in problems[0].fix
    assert problems[0].line == _line_of(path, '"id": "demo:agperhe01"')
    activities, problems = read_linked_events(path, municipality="Vanda", as_of=AS_OF)
    assert not any(p.is_error for p in problems) and activities[0].municipality.fi == "Vantaa"


def test_detect_format(tmp_path):
    assert detect_format(IMPORT / "activities.csv") == "csv"
    assert detect_format(IMPORT / "hsds.json") == "hsds"
    assert detect_format(IMPORT / "linked_events.json") == "linked-events"
    assert detect_format(tmp_path / "notes.pdf") is None


# --- all-or-nothing import -------------------------------------------------------------------

def test_import_writes_yaml_and_updates_store(data_copy, store, embedder):
    before = store.generation()
    result = import_file(IMPORT / "activities.csv", data_dir=data_copy, store=store, embedder=embedder)
    target = data_copy / "imported-activities.yaml"
    assert result["file"] == target and result["activities"] == 6
    imported, problems = read_csv(IMPORT / "activities.csv")
    written, bad = read_yaml(target)                   # human-editable YAML, same activities
    assert bad == [] and [a.model_dump() for a in written] == [a.model_dump() for a in imported]
    assert target.read_text(encoding="utf-8").startswith("# Imported from activities.csv")
    assert store.generation() == before + 1
    ids = {a.id for a in store.load()[0]}
    assert ids == {a.id for a in load_dir(data_copy)} and "porvoo-seniorikuoro" in ids
    assert [p.name for p in data_copy.iterdir() if p.name.startswith(".")] == []


def test_broken_file_changes_nothing(data_copy, store, embedder):
    files, state = _folder(data_copy), _store_state(store)
    with pytest.raises(CatalogueError) as err:
        import_file(IMPORT / "broken.csv", data_dir=data_copy, store=store, embedder=embedder)
    assert [p.line for p in err.value.problems] == [4, 6]
    assert _folder(data_copy) == files and _store_state(store) == state


def test_duplicate_id_changes_nothing(tmp_path, data_copy, store, embedder):
    rows = (IMPORT / "activities.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    rows[5] = rows[5].replace("vaasa-ystavaksi-ikaihmiselle", "espoo-kielikahvila-matinkyla")
    path = tmp_path / "duplicate.csv"
    path.write_text("".join(rows), encoding="utf-8")
    files, state = _folder(data_copy), _store_state(store)
    with pytest.raises(CatalogueError) as err:
        import_file(path, data_dir=data_copy, store=store, embedder=embedder)
    problem, = err.value.problems
    assert problem.line == 6 and "already in the catalogue (fixture.yaml)" in problem.message
    assert _folder(data_copy) == files and _store_state(store) == state


def test_store_failure_removes_the_written_file(data_copy, store, embedder, monkeypatch):
    files, state = _folder(data_copy), _store_state(store)

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(store, "replace_all", fail)
    with pytest.raises(OSError):
        import_file(IMPORT / "linked_events.json", data_dir=data_copy, store=store, embedder=embedder, as_of=AS_OF)
    assert _folder(data_copy) == files and _store_state(store) == state


def test_write_error_changes_nothing(data_copy, store, embedder, monkeypatch):
    files, state = _folder(data_copy), _store_state(store)

    def fail(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("mukaan.catalogue.importers.os.replace", fail)
    with pytest.raises(CatalogueError) as err:
        import_file(IMPORT / "activities.csv", data_dir=data_copy, store=store, embedder=embedder)
    assert "cannot write: Permission denied" in str(err.value)
    assert _folder(data_copy) == files and _store_state(store) == state


def test_reimport_replaces_and_failure_restores_previous(tmp_path, data_copy, store, embedder, monkeypatch):
    import_file(IMPORT / "hsds.json", data_dir=data_copy, store=store, embedder=embedder)
    files, state = _folder(data_copy), _store_state(store)
    changed = tmp_path / "hsds.json"                    # same name: replaces imported-hsds.yaml
    changed.write_text((IMPORT / "hsds.json").read_text(encoding="utf-8")
                       .replace("Asiointiapu ikäihmisille", "Asiointiapu senioreille"), encoding="utf-8")
    def fail(*args, **kwargs):
        raise RuntimeError("embedding failed")

    monkeypatch.setattr(store, "replace_all", fail)
    with pytest.raises(RuntimeError):
        import_file(changed, data_dir=data_copy, store=store, embedder=embedder)
    assert _folder(data_copy) == files and _store_state(store) == state
    monkeypatch.undo()
    import_file(changed, data_dir=data_copy, store=store, embedder=embedder)
    names = {a.name.fi for a in store.load()[0]}
    assert "Asiointiapu senioreille Lahdessa" in names and "Asiointiapu ikäihmisille Lahdessa" not in names


def test_dry_run_changes_nothing(data_copy, store):
    files, state = _folder(data_copy), _store_state(store)
    result = import_file(IMPORT / "linked_events.json", data_dir=data_copy, store=store, dry_run=True, as_of=AS_OF)
    assert result["activities"] == 3 and result["dry_run"]
    assert _folder(data_copy) == files and _store_state(store) == state


# --- command line ----------------------------------------------------------------------------

def test_cli_import_and_export(tmp_path, data_copy, embedder, monkeypatch, capsys):
    settings = Settings(catalogue_dir=data_copy, database=tmp_path / "cli.sqlite3")
    monkeypatch.setattr("mukaan.catalogue.embedding.get_embedder", lambda *a: embedder)

    def run(*argv) -> int:
        with pytest.raises(SystemExit) as done:
            cli.main(list(argv), settings)
        return done.value.code

    assert run("import", str(IMPORT / "broken.csv")) == 1
    err = capsys.readouterr().err
    assert "broken.csv:4: [tampere-surevien-vertaisryhma] kind" in err and "nothing was changed" in err
    assert "broken.csv:6: [" in err and "] updated: '31.9.2026' is not a date" in err
    assert run("import", str(IMPORT / "linked_events.json"), "--dry-run", "--as-of", "2026-10-01") == 0
    assert not (data_copy / "imported-linked-events.yaml").exists()
    assert run("import", str(IMPORT / "linked_events.json"), "--format", "linked-events", "--as-of", "2026-10-01") == 0
    assert "imported 3 activities" in capsys.readouterr().out
    assert Store(settings.database).generation() == 1
    out = tmp_path / "catalogue.hsds.json"
    assert run("export", "--format", "hsds", "--out", str(out)) == 0
    services = json.loads(out.read_text(encoding="utf-8"))["contents"]
    assert len(services) == len(load_dir(data_copy)) == 8


def test_cli_build_with_a_damaged_model_says_what_to_do(tmp_path, data_copy, damaged_model, monkeypatch, capsys):
    """A damaged model.safetensors: a message naming the fix, no traceback, the index untouched."""
    folder = damaged_model("model.safetensors")
    settings = Settings(catalogue_dir=data_copy, database=tmp_path / "cli.sqlite3", embedding_model=str(folder))
    with pytest.raises(SystemExit) as exit_:
        cli.main(["build-index"], settings)
    err = capsys.readouterr().err
    assert exit_.value.code == 1
    assert str(folder) in err and "make model" in err and "Traceback" not in err
    index = tmp_path / "cli.sqlite3"
    assert not index.exists() or sqlite3.connect(index).execute("SELECT COUNT(*) FROM activities").fetchone()[0] == 0
