"""What a search query asks for, from its meaning: a linear classifier over the multilingual-e5
query vector (the one dense search already computes), fused with the lexicon of taxonomy.py.

The word lists find the kinds a resident names; they miss a wish to help others said without
the word for volunteering ("mulla ois aikaa käydä juttelemassa jonkun vanhuksen kanssa"), and
they take "olisko mulle vapaaehtoista ystävää" (a resident who wants a visiting friend) for a
wish to volunteer. The classifier learns the kinds from the NLU examples (look_for_* intents,
describe_situation: a need told as a situation), from examples written for it
(``mukaan/data/asked_examples.yaml``) and from the catalogue's own activities (name and
description, labelled with their kind). scikit-learn fits it at training time only
(mukaan/vectors.py, as for the crisis check); serving is one matrix product.

Fusion (``Wishes.fuse``), giving vs getting help first:
- giving help the most likely reading (from ``giving``): volunteering counts as asked for;
- the lexicon found the word for volunteering, the most likely reading is another kind: it is
  not asked for, it ranks lower (a wish to get a volunteer's help);
- the other kinds' probabilities add to the lexicon's need cues (a soft preference).

Negation and contrast ("ei kuntosali vaan kävelyryhmä", "inte gym utan promenader", "not the gym
but walking", "kuntosalin sijaan", "instead of the gym") are handled before both: ``split_negated``
takes the negated words out of the query, so neither BM25 nor the dense vector searches for
what the resident said they do not want (the dense vector keeps some of the whole query's
context); the kinds those words name rank lower (not wanted), while the topics of the
resident's situation stay ("ei sururyhmää vaan jotain tekemistä": still grieving).

    python -m mukaan.catalogue train-asked [--force]   # `make asked`, when its inputs changed
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import yaml

from mukaan import vectors as linear
from mukaan.catalogue.schema import KINDS
from mukaan.catalogue.taxonomy import detect
from mukaan.nlp import LANGS
from mukaan.settings import ROOT, Settings
from mukaan.vectors import Encode

EXAMPLES = ROOT / "mukaan" / "data" / "asked_examples.yaml"
VERSION = "1"                       # part of the fingerprint: bump when training changes
# The NLU intents that say what a resident looks for, as the classifier's classes; a need told
# as a situation (describe_situation) is getting help without a named kind.
INTENTS = {"look_for_volunteering": "volunteering", "look_for_befriending": "befriending",
           "look_for_peer_support": "peer_support", "look_for_practical_help": "practical_help",
           "look_for_meeting_place": "meeting_place", "look_for_activity": "club",
           "describe_situation": "situation"}
# With a negation, the dense vector is that of the words asked for plus this many times that of
# the whole query (tried on the dev half: 0, 1 and 2; 2 lost least of the context).
NEGATED_CONTEXT = 2.0
# Topics that are what one does, not who one is: negated, they are not wanted.
ACTIVITY_TOPICS = ("exercise", "culture", "nature")
CATALOGUE_CHARS = 300               # an activity as an example: its name and the start of its description


# -- negation and contrast ------------------------------------------------------------------
# Negations that can stand before a thing the resident does not want. Finnish "en"/"et" only
# with a verb of wanting: "en jaksa vaan istua kotona" is "I can't stand just sitting at home"
# ("vaan" also means "just"), not a contrast.
_NEG = (r"(?:ei mitään|ei mikään|eikä|ei|älä|en (?:halua|haluu|tahdo|tarvitse|tarvii|tarvi|etsi|kaipaa)|"
        r"inte|icke|ej|not|no|don't want|do not want|don't need|do not need|rather not)")
# "ei X vaan Y" / "inte X utan Y" / "not X but Y": the negation and a few words before the
# contrast word (then what follows it is what is asked for). English "but" is concessive as
# often ("I don't want to be alone but…", "no one to talk to but…"): only after a thing, in
# at most four words.
_NOT = rf"\b{_NEG}(?!\s+(?:to|be|one|idea|sure|really|know)\b)"
_NOT_BUT = re.compile(rf"{_NOT}(?:\s+[\w'-]+){{1,6}}\s*,?\s+(?:vaan|utan)\b|"
                      rf"{_NOT}(?:\s+[\w'-]+){{1,4}}?\s*,?\s+but\b", re.I)
# "kuntosalin sijaan" / "i stället för gym" / "instead of the gym" / "rather than": the word
# before sijaan/asemesta, or up to three words after the others (to a comma at most).
_INSTEAD_AFTER = re.compile(r"\b[\w-]+\s+(?:sijaan|asemesta|sijasta)\b", re.I)
_INSTEAD_BEFORE = re.compile(r"\b(?:i stället för|istället för|snarare än|hellre än|instead of|rather than)"
                             r"((?:\s+[\w'-]+){1,3}?)(?=\s*[,.;!?]|\s+(?:i|I|jag|we|vi)\b|$)", re.I)


def split_negated(query: str) -> tuple[str, str]:
    """(what ``query`` asks for, what it says the resident does not want): the query without
    its negated words, and those words; (query, "") when it negates nothing that way."""
    removed: list[str] = []

    def cut(match: re.Match) -> str:
        removed.append(match.group(0))
        return " "
    text = query
    for pattern in (_NOT_BUT, _INSTEAD_AFTER, _INSTEAD_BEFORE):
        text = pattern.sub(cut, text)
    text = " ".join(text.split())
    return (text, " ".join(removed)) if text.strip(" ,.;!?") else (query, "")


# -- the classifier -------------------------------------------------------------------------
@dataclass(frozen=True)
class Thresholds:
    giving: float = 0.3      # from this P(volunteering), its most likely class, volunteering is asked for
    getting: float = 0.5     # below it, another class most likely: the lexicon's volunteering is not
    need: float = 0.3        # the other kinds' probabilities times this join the need cues


@dataclass
class Wishes:
    """The classifier's kind probabilities for one query (``situation``: a need, no kind)."""
    p: dict[str, float]
    thresholds: Thresholds

    @property
    def giving(self) -> float:
        return self.p.get("volunteering", 0.0)

    def fuse(self, asked: list[str], needs: dict[str, float]) -> tuple[list[str], dict[str, float], list[str]]:
        """The lexicon's named kinds and need cues, corrected and completed (module doc), and
        the kinds the query does not want: volunteering when the lexicon saw its word in a
        wish to get help ("olisko mulle vapaaehtoista ystävää")."""
        t = self.thresholds
        asked, unwanted = list(asked), []
        top = max(self.p, key=self.p.get)
        if "volunteering" in asked and top != "volunteering" and self.giving < t.getting:
            asked.remove("volunteering")
            unwanted.append("volunteering")
        elif "volunteering" not in asked and top == "volunteering" and self.giving >= t.giving:
            asked.append("volunteering")
        needs = dict(needs)
        for kind, p in self.p.items():
            if kind in KINDS and kind != "volunteering" and p * t.need > needs.get(kind, 0.0):
                needs[kind] = p * t.need
        return asked, needs, unwanted


