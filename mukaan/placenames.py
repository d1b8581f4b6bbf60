"""Inflected and spoken forms of Finnish place names, made by rule, for the gazette.

Residents write where they live in the local cases ("asun Tapiolassa", "Kontulasta",
"Hervannan kirjasto", "Myyrmäkeen") and speak them clipped ("Hervannas", "Espoos",
"Tampereel"). :func:`finnish_forms` makes those forms of a base name: the stem (with the
consonant gradation of the last syllable and the stems of the common heads: -mäki, -niemi,
-lahti, -saari, -inen, -us …), then the genitive, the six local cases and the illative, and
the clipped spoken forms. The forms are folded (ä→a), as the gazette matches folded text, so
vowel harmony need not be decided. A rule that overshoots makes a form nobody writes, which
does no harm; the forms are only ever looked up.
"""
from __future__ import annotations

import re

from mukaan.nlp import fold

# Heads with their own stems: (weak stem for most cases, strong stem for the illative).
_HEADS = {
    "maki": ("mae", "make"), "niemi": ("nieme", "nieme"), "saari": ("saare", "saare"),
    "lahti": ("lahde", "lahte"), "joki": ("joe", "joke"), "jarvi": ("jarve", "jarve"),
    "koski": ("koske", "koske"), "vuori": ("vuore", "vuore"), "kivi": ("kive", "kive"),
    "lampi": ("lamme", "lampe"), "lammi": ("lammi", "lammi"), "haka": ("haa", "haka"),
    "kangas": ("kankaa", "kankaa"), "huhti": ("huhdi", "huhti"), "suo": ("suo", "suo"),
    "maa": ("maa", "maa"), "pelto": ("pello", "pelto"), "ranta": ("ranna", "ranta"),
    "kumpu": ("kummu", "kumpu"), "puro": ("puro", "puro"), "salmi": ("salme", "salme"),
    "hanki": ("hange", "hanke"), "vainio": ("vainio", "vainio"), "kulma": ("kulma", "kulma"),
}
# Consonant gradation in the last syllable: strong → weak (Hervanta → Hervannassa).
_GRADATION = (("kk", "k"), ("pp", "p"), ("tt", "t"), ("nt", "nn"), ("nk", "ng"), ("lt", "ll"),
              ("rt", "rr"), ("mp", "mm"), ("ht", "hd"))
_VOWELS = "aeiouy"               # folded: ä and ö are a and o
_CASES = ("n", "ssa", "sta", "lla", "lta", "lle")
_SPOKEN = {"ssa": "s", "sta": "st", "lla": "l", "lta": "lt", "lle": "l"}


def _stems(word: str) -> tuple[str, str] | None:
    """(weak stem, strong stem) of a folded single word, or None when no rule fits."""
    for head, (weak, strong) in _HEADS.items():
        if word.endswith(head):
            base = word[: -len(head)]
            return base + weak, base + strong
    if word.endswith("inen"):                       # Sörnäinen → Sörnäisissä
        return word[:-4] + "isi", word[:-4] + "isi"
    if re.search(r"[^aeiouy](us|ys)$", word):       # Itäkeskus → Itäkeskuksessa
        return word[:-1] + "kse", word[:-1] + "kse"
    if re.search(r"[^aeiouy]is$", word):            # Aviapolis → Aviapoliksessa
        return word[:-1] + "kse", word[:-1] + "kse"
    if word[-1:] not in _VOWELS:                     # Östersundom → Östersundomissa
        return word + "i", word + "i"
    if word.endswith("e"):                          # Tampere → Tampereella
        return word + "e", word + "e"
    for strong, weak in _GRADATION:                 # Hervanta → Hervanna-, Kamppi → Kampi-
        if re.search(f"{strong}[{_VOWELS}]$", word):
            return word[: -len(strong) - 1] + weak + word[-1], word
    return word, word


def _illative(strong: str) -> str:
    last = strong[-1]
    if len(strong) > 1 and strong[-2] == last:      # long vowel: Linnainmaa → Linnainmaahan
        return strong + "h" + last + "n"
    if strong.endswith(("uo", "yo", "ie")):        # Ruskeasuo → Ruskeasuohon
        return strong + "h" + last + "n"
    if strong.endswith("e") and strong[-2:] != "ee":   # Myyrmäki → Myyrmäkeen
        return strong + "en"
    return strong + last + "n"


def finnish_forms(name: str) -> set[str]:
    """The folded base, genitive, local-case, illative and clipped spoken forms of ``name``.

    Only the last word of a name of several words is inflected ("Espoon keskus" → "Espoon
    keskuksessa")."""
    folded = fold(name.strip())
    head_start = max(folded.rfind(" "), folded.rfind("-")) + 1
    prefix, word = folded[:head_start], folded[head_start:]
    forms = {folded}
    stems = _stems(word) if len(word) > 2 else None
    if not stems:
        return forms
    weak, strong = stems
    for ending in _CASES:
        forms.add(prefix + weak + ending)
        if ending in _SPOKEN:
            forms.add(prefix + weak + _SPOKEN[ending])
    forms.add(prefix + _illative(strong))
    return forms


def swedish_forms(name: str) -> set[str]:
    """The folded base and genitive ("Hagalunds bibliotek") of a Swedish name."""
    folded = fold(name.strip())
    return {folded, folded if folded.endswith("s") else folded + "s"}
