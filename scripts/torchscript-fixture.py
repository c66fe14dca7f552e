"""A tiny TorchScript classifier (8 features -> 16 -> 3 logits) and its PyTorch outputs on a
fixed input, for the engine's TorchScript tests. Writes tiny-mlp.pt and tiny-mlp.json into the
folder given as the first argument:
    ~/.cache/inferchain/pyref/bin/python scripts/torchscript-fixture.py off-chain-workers/engine/tests/fixtures
"""
import json
import os
import sys

import torch

out = sys.argv[1]
torch.manual_seed(7)
torch.set_num_threads(1)
model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.GELU(), torch.nn.Linear(16, 3)).eval()
scripted = torch.jit.script(model)
scripted.save(os.path.join(out, "tiny-mlp.pt"))
inputs = torch.linspace(-1.0, 1.0, 4 * 8).reshape(4, 8)
with torch.no_grad():
    logits = scripted(inputs)
with open(os.path.join(out, "tiny-mlp.json"), "w") as f:
    json.dump({"torch": torch.__version__, "inputs": inputs.tolist(), "logits": logits.tolist()}, f)
    f.write("\n")
