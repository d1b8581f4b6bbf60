"""Importing the public formats as publishers write them: the seven public samples in
../shared/samples (other people's data, read from there) and the project's own fixtures in
tests/fixtures/import/ (written from the HSDS 3.0 and Linked Events documentation), covering
each variant: one HSDS service, an organisation with nested services, an API page, the CSV
package (folder and zip), Linked Events pages with places by reference, series, skipped and
past events, missing organisers, and texts in the language they are in."""
import datetime as dt
import shutil
import zipfile

import pytest

from mukaan.catalogue import cli
from mukaan.catalogue.importers import detect_format, import_file, load_places, read_file, read_hsds, read_linked_events
from mukaan.catalogue.loader import CatalogueError, load_dir, read_yaml
from mukaan.catalogue.present import card
from mukaan.catalogue.sqlite_store import Store
from mukaan.settings import ROOT, Settings
from tests.conftest import FIXTURES

SAMPLES = ROOT.parent / "shared" / "samples"
IMPORT = FIXTURES / "import"


def _one(activities):
    activity, = activities
    return activity


def _levels(problems, level):
    return [p for p in problems if p.level == level]


def _messages(problems, level=None):
    return [p.message for p in problems if level is None or p.level == level]


# --- the public samples (each with at most one documented option) ----------------------------

def test_samples_are_there():
    assert SAMPLES.is_dir(), f"the public samples are read from {SAMPLES} (shared/ beside the clone)"


def test_hsds_spec_single_service_needs_only_a_municipality():
    path = SAMPLES / "hsds-spec-service_full.json"
    _, problems = read_hsds(path)                     # "MyCity": no Finnish municipality
    error, = _levels(problems, "error")
    assert "municipality" in error.message and "--municipality" in error.fix and error.where == "$"
    assert error.record == "ac148810-d857-441c-9679-408f346de14b" and error.line == 2
    a = _one(read_hsds(path, municipality="Tampere")[0])
    assert a.municipality.fi == "Tampere" and a.id == "ac148810-d857-441c-9679-408f346de14b"
    assert a.name.en == "Community Counselling" and a.name.fi is None      # English stays English
    assert card(a, "fi")["text_lang"] == "en" and "kind" in card(a, "fi")["inferred"]
    assert a.organizer.name == "Example Organization Inc." and a.organizer.phone == "+44 1234 234567"
    assert {"wheelchair", "induction_loop"} <= set(a.accessibility)
    assert "induction loops" in a.accessibility_text.en
    assert (a.min_age, a.max_age) == (12, 100) and "seniors" in a.audience
    assert a.contacts[0].name == "Ann Persona" and a.contacts[0].title == "Reception Manager"
    assert "35 GBP per 1 hour session" in a.cost.text.en and "£50" in a.cost.text.en
    assert (a.schedule.weekdays, a.schedule.start, a.schedule.end) == (["thu", "fri"], "10:00", "18:00")
    assert a.coordinates is None                       # latitude 100 is not on Earth: reported
    assert {"kind", "topics", "audience"} <= set(a.inferred) and "mental_health" in a.topics
    _, problems = read_hsds(path, municipality="Tampere")
    notes = _messages(problems)
    assert any("coordinates" in m for m in notes) and any("over a year ago" in m for m in notes)
    assert any(m.startswith("name: no Finnish text") for m in _messages(problems, "warning"))


def test_hsds_spec_organization_services_inherit_it():
    a = _one(read_hsds(SAMPLES / "hsds-spec-organization_full.json", municipality="Oulu")[0])
    assert a.organizer.name == "Example Organization Inc." and a.organizer.url == "http://example.com"
    assert a.municipality.fi == "Oulu" and a.area == "MyCity Civic Center"


def test_hsds_spec_api_page_without_schedules():
    activities, problems = read_hsds(SAMPLES / "hsds-spec-service_list.json", municipality="Turku")
    a = _one(activities)
    assert a.schedule.text.en == "Ask the organiser for the times." and a.shown
    assert any(p.where == "contents[0]" and p.message.startswith("schedule: none given")
               for p in _levels(problems, "warning"))


def test_hsds_spec_csv_services_table(data_copy):
    path = SAMPLES / "hsds-spec-csv-services.csv"
    assert detect_format(path) == "hsds"
    a = _one(read_hsds(path, municipality="Lahti")[0])
    assert a.description.en.startswith("Counselling Services") and a.languages == ["en"]
    assert a.organizer is None and a.review == ["organizer: unknown"] and not a.shown
    result = import_file(path, data_dir=data_copy, municipality="Lahti", dry_run=True)
    assert result["activities"] == 1 and result["hidden"] == 1


