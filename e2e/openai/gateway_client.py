"""The official OpenAI Python client against `inferchain-worker gateway`: every call is a paid
on-chain request, answered once a miner has answered on chain, with the request id, miner and
commitment in the `inferchain` field. Chat (plain and streamed with usage), a completion,
embeddings, models, and OpenAI-shaped errors. Prints the request ids it made, as JSON, for the
caller to follow to final. Usage: gateway_client.py <gateway base URL>."""
import json
import sys

import openai

base = sys.argv[1].rstrip("/")
client = openai.OpenAI(base_url=f"{base}/v1", api_key="unused", max_retries=0, timeout=300)
TEXT, EMBEDDINGS = "SmolLM2-135M-Instruct", "all-MiniLM-L6-v2"

models = {model.id: model for model in client.models.list().data}
assert set(models) == {TEXT, EMBEDDINGS}, models
assert models[TEXT].model_extra["inferchain"]["task"] == "textGeneration"
ids = []


def on_chain(extension):
    """Checks the `inferchain` field of an answer and remembers its request."""
    assert isinstance(extension["requestId"], int), extension
    assert extension["miner"].startswith("5"), extension
    assert extension["outputCommitment"].startswith("0x"), extension
    ids.append(extension["requestId"])


# Chat, greedy: answered from the chain.
question = [{"role": "user", "content": "What is the capital of France?"}]
chat = client.chat.completions.create(model=TEXT, messages=question, max_tokens=24, temperature=0)
answer = chat.choices[0].message.content
assert "Paris" in answer, answer
assert chat.choices[0].finish_reason in ("stop", "length")
assert 0 < chat.usage.completion_tokens <= 24 and chat.usage.prompt_tokens > 0
extension = chat.model_extra["inferchain"]
assert extension["commitmentVerified"] is True, extension
assert len(extension["tokens"]) == chat.usage.completion_tokens
on_chain(extension)

# The same chat streamed: the same greedy text, then usage.
stream = client.chat.completions.create(
    model=TEXT,
    messages=question,
    max_tokens=24,
    temperature=0,
    stream=True,
    stream_options={"include_usage": True},
)
pieces, usage, last = [], None, None
for chunk in stream:
    if chunk.usage is not None:
        usage = chunk.usage
    for choice in chunk.choices:
        if choice.delta.content:
            pieces.append(choice.delta.content)
        if choice.finish_reason is not None:
            last = chunk
assert "".join(pieces) == answer, (pieces, answer)
assert usage is not None and usage.completion_tokens == chat.usage.completion_tokens
on_chain(last.model_extra["inferchain"])

# A completion, sampled with a seed and a stop string.
completion = client.completions.create(
    model=TEXT, prompt="The three primary colours are", max_tokens=12, temperature=0.7, seed=3,
    stop=["\n\n"],
)
assert completion.choices[0].text, completion
on_chain(completion.model_extra["inferchain"])

# Embeddings: one on-chain request per input.
vectors = client.embeddings.create(model=EMBEDDINGS, input=["hello world", "verified inference"])
assert [item.index for item in vectors.data] == [0, 1]
assert all(len(item.embedding) == 384 for item in vectors.data)
requests = vectors.model_extra["inferchain"]["requests"]
assert len(requests) == 2
for request in requests:
    on_chain(request)

# Errors in OpenAI's shape.
try:
    client.chat.completions.create(model="gpt-4o", messages=question)
    raise AssertionError("an unknown model was served")
except openai.NotFoundError as error:
    assert error.body["code"] == "model_not_found", error.body
try:
    client.chat.completions.create(model=TEXT, messages=question, max_tokens=100000)
    raise AssertionError("max_tokens past the subnet's cap was accepted")
except openai.BadRequestError as error:
    assert error.body["param"] == "max_tokens", error.body
try:
    client.chat.completions.create(model=TEXT, messages=question, n=2)
    raise AssertionError("n = 2 was accepted")
except openai.BadRequestError as error:
    assert error.body["param"] == "n", error.body

print(json.dumps(ids))
