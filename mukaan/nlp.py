"""spaCy text pipelines for Finnish, Swedish and English.

No trained Finnish or Swedish spaCy pipelines exist on PyPI, so each language uses a blank
pipeline (spaCy's rule-based tokeniser for that language) plus a ``simplemma`` lemmatiser
component registered here. The lexical index, the topic lexicon and the crisis check all
read text through these pipelines.

Memory (issue 18, `python -m scripts.memory_steps`): simplemma's dictionaries are read from
its compact front-coded streams (``low_memory``: 62 MB for fi+sv+en, the same lemmas, against
540 MB as Python dicts), and spaCy is imported without torch (thinc imports torch whenever it
is installed, about 180 MB; blank pipelines never use it).
"""
from __future__ import annotations

import importlib
import sys
import unicodedata
from functools import lru_cache

import simplemma

from mukaan.texts import LANGS


def _spacy_without_torch():
    """Import spaCy so that thinc does not import torch; a process that has torch already (an
    index build) keeps it, and torch can still be imported later."""
    if "torch" in sys.modules:
        return importlib.import_module("spacy")
    sys.modules["torch"] = None              # makes `import torch` fail inside thinc.compat
    try:
        return importlib.import_module("spacy")
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]


spacy = _spacy_without_torch()
from spacy.language import Language  # noqa: E402  (after the import above)
from spacy.matcher import Matcher  # noqa: E402, F401  (for the crisis lexicon: spaCy through here)
from spacy.tokens import Doc  # noqa: E402


def fold(text: str) -> str:
    """Lower-case and strip diacritics (ä→a, ö→o, å→a): residents often type without them."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@Language.factory("simplemma_lemmatizer", default_config={"lang": "fi"})
def _make_lemmatizer(nlp: Language, name: str, lang: str):
    def lemmatize(doc: Doc) -> Doc:
        for token in doc:
            if token.is_alpha:
                token.lemma_ = simplemma.lemmatize(token.lower_, lang=lang, low_memory=True).lower()
            else:
                token.lemma_ = token.lower_
        return doc
    return lemmatize


@lru_cache(maxsize=None)
def pipeline(lang: str) -> Language:
    """A blank spaCy pipeline for ``lang`` with the simplemma lemmatiser."""
    lang = lang if lang in LANGS else "fi"
    nlp = spacy.blank(lang)
    nlp.add_pipe("simplemma_lemmatizer", config={"lang": lang})
    return nlp


def fold_norms(doc: Doc) -> Doc:
    """Set each token's NORM to its folded text, for matchers that compare on NORM."""
    for token in doc:
        token.norm_ = fold(token.text)
    return doc


def lemmas(text: str, lang: str) -> list[str]:
    """Lemmas of the word tokens of ``text`` (lower-case)."""
    return [t.lemma_ for t in pipeline(lang)(text) if t.is_alpha or t.like_num]