def test_linked_events_helsinki_page_by_reference():
    path = SAMPLES / "le-palvelutarjotin-events_data.json"
    activities, problems = read_linked_events(path)   # today: both are past or postponed
    assert activities == [] and not _levels(problems, "error")
    assert {p.record: p.message for p in problems} == {
        "helsinki:afy6ikna3u": "past: ended 2020-06-01; skipped",
        "helsinki:afxp6tv4xa": "postponed (no new time yet): skipped"}
    a = _one(read_linked_events(path, as_of=dt.date(2020, 5, 10))[0])
    assert a.online and a.municipality is None and a.kind == "event"     # helsinki:internet
    assert a.organizer is None and not a.shown                           # no provider
    assert "<" not in a.description.fi and "\n" in a.description.fi
    assert a.schedule.dates == [dt.date(2020, 6, 1)] and a.schedule.start == "16:45"


def test_linked_events_postponed_event_is_reported_not_refused(data_copy):
    path = SAMPLES / "le-palvelutarjotin-event_data.json"
    result = import_file(path, data_dir=data_copy, dry_run=True)
    assert result["activities"] == 0
    assert [p.message for p in result["report"]] == ["postponed (no new time yet): skipped"]


def test_linked_events_turku_sub_event_keeps_its_series():
    path = SAMPLES / "le-turku-ec2u-sample.json"
    activities, problems = read_linked_events(path, as_of=dt.date(2022, 6, 1))
    a = _one(activities)
    assert a.series == "turku:991415" and a.municipality.fi == "Turku"   # from location_extra_info
    assert a.cost.text.fi == "Sisäänpääsymaksu + ohjausmaksu 2,50 €"    # HTML removed
    assert a.name.sv is None and a.name.fi == "Kesäillan vesijumppa"     # copies dropped
    assert "exercise" in a.topics and "topics" in a.inferred
    assert any("bilingual" in m for m in _messages(problems, "warning"))
    assert any("location_extra_info" in m for m in _messages(problems, "note"))


# --- the project's own fixtures --------------------------------------------------------------

def test_hsds_single_service():
    activities, problems = read_hsds(IMPORT / "hsds_service.json")
    a = _one(activities)
    assert a.municipality.fi == "Kuopio"               # named in the service area's sentence
    assert a.languages == ["fi", "en"] and a.cost.free
    assert a.coordinates.lat == pytest.approx(62.8924) and a.contacts[0].phone == "+358 40 000 0602"
    assert set(a.accessibility) == {"induction_loop", "step_free"}
    assert a.accessibility_text.fi.startswith("Esteetön kulku")
    assert (a.schedule.start, a.schedule.end) == ("16:00", "18:00") and a.min_age == 16
    assert "children" not in a.audience and "audience" in a.inferred and "kind" in a.inferred
    assert not _levels(problems, "error")


def test_municipality_option_wins_over_the_data():
    a = _one(read_hsds(IMPORT / "hsds_service.json", municipality="Siilinjärvi")[0])
    assert a.municipality.fi == "Siilinjärvi"


def test_places_file_maps_names_to_municipalities():
    activities, problems = read_hsds(IMPORT / "hsds_page.json", places={"greater mytown area": "Vantaa"})
    assert [p.where for p in _levels(problems, "error")] == ["contents[0]"]   # no area at all


def test_hsds_organization_with_nested_services():
    activities, problems = read_hsds(IMPORT / "hsds_organization.json")
    group, walk = activities
    assert {a.organizer.name for a in activities} == {"Vasa Stödförening rf (demo)"}
    assert group.name.sv == "Samtalsgrupp för närstående" and group.name.fi is None
    assert group.schedule.text.fi == "Keskiviikkoisin klo 18.00–19.30" and group.kind == "peer_support"
    assert walk.name.en and walk.cost.text.en == "10 EUR per season (season)" and walk.audience == ["adults"]
    assert walk.how_to_join.en == "Ask the organiser how to take part."
    assert _messages(problems, "note")[-1] == "status 'inactive': skipped"
    assert any("Vaasa is bilingual" in m for m in _messages(problems, "warning"))


def test_hsds_api_page_lists_every_problem_at_once():
    _, problems = read_hsds(IMPORT / "hsds_page.json")
    errors = _levels(problems, "error")
    assert [(p.where, p.record) for p in errors] == [
        ("contents[0]", "a6f3c1d0-5555-4e0c-9d8e-6b0c4a1f2e05"),
        ("contents[1]", "a6f3c1d0-6666-4e0c-9d8e-6b0c4a1f2e06")]
    first, second = read_hsds(IMPORT / "hsds_page.json", municipality="Helsinki")[0]
    assert (first.kind, first.topics, first.audience, first.inferred) == (
        "peer_support", ["caregiving"], ["seniors"], [])
    assert not first.shown and second.topics == [] and second.name.en


