"""The taxonomy's labels in Finnish, Swedish and English: kinds, topics, audiences,
accessibility features and languages, and the words for "not given"."""
from __future__ import annotations

KIND_LABELS = {
    "peer_support": {"fi": "vertaistuki", "sv": "kamratstöd", "en": "peer support"},
    "volunteering": {"fi": "vapaaehtoistoiminta", "sv": "frivilligverksamhet", "en": "volunteering"},
    "befriending": {"fi": "ystävätoiminta", "sv": "vänverksamhet", "en": "befriending"},
    "club": {"fi": "kerho tai harrastus", "sv": "klubb eller hobby", "en": "club or hobby"},
    "meeting_place": {"fi": "kohtaamispaikka", "sv": "mötesplats", "en": "meeting place"},
    "practical_help": {"fi": "arjen apu", "sv": "praktisk hjälp", "en": "practical help"},
    "advice": {"fi": "neuvonta", "sv": "rådgivning", "en": "advice"},
    "event": {"fi": "tapahtuma", "sv": "evenemang", "en": "event"},
}

TOPIC_LABELS = {
    "loneliness": {"fi": "yksinäisyys", "sv": "ensamhet", "en": "loneliness"},
    "mental_health": {"fi": "mielenterveys", "sv": "psykisk hälsa", "en": "mental health"},
    "substance_use": {"fi": "päihteet ja pelaaminen", "sv": "rusmedel och spel", "en": "substances and gambling"},
    "caregiving": {"fi": "omaishoito", "sv": "närståendevård", "en": "family caregiving"},
    "disability": {"fi": "vammaisuus", "sv": "funktionsnedsättning", "en": "disability"},
    "chronic_illness": {"fi": "pitkäaikaissairaus", "sv": "långvarig sjukdom", "en": "long-term illness"},
    "memory_disorders": {"fi": "muistisairaus", "sv": "minnessjukdom", "en": "memory disorders"},
    "grief": {"fi": "suru ja menetys", "sv": "sorg", "en": "grief"},
    "families": {"fi": "perheet", "sv": "familjer", "en": "families"},
    "parenting": {"fi": "vanhemmuus", "sv": "föräldraskap", "en": "parenting"},
    "youth": {"fi": "lapset ja nuoret", "sv": "barn och unga", "en": "children and young people"},
    "seniors": {"fi": "ikäihmiset", "sv": "seniorer", "en": "older people"},
    "immigrants": {"fi": "maahan muuttaneet", "sv": "inflyttade", "en": "immigrants"},
    "unemployment": {"fi": "työttömyys", "sv": "arbetslöshet", "en": "unemployment"},
    "divorce": {"fi": "ero", "sv": "skilsmässa", "en": "divorce"},
    "violence": {"fi": "väkivalta", "sv": "våld", "en": "violence"},
    "debt": {"fi": "velat ja raha-asiat", "sv": "skulder och pengar", "en": "debt and money"},
    "lgbtq": {"fi": "sateenkaari-ihmiset", "sv": "regnbågsfolk", "en": "LGBTQ+"},
    "exercise": {"fi": "liikunta", "sv": "motion", "en": "exercise"},
    "culture": {"fi": "kulttuuri", "sv": "kultur", "en": "culture"},
    "nature": {"fi": "luonto", "sv": "natur", "en": "nature"},
    "neurodivergence": {"fi": "autismikirjo, ADHD ja vastaavat", "sv": "autism, adhd och liknande",
                        "en": "autism, ADHD and similar"},
}

AUDIENCE_LABELS = {
    "children": {"fi": "lapset", "sv": "barn", "en": "children"},
    "youth": {"fi": "nuoret", "sv": "unga", "en": "young people"},
    "adults": {"fi": "aikuiset", "sv": "vuxna", "en": "adults"},
    "seniors": {"fi": "ikäihmiset", "sv": "seniorer", "en": "older people"},
    "families": {"fi": "perheet", "sv": "familjer", "en": "families"},
}

ACCESSIBILITY_LABELS = {
    "wheelchair": {"fi": "pyörätuolilla pääsee", "sv": "tillgängligt med rullstol", "en": "wheelchair access"},
    "induction_loop": {"fi": "induktiosilmukka", "sv": "hörslinga", "en": "induction loop"},
    "step_free": {"fi": "ei portaita", "sv": "inga trappsteg", "en": "step-free access"},
    "accessible_toilet": {"fi": "esteetön wc", "sv": "tillgänglig toalett", "en": "accessible toilet"},
    "sign_language": {"fi": "viittomakieli", "sv": "teckenspråk", "en": "sign language"},
    "plain_language": {"fi": "selkokieli", "sv": "lättläst svenska", "en": "plain language"},
    "guide_dog": {"fi": "opaskoira on tervetullut", "sv": "ledarhund är välkommen", "en": "guide dogs welcome"},
    "quiet_space": {"fi": "hiljainen tila", "sv": "lugnt rum", "en": "quiet room"},
    "online_only": {"fi": "vain verkossa", "sv": "bara på nätet", "en": "online only"},
}

LANGUAGE_NAMES = {
    "fi": {"fi": "suomi", "sv": "finska", "en": "Finnish"},
    "sv": {"fi": "ruotsi", "sv": "svenska", "en": "Swedish"},
    "en": {"fi": "englanti", "sv": "engelska", "en": "English"},
    "ar": {"fi": "arabia", "sv": "arabiska", "en": "Arabic"},
    "ru": {"fi": "venäjä", "sv": "ryska", "en": "Russian"},
    "so": {"fi": "somali", "sv": "somaliska", "en": "Somali"},
    "uk": {"fi": "ukraina", "sv": "ukrainska", "en": "Ukrainian"},
    "fa": {"fi": "persia", "sv": "persiska", "en": "Persian"},
    "et": {"fi": "viro", "sv": "estniska", "en": "Estonian"},
    "ku": {"fi": "kurdi", "sv": "kurdiska", "en": "Kurdish"},
    "vi": {"fi": "vietnam", "sv": "vietnamesiska", "en": "Vietnamese"},
    "tr": {"fi": "turkki", "sv": "turkiska", "en": "Turkish"},
}


UNSAID = {"fi": "ei kerrottu", "sv": "inte angivet", "en": "not given"}


def label(labels: dict[str, dict[str, str]], code: str, lang: str) -> str:
    """A code's label in ``lang`` (else Finnish); the code itself only when it has no label."""
    names = labels.get(code) or {}
    return names.get(lang) or names.get("fi") or code


def kind_label(kind: str, lang: str) -> str:
    return KIND_LABELS[kind].get(lang, KIND_LABELS[kind]["fi"])


def topic_label(topic: str, lang: str) -> str:
    return TOPIC_LABELS[topic].get(lang, TOPIC_LABELS[topic]["fi"])
