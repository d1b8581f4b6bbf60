"""spaCy text pipelines for Finnish, Swedish and English.

No trained Finnish or Swedish spaCy pipelines exist on PyPI, so each language uses a blank
pipeline (spaCy's rule-based tokeniser for that language) plus a ``simplemma`` lemmatiser
component registered here. The lexical index, the topic lexicon and the crisis check all
read text through these pipelines.
"""
from __future__ import annotations

import unicodedata
from functools import lru_cache

import simplemma
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from mukaan.texts import LANGS


def fold(text: str) -> str:
    """Lower-case and strip diacritics (ä→a, ö→o, å→a): residents often type without them."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


@Language.factory("simplemma_lemmatizer", default_config={"lang": "fi"})
def _make_lemmatizer(nlp: Language, name: str, lang: str):
    def lemmatize(doc: Doc) -> Doc:
        for token in doc:
            if token.is_alpha:
                token.lemma_ = simplemma.lemmatize(token.lower_, lang=lang).lower()
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
