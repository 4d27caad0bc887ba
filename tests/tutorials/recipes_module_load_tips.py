import tinygrad_rnn as torch
import io
import os
import tempfile
nn = torch.nn
F = torch.nn.functional
# PyTorch recipe "Tips for loading an nn.Module from a checkpoint" (torch.load with mmap=True and
# weights_only=True, load_state_dict(assign=True), Module.to_empty) and "Warmstarting model using
# parameters from a different model", on a small LSTM tagger instead of the recipe's big MLP (the
# recipe's device='meta' skeleton is left out: there is no meta device here).
torch.manual_seed(0)


class Tagger(nn.Module):
    def __init__(self, vocab=12, emb=6, hidden=8, tags=4, layers=1):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
        self.lstm = nn.LSTM(emb, hidden, num_layers=layers, batch_first=True)
        self.norm = nn.LayerNorm(hidden)
        self.head = nn.Linear(hidden, tags)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.head(self.norm(out))


model = Tagger()
tokens = torch.tensor([[1, 5, 7, 0], [3, 2, 9, 11]])
print(model)
print([(k, tuple(v.shape)) for k, v in model.state_dict().items()])

with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "checkpoint.pth")
    torch.save(model.state_dict(), path)

    # 1. the recipe's baseline: load, then copy into a fresh module
    state_dict = torch.load(path, weights_only=True)
    print(type(state_dict).__name__, len(state_dict), state_dict["lstm.weight_ih_l0"].dtype)
    fresh = Tagger()
    print(fresh.load_state_dict(state_dict))
    print(torch.equal(fresh(tokens), model(tokens)))

    # 2. mmap=True: the tensors are read from the file as they are used
    state_dict = torch.load(path, mmap=True, weights_only=True)
    print(sorted(state_dict)[:3], state_dict["head.bias"])
    fresh = Tagger()
    fresh.load_state_dict(state_dict)
    print(torch.allclose(fresh(tokens), model(tokens)))

    # 3. assign=True: the module takes the checkpoint's tensors instead of copying into its own
    fresh = Tagger()
    old_weight = fresh.head.weight
    result = fresh.load_state_dict(state_dict, assign=True)
    print(result, type(result).__name__)
    print(fresh.head.weight is old_weight, type(fresh.head.weight).__name__, fresh.head.weight.requires_grad)
    print(torch.equal(fresh.head.weight, state_dict["head.weight"]))
    print(fresh.head.weight.data_ptr() == state_dict["head.weight"].data_ptr())
    copied = Tagger()
    copied.load_state_dict(state_dict)
    print(copied.head.weight.data_ptr() == state_dict["head.weight"].data_ptr())
    print([n for n, p in fresh.named_parameters() if not p.requires_grad])

    # 4. a file-like buffer works the same way
    buffer = io.BytesIO()
    torch.save({"model": model.state_dict(), "step": 3}, buffer)
    buffer.seek(0)
    checkpoint = torch.load(buffer, weights_only=True)
    print(sorted(checkpoint), checkpoint["step"], len(checkpoint["model"]))

# to_empty: storage of the right shape, contents left undefined, then filled by a reset or a load
skeleton = Tagger().to_empty(device="cpu")
print(type(skeleton).__name__, skeleton.head.weight.shape, skeleton.head.weight.requires_grad)
skeleton.load_state_dict(model.state_dict())
print(torch.equal(skeleton(tokens), model(tokens)))
skeleton.head.reset_parameters()
print(skeleton.head.weight.shape, torch.equal(skeleton.head.weight, model.head.weight))

# warmstarting: a two-layer tagger with a bigger head from the one-layer checkpoint
bigger = Tagger(tags=6, layers=2)
try:
    bigger.load_state_dict(model.state_dict())
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    bigger.load_state_dict(model.state_dict(), strict=False)
except RuntimeError as e:
    print("RuntimeError:", e)
partial = {k: v for k, v in model.state_dict().items() if not k.startswith("head")}
result = bigger.load_state_dict(partial, strict=False)
print(result)
print(result.missing_keys)
print(result.unexpected_keys)
print(len(result), list(result), result == result)
print(torch.equal(bigger.lstm.weight_hh_l0, model.lstm.weight_hh_l0), bigger(tokens).shape)

# unexpected keys from a model with an extra module
smaller = nn.Sequential()
smaller.add_module("embedding", nn.Embedding(12, 6, padding_idx=0))
print(smaller.load_state_dict(model.state_dict(), strict=False))
try:
    smaller.load_state_dict(model.state_dict())
except RuntimeError as e:
    print("RuntimeError:", e)

# the checkpoint's prefix: a model wrapped in another
wrapped = nn.ModuleDict({"tagger": Tagger()})
prefixed = {"tagger." + k: v for k, v in model.state_dict().items()}
print(wrapped.load_state_dict(prefixed))
stripped = {k.removeprefix("tagger."): v for k, v in wrapped.state_dict().items()}
print(Tagger().load_state_dict(stripped))
nn.modules.utils.consume_prefix_in_state_dict_if_present(prefixed, "tagger.")
print(list(prefixed)[:2], hasattr(prefixed, "_metadata"))

# freezing the warm-started part, as fine-tuning does
for name, p in bigger.named_parameters():
    p.requires_grad_(name.startswith("head"))
optimizer = torch.optim.SGD([p for p in bigger.parameters() if p.requires_grad], lr=0.1)
target = torch.randint(0, 6, (2, 4))
for step in range(3):
    optimizer.zero_grad()
    loss = F.cross_entropy(bigger(tokens).reshape(-1, 6), target.reshape(-1))
    loss.backward()
    optimizer.step()
    print(step, round(loss.item(), 4), bigger.lstm.weight_ih_l0.grad, bigger.head.bias.grad.shape)
