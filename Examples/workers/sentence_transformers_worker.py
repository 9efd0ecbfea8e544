#!/usr/bin/env python3
"""An embcache worker wrapping any sentence-transformers model, for GPU machines (not run in CI).

    pip install sentence-transformers numpy
    embcache embed --lines sentences.txt \
        --encoder process:'python3 Examples/workers/sentence_transformers_worker.py --model all-MiniLM-L6-v2 --device cuda'

Each input is UTF-8 text. The model identity is the model name plus a SHA-256 of every loaded
parameter (so fine-tuned or updated weights are a new namespace); the
preprocessing identity names the maximum sequence length and whether vectors are normalised.
Options: --model NAME_OR_PATH, --device cpu|cuda|mps, --batch-size N (default 64),
--normalize (L2-normalise, the default) or --no-normalize, --float16 (return F16 tensors).
"""

import argparse
import hashlib
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from embcache_worker import serve  # noqa: E402


def weights_digest(model):
    """SHA-256 over every parameter and buffer of the loaded model, in name order."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--device", default=None)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--normalize", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--float16", action="store_true")
    options = parser.parse_args()

    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(options.model, device=options.device)
    dimension = model.get_sentence_embedding_dimension()
    dtype, dtype_name = (np.float16, "F16") if options.float16 else (np.float32, "F32")

    def encode_batch(items):
        texts = [b"".join(parts).decode("utf-8", errors="replace") for parts in items]
        vectors = model.encode(
            texts, batch_size=options.batch_size, normalize_embeddings=options.normalize, convert_to_numpy=True
        ).astype(dtype)
        return [[("embedding", vector)] for vector in vectors]

    serve(
        {
            "model": f"{options.model}@sha256:{weights_digest(model)}",
            "preprocessing": f"sentence-transformers/max-seq={model.max_seq_length}/normalize={options.normalize}",
            "tensors": [{"name": "embedding", "dtype": dtype_name, "shape": [dimension]}],
            "batch_size": options.batch_size,
            "input": "bytes",
        },
        encode_batch,
    )


if __name__ == "__main__":
    main()
