"""The semantic route of the crisis check: a linear classifier over multilingual-e5 vectors.

Word lists miss what nobody listed: euphemisms ("lopettaa päiväni", "sova för alltid"),
passive death wishes, a plan told in the past tense in the middle of a long message, or a
language the lexicon barely covers. The e5 model the search already runs places such
sentences near the crisis examples they mean. A multinomial logistic regression
(scikit-learn, at training time only) learns the classes from examples written per class
(``mukaan/data/crisis_examples*.yaml``) against everyday messages (the examples' calm classes,
named ``calm_…``, and the NLU training data). Serving needs numpy alone: one matrix product.

A long message is scored sentence by sentence as well as whole, so one sentence about ending
it is not drowned by ten about the weather.

    python -m mukaan.safety train      # (re)train when the examples or the model changed
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from mukaan import vectors as linear
from mukaan.nlp import LANGS
from mukaan.settings import ROOT
from mukaan.vectors import Encode

EXAMPLES = sorted((ROOT / "mukaan" / "data").glob("crisis_examples*.yaml"))
VERSION = "3"                       # part of the fingerprint: bump when training changes
# Everyday needs on hard topics ("calm_needs": a diagnosis in the family, a relative's drinking,
# memory loss) are most of what residents write, and far fewer of them are written out than
# NLU sentences: each weighs as much as EMPHASIS of the other calm examples. Chosen on the dev
# halves (the crisis cases, and the everyday messages of the search and conversation sets).
EMPHASIS = {"calm_needs": 10.0}
MAX_SEGMENTS = 12

_SENTENCE = re.compile(r"(?<=[.!?…])\s+|\s*[\n;]+\s*|\s+(?:-|–)\s+")


def segments(text: str) -> list[str]:
    """The whole message, then its sentences of three words or more (at most MAX_SEGMENTS
    parts). Splitting sentences further into clauses was measured on the dev half: no more
    crises found, more misfires, twice the encoding time."""
    text = " ".join(text.split())
    parts = [text]
    sentences = [s.strip(" ,.") for s in _SENTENCE.split(text) if s and s.strip()]
    if len(sentences) > 1:
        parts += [s for s in dict.fromkeys(sentences) if len(s.split()) >= 3 and s != text]
    return parts[:MAX_SEGMENTS]


@dataclass
class Scores:
    whole: float             # 1 - P(calm) of the whole message
    part: float              # 1 - P(calm) of its most alarming part: the whole or one sentence
    label: str               # the most likely class of the more alarming of the two
    support: float           # P(calm_support) of the whole message: grief or a past that is over


@dataclass(frozen=True)
class Thresholds:
    whole: float = 0.68      # a message is a crisis from this score of the whole message,
    part: float = 0.9        # or of one part (it carries less context, so it needs more)
    support: float = 0.5     # from this P(calm_support), the crisis line is offered quietly
    calm_veto: float = 0.9   # from this whole-message score, the lexicon's calm exceptions do not hold
    mention_veto: float = 0.3   # below this whole-message score, the lexicon's mentions do not count


class CrisisModel:
    """The trained weights, the encoder that turns text into e5 query vectors, and the
    thresholds (settings crisis_threshold, crisis_part_threshold, crisis_support_threshold,
    crisis_calm_veto)."""

    def __init__(self, classes: list[str], weights: np.ndarray, bias: np.ndarray, encode: Encode,
                 thresholds: Thresholds = Thresholds()):
        self.classes, self.weights, self.bias, self.encode = classes, weights, bias, encode
        self.thresholds = thresholds
        self._calm = np.array([c.startswith("calm_") for c in classes])
        self._support = classes.index("calm_support") if "calm_support" in classes else None

    def probabilities(self, vectors: np.ndarray) -> np.ndarray:
        return linear.softmax(vectors, self.weights, self.bias)

    def score(self, text: str) -> Scores:
        whole, *parts = segments(text)
        vectors = self.encode([whole])
        if parts:       # short: encoded apart from the whole message, they are not padded to its length
            vectors = np.vstack([vectors, self.encode(parts)])
        p = self.probabilities(vectors)
        crisis = 1.0 - p[:, self._calm].sum(axis=1)
        worst = int(crisis.argmax())
        crisis_classes = np.where(self._calm, 0.0, p[worst])       # which crisis, if it is one
        support = float(p[0, self._support]) if self._support is not None else 0.0
        return Scores(float(crisis[0]), float(crisis[worst]), self.classes[int(crisis_classes.argmax())], support)

    def is_crisis(self, scores: Scores, strict: bool = False) -> bool:
        """Alarming as a whole or in one part; ``strict``: both need the part threshold."""
        return max(scores.whole, scores.part) >= self.thresholds.part if strict else (
            scores.whole >= self.thresholds.whole or scores.part >= self.thresholds.part)

    @classmethod
    def load(cls, path: Path, encode: Encode, fingerprint: str | None = None,
             thresholds: Thresholds = Thresholds()) -> CrisisModel:
        """Raises FileNotFoundError, or ValueError when the file is stale or unreadable."""
        return cls(*linear.load(path, fingerprint), encode, thresholds)


def training_examples() -> list[tuple[str, str]]:
    """(text, class) pairs: the written examples, and every NLU example but the crisis
    intent's as everyday talk."""
    pairs = []
    for path in EXAMPLES:
        for label, by_lang in yaml.safe_load(path.read_text(encoding="utf-8")).items():
            for lang in LANGS:
                pairs += [(text, label) for text in by_lang.get(lang) or []]
    pairs += [(text, "calm_everyday") for text, intent, _ in linear.nlu_examples() if intent != "crisis"]
    return pairs


def fingerprint(model_id: str) -> str:
    """What the weights depend on: the training (VERSION), the examples, the NLU data and the model."""
    h = hashlib.sha256(VERSION.encode())
    for path in [*EXAMPLES, *linear.nlu_files()]:
        h.update(path.read_bytes())
    h.update(model_id.encode())
    return h.hexdigest()


def train(encode: Encode, out: Path, model_fingerprint: str, batch: int = 64, c: float = 8.0) -> dict:
    """Encode the examples, fit the classifier and write it to ``out`` (atomically).

    The calm examples together weigh as much as the crisis ones (each class group half), so
    that neither the many NLU sentences nor the seven crisis classes tilt the prior; the
    everyday needs weigh more (EMPHASIS). C and the weighting were chosen on the blind dev
    halves (whole-message recall and misfires)."""
    pairs = training_examples()
    vectors = linear.encode_all(encode, [t for t, _ in pairs], batch)
    labels = np.array([label for _, label in pairs])
    calm = np.char.startswith(labels, "calm_")
    weights = np.where(calm, 0.5 / calm.sum(), 0.5 / (~calm).sum()) * len(labels)
    weights *= np.array([EMPHASIS.get(label, 1.0) for label in labels])
    classes = linear.fit(vectors, labels, out, model_fingerprint, weights, c)
    return {label: int((labels == label).sum()) for label in classes}
