"""The crisis check: a deterministic lexicon that runs before the NLU classifier, so that a
message about suicide, self-harm or violence always gets emergency guidance first.

Patterns are sequences of word beginnings matched by a spaCy ``Matcher`` on folded tokens
(ä→a), so inflected forms and typed-without-diacritics forms match alike. Everyday phrases
that use alarming words ("tappaa aikaa", "dödstrött", "dying to try") are listed as calm
exceptions, and a negation just before a negatable concept ("en ole ajatellut itsemurhaa",
"I'm not suicidal") cancels it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from spacy.matcher import Matcher

from mukaan.nlp import fold_norms, pipeline

# (category, negatable, pattern). A pattern is space-separated word beginnings; "…" allows
# up to two words in between, and a trailing "$" makes a word exact ("die$" is not "diet").
CRISIS_PATTERNS: list[tuple[str, bool, str]] = [
    # Finnish: suicide and self-harm
    ("self_harm", True, "itsemurh"),
    ("self_harm", True, "itsetuho"),
    ("self_harm", False, "tappaa itse"), ("self_harm", False, "tapan itse"),
    ("self_harm", False, "tappais … itse"), ("self_harm", False, "tappaisin itse"),
    ("self_harm", False, "en halua elaa"), ("self_harm", False, "en halua … elaa"),
    ("self_harm", False, "en jaksa elaa"), ("self_harm", False, "en jaksa … elaa"),
    ("self_harm", False, "ei jaksa elaa"), ("self_harm", False, "en halua enaa elaa"),
    ("self_harm", False, "halu … kuolla"), ("self_harm", False, "toivon … kuolevani"),
    ("self_harm", False, "lopettaa … elama"), ("self_harm", False, "paattaa … elama"),
    ("self_harm", False, "ei ole syyta elaa"), ("self_harm", False, "elamalla ei ole"),
    ("self_harm", True, "viillan"), ("self_harm", True, "viiltel"), ("self_harm", True, "viillel"), ("self_harm", True, "viilla itse"),
    ("self_harm", True, "satutan itse"), ("self_harm", True, "satuttaa itse"),
    ("self_harm", True, "vahingoitan itse"), ("self_harm", True, "vahingoittaa itse"),
    ("self_harm", False, "syyta elaa"), ("self_harm", False, "parempi ilman mua"),
    ("self_harm", False, "parempi ilman minua"), ("self_harm", False, "pillerit valmiina"),
    ("self_harm", False, "liikaa … pillere"), ("self_harm", False, "liikaa … laakkeit"), ("self_harm", True, "yliannost"),
    ("self_harm", True, "satut … itte"), ("self_harm", True, "vahingoit … itte"),
    ("self_harm", False, "en halua herata"), ("self_harm", False, "en haluu herata"),
    ("self_harm", False, "vill inte vakna"),
    ("self_harm", False, "toivon … olevani kuollut"), ("self_harm", False, "olisin kuollut"),
    ("self_harm", True, "poltan itse"), ("self_harm", True, "polttanut itse"),
    ("self_harm", False, "hyppaan … sillalta"), ("self_harm", False, "hyppaan … katolta"), ("self_harm", False, "junan alle"),
    # Finnish: violence
    ("violence", False, "tappaa mut$"), ("violence", False, "tappaa minut"), ("violence", False, "tappais mut$"),
    ("violence", False, "uhka … tappa"), ("violence", False, "raiskat"), ("violence", False, "raiskau"),
    ("violence", False, "raiskasi"),
    ("violence", False, "aiti lyo"), ("violence", False, "isa lyo"), ("violence", False, "mies lyo"),
    ("violence", False, "vaimo lyo"), ("violence", False, "puoliso lyo"), ("violence", False, "poikaystava lyo"),
    ("violence", False, "tyttoystava lyo"), ("violence", False, "isapuoli lyo"),
    ("violence", False, "lyo minua"), ("violence", False, "lyo mua"), ("violence", False, "lyo meita"),
    ("violence", False, "lyonyt minua"), ("violence", False, "lyonyt mua"), ("violence", False, "hakkaa minua"),
    ("violence", False, "hakkaa mua"), ("violence", False, "potkii minua"),
    ("violence", False, "uhkailee"), ("violence", False, "uhkaa … tappaa"), ("violence", False, "uhkaa … satuttaa"),
    ("violence", False, "pelkaan … tappaa"), ("violence", False, "pelkaan … lyo"),
    ("violence", False, "pahoinpiteli"), ("violence", False, "pahoinpitelee"), ("violence", False, "raiskas"),
    ("violence", False, "kuristi minua"), ("violence", False, "kuristaa minua"),
    # Swedish
    ("self_harm", True, "sjalvmord"), ("self_harm", False, "vill do$"), ("self_harm", False, "vill … do$"),
    ("self_harm", False, "vill inte leva"), ("self_harm", False, "orkar inte leva"),
    ("self_harm", False, "ta livet av mig"), ("self_harm", False, "ta mitt liv"),
    ("self_harm", True, "skadar mig sjalv"), ("self_harm", True, "skada mig sjalv"),
    ("self_harm", True, "skar mig"), ("self_harm", True, "skara mig"), ("self_harm", True, "skurit mig"),
    ("self_harm", False, "om jag inte fanns"), ("self_harm", False, "battre … utan mig"),
    ("self_harm", False, "tagit … tabletter"), ("self_harm", False, "for manga tabletter"),
    ("self_harm", True, "overdos"), ("violence", False, "slagit mig"), ("violence", False, "hotar … skada"),
    ("violence", False, "forfoljer mig"),
    ("self_harm", False, "onskar … var dod"), ("self_harm", False, "bestamt mig for att do$"),
    ("self_harm", True, "branner mig"),
    ("violence", False, "slar mig"), ("violence", False, "slog mig"), ("violence", False, "blir slagen"),
    ("violence", False, "blev slagen"), ("violence", False, "misshandlar"), ("violence", False, "misshandlad"),
    ("violence", False, "hotar att doda"), ("violence", False, "hotar … doda"), ("violence", False, "hotar mig"),
    ("violence", False, "vald hemma"), ("violence", False, "valdtog"), ("violence", False, "valdtagen"),
    # English
    ("self_harm", True, "suicid"), ("self_harm", False, "kill myself"), ("self_harm", False, "end my life"),
    ("self_harm", False, "end$ it$ all$"), ("self_harm", False, "want to die$"), ("self_harm", False, "wanna die$"),
    ("self_harm", False, "n't want to live"), ("self_harm", False, "dont want to live"),
    ("self_harm", False, "n't wanna live"), ("self_harm", False, "n't want to be alive"),
    ("self_harm", False, "not want to be alive"), ("self_harm", False, "better off without me"),
    ("self_harm", False, "too many pills"), ("self_harm", False, "point in living"),
    ("self_harm", False, "no point living"), ("self_harm", True, "overdos"),
    ("self_harm", False, "wish … was dead"), ("self_harm", False, "wish … were dead"),
    ("self_harm", False, "better off dead"),
    ("self_harm", False, "do not want to live"), ("self_harm", False, "no reason to live"),
    ("self_harm", True, "self-harm"), ("self_harm", True, "self harm"), ("self_harm", True, "hurt myself"),
    ("self_harm", True, "cut myself"), ("self_harm", True, "cutting myself"), ("self_harm", True, "harm myself"),
    ("violence", False, "hits$ me$"), ("violence", False, "hit$ me$"), ("violence", False, "beats$ me$"),
    ("violence", False, "beat$ me$"), ("violence", False, "abuses$ me$"), ("violence", False, "abusing me"),
    ("violence", False, "threatens to kill"), ("violence", False, "threatened to kill"),
    ("violence", False, "afraid … kill$ me$"), ("violence", False, "scared … kill$ me$"),
    ("violence", False, "domestic violence"), ("violence", False, "raped$"), ("violence", False, "hurts$ me$"),
    ("violence", False, "threatens$ me$"), ("violence", False, "threatening$ me$"),
    ("violence", False, "threatening … to kill"), ("violence", False, "threatening … to hurt"),
    ("self_harm", False, "n't want to wake up"), ("self_harm", False, "not want to wake up"),
    ("violence", False, "sexually assault"), ("violence", False, "assaulted$ me$"),
    ("violence", False, "going to kill me$"), ("violence", False, "gonna kill me$"),
    ("violence", False, "will kill me$"), ("violence", False, "'ll kill me$"), ("violence", False, "'ll hurt"),
]

# Everyday phrases that contain alarming words. A crisis match inside one of these is ignored.
CALM_PATTERNS: list[str] = [
    "tappaa aikaa", "tappaa … aikaa", "tappamaan aikaa", "kuolemanvasy", "kuoliaaksi",
    "itsemurhan tehneen", "itsemurhan tehneiden", "itsemurhaan menehty", "itsemurhan kautta",
    "itsemurhan jalkeen", "lahesisen itsemurha", "itsemurhan menettaneet", "itsemurhan vuoksi",
    "dodstrott", "do av skratt", "sjalvmord … anhorig", "efter ett sjalvmord", "genom sjalvmord",
    "dying to", "killer", "suicide loss", "lost … to suicide", "suicide bereave", "after a suicide",
    "bored to death", "kill$ time", "killing time", "beat$ me$ at$", "beat$ me$ in$",
    "against domestic violence", "against violence", "vakivallan vastai", "vakivaltaa vastaan",
    "mot vald", "mot valdet", "do$ av", "dor av", "dog av skratt",
]

NEGATIONS = {"en", "ei", "emme", "ette", "eivat", "enka", "eika", "inte", "aldrig", "ej", "not",
             "never", "no", "dont", "don't", "isnt", "isn't"}


def _token_patterns(pattern: str) -> list[dict]:
    out: list[dict] = []
    for word in pattern.split():
        if word == "…":
            out += [{"OP": "?"}, {"OP": "?"}]
        else:
            parts = word.split("-")
            # spaCy splits hyphenated words; match each piece.
            for i, part in enumerate(parts):
                if i:
                    out.append({"NORM": "-"})
                out.append({"NORM": {"REGEX": "^" + part.replace("'", "'?")}})
    return out


@lru_cache(maxsize=None)
def _matchers(lang: str):
    nlp = pipeline(lang)
    crisis = Matcher(nlp.vocab)
    for i, (_, _, pattern) in enumerate(CRISIS_PATTERNS):
        crisis.add(f"c{i}", [_token_patterns(pattern)])
    calm = Matcher(nlp.vocab)
    for i, pattern in enumerate(CALM_PATTERNS):
        calm.add(f"k{i}", [_token_patterns(pattern)])
    return nlp, crisis, calm


@dataclass
class CrisisCheck:
    category: str | None   # "self_harm", "violence" or None

    def __bool__(self) -> bool:
        return self.category is not None


def _scan(text: str, lang: str) -> tuple[list[str], bool]:
    """The crisis categories found in ``text`` (calm phrases and negations applied), and
    whether a calm phrase was found at all."""
    nlp, crisis, calm = _matchers(lang if lang in ("fi", "sv", "en") else "fi")
    doc = fold_norms(nlp.make_doc(text[:5000]))
    calm_spans = [(s, e) for _, s, e in calm(doc)]
    categories = []
    for match_id, start, end in crisis(doc):
        if any(s <= start and end <= e or (s <= start < e) for s, e in calm_spans):
            continue
        category, negatable, _ = CRISIS_PATTERNS[int(nlp.vocab.strings[match_id][1:])]
        if negatable:
            before = {t.norm_ for t in doc[max(0, start - 3):start]}
            if before & NEGATIONS:
                continue
        categories.append(category)
    return categories, bool(calm_spans)


def check(text: str, lang: str = "fi") -> CrisisCheck:
    """Does ``text`` speak of suicide, self-harm or violence against the writer?"""
    categories, _ = _scan(text, lang)
    if not categories:
        return CrisisCheck(None)
    return CrisisCheck("violence" if "violence" in categories and "self_harm" not in categories
                       else "self_harm")


def is_calm_phrase(text: str, lang: str = "fi") -> bool:
    """An everyday phrase with an alarming word ("dör av tristess") and nothing in the crisis
    lexicon: the NLU classifier's crisis guess is overruled for these."""
    categories, calm = _scan(text, lang)
    return calm and not categories


