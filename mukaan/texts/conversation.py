"""What the conversation says: the actions' sentences and the chat API's notices, looked up
with ``say(key, lang, **values)``. Plain language: short sentences and common words. Fixed
bot replies live in bot/domain.yml instead."""
from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    # A search's results: {about} and {where} are the phrases below, filled in or empty.
    "results": {
        "fi": "Tässä on muutama vaihtoehto sinulle{about}{where}{when}.",
        "sv": "Här är några alternativ för dig{about}{where}{when}.",
        "en": "Here are a few options for you{about}{where}{when}.",
    },
    "results_nearby": {
        "fi": "Kunnastasi löytyi vain vähän vaihtoehtoja. Siksi mukana on myös lähikuntien ja verkon toimintaa{about}.",
        "sv": "Det fanns bara få alternativ i din kommun. Därför finns också verksamhet i grannkommunerna och på nätet med{about}.",
        "en": "There were only a few options in your municipality, so I have included nearby municipalities and online activities{about}.",
    },
    "results_near": {
        "fi": "Tässä ovat sinua lähimmät vaihtoehdot{about}{where}{when}. Verkossa toimivat jäivät nyt pois.",
        "sv": "Här är alternativen närmast dig{about}{where}{when}. Verksamhet på nätet är inte med nu.",
        "en": "Here are the options nearest to you{about}{where}{when}. I have left out online activities.",
    },
    "near_where": {
        "fi": "Missä kunnassa asut? Etsin sitten toimintaa läheltäsi.",
        "sv": "I vilken kommun bor du? Då letar jag efter verksamhet nära dig.",
        "en": "Which municipality do you live in? Then I will look for activities near you.",
    },
    "and": {"fi": " ja ", "sv": " och ", "en": " and "},
    "about": {"fi": " aiheesta {topics}", "sv": " om {topics}", "en": " about {topics}"},
    "where": {"fi": ", alueena {place}", "sv": " i {place}", "en": " in {place}"},
    "anywhere": {"fi": ", myös verkossa ja koko Suomessa", "sv": ", också på nätet och i hela Finland",
                 "en": ", online and across Finland"},
    "follow_up": {
        "fi": "Haluatko nähdä lisää vaihtoehtoja tai aloittaa alusta?",
        "sv": "Vill du se fler alternativ eller börja om?",
        "en": "Would you like to see more options or start over?",
    },
    "more": {"fi": "Näytä lisää", "sv": "Visa fler", "en": "Show more"},
    "start_over": {"fi": "Aloita alusta", "sv": "Börja om", "en": "Start over"},
    "no_results": {
        "fi": "En löytänyt tähän sopivaa toimintaa. Voit kertoa tarpeestasi toisin sanoin tai kokeilla toista kuntaa.",
        "sv": "Jag hittade ingen verksamhet som passar. Du kan beskriva ditt behov med andra ord eller pröva en annan kommun.",
        "en": "I couldn't find a matching activity. You can describe your need in other words or try another municipality.",
    },
    "no_results_when": {
        "fi": "En löytänyt sopivaa toimintaa{when}. Voit kokeilla toista aikaa tai kertoa tarpeestasi toisin sanoin.",
        "sv": "Jag hittade ingen verksamhet som passar{when}. Du kan pröva en annan tid eller beskriva ditt behov med andra ord.",
        "en": "I couldn't find a matching activity{when}. You can try another time or describe your need in other words.",
    },
    "no_more": {
        "fi": "Muita sopivia vaihtoehtoja ei löytynyt. Voit kertoa tarpeestasi toisin sanoin tai aloittaa alusta.",
        "sv": "Jag hittade inga fler alternativ. Du kan beskriva ditt behov med andra ord eller börja om.",
        "en": "I found no more options. You can describe your need in other words or start over.",
    },
    "more_intro": {"fi": "Tässä lisää vaihtoehtoja.", "sv": "Här är fler alternativ.", "en": "Here are more options."},
    "search_failed": {
        "fi": "Haku ei juuri nyt onnistu. Yritä hetken päästä uudelleen. Voit myös kysyä kunnan asiakasohjauksesta.",
        "sv": "Sökningen fungerar inte just nu. Försök igen om en stund. Du kan också fråga kommunens klientstyrning.",
        "en": "Search is not working right now. Please try again in a moment. You can also ask your municipality's client guidance.",
    },
    "start_over_done": {
        "fi": "Aloitetaan alusta. Kerro omin sanoin, mitä etsit.",
        "sv": "Vi börjar om. Berätta med egna ord vad du söker.",
        "en": "Let's start over. Tell me in your own words what you are looking for.",
    },
    "language_changed": {
        "fi": "Selvä, puhutaan suomea.",
        "sv": "Okej, vi talar svenska.",
        "en": "Okay, let's speak English.",
    },
    "no_activity_yet": {
        "fi": "Kerro ensin, mitä etsit. Sitten voin kertoa toiminnasta tarkemmin.",
        "sv": "Berätta först vad du söker. Sedan kan jag berätta mer om verksamheten.",
        "en": "First tell me what you are looking for. Then I can tell you more about an activity.",
    },
    "detail_time": {"fi": "Milloin: {value}", "sv": "När: {value}", "en": "When: {value}"},
    "detail_place": {"fi": "Missä: {value}", "sv": "Var: {value}", "en": "Where: {value}"},
    "detail_cost": {"fi": "Hinta: {value}", "sv": "Pris: {value}", "en": "Cost: {value}"},
    "detail_join": {"fi": "Näin pääset mukaan: {value}", "sv": "Så här deltar du: {value}", "en": "How to join: {value}"},
    "detail_accessibility": {"fi": "Esteettömyys: {value}", "sv": "Tillgänglighet: {value}", "en": "Accessibility: {value}"},
    "detail_contact": {"fi": "Järjestäjä: {value}", "sv": "Arrangör: {value}", "en": "Organiser: {value}"},
    "unknown": {"fi": "ei tiedossa", "sv": "inte känt", "en": "not known"},
    "sympathy_grief": {
        "fi": "Otan osaa suruusi. Etsitään yhdessä tukea, joka sopii sinulle.",
        "sv": "Jag beklagar sorgen. Vi letar tillsammans efter stöd som passar dig.",
        "en": "I am sorry for your loss. Let's find support that suits you.",
    },
    "sympathy_hard": {
        "fi": "Kiitos, että kerroit. Tilanteesi kuulostaa raskaalta. Etsitään yhdessä tukea.",
        "sv": "Tack för att du berättade. Det låter tungt. Vi letar tillsammans efter stöd.",
        "en": "Thank you for telling me. That sounds hard. Let's look for support together.",
    },
    "bot_unavailable": {
        "fi": "Keskustelu ei juuri nyt toimi kunnolla. Hain toimintaa suoraan viestisi perusteella. Voit myös kysyä neuvoa kunnan asiakasohjauksesta.",
        "sv": "Chatten fungerar inte riktigt just nu. Jag sökte verksamhet direkt utifrån ditt meddelande. Du kan också be kommunens klientstyrning om råd.",
        "en": "The chat is not working properly right now. I searched for activities directly from your message. You can also ask your municipality's client guidance for advice.",
    },
    "bot_unavailable_no_results": {
        "fi": "Keskustelu ei juuri nyt toimi. Yritä hetken päästä uudelleen tai kirjoita, mitä etsit, niin haen sitä suoraan. Voit myös kysyä neuvoa kunnan asiakasohjauksesta.",
        "sv": "Chatten fungerar inte just nu. Försök igen om en stund, eller skriv vad du söker så söker jag direkt. Du kan också be kommunens klientstyrning om råd.",
        "en": "The chat is not working right now. Please try again in a moment, or write what you are looking for and I will search for it directly. You can also ask your municipality's client guidance for advice.",
    },
    "language_switched": {
        "fi": "Vaihdoin kielen suomeksi. Voit vaihtaa kielen sivun yläreunasta.",
        "sv": "Jag bytte språk till svenska. Du kan byta språk högst upp på sidan.",
        "en": "I switched to English. You can change the language at the top of the page.",
    },
    "empty_message": {
        "fi": "Kirjoita viesti, niin autan mielelläni.",
        "sv": "Skriv ett meddelande, så hjälper jag gärna till.",
        "en": "Write a message and I'll be glad to help.",
    },
    "too_long": {
        "fi": "Viestisi on liian pitkä. Kerro asiasi lyhyemmin, muutamalla lauseella.",
        "sv": "Ditt meddelande är för långt. Berätta kortare, med några meningar.",
        "en": "Your message is too long. Please say it more briefly, in a few sentences.",
    },
}

