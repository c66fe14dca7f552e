"""PyTorch eager on the engine's text benchmark workload: SmolLM2-135M-Instruct (transformers
loading the same GGUF, f32, CPU) with BENCH_THREADS intra-op threads, greedy decoding with a KV
cache (`model.generate`): tokens per second of one stream and of the 8 prompts as one padded
batch, and time to first token. argv: the GGUF path and the number of new tokens per stream
(what the engine generated, so both sides decode the same count)."""
import os
import sys
import time

os.environ["HF_HUB_OFFLINE"] = "1"

import torch  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: E402

PROMPTS = [
    "Write a long story about a dragon who learns to paint.",
    "Explain how a steam engine works, step by step.",
    "Describe a walk through a busy market in the morning.",
    "Write a letter to a friend about your summer holiday.",
    "Explain why the sky is blue to a ten year old.",
    "Describe the life cycle of a butterfly in detail.",
    "Write a short essay about the history of bicycles.",
    "Tell a story about a robot that wants to become a chef.",
]

path, new_tokens = sys.argv[1], int(sys.argv[2])
threads = int(os.environ.get("BENCH_THREADS", "2"))
torch.set_num_threads(threads)
folder, name = os.path.split(path)
tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
tokenizer.padding_side = "left"
tokenizer.pad_token_id = 2
model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, dtype=torch.float32).eval()


def prompt_ids(texts):
    rendered = [
        tokenizer.apply_chat_template([{"role": "user", "content": t}], tokenize=False, add_generation_prompt=True)
        for t in texts
    ]
    return tokenizer(rendered, add_special_tokens=False, return_tensors="pt", padding=True)


def generate(batch, count):
    with torch.inference_mode():
        return model.generate(
            **batch, max_new_tokens=count, min_new_tokens=count, do_sample=False, pad_token_id=2
        )


single = prompt_ids(PROMPTS[:1])
generate(single, 8)  # warm-up
started = time.perf_counter()
generate(single, 1)
ttft = time.perf_counter() - started
started = time.perf_counter()
generate(single, new_tokens)
elapsed = time.perf_counter() - started
print(
    f"pytorch batch 1: {new_tokens / elapsed:.1f} tokens/s ({new_tokens} tokens in {elapsed:.2f} s, "
    f"{threads} threads); time to first token {ttft * 1000:.0f} ms"
)
batch = prompt_ids(PROMPTS)
started = time.perf_counter()
generate(batch, new_tokens)
elapsed = time.perf_counter() - started
print(f"pytorch batch 8: {8 * new_tokens / elapsed:.1f} tokens/s aggregate ({8 * new_tokens} tokens in {elapsed:.2f} s)")
