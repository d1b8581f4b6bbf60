"""One time format per language in schedule texts (docs/glossary.md): every bundled schedule
text is in its language's format, and the normaliser turns the other spellings into it."""
import pytest

from mukaan.catalogue.times import normalise, problems


def test_every_bundled_schedule_text_is_in_its_languages_time_format(catalogue):
    wrong = [(a.id, lang, text, problems(text, lang))
             for a in catalogue for lang in ("fi", "sv", "en")
             if (text := getattr(a.schedule.text, lang)) and problems(text, lang)]
    assert not wrong, wrong
    assert sum(1 for a in catalogue if a.schedule.text.en) > 100  # the check saw the English texts


@pytest.mark.parametrize("text,lang,expected", [
    ("Thursdays 18–20 during term time", "en", "Thursdays 6–8 pm during term time"),
    ("Fridays 9:30–11:30", "en", "Fridays 9.30–11.30 am"),
    ("Mon–Fri 9 am–4 pm", "en", "Mon–Fri 9 am – 4 pm"),
    ("Tuesdays 12–4 pm", "en", "Tuesdays 12 noon – 4 pm"),
    ("Mon–Thu noon to 8 pm", "en", "Mon–Thu 12 noon – 8 pm"),
    ("Fri 9 am – noon", "en", "Fri 9 am – 12 noon"),
    ("Shifts 8 pm–midnight", "en", "Shifts 8 pm – midnight"),
    ("Wednesdays 10–12", "en", "Wednesdays 10 am – 12 noon"),
    ("Courses 15–16 Sept 2026, 5.30–8.30 pm", "en", "Courses 15–16 Sept 2026, 5.30–8.30 pm"),
    ("2–4 times a month", "en", "2–4 times a month"),
    ("Keskiviikkoisin klo 18:00-21:00", "fi", "Keskiviikkoisin klo 18–21"),
    ("Onsdagar kl 17.30 - 19.00", "sv", "Onsdagar kl. 17.30–19"),
    ("2–4 kertaa kuukaudessa", "fi", "2–4 kertaa kuukaudessa"),
])
def test_times_are_rewritten_into_the_languages_format(text, lang, expected):
    assert normalise(text, lang) == expected
    assert problems(expected, lang) == []


@pytest.mark.parametrize("text,lang", [("Thursdays 18:00", "en"), ("Open at noon", "en"), ("klo 6 pm", "fi"),
                                       ("Tuesdays 17–20", "en")])
def test_other_formats_are_reported(text, lang):
    assert problems(text, lang)