@pytest.mark.parametrize("packed", [False, True])
def test_hsds_csv_package(tmp_path, packed):
    path = IMPORT / "hsds_package"
    if packed:
        path = tmp_path / "package.zip"
        with zipfile.ZipFile(path, "w") as z:
            for f in (IMPORT / "hsds_package").glob("*.csv"):
                z.write(f, f"export/{f.name}")
    assert detect_format(path) == "hsds"
    activities, problems = read_file(path)
    club, circle = activities
    assert (club.kind, "kind" in club.inferred) == ("club", False)        # from attributes.csv
    assert club.schedule.weekdays == ["mon", "thu"] and club.audience == ["youth"]
    assert club.address == "Esimerkkitie 3, 90100 Oulu" and club.organizer.phone == "+358 40 000 0701"
    assert club.coordinates.lon == pytest.approx(25.4651) and "wheelchair" in club.accessibility
    assert circle.cost.text.fi == "Jäsenmaksu 15 €" and circle.municipality.fi == "Oulu"
    assert problems[-1].message == "status 'defunct': skipped" and problems[-1].line == 4


def test_hsds_package_problems(tmp_path):
    (tmp_path / "organizations.csv").write_text("id,name\n", encoding="utf-8")
    _, problems = read_file(tmp_path, "hsds")
    assert [p.message for p in problems] == ["no services.csv in the HSDS package"]
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"not a zip")
    _, problems = read_file(broken)
    assert "cannot read the HSDS package" in problems[0].message


def test_linked_events_page_with_places_file():
    places, bad = load_places(IMPORT / "le_places.json")
    assert bad == []
    activities, problems = read_linked_events(IMPORT / "le_page.json", places=places, as_of=dt.date(2026, 12, 1))
    open_evening, series = activities
    assert series.id == "demo-le-sarja" and series.series == "demo:le-sarja"
    assert series.schedule.dates == [dt.date(2026, 12, 9), dt.date(2026, 12, 16)]   # the past one left out
    assert series.kind == "club" and series.topics == ["exercise", "seniors"] and series.audience == ["seniors"]
    assert series.description.fi == "Kevyttä jumppaa tuolilla istuen.\nSopii kaikille & kaikenkuntoisille."
    assert series.cost.text.fi == "2 € / kerta" and series.address == "Esimerkkikuja 5, 02600 Espoo"
    assert series.coordinates.lat == pytest.approx(60.219)
    assert open_evening.name.en == "Open board game evening" and open_evening.name.fi is None
    assert open_evening.review == ["organizer: unknown"] and open_evening.languages == ["en"]
    skipped = {p.record: p.message for p in problems if p.message.endswith("skipped")}
    assert skipped == {"demo:le-siirretty": "postponed (no new time yet): skipped",
                       "demo:le-peruttu": "cancelled: skipped", "demo:le-mennyt": "past: ended 2025-05-01; skipped"}
    assert not _levels(problems, "error")


def test_linked_events_location_by_reference_without_places():
    _, problems = read_linked_events(IMPORT / "le_page.json", as_of=dt.date(2026, 12, 1))
    errors = _levels(problems, "error")
    assert {p.record for p in errors} == {"demo:le-sarja-1", "demo:le-ei-jarjestajaa"}
    assert all("?include=location" in p.message and "--places" in p.fix for p in errors)


def test_hostile_json_gives_clear_problems(tmp_path):
    for text, expected in [('{"meta": {}, "data": [1, "x"]}', "each event must be a JSON object"),
                           ('{"nothing": true}', "expected HSDS"),
                           ("[" * 5000 + "]" * 5000, "JSON")]:
        path = tmp_path / "odd.json"
        path.write_text(text, encoding="utf-8")
        activities, problems = read_file(path)
        assert activities == [] and expected in problems[0].message


# --- import: all-or-nothing, hidden until reviewed, the dry run -------------------------------

def test_hidden_activities_are_written_but_not_indexed(tmp_path, data_copy, embedder):
    store = Store(tmp_path / "catalogue.sqlite3")
    places, _ = load_places(IMPORT / "le_places.json")
    result = import_file(IMPORT / "le_page.json", data_dir=data_copy, store=store, embedder=embedder,
                         places=places, as_of=dt.date(2026, 12, 1))
    assert (result["activities"], result["hidden"]) == (2, 1)
    written, bad = read_yaml(data_copy / "imported-le-page.yaml")
    assert bad == [] and {a.id for a in written if not a.shown} == {"demo-le-ei-jarjestajaa"}
    ids = {a.id for a in store.load()[0]}
    assert "demo-le-sarja" in ids and "demo-le-ei-jarjestajaa" not in ids
    assert len(ids) == len(load_dir(data_copy)) - 1


