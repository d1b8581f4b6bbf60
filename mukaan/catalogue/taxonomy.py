"""A small lexicon that recognises kinds and topics in what a resident writes (the labels of
the taxonomy are in mukaan/texts/labels.py).

The lexicon lists word beginnings (stems) in folded form (ä→a, ö→o, å→a): Finnish and
Swedish inflect and compound, so ``yksinai`` matches yksinäinen, yksinäisyyteen and
yksinäisyydestä alike. It is matched against spaCy tokens and their lemmas.
"""
from __future__ import annotations

import re

from mukaan.nlp import fold, pipeline

# Word beginnings (folded) that point to a topic, in any of the three languages.
TOPIC_STEMS = {
    "loneliness": ["yksinai", "yksin", "seuraa", "seuran", "seurass", "juttuseura", "kaipaan seura",
                   "kaipaisin seura", "ei ole ketaan", "ei oo ketaan", "ystav", "kaveri", "ensam",
                   "sallskap", "vanner", "van ", "lonely", "loneli", "alone", "company", "friend",
                   "isolat", "eristy", "don't know anyone", "dont know anyone", "kanner ingen",
                   "en tunne ketaan", "en tunne ketää"],
    "mental_health": ["terapi", "therap", "jaksamin", "en jaksa", "mielen hyvinv", "mielenterv", "masenn", "masentu", "ahdistu", "ahdistus", "paniikki", "uupu",
                      "burnout", "loppuun pala", "psyyk", "mieli", "depress", "angest", "angslan",
                      "psykisk", "anxiety", "anxious", "panic", "mental", "stress", "bipolar",
                      "kaksisuunt", "syomishairi", "ataxia"],
    "substance_use": ["paihde", "paihte", "alkoho", "viina", "juomi", "juopo", "huume", "kannab",
                      "raittiu", "riippuvu", "rahapel", "peliongelm", "pelihait", "peliriip", "kasino", "missbruk",
                      "alkohol", "drog", "spelproblem", "spelberoend", "penningspel", "beroende", "addict", "alcohol", "drinking", "drug", "gambl",
                      "sober", "recovery", "aa-ryhm", "aa ", "aa-", "nykter"],
    "caregiving": ["omaishoi", "omainen", "omaiset", "omaista", "hoidan", "hoitaa puoliso",
                   "narstaende", "anhorig", "vardar", "caregiv", "carer", "caring for",
                   "look after my", "taking care of my"],
    "disability": ["vamma", "vammai", "kehitysvam", "nako", "kuulo", "pyoratuol", "liikuntaesty",
                   "funktionsned", "funktionshind", "utvecklingsstor", "intellektuell funk",
                   "rullstol", "disab", "wheelchair", "blind",
                   "deaf", "kuuro", "sokea", "heikkonak"],
    "chronic_illness": ["sairau", "sairas", "sairast", "diabet", "reuma", "syopa", "syova", "sydan",
                        "ms-tau", "ms ", "parkinson", "astma", "kipu", "krooni", "sjukdom", "cancer",
                        "reumat", "hjart", "kronisk", "illness", "chronic", "heart", "rheuma",
                        "epilep", "diagnoos"],
    "memory_disorders": ["muisti", "alzheimer", "dementi", "demens", "minnessjuk", "minne", "memory",
                         "muistisair"],
    "grief": ["suru", "surev", "menet", "kuoli", "kuollu", "kuolema", "leski", "menehty", "sorg",
              "sorjande", "dog i", "avled", "ankling", "ankla", "grief", "griev", "bereave",
              "passed away", "died", "widow", "loss of", "lost my", "itsemurhan tehneen",
              "lapsen kuolem"],
    "families": ["yksinhuolta", "isa-lapsi", "aiti-lapsi", "perhe", "perhei", "lapsiperhe", "vauva", "lapse", "lapsi", "lasten", "familj", "barn", "smabarn", "bebis", "family", "families",
                 "baby", "toddler", "children", "kids"],
    "parenting": ["yksinhuolta", "isa-lapsi", "aiti-lapsi", "isa-", "aiti-", "ensisynnyt", "vanhemm", "vanhempi", "aitiy", "isyy", "kasvatu", "uhmaik", "forald",
                  "mammor", "pappor", "pappagrupp", "mammagrupp", "isaryhm", "aitiryhm", "isien", "aitien",
                  "parent", "dads group", "mums group", "fathers", "mothers"],
    "youth": ["nuor", "teini", "opiskelij", "koululai", "lasten", "lapsi", "lapse", "ung ",
              "unga", "ungdom", "tonar", "barn", "youth", "young", "teen", "student", "kids",
              "child", "lapsia"],
    "seniors": ["elakel", "elakk", "ikaihmi", "ikaant", "vanhus", "vanhuks", "seniori", "isovanh",
                "mummo", "vaari", "yli 65", "yli 70", "pension", "senior", "aldre", "aldring",
                "retire", "elderly", "older people", "grandparent", "pensioner", "ikaant"],
    "immigrants": ["maahanmuu", "maahan muu", "pakolai", "turvapaik", "kotoutu", "suomen kiel",
                   "kielikahvil", "uusi suomessa", "muutin suomeen", "ulkomaalai", "invandr",
                   "nyanland", "flykting", "nya finlandare", "sprakkafe", "sprakcafe",
                   "immigra", "refugee", "asylum", "moved to finland", "new in finland",
                   "learn finnish", "language cafe", "moved here", "expat", "international", "new to finland",
                   "kielikaveri", "kieliystav", "sprakvan", "language buddy", "language friend",
                   "finska", "integrat"],
    "unemployment": ["tyottom", "tyoton", "tyottom", "tyonhak", "lomautet", "tyota", "tyopaik", "arbetslo",
                     "jobb", "unemploy", "job", "out of work", "laid off", "tyoelam"],
    "divorce": ["ero ", "eron", "erosta", "eross", "eronn", "erota", "avioero", "erotila",
                "skilsmass", "skild", "skiljs", "skiljer", "skilja", "separ", "divorc", "break-up", "breakup",
                "uusperhe", "lahivanh"],
    "violence": ["vakival", "pahoinpi", "lyo", "lyonyt", "kiusa", "ahdistel", "uhkail", "vald",
                 "misshand", "mobb", "hotar", "hotad", "hotfull", "violence", "abuse", "bully", "bulli", "threat",
                 "lahisuhdevak"],
    "debt": ["velka", "velat", "velko", "raha-asi", "rahahuol", "ulosotto", "luottotiet",
             "toimeentul", "talous", "skuld", "pengar", "ekonomi", "debt", "money", "budget",
             "bills", "laskut", "vuokrarast"],
    "lgbtq": ["sateenkaar", "homo", "lesbo", "bi ", "trans", "queer", "seta", "hbtq", "lhbt",
              "regnbag", "gay", "lgbt", "nonbinaar", "muunsukupuol", "icke-binar", "non-binary"],
    "exercise": ["liiku", "liikun", "kavel", "kuntosal", "jumppa", "tanss", "uinti", "uima",
                 "juoks", "pyorail", "jooga", "urheil", "tuoliju", "motion", "promen", "gympa",
                 "dans", "simn", "idrott", "exercis", "walk", "gym", "sport", "dance", "swim",
                 "yoga", "fitness", "hiking", "vaell", "vandr"],
    "culture": ["kulttuur", "taide", "taitee", "musiik", "laula", "kuoro", "teatter", "kirja",
                "lukupiir", "kasity", "neulo", "maalaa", "valokuv", "kultur", "konst", "musik",
                "sang", "kor ", "korsang", "teater", "lasecirk", "handarb", "culture", "art",
                "music", "sing", "choir", "theat", "book", "craft", "knit", "painting", "museo",
                "museum", "piknik", "picnic"],
    "nature": ["luonto", "luonno", "metsa", "retki", "vaell", "marja", "sieni", "lintu",
               "puutarh", "viljel", "ulkoil", "natur", "skog", "utflykt", "vandring", "tradgard",
               "fagel", "svamp", "nature", "forest", "hike", "hiking", "outdoor", "garden",
               "bird", "mushroom"],
    "neurodivergence": ["adhd", "add ", "autis", "asperger", "neurokirj", "neuropsyk", "lukihai",
                        "tourett", "neurodiver", "npf", "dyslex"],
}

