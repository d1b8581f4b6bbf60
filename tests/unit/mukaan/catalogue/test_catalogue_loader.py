"""Catalogue files: validation reports file and line; a bad set is rejected whole."""
import pytest

from mukaan.catalogue.loader import CatalogueError, load_dir


def test_fixture_catalogue_loads(data_copy):
    activities = load_dir(data_copy)
    assert {a.id for a in activities} >= {"espoo-omaishoitajien-iltapiiri", "online-velkaneuvonta"}
    espoo = next(a for a in activities if a.id == "espoo-omaishoitajien-iltapiiri")
    assert (espoo.municipality.fi, espoo.municipality.sv, espoo.municipality.code) == ("Espoo", "Esbo", "049")


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path, needle):
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_unknown_kind_is_reported_with_file_and_line(data_copy):
    f = data_copy / "fixture.yaml"
    _edit(f, "kind: club", "kind: clubb")
    with pytest.raises(CatalogueError) as err:
        load_dir(data_copy)
    problem, = err.value.problems
    assert problem.file.endswith("fixture.yaml")
    assert problem.line == _line_of(f, "kind: clubb")
    assert "kind" in problem.message


def test_unknown_municipality_and_missing_swedish(data_copy):
    f = data_copy / "fixture.yaml"
    _edit(f, "municipality: Vantaa", "municipality: Vantaaa")
    with pytest.raises(CatalogueError) as err:
        load_dir(data_copy)
    assert "unknown municipality" in str(err.value)


def test_yaml_syntax_error_has_a_line(data_copy):
    f = data_copy / "fixture.yaml"
    f.write_text(f.read_text(encoding="utf-8") + "\n- id: broken\n  name: {fi: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_dir(data_copy)
    assert err.value.problems[0].line > 1
    assert "YAML" in err.value.problems[0].message


def test_duplicate_ids_are_rejected(data_copy):
    (data_copy / "copy.yaml").write_text((data_copy / "fixture.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_dir(data_copy)
    assert "used twice" in str(err.value)
