"""What the importers write into an activity when the data leaves it out, in Finnish, Swedish
and English: "ask the organiser", the days of a weekly schedule, the word before a time."""
from __future__ import annotations

ASK_ORGANISER = {"fi": "Kysy ajankohtaa järjestäjältä.", "sv": "Fråga arrangören om tiderna.",
                 "en": "Ask the organiser for the times."}
ASK_HOW_TO_JOIN = {"fi": "Kysy osallistumisesta järjestäjältä.", "sv": "Fråga arrangören hur du kan delta.",
                   "en": "Ask the organiser how to take part."}
DAYS = {"fi": ("maanantaisin", "tiistaisin", "keskiviikkoisin", "torstaisin", "perjantaisin",
               "lauantaisin", "sunnuntaisin"),
        "sv": ("måndagar", "tisdagar", "onsdagar", "torsdagar", "fredagar", "lördagar", "söndagar"),
        "en": ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")}
AND = {"fi": "ja", "sv": "och", "en": "and"}
AT = {"fi": " klo {}", "sv": " kl. {}", "en": ", {}"}
LE_HOW_TO_JOIN = {"fi": "Katso lisätiedot ja mahdollinen ilmoittautuminen tapahtuman sivulta.",
                  "sv": "Se mer information och eventuell anmälan på evenemangets sida.",
                  "en": "See the event page for details and any registration."}
