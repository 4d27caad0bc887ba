import tinygrad_rnn as torch
import warnings
from collections import OrderedDict

nn = torch.nn
F = torch.nn.functional

# The fine-tuning loop of blog posts on ULMFiT-style transfer for text (gradual unfreezing, discriminative
# learning rates added with add_param_group), the Hugging Face run_glue "no_decay" grouping of biases and
# LayerNorm weights, gradient accumulation ("Gradient accumulation in PyTorch" posts), gradient norm
# logging and clipping, a torchsummary-style table written by hand with named_modules and forward hooks,
# torch.compile as used in PyTorch 2 tutorials, and torch.autocast left off on the CPU.
torch.manual_seed(0)


class AWDishLSTM(nn.Module):
    def __init__(self, vocab=30, emb=10, hidden=16, n_classes=3):
        super().__init__()
        self.encoder = nn.Embedding(vocab, emb, padding_idx=0)
        self.rnns = nn.ModuleList([nn.LSTM(emb, hidden, batch_first=True), nn.LSTM(hidden, hidden, batch_first=True)])
        self.head = nn.Sequential(OrderedDict([
            ("norm", nn.LayerNorm(hidden)),
            ("drop", nn.Dropout(0.1)),
            ("fc", nn.Linear(hidden, n_classes)),
        ]))

    def forward(self, x):
        h = self.encoder(x)
        for rnn in self.rnns:
            h, _ = rnn(h)
        return self.head(h.max(dim=1).values)


model = AWDishLSTM()
total = sum(p.numel() for p in model.parameters())
trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"Total params: {total:,} | trainable: {trainable:,}")
for name, p in model.named_parameters():
    print(f"{name:28s} {str(tuple(p.shape)):12s} {p.numel():6d} {p.dtype}")

# a torchsummary-style table from forward hooks
rows, hooks = [], []


def register(name, module):
    def hook(mod, inp, out):
        out = out[0] if isinstance(out, tuple) else out
        n = sum(p.numel() for p in mod.parameters(recurse=False))
        rows.append((f"{type(mod).__name__}-{len(rows) + 1}", name, list(out.shape), n))
    return module.register_forward_hook(hook)


for name, module in model.named_modules():
    if len(list(module.children())) == 0:
        hooks.append(register(name, module))
x = torch.randint(0, 30, (2, 7))
model.eval()
with torch.no_grad():
    model(x)
for h in hooks:
    h.remove()
print("-" * 60)
for layer, name, shape, n in rows:
    print(f"{layer:>16} {name:>10} {str(shape):>15} {n:>8,}")
print("-" * 60)
print(len(model.encoder._forward_hooks), [n for n, _ in model.named_children()], len(list(model.modules())))
print(model.head)

# freezing everything but the head, then unfreezing a layer group at a time
for p in model.parameters():
    p.requires_grad = False
model.head.requires_grad_(True)
print([n for n, p in model.named_parameters() if p.requires_grad])
print(sum(p.numel() for p in model.parameters() if p.requires_grad))

no_decay = ["bias", "norm.weight"]
grouped = [
    {"params": [p for n, p in model.head.named_parameters() if not any(nd in n for nd in no_decay)], "weight_decay": 0.01},
    {"params": [p for n, p in model.head.named_parameters() if any(nd in n for nd in no_decay)], "weight_decay": 0.0},
]
optimizer = torch.optim.AdamW(grouped, lr=0.01, betas=(0.9, 0.99))
print([len(g["params"]) for g in optimizer.param_groups], [g["weight_decay"] for g in optimizer.param_groups])
print([[tuple(p.shape) for p in g["params"]] for g in optimizer.param_groups])

tokens = torch.randint(1, 30, (24, 7))
labels = tokens[:, 0] % 3
loader = [(tokens[i:i + 4], labels[i:i + 4]) for i in range(0, 24, 4)]
accumulation_steps = 3
layer_groups = [model.rnns[1], model.rnns[0], model.encoder]
discriminative = [0.005, 0.0025, 0.00125]
model.train()
for epoch in range(3):
    if epoch > 0:
        group = layer_groups[epoch - 1]
        group.requires_grad_(True)
        optimizer.add_param_group({"params": list(group.parameters()), "lr": discriminative[epoch - 1],
                                   "weight_decay": 0.01})
        print(f"unfroze {type(group).__name__}: {len(optimizer.param_groups)} groups, lrs",
              [g["lr"] for g in optimizer.param_groups])
    optimizer.zero_grad()
    for i, (xb, yb) in enumerate(loader):
        loss = F.cross_entropy(model(xb), yb) / accumulation_steps
        loss.backward()
        if (i + 1) % accumulation_steps == 0:
            norms = [p.grad.detach().norm(2) for p in model.parameters() if p.grad is not None]
            total_norm = torch.norm(torch.stack(norms), 2)
            clipped = nn.utils.clip_grad_norm_(model.parameters(), max_norm=0.5)
            print(f"  epoch {epoch} step {i} loss {loss.item() * accumulation_steps:.4f} "
                  f"grad norm {total_norm.item():.4f} (clip returned {clipped.item():.4f}) "
                  f"with grad {len(norms)}")
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
    print(f"epoch {epoch}: {sum(p.numel() for p in model.parameters() if p.requires_grad)} trainable, "
          f"{model.encoder.weight.grad is None}, {len(optimizer.state)} states")

print({n: round(p.grad.norm().item(), 5) if p.grad is not None else None for n, p in model.head.named_parameters()})
print(optimizer.state_dict()["param_groups"][-1]["params"], optimizer.state_dict()["param_groups"][-1]["lr"])
try:
    optimizer.add_param_group({"params": model.head.fc.weight})
except ValueError as err:
    print("ValueError:", err)
try:
    optimizer.add_param_group({"params": {model.head.fc.bias}})
except TypeError as err:
    print("TypeError:", err)

# clipping utilities on their own
for p in model.parameters():
    p.grad = torch.full_like(p, 0.1)
print(nn.utils.clip_grad_norm_(model.parameters(), 1.0, norm_type=2))
print(nn.utils.clip_grad_norm_(model.parameters(), 1.0, norm_type=float("inf")))
print(nn.utils.get_total_norm([p.grad for p in model.head.parameters()], norm_type=1.0))
nn.utils.clip_grad_value_(model.head.parameters(), clip_value=0.001)
print(model.head.fc.bias.grad)

# torch.compile: the same module back, wrapped
compiled = torch.compile(model, backend="eager")  # (the default inductor backend is what a GPU run would pick)
print(type(compiled).__name__, compiled._orig_mod is model, list(compiled.state_dict())[:2])
model.eval()
with torch.no_grad():
    print(torch.equal(compiled(x), model(x)), compiled(x).shape)

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    with torch.autocast(device_type="cpu", dtype=torch.float64):
        out = model(x)
    print(out.dtype, torch.is_autocast_enabled("cpu"), [str(w.message).splitlines()[0] for w in caught])
with torch.autocast(device_type="cpu", enabled=False):
    print(model(x).dtype, torch.get_autocast_dtype("cpu"))