KIND_STEMS = {
    "peer_support": ["vertais", "vertaistuk", "tukiryhm", "keskusteluryhm", "kamratstod", "aa ", "aa-",
                     "stodgrupp", "samtalsgrupp", "peer support", "support group", "peer group"],
    "volunteering": ["vapaaehtos", "vapaaehtoi", "vapaaehtoist", "auttaa muita", "auttamaan", "haluun autta",
                     "haluan autta", "frivillig", "volont", "hjalpa andra", "volunteer",
                     "help others", "helping others"],
    "befriending": ["ystavatoim", "ystavapalvel", "ystavaks", "vierailija", "vanverksamh",
                    "vantjanst", "besokar", "befriend", "visiting friend", "friend service"],
    "club": ["kerho", "harrast", "harrastu", "piiri", "klubb", "hobby", "club", "hobbies", "tekemis",
             "puuhaa", "vapaa-aja", "fritid", "things to do", "something to do", "activities"],
    "meeting_place": ["kohtaamispaik", "asukastal", "olohuone", "kahvila", "olohuon", "nuorisotil",
                      "nuorisotal", "ungdomsgard", "vardagsrum", "living room", "drop in",
                      "tapaamispaik", "motesplats", "traffpunkt", "kafe", "drop-in",
                      "meeting place", "cafe", "community centre", "community center"],
    "practical_help": ["apua kaup", "kauppa-asi", "kauppakass", "siivo", "lumity", "asiointi",
                       "asioin", "muutto", "tietokon", "kannykka", "lomakk", "arjen ap",
                       "praktisk hjalp", "handla", "snoskott", "datorhjalp", "shopping",
                       "errands", "snow", "computer help", "forms", "moving house"],
    "advice": ["neuvon", "neuvoa", "ohjaus", "opastus", "rad ", "radgivn", "advice", "guidance",
               "counsel"],
    "event": ["tapahtum", "tilaisuu", "juhla", "messut", "evenemang", "fest", "event", "festival",
              "piknik", "picnic"],
}

