"""Whether an activity fits the person asking, beyond what the search ranks: their age group,
the languages they use or ask for, and groups narrower than their situation.

- **Age.** A stated age or a word such as eläkeläinen, nuori, student or pensionär gives an age
  group (``age_group_of``); an activity only for young people is not offered to a senior, and
  one only for seniors not to a young person. Words about a child or a parent ("lapselleni",
  "for my mother") open the activities for that person's age.
- **Languages.** An activity run only in languages that the resident has neither used nor asked
  for ("på svenska", "englanniksi", "in Russian": ``asked_languages``) is not offered.
- **Narrow groups.** An activity for people bereaved by suicide, parents who have lost a child,
  widows, or one illness (``NARROW``) is offered only when the resident's own words name that
  situation.

The cues are regular expressions over lower-case text, in Finnish, Swedish and English.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from mukaan.catalogue.schema import Activity

# Words that name a language the resident wants, in fi/sv/en (ISO 639-1 codes).
LANGUAGE_CUES = {
    "fi": r"suomeksi|suomen kiel|suomenkiel|på finska|finskspråkig|in finnish|finnish[- ]speaking",
    "sv": r"ruotsiksi|ruotsin kiel|ruotsinkiel|på svenska|svenskspråkig|in swedish|swedish[- ]speaking",
    "en": r"englanniksi|englannin kiel|englanninkiel|på engelska|engelskspråkig|in english|english[- ]speaking",
    "ru": r"venäjäksi|venäjän kiel|på ryska|in russian",
    "uk": r"ukrainaksi|ukrainan kiel|på ukrainska|in ukrainian",
    "ar": r"arabiaksi|arabian kiel|på arabiska|in arabic",
    "so": r"somaliksi|somalin kiel|på somaliska|in somali",
    "et": r"viroksi|eestiksi|viron kiel|på estniska|in estonian",
    "fa": r"persiaksi|farsiksi|på persiska|in (persian|farsi)",
}

# Words that give the resident's own age group.
AGE_CUES = {
    "seniors": r"eläkeläi|eläkkeellä|ikäihmi|ikääntyn|vanhus|seniori|pensionär|pensionerad|äldre|"
               r"\bpensioner|\bretired|\bsenior|elderly|older (person|people|man|woman)",
    "youth": r"\bnuori\b|\bnuore[nt]|opiskelija|teini|\bung\b|\bunga\b|tonåring|studerande|"
             r"\bstudent|teenager|young (person|people|man|woman)",
}
# Words about someone of another age the activity may be for (the resident asks for them).
FOR_YOUNG = r"lapse|lapsi|poika|poja|tytär|tyttär|nuore|barn|\bson\b|sonen|dotter|\bung|child|kid|\bson\b|" \
            r"daughter|teen|young"
FOR_OLD = r"äiti|äidi|\bisä|isoäi|isoisä|mummo|mummi|vaari|pappa|ukki|min (mor|far)\b|mamma|farmor|mormor|" \
          r"farfar|morfar|mother|father|grandm|grandf|grandpa|grandma"

# Groups narrower than most residents' situations: (the activity's Finnish name or description
# says it is for them, the resident's words say they belong to it).
NARROW = {
    "suicide": (r"itsemurh",
                r"itsemurh|riisti henkensä|suicid|självmord|tog sitt (eget )?liv|took (his|her|their) own life|"
                r"killed (him|her|them)sel"),
    "child_loss": (r"lapsensa menettäne|lapsen menettäne|menettäneiden vanhempien",
                   r"(lapse|poja|tyttäre|vauva)(ni|mme) (on )?kuol|(lapsi|poika|tytär|vauva)(ni|mme) (on )?kuol|"
                   r"menetin (lapse|poja|tyttäre|vauva)|menetimme|(mitt|vårt) barn (har )?d[öo]|"
                   r"(min|vår) (son|dotter) (har )?d[öo]|förlorat? (mitt|vårt|ett) barn|förlorade (min|mitt|vårt)|"
                   r"lost (my|our|a) (child|son|daughter|baby)|(my|our) (child|son|daughter|baby) (has )?died"),
    "widowed": (r"\bleskien|\bleskeille|leskeyt",
                r"\bleski|(vaimo|mie[sh]|puoliso|aviomie[sh]|aviopuoliso)\w* (on )?kuol|menetin (vaimo|miehe|puoliso)|"
                r"änka|änkling|min (fru|man|make|maka|partner) (har )?d[öo]|förlorade min (fru|man|make|maka)|"
                r"widow|(wife|husband|spouse|partner) (has )?died|lost my (wife|husband|spouse|partner)"),
    "cancer": (r"syöp|syöv", r"syöp|syöv|cancer|kräft"),
    "ms": (r"\bms-tau", r"\bms\b|ms-tau|multippeli|multipel skleros|multiple sclerosis"),
    "parkinson": (r"parkinson", r"parkinson"),
    "neurodivergence": (r"autismi|adhd|neurokirj",
                        r"autis|adhd|\badd\b|neurokirj|neuropsyk|asperger|neurodiverg|\bnpf\b|neuropsykiatr"),
    "intellectual_disability": (r"kehitysvamm", r"kehitysvam|utvecklingsstör|intellektuell funk|"
                                                r"intellectual disab|learning disab"),
}
_YOUNG_ONLY = {"children", "youth"}


def _any(pattern: str, text: str) -> bool:
    return bool(re.search(pattern, text, re.IGNORECASE))


def asked_languages(text: str) -> list[str]:
    """Languages the resident asks for in so many words ("Helst på svenska" → ["sv"])."""
    low = (text or "").lower()
    return [code for code, cue in LANGUAGE_CUES.items() if _any(cue, low)]


def age_group_of(text: str) -> str | None:
    """The resident's age group from words such as eläkeläinen, nuori, student, pensionär."""
    low = (text or "").lower()
    return next((group for group, cue in AGE_CUES.items() if _any(cue, low)), None)


def age_group_for(age: int) -> str:
    """The age group of a stated age."""
    return "seniors" if age >= 65 else "youth" if age < 25 else "adults"


@dataclass
class Person:
    """What is known of the person an activity is for: their own words (in any language), their
    age group (seniors, adults, youth or None) and the languages they use or ask for."""
    words: str = ""
    age_group: str | None = None
    languages: set[str] = field(default_factory=set)

    def narrow_groups(self) -> set[str]:
        return {name for name, (_, cue) in NARROW.items() if _any(cue, self.words)}


def _narrow(activity: Activity) -> set[str]:
    text = f"{activity.name.fi}\n{activity.description.fi}"
    return {name for name, (cue, _) in NARROW.items() if _any(cue, text)}


def _age_fits(activity: Activity, person: Person) -> bool:
    audience = set(activity.audience)
    words = person.words.lower()
    if audience <= _YOUNG_ONLY:      # only for children or young people
        return person.age_group == "youth" or _any(FOR_YOUNG, words)
    if audience == {"seniors"}:      # only for older people
        return person.age_group == "seniors" or _any(FOR_OLD, words) or _any(AGE_CUES["seniors"], words)
    return True


def fits(activity: Activity, person: Person) -> bool:
    """Whether to offer ``activity`` to ``person`` at all (ranking is the search's job)."""
    if person.languages and not person.languages & set(activity.languages):
        return False
    if not _narrow(activity) <= person.narrow_groups():
        return False
    return _age_fits(activity, person)
