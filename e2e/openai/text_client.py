"""The official OpenAI Python client against a text-generation miner: chat, streamed chat with
usage, completions (plain and streamed), models, and OpenAI-shaped errors for bad requests.
Every answer carries Inferchain's proof extension. Usage: text_client.py <miner base URL>."""
import sys

import openai

base = sys.argv[1].rstrip("/")
client = openai.OpenAI(base_url=f"{base}/v1", api_key="unused", max_retries=0, timeout=120)

models = client.models.list()
model = models.data[0].id
assert model == "SmolLM2-135M-Instruct", model

# Chat, greedy.
chat = client.chat.completions.create(
    model=model,
    messages=[{"role": "user", "content": "What is the capital of France?"}],
    max_tokens=24,
    temperature=0,
)
answer = chat.choices[0].message.content
assert "Paris" in answer, answer
assert chat.choices[0].finish_reason in ("stop", "length")
assert chat.usage.completion_tokens > 0 and chat.usage.prompt_tokens > 0
extension = chat.model_extra["inferchain"]
assert len(extension["tokens"]) == chat.usage.completion_tokens
assert extension["receipt"]["signature"].startswith("0x")

# Chat, streamed, sampled with a seed, usage at the end.
stream = client.chat.completions.create(
    model=model,
    messages=[
        {"role": "system", "content": "You answer briefly."},
        {"role": "user", "content": "Name a colour."},
    ],
    max_tokens=16,
    temperature=0.7,
    seed=7,
    stream=True,
    stream_options={"include_usage": True},
)
text, finish, usage, proof = "", None, None, None
for chunk in stream:
    if chunk.usage is not None:
        usage = chunk.usage
    for choice in chunk.choices:
        text += choice.delta.content or ""
        finish = choice.finish_reason or finish
    if chunk.model_extra and "inferchain" in chunk.model_extra:
        proof = chunk.model_extra["inferchain"]
assert text and finish in ("stop", "length"), (text, finish)
assert usage is not None and usage.completion_tokens == len(proof["tokens"])
assert proof["sampling"]["seed"] == 7

# Completions, plain and streamed.
completion = client.completions.create(model=model, prompt="Once upon a time", max_tokens=8, temperature=0)
assert completion.choices[0].text and completion.usage.completion_tokens <= 8
streamed = "".join(
    c.choices[0].text
    for c in client.completions.create(model=model, prompt="Once upon a time", max_tokens=8, temperature=0, stream=True)
    if c.choices
)
assert streamed == completion.choices[0].text, (streamed, completion.choices[0].text)

# Bad requests: OpenAI-style 400s.
for bad in [
    dict(messages=[]),
    dict(messages=[{"role": "wizard", "content": "hi"}]),
    dict(messages=[{"role": "user", "content": "hi"}], max_tokens=100000),
    dict(messages=[{"role": "user", "content": "word " * 9000}], max_tokens=10),  # past the 8192-token context
    dict(messages=[{"role": "user", "content": "hi"}], temperature=3),
]:
    try:
        client.chat.completions.create(model=model, **bad)
    except openai.BadRequestError as err:
        assert err.status_code == 400 and err.body and err.body.get("message"), err.body
    else:
        raise AssertionError(f"accepted: {bad}")
try:
    client.chat.completions.create(model="gpt-4", messages=[{"role": "user", "content": "hi"}])
except openai.NotFoundError as err:
    assert err.status_code == 404
else:
    raise AssertionError("an unknown model was served")
print("openai client: chat, streamed chat, completions, models and errors ok")
