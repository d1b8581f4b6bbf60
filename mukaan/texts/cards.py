"""How an activity and a referral slip are worded, in Finnish, Swedish and English: the card's
labels, the one-line "why this" of a result, the word before a time, and the slip's texts
(shared by the PDF and the staff page, so the printed and the downloaded slip say the same)."""
from __future__ import annotations

FREE = {"fi": "Maksuton", "sv": "Gratis", "en": "Free"}
ONLINE = {"fi": "verkossa", "sv": "på nätet", "en": "online"}
DEMO = {"fi": "Esimerkkitieto", "sv": "Exempeldata", "en": "Demo data"}
# Areas written in Finnish in the catalogue that have a name in the other languages.
AREAS = {"Koko Suomi": {"sv": "Hela Finland", "en": "All of Finland"}}
# The word before a time of day ("klo 17.30", "kl. 17.30"; English has none).
CLOCK = {"fi": "klo", "sv": "kl."}
# The next time of a dated activity: "ti 9.12. klo 17.30", "tis 9.12 kl. 17.30" (Swedish, in Finland
# too, puts no full stop after the month: Institutet för de inhemska språken, "lördag 5.1"; the
# catalogue's Swedish texts write "25.9, 30.10"), "Tue 9 Dec, 5.30 pm" (English 12-hour, docs/glossary.md).
WEEKDAY_ABBR = {
    "fi": ("ma", "ti", "ke", "to", "pe", "la", "su"),
    "sv": ("mån", "tis", "ons", "tors", "fre", "lör", "sön"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
MONTH_ABBR_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
NEXT_TIME = {"fi": "Seuraavan kerran", "sv": "Nästa gång", "en": "Next time"}

# "Vertaistuki aiheesta suru ja menetys – Vantaa." (kind, the topics shared with the query, place)
WHY = {
    "fi": (" aiheesta {topics}", "{kind}{about} – {place}."),
    "sv": (" om {topics}", "{kind}{about} – {place}."),
    "en": (" about {topics}", "{kind}{about} – {place}."),
}
YOUR_DISTRICT = {"fi": "Samassa kaupunginosassa kuin sinä.", "sv": "I samma stadsdel som du.",
                 "en": "In your part of town."}

# The slip a client takes home, in plain language. Shared by the PDF and the page (the
# page gets them with the activities), so the printed and the downloaded slip say the same.
SLIP_TEXTS = {
    "fi": {
        "title": "Toimintaa sinulle",
        "intro": "Tässä on toimintaa, josta puhuimme. Voit ottaa yhteyttä järjestäjään "
                 "tai mennä paikalle. Osallistuminen on vapaaehtoista.",
        "organizer": "Järjestäjä", "when": "Milloin", "next": "Seuraavan kerran", "where": "Missä", "join": "Näin pääset mukaan",
        "cost": "Hinta", "languages": "Kielet", "contact": "Yhteystiedot", "phone": "Puhelin",
        "email": "Sähköposti", "web": "Verkossa", "qr": "Lue koodi puhelimella, niin näet lisätietoja.",
        "updated": "Tiedot päivitetty", "demo": "Esimerkkitieto: tämä toiminta on keksitty esimerkki.",
        "check": "Tarkista ajat järjestäjältä ennen kuin lähdet.",
        "made": "Tehty Mukaan-palvelulla",
    },
    "sv": {
        "title": "Verksamhet för dig",
        "intro": "Här är verksamheten som vi pratade om. Du kan kontakta arrangören "
                 "eller gå dit. Det är frivilligt att delta.",
        "organizer": "Arrangör", "when": "När", "next": "Nästa gång", "where": "Var", "join": "Så här deltar du",
        "cost": "Pris", "languages": "Språk", "contact": "Kontaktuppgifter", "phone": "Telefon",
        "email": "E-post", "web": "På nätet", "qr": "Läs koden med telefonen så ser du mer information.",
        "updated": "Uppgifterna uppdaterade", "demo": "Exempeldata: den här verksamheten är ett påhittat exempel.",
        "check": "Kontrollera tiderna med arrangören innan du går dit.",
        "made": "Gjord med tjänsten Mukaan",
    },
    "en": {
        "title": "Activities for you",
        "intro": "Here are the activities we talked about. You can contact the organiser "
                 "or just go there. Taking part is up to you.",
        "organizer": "Organiser", "when": "When", "next": "Next time", "where": "Where", "join": "How to join",
        "cost": "Cost", "languages": "Languages", "contact": "Contact", "phone": "Phone",
        "email": "Email", "web": "Online", "qr": "Scan the code with your phone to see more.",
        "updated": "Information updated", "demo": "Demo data: this activity is a made-up example.",
        "check": "Check the times with the organiser before you go.",
        "made": "Made with Mukaan",
    },
}
SLIP_FILENAMES = {"fi": "mukaan-lahete.pdf", "sv": "mukaan-hanvisning.pdf", "en": "mukaan-referral.pdf"}
