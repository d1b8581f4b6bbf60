"""The e-mails to associations, in Finnish, Swedish and English: the one that carries an edit
link, and the one that says a request for it was declined, and why."""
from __future__ import annotations

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
             "October", "November", "December")

LINK_MAIL = {
    "fi": {
        "subject": "Mukaan: muokkauslinkki – {org}",
        "body": "Hei,\n\n"
                "{org} voi nyt päivittää toimintojaan Mukaan-palvelussa. Avaa tämä linkki:\n\n"
                "{link}\n\n"
                "Linkki toimii {date} asti.\n"
                "Älä anna linkkiä muille: sillä voi muuttaa yhdistyksen tietoja.\n"
                "Kaupungin työntekijä tarkistaa muutokset ennen kuin asukkaat näkevät ne.\n\n"
                "Jos viesti tuli sinulle vahingossa, voit poistaa sen.\n\n"
                "Terveisin\nMukaan\n",
    },
    "sv": {
        "subject": "Mukaan: redigeringslänk – {org}",
        "body": "Hej,\n\n"
                "Nu kan {org} uppdatera sina aktiviteter i tjänsten Mukaan. Öppna den här länken:\n\n"
                "{link}\n\n"
                "Länken fungerar till och med {date}.\n"
                "Ge inte länken till andra: med den kan man ändra föreningens uppgifter.\n"
                "Stadens personal granskar ändringarna innan invånarna ser dem.\n\n"
                "Om meddelandet kom till dig av misstag kan du radera det.\n\n"
                "Hälsningar\nMukaan\n",
    },
    "en": {
        "subject": "Mukaan: edit link – {org}",
        "body": "Hello,\n\n"
                "{org} can now update its activities in the Mukaan service. Open this link:\n\n"
                "{link}\n\n"
                "The link works until {date}.\n"
                "Do not share it: anyone with it can change your association's information.\n"
                "City staff check the changes before residents see them.\n\n"
                "If this message reached you by mistake, you can delete it.\n\n"
                "Best regards\nMukaan\n",
    },
}

# A declined request for an edit link: staff's reason, and where to ask again (/access).
DECLINE_MAIL = {
    "fi": {
        "subject": "Mukaan: pyyntösi muokkauslinkistä – {org}",
        "body": "Hei,\n\n"
                "Kiitos, että pyysit muokkauslinkkiä Mukaan-palveluun. "
                "Emme voi nyt antaa linkkiä yhdistykselle {org}.\n\n"
                "Syy:\n{reason}\n\n"
                "Jos tilanne muuttuu, voit pyytää linkkiä uudelleen täällä:\n\n"
                "{access}\n\n"
                "Jos viesti tuli sinulle vahingossa, voit poistaa sen.\n\n"
                "Terveisin\nMukaan\n",
    },
    "sv": {
        "subject": "Mukaan: din begäran om en redigeringslänk – {org}",
        "body": "Hej,\n\n"
                "Tack för att du bad om en redigeringslänk till tjänsten Mukaan. "
                "Vi kan inte ge {org} någon länk just nu.\n\n"
                "Orsak:\n{reason}\n\n"
                "Om situationen ändras är du välkommen att be om en länk på nytt här:\n\n"
                "{access}\n\n"
                "Om meddelandet kom till dig av misstag kan du radera det.\n\n"
                "Hälsningar\nMukaan\n",
    },
    "en": {
        "subject": "Mukaan: your request for an edit link – {org}",
        "body": "Hello,\n\n"
                "Thank you for asking for an edit link to the Mukaan service. "
                "We cannot give {org} a link at this time.\n\n"
                "Reason:\n{reason}\n\n"
                "If things change, you are welcome to ask again here:\n\n"
                "{access}\n\n"
                "If this message reached you by mistake, you can delete it.\n\n"
                "Best regards\nMukaan\n",
    },
}