# What residents say they want, rather than a kind's name, points to kinds softly: someone to
# talk to fits a peer group or an adviser; company, a visiting friend or a meeting place. Each
# cue gives its kinds a preference from 0 to 1 (mukaan/catalogue/ranking.py, setting need_weight);
# a kind the query names outright (KIND_STEMS) counts fully.
NEED_CUES: list[tuple[dict[str, float], list[str]]] = [
    # to talk, with others in the same situation or with someone who knows
    ({"peer_support": 1.0, "advice": 0.5},
     # "puhua" alone also means speaking a language ("ei puhu vielä suomea"): only with a listener
     ["jolle puhua", "kenelle puhua", "kaa puhua", "kanssa puhua", "vois puhua", "voisi puhua",
      "puhua jollekin", "puhua jonkun", "puhua muiden", "puhua toisten", "puhua ihmisten",
      "puhua vertais", "puhumaan", "puhuttavaa", "jutella", "juttel", "jutust", "keskustel", "purkaa",
      "samassa tilantees", "samanlaises", "kokemuksi", "muita vanhempia", "muita joil",
      "prata med", "tala med", "samtal", "andra som", "samma situation", "dela erfarenhet",
      "talk to", "talk with", "someone to talk", "others who", "other parents", "same situation",
      "share experience"]),
    # company, someone who comes by or goes out with you
    ({"befriending": 1.0, "meeting_place": 0.5},
     ["seuraa ", "seuraks", "seuralai", "ulkoiluseur", "kaveriks", "kylaan", "kylass", "kylail",
      "kaymaan", "kavis", "sallskap", "umgas", "besok", "halsa pa", "company", "visit", "keep me company",
      "go out with"]),
    # meeting new people
    ({"meeting_place": 1.0, "club": 0.7},
     ["tutustu", "uusia ihmis", "uusia ystav", "uusii ihmis", "en tunne ketaa", "ei tunne ketaa",
      "traffa", "nya manniskor", "nya vanner", "kanner ingen", "meet people", "meet new", "new people",
      "make friends", "new friends", "don't know anyone", "dont know anyone", "get to know"]),
    # doing something: exercise, outdoors, singing, crafts, games
    ({"club": 1.0, "event": 0.5},
     ["liikun", "liikku", "urheil", "jumppa", "tanssi", "kavely", "retkei", "retki", "laulaa", "kuoro",
      "kasitoi", "pelaa", "idrott", "motion", "dansa", "dans ", "promenad", "sjunga", "kor ", "sport",
      "dance", "dancing", "walking", "hiking", "outdoor", "singing", "choir", "crafts", "games"]),
]

