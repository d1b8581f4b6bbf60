"""Moving an ONNX graph's weights out of it (mukaan/catalogue/embedding.py external_weights):
the word-embedding table to a file read row by row, the rest to a mapped data file. A small
real graph (a Gather on the table, as the e5 export has) must give the same numbers before and
after, the graph file must shrink, and a second run must leave it alone."""
import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from mukaan.catalogue.embedding import WORD_INPUT, WORD_TABLE, WORD_TABLE_WEIGHT, external_weights

WORDS, DIM = 11_000, 384            # 16.9 MB: over the size at which a graph holds its weights


@pytest.fixture
def graph(tmp_path):
    rng = np.random.default_rng(7)
    table = rng.standard_normal((WORDS, DIM)).astype(np.float32)
    scale = rng.standard_normal(DIM).astype(np.float32)
    nodes = [helper.make_node("Gather", [WORD_TABLE_WEIGHT, "input_ids"], ["rows"]),
             helper.make_node("Mul", ["rows", "scale"], ["scaled"]),
             helper.make_node("ReduceMean", ["scaled"], ["embedding"], axes=[1], keepdims=0)]
    g = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", DIM])],
        [numpy_helper.from_array(table, WORD_TABLE_WEIGHT), numpy_helper.from_array(scale, "scale")])
    path = tmp_path / "onnx" / "model.onnx"
    path.parent.mkdir()
    onnx.save_model(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), str(path))
    return path, table


def run(path, ids, table=None):
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    inputs = {"input_ids": ids}
    if table is not None:
        inputs[WORD_INPUT] = table[ids]
    return session.run(None, inputs)[0]


def test_weights_move_out_and_give_the_same_numbers(graph):
    path, table = graph
    ids = np.array([[5, 17, 10_999, 0], [3, 3, 42, 7]], np.int64)
    before = run(path, ids)
    assert external_weights(path) is True
    assert path.stat().st_size < 100_000
    assert path.with_name("model.onnx.data").exists()
    stored = np.fromfile(path.with_name(WORD_TABLE), "<f4").reshape(WORDS, DIM)
    assert np.array_equal(stored, table)
    assert np.array_equal(run(path, ids, stored), before)
    assert external_weights(path) is False          # already out: left as it is
    assert np.array_equal(run(path, ids, stored), before)


def test_a_graph_without_weights_inside_is_left_alone(tmp_path):
    assert external_weights(tmp_path / "missing.onnx") is False
