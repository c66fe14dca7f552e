"""Text generation through the gateway against the same miner called directly, in one run, with
the official OpenAI client: latency of sequential calls and throughput of concurrent ones, plus
the gateway's own time from seeing the miner's answer on chain to its response.

Usage (on scripts/dev.sh's chain, after the text validators' first epoch):
    python3 scripts/bench-gateway.py [GATEWAY_URL] [MINER_URL] [N] [CONCURRENCY]
(defaults: http://127.0.0.1:8090, http://127.0.0.1:8081, 8, 4). Needs `pip install openai`."""
import concurrent.futures
import statistics
import sys
import time

import openai

gateway_url = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8090"
miner_url = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:8081"
n = int(sys.argv[3]) if len(sys.argv) > 3 else 8
concurrency = int(sys.argv[4]) if len(sys.argv) > 4 else 4
MODEL, MAX_TOKENS = "SmolLM2-135M-Instruct", 16


def client(base):
    return openai.OpenAI(base_url=f"{base}/v1", api_key="unused", max_retries=0, timeout=600)


def chat(api, i):
    started = time.monotonic()
    answer = api.chat.completions.create(
        model=MODEL, max_tokens=MAX_TOKENS, temperature=0,
        messages=[{"role": "user", "content": f"Give me fact number {i} about the sea."}],
    )
    return time.monotonic() - started, answer


def run(name, base):
    api = client(base)
    sequential = [chat(api, i) for i in range(n)]
    latencies = [seconds for seconds, _ in sequential]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda i: chat(api, 1000 + i), range(n)))
    rate = n / (time.monotonic() - started)
    after_answer = [
        answer.model_extra["inferchain"]["timing"]["respondedMs"]
        - answer.model_extra["inferchain"]["timing"]["answerSeenMs"]
        for _, answer in sequential
        if answer.model_extra and "inferchain" in answer.model_extra
        and "timing" in answer.model_extra["inferchain"]
    ]
    row = f"| {name} | {statistics.median(latencies):.2f} s | {max(latencies):.2f} s | {rate:.2f} |"
    if after_answer:
        row += f" {statistics.median(after_answer):.0f} ms (max {max(after_answer)} ms) |"
    else:
        row += " — |"
    return row


print(f"{n} chats of {MAX_TOKENS} tokens (greedy) each way; concurrency {concurrency}")
print("| path | median latency | max latency | calls/s (concurrent) | gateway: answer seen → response |")
print("|---|---|---|---|---|")
print(run("miner, direct", miner_url))
print(run("gateway (paid on-chain request)", gateway_url))