CRISIS_REPLY = {
    "fi": {
        "self_harm": (
            "Olen pahoillani, että sinulla on nyt näin raskasta. Jos olet vaarassa juuri nyt, soita hätänumeroon 112.\n"
            "Voit puhua jonkun kanssa heti. MIELI ry:n Kriisipuhelin: 09 2525 0111. "
            "Ruotsiksi 09 2525 0112, englanniksi ja arabiaksi 09 2525 0113.\n"
            "Et ole yksin. Jos haluat, etsin sinulle myös tukea lähelläsi."),
        "violence": (
            "Olen pahoillani, että joudut kokemaan tätä. Jos olet vaarassa juuri nyt, soita hätänumeroon 112.\n"
            "Nollalinja auttaa, kun kotona tai läheisessä suhteessa on väkivaltaa: 080 005 005. Soitto on maksuton.\n"
            "Voit myös soittaa MIELI ry:n Kriisipuhelimeen: 09 2525 0111.\n"
            "Et ole yksin. Jos haluat, etsin sinulle myös tukea lähelläsi."),
        "buttons": [("Etsi tukea lähelläni", "/look_for_peer_support"), ("Jatka keskustelua", "/greet")],
    },
    "sv": {
        "self_harm": (
            "Jag är ledsen att du har det så tungt just nu. Om du är i fara just nu, ring nödnumret 112.\n"
            "Du kan prata med någon direkt. MIELI rf:s kristelefon på svenska: 09 2525 0112. "
            "På finska 09 2525 0111, på engelska och arabiska 09 2525 0113.\n"
            "Du är inte ensam. Om du vill kan jag också hitta stöd nära dig."),
        "violence": (
            "Jag är ledsen att du är med om det här. Om du är i fara just nu, ring nödnumret 112.\n"
            "Nollalinja hjälper när det finns våld hemma eller i en nära relation: 080 005 005. Samtalet är gratis.\n"
            "Du kan också ringa MIELI rf:s kristelefon på svenska: 09 2525 0112.\n"
            "Du är inte ensam. Om du vill kan jag också hitta stöd nära dig."),
        "buttons": [("Hitta stöd nära mig", "/look_for_peer_support"), ("Fortsätt samtalet", "/greet")],
    },
    "en": {
        "self_harm": (
            "I'm sorry you are going through this. If you are in danger right now, call the emergency number 112.\n"
            "You can talk to someone right away. MIELI crisis line in English and Arabic: 09 2525 0113. "
            "In Finnish 09 2525 0111, in Swedish 09 2525 0112.\n"
            "You are not alone. If you like, I can also find support near you."),
        "violence": (
            "I'm sorry this is happening to you. If you are in danger right now, call the emergency number 112.\n"
            "Nollalinja helps with violence at home or in a close relationship: 080 005 005. The call is free.\n"
            "You can also call the MIELI crisis line in English: 09 2525 0113.\n"
            "You are not alone. If you like, I can also find support near you."),
        "buttons": [("Find support near me", "/look_for_peer_support"), ("Continue", "/greet")],
    },
}


def crisis_reply(category: str, lang: str) -> tuple[str, list[tuple[str, str]]]:
    """The crisis message and its buttons (title, payload) in ``lang``."""
    texts = CRISIS_REPLY.get(lang, CRISIS_REPLY["fi"])
    return texts.get(category, texts["self_harm"]), texts["buttons"]
