"""The crisis check: it runs before the NLU classifier on every message, so that a message about
suicide, self-harm, violence or abuse always gets emergency guidance first.

Two routes, and a message is a crisis when either says so:

- ``lexicon.py``: word patterns (spaCy Matcher), with calm exceptions and negation. Precise,
  transparent, instant.
- ``semantic.py``: a classifier over the multilingual-e5 vectors of the message and of each
  of its clauses. It generalises to paraphrase, euphemism, long messages and other languages.
  The lexicon's calm exceptions hold only where this route agrees: "äiti tappaa mut jos mä
  kerron" is set aside as a joke by the word lists, and taken back when the classifier finds
  the message alarming (from the threshold ``calm_veto``).
  Words that only name the subject ("itsemurhatilastot", "a thesis on domestic violence",
  "tää työ tappaa mut") count unless the classifier finds the whole message clearly calm
  (below ``mention_veto``).

``replies.py`` puts the reply together for each class (its words are in mukaan/texts/crisis.py).
The package imports ``mukaan.nlp``, ``mukaan.texts``, ``mukaan.vectors`` and ``mukaan.settings``
only (its training command, ``__main__.py``, also loads the catalogue's embedding model); the encoder of the
semantic route is handed in by the caller (the web app passes the search's embedder), so the
check itself never loads a model.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from mukaan.safety.lexicon import scan
from mukaan.safety.replies import crisis_reply, quiet_line
from mukaan.safety.semantic import CrisisModel, Encode, Thresholds, fingerprint
from mukaan.settings import Settings

# The crisis classes, the most urgent reply first.
CLASSES = ("suicidal", "self_harm", "child_abuse", "sexual_abuse", "domestic_violence",
           "threat_to_kill", "danger_to_others")

__all__ = ["CLASSES", "CrisisCheck", "CrisisModel", "Thresholds", "check", "crisis_reply",
           "is_calm_phrase", "load_model", "quiet_line"]


@dataclass
class CrisisCheck:
    classes: list[str] = field(default_factory=list)   # crisis classes, most urgent first
    routes: tuple[str, ...] = ()                        # which routes found a crisis
    quiet: bool = False     # no crisis, but grief or a hurt that is over: offer the line quietly

    @property
    def category(self) -> str | None:
        return self.classes[0] if self.classes else None

    def __bool__(self) -> bool:
        return bool(self.classes)


def check(text: str, lang: str = "fi", model: CrisisModel | None = None) -> CrisisCheck:
    """Does ``text`` speak of suicide, self-harm, violence or abuse? Without ``model`` only the
    lexicon route runs."""
    words = scan(text, lang)
    found = list(words.found)
    told_as_over = words.over and bool(words.found or words.mentions)     # "pappa slog mig i tonåren men …"
    scores = model.score(text) if model is not None and not text.startswith("/") else None   # not a payload
    if scores and words.set_aside and scores.whole >= model.thresholds.calm_veto:
        found += words.set_aside
    # An everyday idiom the word lists know ("dö av tristess") asks more of the classifier too.
    semantic = bool(scores) and model.is_crisis(scores, strict=words.calm and not found)
    if semantic and words.over and not found and scores.whole < model.thresholds.part:
        semantic = False    # a hurt told as over: one sentence out of its context ("ex uhkaili mua") is not enough
    if scores and not semantic and (words.over or scores.support >= model.thresholds.support):
        found = []          # "yritin itsemurhaa, mut siitä on 12 vuotta", "veljeni teki itsemurhan":
                            # both routes hear a hurt that is over, or grief
    elif not scores or semantic or (not words.calm and scores.whole >= model.thresholds.mention_veto):
        found += words.mentions     # a word naming the subject counts unless the message is clearly calm,
                                    # or a joke ("lapset tappaa mut lol") the classifier does not hear as alarming
    routes = (["lexicon"] if found else []) + (["semantic"] if semantic else [])
    if semantic and scores.label in CLASSES:
        found.append(scores.label)
    quiet = bool(scores) and not routes and (scores.support >= model.thresholds.support or told_as_over)
    ordered = sorted(set(found) or ({"suicidal"} if routes else set()), key=CLASSES.index)
    return CrisisCheck(ordered, tuple(routes), quiet)


def is_calm_phrase(text: str, lang: str = "fi") -> bool:
    """An everyday phrase with an alarming word ("dör av tristess") and nothing in the crisis
    lexicon: the NLU classifier's crisis guess is overruled for these."""
    words = scan(text, lang)
    return words.calm and not (words.found or words.mentions)


def load_model(settings: Settings, encode: Encode, model_id: str) -> CrisisModel:
    """The trained semantic route (setting ``crisis_model``, with its thresholds) for the
    embedding model ``model_id``. Raises FileNotFoundError, or ValueError when it was trained
    on other examples or another model (`make safety` trains it again)."""
    thresholds = Thresholds(settings.crisis_threshold, settings.crisis_part_threshold,
                            settings.crisis_support_threshold, settings.crisis_calm_veto,
                            settings.crisis_mention_veto)
    return CrisisModel.load(settings.crisis_model, encode, fingerprint(model_id), thresholds)
