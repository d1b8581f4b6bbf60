"""The bundled catalogue validates and covers what the product promises."""
from collections import Counter

from mukaan.gazette import gazette

REQUIRED = ["Helsinki", "Espoo", "Vantaa", "Kauniainen", "Kirkkonummi", "Porvoo", "Loviisa", "Lohja",
            "Järvenpää", "Tuusula", "Hyvinkää", "Tampere", "Kangasala", "Oulu", "Raahe", "Nivala", "Turku"]


def test_catalogue_is_large_and_labelled_demo(catalogue):
    assert len(catalogue) >= 400
    assert all(a.source == "demo" for a in catalogue)


def test_every_required_municipality_has_activities(catalogue):
    counts = Counter(a.municipality.fi for a in catalogue if a.municipality)
    for name in REQUIRED:
        assert counts[name] >= 5, name
    assert sum(1 for a in catalogue if a.is_national) >= 10


def test_bilingual_municipalities_have_swedish_text(catalogue):
    for a in catalogue:
        if a.municipality and a.municipality.bilingual:
            assert a.name.sv and a.description.sv and a.how_to_join.sv, a.id


def test_contacts_are_example_addresses(catalogue):
    for a in catalogue:
        for url in (a.url, a.organizer.url):
            assert url is None or url.startswith("https://example.org"), a.id
        assert a.organizer.email is None or a.organizer.email.endswith("@example.org"), a.id


def test_gazette_has_every_municipality_with_swedish_names():
    g = gazette()
    assert len(g.by_code) >= 308
    assert g.resolve("Esbo").fi == "Espoo"
    assert g.resolve("Helsingfors").fi == "Helsinki"
    assert g.resolve("Lovisa").fi == "Loviisa"
    assert g.resolve("Borgå").fi == "Porvoo"
    assert g.resolve("Vanda").fi == "Vantaa"
    assert g.resolve("espoossa").fi == "Espoo"
    assert g.resolve("091").fi == "Helsinki"
    assert g.resolve("Atlantis") is None