# When the resident wants it to happen (mukaan/catalogue/when.py), as the results' intro says it:
# "…, alueena Espoo, tänä viikonloppuna." / "… i Esbo i helgen." / "… in Espoo this weekend."
WHEN_PHRASES = {
    "today": (", tänään", " i dag", " today"),
    "tonight": (", tänä iltana", " i kväll", " tonight"),
    "tomorrow": (", huomenna", " i morgon", " tomorrow"),
    "this_week": (", tällä viikolla", " den här veckan", " this week"),
    "this_weekend": (", tänä viikonloppuna", " i helgen", " this weekend"),
    "next_week": (", ensi viikolla", " nästa vecka", " next week"),
    "mon": (", maanantaina", " på måndag", " on Monday"),
    "tue": (", tiistaina", " på tisdag", " on Tuesday"),
    "wed": (", keskiviikkona", " på onsdag", " on Wednesday"),
    "thu": (", torstaina", " på torsdag", " on Thursday"),
    "fri": (", perjantaina", " på fredag", " on Friday"),
    "sat": (", lauantaina", " på lördag", " on Saturday"),
    "sun": (", sunnuntaina", " på söndag", " on Sunday"),
}
TEXTS.update({f"when_{name}": dict(zip(("fi", "sv", "en"), phrases)) for name, phrases in WHEN_PHRASES.items()})


def say(key: str, lang: str, **values) -> str:
    texts = TEXTS[key]
    return texts.get(lang, texts["fi"]).format(**values)