def test_demo_data_keeps_its_strict_rules(tmp_path):
    source = (IMPORT.parent / "catalogue" / "fixture.yaml").read_text(encoding="utf-8")
    path = tmp_path / "demo.yaml"
    path.write_text(source.replace("  description:\n    fi:", "  description:\n    en:", 1), encoding="utf-8")
    _, problems = read_yaml(path)
    assert any("Finnish text is required in the demo data" in p.message for p in problems)
    path.write_text(source.replace("  topics: [caregiving, memory_disorders]\n", "", 1), encoding="utf-8")
    _, problems = read_yaml(path)
    assert any("at least one each in the demo data" in p.message for p in problems)


def test_cli_dry_run_lists_every_problem(tmp_path, data_copy, monkeypatch, capsys):
    settings = Settings(catalogue_dir=data_copy, database=tmp_path / "cli.sqlite3")
    before = sorted(p.name for p in data_copy.iterdir())

    def run(*argv) -> int:
        with pytest.raises(SystemExit) as done:
            cli.main(list(argv), settings)
        return done.value.code

    assert run("import", "--dry-run", str(IMPORT / "le_page.json"), "--as-of", "2026-12-01") == 1
    err = capsys.readouterr().err
    assert "data[0]: [demo:le-sarja-1] municipality" in err and "data[6]: [demo:le-ei-jarjestajaa]" in err
    assert "warning: [demo:le-ei-jarjestajaa] organizer: unknown" in err
    assert "note: [demo:le-mennyt] past: ended 2025-05-01; skipped" in err and "2 error(s)" in err
    assert "Traceback" not in err
    assert run("import", "--dry-run", str(IMPORT / "le_page.json"), "--as-of", "2026-12-01",
               "--places", str(IMPORT / "le_places.json")) == 0
    out = capsys.readouterr().out
    assert "ok: 2 activities (1 kept from residents until staff fill them in) would be written" in out
    assert run("import", "--dry-run", str(IMPORT / "le_page.json"), "--as-of", "1.12.2026") == 1
    assert "--as-of" in capsys.readouterr().err
    assert sorted(p.name for p in data_copy.iterdir()) == before


def test_cli_imports_a_sample_with_one_option(tmp_path, data_copy, embedder, monkeypatch, capsys):
    settings = Settings(catalogue_dir=data_copy, database=tmp_path / "cli.sqlite3")
    monkeypatch.setattr("mukaan.catalogue.embedding.get_embedder", lambda *a: embedder)
    sample = tmp_path / "service_full.json"
    shutil.copy(SAMPLES / "hsds-spec-service_full.json", sample)
    with pytest.raises(SystemExit) as done:
        cli.main(["import", str(sample), "--municipality", "Tampere"], settings)
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "imported 1 activities" in out and "warning:" in out and "note:" in out
    a, = read_yaml(data_copy / "imported-service-full.yaml")[0]
    assert a.source == "hsds:service_full.json" and a.name.en == "Community Counselling"


def test_import_errors_raise_with_the_report(data_copy):
    with pytest.raises(CatalogueError) as err:
        import_file(IMPORT / "hsds_page.json", data_dir=data_copy)
    assert len(err.value.problems) == 2 and err.value.report
    assert all(not p.is_error for p in err.value.report)


# --- any JSON at all: problems, never a traceback ---------------------------------------------

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False),
                     st.text(max_size=20), st.sampled_from(["2026-12-24T10:00:00Z", "EventPostponed", "recurring",
                                                            "helsinki:internet", "mukaan:kind", "active", "Espoo"]))
_KEYS = st.sampled_from(["id", "name", "description", "services", "contents", "data", "meta", "location",
                         "start_time", "end_time", "super_event", "sub_events", "super_event_type", "provider",
                         "offers", "price", "is_free", "keywords", "attributes", "taxonomy_term", "code",
                         "taxonomy", "schedules", "byday", "service_areas", "service_at_locations", "addresses",
                         "organization", "organizations", "locations", "status", "languages", "@id", "fi", "sv"])
_JSON = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(_KEYS, inner, max_size=6)), max_leaves=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=_JSON, fmt=st.sampled_from(["hsds", "linked-events"]))
def test_any_json_gives_problems_not_a_traceback(tmp_path, document, fmt):
    import json
    path = tmp_path / "any.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    activities, problems = read_file(path, fmt, as_of=dt.date(2026, 1, 1))
    assert all(p.message for p in problems)