@dataclass
class Reading:
    """A query as the search reads it: the words it asks for (``text``: dense, BM25, kinds),
    the words it negates (``negated``: their topics stay as context, their kinds are not
    wanted), and the classifier's reading of the whole query (None without the detector)."""
    text: str
    negated: str = ""
    wishes: Wishes | None = None
    query: str = ""          # the whole query as written

    def fuse(self, lang: str, topics: list[str], asked: list[str], needs: dict[str, float]) -> Fused:
        """What the lexicon found in ``text`` (taxonomy.detect), with the classifier's reading
        and the negated words: the kinds they name are not wanted, nor the topics that are what
        one does (ACTIVITY_TOPICS: "inte dans utan…"); the topics of the resident's situation
        stay as context ("ei sururyhmää vaan jotain tekemistä": still grieving)."""
        unwanted: list[str] = []
        if self.wishes is not None:
            asked, needs, unwanted = self.wishes.fuse(asked, needs)
        if self.negated:
            not_topics, not_kinds, _ = detect(self.negated, lang)
            topics = topics + [t for t in not_topics if t not in topics and t not in ACTIVITY_TOPICS]
            unwanted += [k for k in not_kinds if k not in asked and k not in unwanted]
        return Fused(topics, asked, needs, unwanted)


@dataclass
class Fused:
    topics: list[str]
    asked: list[str]                 # kinds asked for
    needs: dict[str, float]          # kinds the wishes point to, 0..1
    unwanted: list[str]              # kinds not wanted


