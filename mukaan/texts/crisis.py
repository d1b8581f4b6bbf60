"""What the crisis reply says, in Finnish, Swedish and English: a word of sympathy per class,
the emergency number, the helplines, a closing line, its buttons, and the line said quietly
after an answer to a grieving or once-hurt resident (mukaan/safety/replies.py puts them
together).

Numbers, each checked on its organisation's own public page: 112 (emergency); MIELI ry's
crisis line 09 2525 0111 (Finnish), 09 2525 0112 (Swedish), 09 2525 0113 (English and
Arabic); Nollalinja 080 005 005 (violence in close relationships; nollalinja.fi);
MLL's children and youth helpline 116 111, in Swedish 0800 96 116 (mll.fi).
"""
from __future__ import annotations

# Sympathy first, by class (the first class found decides).
OPENING = {
    "fi": {
        "suicidal": "Olen pahoillani, että sinulla on nyt näin raskasta.",
        "self_harm": "Olen pahoillani, että sinulla on nyt näin raskasta.",
        "child_abuse": "Hyvä, että kerroit. Se, mitä sinulle tapahtuu, ei ole sinun syysi.",
        "danger_to_others": "Kiitos, että kerroit tästä.",
        "violence": "Olen pahoillani, että joudut kokemaan tätä.",
    },
    "sv": {
        "suicidal": "Jag är ledsen att du har det så tungt just nu.",
        "self_harm": "Jag är ledsen att du har det så tungt just nu.",
        "child_abuse": "Bra att du berättade. Det som händer dig är inte ditt fel.",
        "danger_to_others": "Tack för att du berättade det här.",
        "violence": "Jag är ledsen att du är med om det här.",
    },
    "en": {
        "suicidal": "I'm sorry you are going through this.",
        "self_harm": "I'm sorry you are going through this.",
        "child_abuse": "It is good that you told me. What is happening to you is not your fault.",
        "danger_to_others": "Thank you for telling me this.",
        "violence": "I'm sorry this is happening to you.",
    },
}

EMERGENCY = {
    "fi": {"self": "Jos olet vaarassa juuri nyt, soita hätänumeroon 112.",
           "others": "Jos joku on vaarassa juuri nyt, soita hätänumeroon 112."},
    "sv": {"self": "Om du är i fara just nu, ring nödnumret 112.",
           "others": "Om någon är i fara just nu, ring nödnumret 112."},
    "en": {"self": "If you are in danger right now, call the emergency number 112.",
           "others": "If someone is in danger right now, call the emergency number 112."},
}

# Helplines, in the order they are shown.
LINES = {
    "fi": {
        "child": "Voit soittaa Lasten ja nuorten puhelimeen: 116 111. Soitto on maksuton, eikä sinun tarvitse "
                 "kertoa nimeäsi. Kerro asiasta myös aikuiselle, johon luotat.",
        "mieli": "Voit puhua jonkun kanssa heti. MIELI ry:n Kriisipuhelin: 09 2525 0111. "
                 "Ruotsiksi 09 2525 0112, englanniksi ja arabiaksi 09 2525 0113.",
        "nollalinja": "Nollalinja auttaa, kun kotona tai läheisessä suhteessa on väkivaltaa tai sen uhkaa: "
                      "080 005 005. Soitto on maksuton.",
        "seri": "Jos seksuaalisesta väkivallasta on alle kuukausi, voit mennä sairaalan Seri-tukikeskukseen. "
                "Rikosilmoitusta ei tarvitse tehdä ensin.",
        "police": "Uhkaus on rikos. Voit kertoa siitä poliisille.",
    },
    "sv": {
        "child": "Du kan ringa Barn- och ungdomstelefonen på svenska: 0800 96 116, på finska 116 111. "
                 "Samtalet är gratis, och du behöver inte säga ditt namn. Berätta också för en vuxen som du litar på.",
        "mieli": "Du kan prata med någon direkt. MIELI rf:s kristelefon på svenska: 09 2525 0112. "
                 "På finska 09 2525 0111, på engelska och arabiska 09 2525 0113.",
        "nollalinja": "Nollalinja hjälper när det finns våld eller hot om våld hemma eller i en nära relation: "
                      "080 005 005. Samtalet är gratis.",
        "seri": "Om det sexuella våldet hände för mindre än en månad sedan kan du gå till sjukhusets Seri-stödcentral. "
                "Du behöver inte göra en polisanmälan först.",
        "police": "Ett hot är ett brott. Du kan berätta om det för polisen.",
    },
    "en": {
        "child": "You can call the Children and Youth Helpline: 116 111 (in Swedish 0800 96 116). "
                 "The call is free, and you do not have to give your name. Also tell an adult you trust.",
        "mieli": "You can talk to someone right away. MIELI crisis line in English and Arabic: 09 2525 0113. "
                 "In Finnish 09 2525 0111, in Swedish 09 2525 0112.",
        "nollalinja": "Nollalinja helps with violence or threats at home or in a close relationship: "
                      "080 005 005. The call is free.",
        "seri": "If the sexual violence happened less than a month ago, you can go to the Seri support centre "
                "at a hospital. You do not have to report it to the police first.",
        "police": "A threat is a crime. You can tell the police about it.",
    },
}

CLOSING = {
    "fi": "Et ole yksin. Jos haluat, etsin sinulle myös tukea lähelläsi.",
    "sv": "Du är inte ensam. Om du vill kan jag också hitta stöd nära dig.",
    "en": "You are not alone. If you like, I can also find support near you.",
}

BUTTONS = {
    "fi": [("Etsi tukea lähelläni", "/look_for_peer_support"), ("Jatka keskustelua", "/greet")],
    "sv": [("Hitta stöd nära mig", "/look_for_peer_support"), ("Fortsätt samtalet", "/greet")],
    "en": [("Find support near me", "/look_for_peer_support"), ("Continue", "/greet")],
}

# Said quietly after an answer to a grieving or once-hurt resident: not an alarm, a door.
QUIET = {
    "fi": "Jos olo käy liian raskaaksi, voit aina soittaa MIELI ry:n Kriisipuhelimeen: 09 2525 0111.",
    "sv": "Om det känns för tungt kan du alltid ringa MIELI rf:s kristelefon på svenska: 09 2525 0112.",
    "en": "If things feel too heavy, you can always call the MIELI crisis line in English: 09 2525 0113.",
}
