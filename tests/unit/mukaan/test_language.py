"""Language detection for following a resident who writes in another language."""
import pytest

from mukaan.language import detect


@pytest.mark.parametrize("text,expected", [
    ("Hei, asun Espoossa ja etsin vertaistukea", "fi"), ("mä oon tosi yksin", "fi"),
    ("jag vill bli frivillig i Helsingfors", "sv"), ("spelar ingen roll", "sv"),
    ("Hello, I live in Espoo and I feel lonely since I moved here", "en"),
    ("Espoo", None), ("moi", None), ("/greet", None), ("I live in Espoo", None),
])
def test_detect(text, expected):
    assert detect(text) == expected