class AskedModel:
    def __init__(self, classes: list[str], weights: np.ndarray, bias: np.ndarray, encode: Encode,
                 thresholds: Thresholds = Thresholds()):
        self.classes, self.weights, self.bias, self.encode = classes, weights, bias, encode
        self.thresholds = thresholds

    def wishes(self, query: str) -> Wishes:
        p = linear.softmax(self.encode([query]), self.weights, self.bias)[0]
        return Wishes(dict(zip(self.classes, map(float, p))), self.thresholds)

    @classmethod
    def load(cls, path: Path, encode: Encode, fingerprint: str | None = None,
             thresholds: Thresholds = Thresholds()) -> AskedModel:
        """Raises FileNotFoundError, or ValueError when the file is stale or unreadable."""
        return cls(*linear.load(path, fingerprint), encode, thresholds)


def load_model(settings: Settings, encode: Encode, model_id: str) -> AskedModel:
    """The trained detector (setting ``asked_model``, thresholds ``asked_*``) for the embedding
    model ``model_id``. Raises FileNotFoundError, or ValueError when stale (`make asked`)."""
    thresholds = Thresholds(settings.asked_giving, settings.asked_getting, settings.asked_need)
    return AskedModel.load(settings.asked_model, encode, fingerprint(model_id), thresholds)


def up_to_date(settings: Settings, model_id: str) -> bool:
    """Whether the trained file fits the examples, the NLU data and the model (else it is not
    used) and was trained on the catalogue files as they are now (else `make asked` trains it
    again, but the search keeps using it: an imported file does not switch the detector off)."""
    try:
        linear.load(settings.asked_model, fingerprint(model_id))
    except (FileNotFoundError, ValueError, KeyError):
        return False
    return linear.note(settings.asked_model, "catalogue") == catalogue_fingerprint(settings.catalogue_dir)


def _catalogue_files(catalogue_dir: Path) -> list[Path]:
    return sorted(catalogue_dir.glob("*.yaml"))


def training_examples(catalogue_dir: Path) -> list[tuple[str, str]]:
    """(text, class) pairs: the NLU examples of INTENTS, the written examples, the activities."""
    from mukaan.catalogue.loader import load_dir
    pairs = [(text, INTENTS[intent]) for text, intent, _ in linear.nlu_examples() if intent in INTENTS]
    for label, by_lang in yaml.safe_load(EXAMPLES.read_text(encoding="utf-8")).items():
        for lang in LANGS:
            pairs += [(text, label) for text in by_lang.get(lang) or []]
    for activity in load_dir(catalogue_dir) if _catalogue_files(catalogue_dir) else []:
        for lang in LANGS:
            if activity.description.has(lang):
                text = f"{activity.name.get(lang)}. {activity.description.get(lang)}"
                pairs.append((text[:CATALOGUE_CHARS].rsplit(" ", 1)[0], activity.kind))
    return pairs


def fingerprint(model_id: str) -> str:
    """What the weights must fit to be used: the training, the examples, the NLU data and the
    embedding model."""
    h = hashlib.sha256(VERSION.encode())
    for path in [EXAMPLES, *linear.nlu_files()]:
        h.update(path.read_bytes())
    h.update(model_id.encode())
    return h.hexdigest()


def catalogue_fingerprint(catalogue_dir: Path) -> str:
    """The catalogue files the detector learned from (``up_to_date``)."""
    h = hashlib.sha256()
    for path in _catalogue_files(catalogue_dir):
        h.update(path.name.encode() + path.read_bytes())
    return h.hexdigest()


def train(encode: Encode, out: Path, model_fingerprint: str, catalogue_dir: Path, c: float = 32.0) -> dict:
    """Encode the examples, fit the classifier and write it to ``out``; examples per class.
    Each class weighs the same in total, so the many activities of one kind do not tilt the prior."""
    pairs = training_examples(catalogue_dir)
    vectors = linear.encode_all(encode, [t for t, _ in pairs])
    labels = np.array([label for _, label in pairs])
    classes, counts = np.unique(labels, return_counts=True)
    per_class = dict(zip(classes, counts))
    weights = np.array([len(labels) / (len(classes) * per_class[label]) for label in labels])
    linear.fit(vectors, labels, out, model_fingerprint, weights, c,
               notes={"catalogue": catalogue_fingerprint(catalogue_dir)})
    return {str(k): int(v) for k, v in per_class.items()}
