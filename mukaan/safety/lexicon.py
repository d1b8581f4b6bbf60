"""The lexicon route of the crisis check: word patterns matched by a spaCy ``Matcher``.

Patterns are sequences of word beginnings matched on folded tokens (ä→a), so inflected forms
and forms typed without diacritics match alike. Everyday phrases that use alarming words
("tappaa aikaa", "dödstrött", "dying to try") are calm exceptions, and a negation just before
a negatable concept ("en ole ajatellut itsemurhaa", "I'm not suicidal") cancels it. Precise
and easy to read; the semantic route (``semantic.py``) covers what no list foresees.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from mukaan.nlp import LANGS, Matcher, fold_norms, pipeline

# (class, negatable, pattern), the classes those of mukaan.safety.CLASSES. A pattern is
# space-separated word beginnings; "…" allows up to two words in between, and a trailing "$"
# makes a word exact ("die$" is not "diet").
CRISIS_PATTERNS: list[tuple[str, bool, str]] = [
    # Finnish: suicide and self-harm
    ("suicidal", True, "itsemurh"),
    ("suicidal", True, "itsetuho"),
    ("suicidal", False, "tappaa itse"), ("suicidal", False, "tapan itse"),
    ("suicidal", False, "tappais … itse"), ("suicidal", False, "tappaisin itse"),
    ("suicidal", False, "en halua elaa"), ("suicidal", False, "en halua … elaa"),
    ("suicidal", False, "en jaksa elaa"), ("suicidal", False, "en jaksa … elaa"),
    ("suicidal", False, "ei jaksa elaa"), ("suicidal", False, "en halua enaa elaa"),
    ("suicidal", False, "halu … kuolla"), ("suicidal", False, "toivon … kuolevani"),
    ("suicidal", False, "lopettaa … elama"), ("suicidal", False, "paattaa … elama"),
    ("suicidal", False, "ei ole syyta elaa"), ("suicidal", False, "elamalla ei ole"),
    ("self_harm", True, "viillan"), ("self_harm", True, "viiltel"), ("self_harm", True, "viillel"), ("self_harm", True, "viilla itse"),
    ("self_harm", True, "satutan itse"), ("self_harm", True, "satuttaa itse"),
    ("self_harm", True, "vahingoitan itse"), ("self_harm", True, "vahingoittaa itse"),
    ("suicidal", False, "syyta elaa"), ("suicidal", False, "parempi ilman mua"),
    ("suicidal", False, "parempi ilman minua"), ("suicidal", False, "pillerit valmiina"),
    ("suicidal", False, "liikaa … pillere"), ("suicidal", False, "liikaa … laakkeit"), ("suicidal", True, "yliannost"),
    ("self_harm", True, "satut … itte"), ("self_harm", True, "vahingoit … itte"),
    ("suicidal", False, "en halua herata"), ("suicidal", False, "en haluu herata"),
    ("suicidal", False, "vill inte vakna"),
    ("suicidal", False, "toivon … olevani kuollut"), ("suicidal", False, "olisin kuollut"),
    ("self_harm", True, "poltan itse"), ("self_harm", True, "polttanut itse"),
    ("suicidal", False, "hyppaan … sillalta"), ("suicidal", False, "hyppaan … katolta"), ("suicidal", False, "junan alle"),
    # a wish to die said in the conditional, taking one's own life as an idiom, hanging, leaving for good
    ("suicidal", True, "kuolisin$"), ("suicidal", True, "kuolisinpa"), ("suicidal", False, "hengen itse"),
    ("suicidal", False, "hengen itte"), ("suicidal", False, "itselta … hengen"), ("suicidal", False, "itelta … hengen"),
    ("suicidal", False, "itteltaan … hengen"), ("suicidal", False, "itseltaan … hengen"),
    ("suicidal", False, "hirtt … itse"), ("suicidal", False, "hirttaytya"), ("suicidal", False, "hirttaydy"),
    ("suicidal", False, "parempi … poistun"), ("suicidal", False, "parempi … poistuisin"),
    ("suicidal", False, "parempi … olisin poissa"), ("suicidal", False, "parempi … en olis"),
    ("suicidal", False, "parempi … en olisi"), ("suicidal", False, "paat … paivani"), ("suicidal", False, "paat … mun paivat"),
    ("suicidal", False, "paattaa … paivansa"), ("suicidal", False, "minusta paast … eroon"),
    ("suicidal", False, "musta paast … eroon"), ("suicidal", False, "hyvasti … kaikille"),
    ("suicidal", False, "hyvastit kaikille"),
    # ending "all this" (everything, not one thing): "laittaa pisteen kaikelle", "lopettaa kaiken"
    ("suicidal", False, "pisteen … kaikelle"), ("suicidal", False, "lopun … kaikesta"),
    ("suicidal", False, "lopettaa kaiken$"), ("suicidal", False, "lopetan kaiken$"),
    # Finnish: violence
    ("threat_to_kill", False, "tappaa mut$"), ("threat_to_kill", False, "tappaa minut"), ("threat_to_kill", False, "tappais mut$"),
    ("threat_to_kill", False, "uhka … tappa"), ("sexual_abuse", False, "raiskat"), ("sexual_abuse", False, "raiskau"),
    ("sexual_abuse", False, "raiskasi"),
    ("domestic_violence", False, "aiti lyo"), ("domestic_violence", False, "isa lyo"), ("domestic_violence", False, "mies lyo"),
    ("domestic_violence", False, "vaimo lyo"), ("domestic_violence", False, "puoliso lyo"), ("domestic_violence", False, "poikaystava lyo"),
    ("domestic_violence", False, "tyttoystava lyo"), ("domestic_violence", False, "isapuoli lyo"),
    ("domestic_violence", False, "lyo minua"), ("domestic_violence", False, "lyo mua"), ("domestic_violence", False, "lyo meita"),
    ("domestic_violence", False, "lyonyt minua"), ("domestic_violence", False, "lyonyt mua"), ("domestic_violence", False, "hakkaa minua"),
    ("domestic_violence", False, "hakkaa mua"), ("domestic_violence", False, "potkii minua"),
    ("domestic_violence", False, "uhkailee"), ("threat_to_kill", False, "uhkaa … tappaa"), ("domestic_violence", False, "uhkaa … satuttaa"),
    ("threat_to_kill", False, "pelkaan … tappaa"), ("domestic_violence", False, "pelkaan … lyo"),
    ("domestic_violence", False, "pahoinpiteli"), ("domestic_violence", False, "pahoinpitelee"), ("sexual_abuse", False, "raiskas"),
    ("domestic_violence", False, "kuristi minua"), ("domestic_violence", False, "kuristaa minua"),
    # Swedish
    ("suicidal", False, "gora slut pa allt"), ("suicidal", False, "satta punkt for allt"),
    ("suicidal", True, "sjalvmord"), ("suicidal", False, "vill do$"), ("suicidal", False, "vill … do$"),
    ("suicidal", False, "vill inte leva"), ("suicidal", False, "orkar inte leva"),
    ("suicidal", False, "ta livet av mig"), ("suicidal", False, "ta mitt liv"),
    ("self_harm", True, "skadar mig sjalv"), ("self_harm", True, "skada mig sjalv"),
    ("self_harm", True, "skar mig"), ("self_harm", True, "skara mig"), ("self_harm", True, "skurit mig"),
    ("suicidal", False, "om jag inte fanns"), ("suicidal", False, "battre … utan mig"),
    ("suicidal", False, "tagit … tabletter"), ("suicidal", False, "for manga tabletter"),
    ("suicidal", True, "overdos"), ("domestic_violence", False, "slagit mig"), ("domestic_violence", False, "hotar … skada"),
    ("domestic_violence", False, "forfoljer mig"),
    ("suicidal", False, "onskar … var dod"), ("suicidal", False, "bestamt mig for att do$"),
    ("suicidal", False, "hanga mig"), ("suicidal", False, "farval … alla"),
    ("suicidal", False, "battre … om jag var borta"),
    ("self_harm", True, "branner mig"),
    ("domestic_violence", False, "slar mig"), ("domestic_violence", False, "slog mig"), ("domestic_violence", False, "blir slagen"),
    ("domestic_violence", False, "blev slagen"), ("domestic_violence", False, "misshandlar"), ("domestic_violence", False, "misshandlad"),
    ("threat_to_kill", False, "hotar att doda"), ("threat_to_kill", False, "hotar … doda"), ("domestic_violence", False, "hotar mig"),
    ("domestic_violence", False, "vald hemma"), ("sexual_abuse", False, "valdtog"), ("sexual_abuse", False, "valdtagen"),
    # English
    ("suicidal", False, "end it all"), ("suicidal", False, "end … to it all"), ("suicidal", False, "end to everything"),
    ("suicidal", True, "suicid"), ("suicidal", False, "kill myself"), ("suicidal", False, "end my life"),
    ("suicidal", False, "hang myself"), ("suicidal", False, "better … i$ am$ gone$"), ("suicidal", False, "better … i'm gone$"),
    ("suicidal", False, "better … i$ was$ gone$"), ("suicidal", False, "better … i$ were$ gone$"),
    ("suicidal", False, "better off gone"), ("suicidal", False, "checking out for good"),
    ("suicidal", False, "check out for good"), ("suicidal", False, "goodbye everyone"),
    ("suicidal", False, "end$ it$ all$"), ("suicidal", False, "want to die$"), ("suicidal", False, "wanna die$"),
    ("suicidal", False, "n't want to live"), ("suicidal", False, "dont want to live"),
    ("suicidal", False, "n't wanna live"), ("suicidal", False, "n't want to be alive"),
    ("suicidal", False, "not want to be alive"), ("suicidal", False, "better off without me"),
    ("suicidal", False, "too many pills"), ("suicidal", False, "point in living"),
    ("suicidal", False, "no point living"), ("suicidal", True, "overdos"),
    ("suicidal", False, "wish … was dead"), ("suicidal", False, "wish … were dead"),
    ("suicidal", False, "better off dead"),
    ("suicidal", False, "do not want to live"), ("suicidal", False, "no reason to live"),
    ("self_harm", True, "self-harm"), ("self_harm", True, "self harm"), ("self_harm", True, "hurt myself"),
    ("self_harm", True, "cut myself"), ("self_harm", True, "cutting myself"), ("self_harm", True, "harm myself"),
    ("domestic_violence", False, "hits$ me$"), ("domestic_violence", False, "hit$ me$"), ("domestic_violence", False, "beats$ me$"),
    ("domestic_violence", False, "beat$ me$"), ("domestic_violence", False, "abuses$ me$"), ("domestic_violence", False, "abusing me"),
    ("threat_to_kill", False, "threatens to kill"), ("threat_to_kill", False, "threatened to kill"),
    ("threat_to_kill", False, "afraid … kill$ me$"), ("threat_to_kill", False, "scared … kill$ me$"),
    ("domestic_violence", False, "domestic violence"), ("sexual_abuse", False, "raped$"), ("domestic_violence", False, "hurts$ me$"),
    ("domestic_violence", False, "threatens$ me$"), ("domestic_violence", False, "threatening$ me$"),
    ("threat_to_kill", False, "threatening … to kill"), ("domestic_violence", False, "threatening … to hurt"),
    ("suicidal", False, "n't want to wake up"), ("suicidal", False, "not want to wake up"),
    ("sexual_abuse", False, "sexually assault"), ("domestic_violence", False, "assaulted$ me$"),
    ("threat_to_kill", False, "going to kill me$"), ("threat_to_kill", False, "gonna kill me$"),
    ("threat_to_kill", False, "will kill me$"), ("threat_to_kill", False, "'ll kill me$"), ("domestic_violence", False, "'ll hurt"),
]

# Everyday phrases that contain alarming words. A crisis match inside one of these is ignored.
CALM_PATTERNS: list[str] = [
    "tappaa aikaa", "tappaa … aikaa", "tappamaan aikaa", "kuolemanvasy", "kuoliaaksi",
    "itsemurhan tehneen", "itsemurhan tehneiden", "itsemurhaan menehty", "itsemurhan kautta",
    "itsemurhan jalkeen", "laheisen itsemurha", "itsemurhan menettaneet", "itsemurhan vuoksi",
    "dodstrott", "do av skratt", "sjalvmord … anhorig", "efter ett sjalvmord", "genom sjalvmord",
    "dying to", "killer", "suicide loss", "lost … to suicide", "suicide bereave", "after a suicide",
    "bored to death", "kill$ time", "killing time", "beat$ me$ at$", "beat$ me$ in$",
    "against domestic violence", "against violence", "vakivallan vastai", "vakivaltaa vastaan",
    "mot vald", "mot valdet", "do$ av", "dor av", "dog av skratt",
    # someone else's death, grieved ("veli teki itsemurhan"): a need for peer support
    "teki itsemurhan", "tekee … itsemurhan", "kuoli itsemurhaan", "itsemurhaan kuollut", "kuoli yliannostukseen",
    "tappoi itsensa",
    "took her own life", "took his own life", "took their own life", "died by suicide",
    "bereaved by suicide", "suicide bereavement",
    "tog sitt liv", "tog livet av sig", "dog av en overdos",
    # prevention and helping work
    "itsemurhien ehkaisy", "itsemurhan ehkaisy", "itsetuhoisuus puheeksi", "suicide prevention",
    "sjalvmordsprevention", "sjalvmordsforebygg", "violence survivors", "recogni … violence",
    "kanna igen vald", "tunnistaa … vakivalta", "domestic violence survivors", "naen yliannost",
    "nahnyt yliannost", "see overdoses", "see … overdoses",
    # idioms of tiredness, hunger, cold, laughter: said of the day, not of one's life
    "kuollut vasymyksesta", "kuolen nalkaan", "kuolla nalkaan", "kuolen janoon", "kuoliaaks",
    "henki lahtee", "kuolen tylsyyteen", "tylsyyteen", "nauruun", "kuolla nauruun",
    # laughter marks a joke: the classifier then needs its higher threshold too (mukaan.safety.check)
    "haha", "hahah", "lol$", "tar$ livet av mig", "naan yliannost",
    # "the flu / my boss is killing me": said of a thing, or as a joke with a condition
    "tappaa mut$ jos$", "tappaa mut$ kun$", "tappaa mut$ ,$", "tappaa mut$ .$",
]

# Words that name the subject rather than say something of the writer ("itsemurhatilastot", "a
# thesis on domestic violence", "ser överdoser på akuten") and the ambiguous "X tappaa mut" ("tää
# työ tappaa mut"): a match of one of these patterns is a mention. Mentions count as crisis
# words unless the classifier finds the whole message clearly calm (mukaan.safety.check).
MENTIONS: set[str] = {
    "itsemurh", "itsetuho", "yliannost", "sjalvmord", "overdos", "suicid", "self-harm", "self harm",
    "domestic violence", "vald hemma", "misshandlar", "misshandlad", "pahoinpiteli", "pahoinpitelee",
    "tappaa mut$", "tappaa minut", "tappais mut$",
}

# A hurt long over ("siitä on 15 vuotta", "years ago"): with these in the message, the crisis
# words are set aside for the whole message, but only where the classifier agrees it is calm.
OVER_PATTERNS: list[str] = [
    "vuosia sitten", "vuotta sitten", "siita on … vuotta", "aikoinaan", "nuorena", "lapsena", "lapsuudessa",
    "in my childhood", "i barndomen",
    "years ago", "as a child", "when i was young", "ar sedan", "som barn", "som ung",
    # told as the teens, or as healed since: "nyt voin hyvin", "det är över", "I'm well now"
    "teinina", "teini-ikaisena", "nuoruudessa", "ylaasteella", "i tonaren", "som tonaring",
    "as a teen", "in my teens", "voin nyt hyvin", "nyt voin hyvin", "voin jo hyvin", "se on ohi",
    "olen toipunut", "oon toipunu", "mar bra nu", "mar battre nu", "det ar over", "i'm well now",
    "i am well now", "doing well now", "i'm fine now", "i have recovered", "i've recovered",
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
                out.append({"NORM": {"REGEX": "^" + _spoken(part.replace("'", "'?"))}})
    return out


def _spoken(word: str) -> str:
    """Spoken Finnish says "itte", "ite" for "itse" ("tapan itteni"): a pattern word that begins
    with the written form matches the spoken ones too."""
    return "it(?:se|te|e)" + word[4:] if word.startswith("itse") else word


def _matcher(vocab, patterns: list[str]) -> Matcher:
    """A matcher whose match ids are "p<index into patterns>"."""
    matcher = Matcher(vocab)
    for i, pattern in enumerate(patterns):
        matcher.add(f"p{i}", [_token_patterns(pattern)])
    return matcher


@lru_cache(maxsize=None)
def _matchers(lang: str):
    nlp = pipeline(lang)
    return (nlp, _matcher(nlp.vocab, [pattern for _, _, pattern in CRISIS_PATTERNS]),
            _matcher(nlp.vocab, CALM_PATTERNS), _matcher(nlp.vocab, OVER_PATTERNS))


@dataclass
class Scan:
    found: list[str]        # crisis classes found (negations applied)
    set_aside: list[str]    # those inside a calm phrase
    mentions: list[str]     # those found by a pattern of MENTIONS only
    calm: bool              # a calm phrase anywhere
    over: bool              # a hurt told as long over


def scan(text: str, lang: str) -> Scan:
    """What the word lists find in ``text``."""
    nlp, crisis, calm, over = _matchers(lang if lang in LANGS else "fi")
    doc = fold_norms(nlp.make_doc(text[:5000]))
    calm_spans = [(s, e) for _, s, e in calm(doc)]
    found, set_aside, mentions = [], [], []
    for match_id, start, _ in crisis(doc):
        category, negatable, pattern = CRISIS_PATTERNS[int(nlp.vocab.strings[match_id][1:])]
        if negatable and {t.norm_ for t in doc[max(0, start - 3):start]} & NEGATIONS:
            continue
        if any(s <= start < e for s, e in calm_spans):
            set_aside.append(category)
        else:
            (mentions if pattern in MENTIONS else found).append(category)
    mentions = [c for c in mentions if c not in found]
    return Scan(found, set_aside, mentions, bool(calm_spans), bool(over(doc)))
