"""Small linear classifiers over multilingual-e5 query vectors, shared by the crisis check's
semantic route (mukaan/safety/semantic.py) and the search's "what is asked" detector
(mukaan/catalogue/asked.py): the NLU examples they learn from, encoding many texts, fitting
(scikit-learn, at training time only) and the weight file with its fingerprint. Serving needs
numpy alone: one matrix product and a softmax.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import yaml

from mukaan.settings import ROOT

NLU_DATA = ROOT / "nlu_data"
Encode = Callable[[list[str]], np.ndarray]


def strip_annotations(example: str) -> str:
    """'asun [Espoossa](municipality)' → 'asun Espoossa' (Rasa's entity markup)."""
    return re.sub(r"\[([^\]]*)\](?:\([^)]*\)|\{[^}]*\})", r"\1", example).strip()


def nlu_files() -> list[Path]:
    return sorted(NLU_DATA.glob("*/*.yml"))


def nlu_examples() -> Iterator[tuple[str, str, str]]:
    """(text, intent, language folder) of every NLU example of two words or more, markup removed."""
    for path in nlu_files():
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if block.get("intent"):
                for line in block.get("examples", "").splitlines():
                    line = strip_annotations(line.lstrip("- "))
                    if len(line.split()) >= 2 and not line.startswith("/"):
                        yield line, block["intent"], path.parent.name


def encode_all(encode: Encode, texts: list[str], batch: int = 64) -> np.ndarray:
    """The vectors of ``texts`` in their order, encoded in batches of similar lengths (little padding)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    chunks = {}
    for start in range(0, len(order), batch):
        ids = order[start:start + batch]
        chunks.update(zip(ids, encode([texts[i] for i in ids])))
    return np.stack([chunks[i] for i in range(len(texts))])


def softmax(vectors: np.ndarray, weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """Class probabilities of each row of ``vectors`` under a multinomial linear model."""
    logits = vectors @ weights.T + bias
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return p / p.sum(axis=1, keepdims=True)


def fit(vectors: np.ndarray, labels: np.ndarray, out: Path, fingerprint: str,
        sample_weight: np.ndarray | None = None, c: float = 8.0, notes: dict[str, str] | None = None) -> list[str]:
    """Fit a multinomial logistic regression and write it to ``out`` atomically (with ``notes``,
    strings read back by ``note``); its classes."""
    from sklearn.linear_model import LogisticRegression
    classifier = LogisticRegression(C=c, max_iter=5000)
    classifier.fit(vectors, labels, sample_weight=sample_weight)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp.npz")
    np.savez(tmp, classes=np.array(classifier.classes_, dtype=str), weights=classifier.coef_.astype(np.float32),
             bias=classifier.intercept_.astype(np.float32), fingerprint=np.array(fingerprint),
             **{f"note_{k}": np.array(v) for k, v in (notes or {}).items()})
    tmp.replace(out)
    return [str(c) for c in classifier.classes_]


def load(path: Path, fingerprint: str | None = None) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(classes, weights, bias) from ``path``. Raises FileNotFoundError, or ValueError when
    the file is stale (another fingerprint) or unreadable."""
    with np.load(path, allow_pickle=False) as data:
        if fingerprint and str(data["fingerprint"]) != fingerprint:
            raise ValueError(f"{path} was trained on other examples or another model")
        return [str(c) for c in data["classes"]], data["weights"], data["bias"]


def note(path: Path, key: str) -> str | None:
    """A note ``fit`` wrote into the weight file (None: no such note or no readable file)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return str(data[f"note_{key}"]) if f"note_{key}" in data.files else None
    except (OSError, ValueError):
        return None