_WORD = re.compile(r"\w[\w'-]*")


COMPOUND_STEM = 6  # stems at least this long also match inside a compound word
# Kind words are the heads of compounds (seniorikerho, käsityöpiiri, ungdomsklubb), so kind
# stems of five letters match inside words too.
KIND_COMPOUND_STEM = 5


def _haystacks(text: str, lang: str) -> tuple[str, ...]:
    """What the stems are looked for in: the folded words of ``text``, their lemmas, and the
    text as written (for stems of several words that spaCy splits: "don't know anyone")."""
    doc = pipeline(lang)(text)
    return (" " + " ".join(fold(t.text) for t in doc) + " ",
            " " + " ".join(fold(t.lemma_) for t in doc) + " ",
            " " + " ".join(_WORD.findall(fold(text))) + " ")


def _match(stems_by_key: dict[str, list[str]], haystacks: tuple[str, ...],
           compound: int = COMPOUND_STEM) -> list[str]:
    """Keys whose stems begin a word (or a lemma), in order of first match. Long stems also
    match inside Finnish and Swedish compounds: "tyottom" finds pitkäaikaistyöttömien,
    "foraldr" finds småbarnsföräldrar."""
    found: dict[str, int] = {}
    for key, stems in stems_by_key.items():
        for stem in stems:
            needle = stem if len(stem) >= compound and " " not in stem else " " + stem
            pos = min((p for p in (h.find(needle) for h in haystacks) if p >= 0), default=-1)
            if pos >= 0:
                found[key] = min(found.get(key, pos), pos)
    return sorted(found, key=found.get)


# A close relative named together with an illness means the resident is a family carer:
# "mun äiti on muistisairas", "min man har MS", "my wife has dementia".
RELATIVE_STEMS = {"relative": ["aiti", "isa ", "isan", "isalla", "mummo", "vaari", "puoliso", "mieheni",
                               "miehen", "vaimo", "appi", "anoppi", "mamma", "pappa", "min man", "min fru",
                               "maken", "min make", "mormor", "farmor", "morfar", "farfar", "mother", "mom",
                               "mum", "dad", "father", "husband", "wife", "partner", "grandma", "grandpa",
                               "my parent"]}
ILLNESS_TOPICS = ("memory_disorders", "chronic_illness", "disability")


def _topics(haystacks: tuple[str, ...]) -> list[str]:
    topics = _match(TOPIC_STEMS, haystacks)
    if ("caregiving" not in topics and any(t in topics for t in ILLNESS_TOPICS)
            and _match(RELATIVE_STEMS, haystacks)):
        topics.append("caregiving")
    return topics


def _kinds(haystacks: tuple[str, ...]) -> list[str]:
    return _match(KIND_STEMS, haystacks, KIND_COMPOUND_STEM)


def _needs(haystacks: tuple[str, ...]) -> dict[str, float]:
    """Each kind's strongest preference from the NEED_CUES the text has."""
    found: dict[str, float] = {}
    for kinds, stems in NEED_CUES:
        if _match({"cue": stems}, haystacks):
            for kind, weight in kinds.items():
                found[kind] = max(found.get(kind, 0.0), weight)
    return found


def detect_topics(text: str, lang: str = "fi") -> list[str]:
    return _topics(_haystacks(text, lang))


def detect_kinds(text: str, lang: str = "fi") -> list[str]:
    return _kinds(_haystacks(text, lang))


def detect(text: str, lang: str = "fi") -> tuple[list[str], list[str], dict[str, float]]:
    """The topics and the kinds ``text`` names, and the kinds its wishes point to (NEED_CUES),
    from one pass of the pipeline."""
    haystacks = _haystacks(text, lang)
    return _topics(haystacks), _kinds(haystacks), _needs(haystacks)
