import tinygrad_rnn as torch
nn = torch.nn
F = nn.functional
# PyTorch recipes around a small GRU classifier: forward/backward hooks for feature extraction
# and gradient inspection, ModuleDict heads, optimizer parameter groups with their own learning
# rates, a WeightedRandomSampler for unbalanced classes, OneCycleLR, inference_mode.
torch.manual_seed(0)
n = 96
lengths = torch.randint(3, 8, (n,))
x = torch.randn(n, 7, 4)
mask = torch.arange(7)[None, :] < lengths[:, None]
x = torch.where(mask[..., None], x, torch.zeros(()))
labels = (x[..., 0].sum(1) > 0.8).long()
print(labels.bincount(), mask.sum(1)[:6], x.dtype)
class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(4, 12, batch_first=True)
        self.heads = nn.ModuleDict({"cls": nn.Linear(12, 2), "aux": nn.Linear(12, 1)})
        self.act = nn.Tanh()
    def forward(self, x, lengths):
        out, h = self.rnn(x)
        last = out[torch.arange(x.size(0)), lengths - 1]
        feats = self.act(last)
        return self.heads["cls"](feats), self.heads["aux"](feats).squeeze(-1)
model = Classifier()
print(model)
print(list(model.heads.keys()), [type(m).__name__ for m in model.heads.values()])
features = {}
def save_output(name):
    def hook(module, inputs, output):
        features[name] = output.detach() if torch.is_tensor(output) else output[1].detach()
    return hook
handles = [model.act.register_forward_hook(save_output("act")), model.rnn.register_forward_hook(save_output("rnn"))]
grad_norms = []
handles.append(model.heads["cls"].register_full_backward_hook(
    lambda module, grad_input, grad_output: grad_norms.append(grad_output[0].norm().item())))
def scale_input(module, args):
    return (args[0] * 2.0,)
pre = model.heads["aux"].register_forward_pre_hook(scale_input)
logits, aux = model(x[:5], lengths[:5])
print(features["act"].shape, features["rnn"].shape, aux.shape)
print(torch.allclose(model.heads["aux"].weight @ features["act"][0] * 2 + model.heads["aux"].bias, aux[0]))
pre.remove()
F.cross_entropy(logits, labels[:5]).backward()
print(len(grad_norms), round(grad_norms[0], 4))
for h in handles:
    h.remove()
model.zero_grad(set_to_none=True)
optimizer = torch.optim.AdamW([
    {"params": model.rnn.parameters()},
    {"params": model.heads.parameters(), "lr": 3e-2, "weight_decay": 0.0},
], lr=1e-2, weight_decay=0.05)
print([(g["lr"], g["weight_decay"], len(g["params"])) for g in optimizer.param_groups])
print(optimizer)
class_counts = labels.bincount()
weights = 1.0 / class_counts.float()
sample_weights = weights[labels]
sampler = torch.utils.data.WeightedRandomSampler(sample_weights, num_samples=n, replacement=True)
dataset = torch.utils.data.TensorDataset(x, lengths, labels)
loader = torch.utils.data.DataLoader(dataset, batch_size=16, sampler=sampler)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=[2e-2, 5e-2], total_steps=6 * len(loader))
for epoch in range(6):
    model.train()
    seen, total = torch.zeros(2, dtype=torch.long), 0.0
    for xb, lb, yb in loader:
        logits, aux = model(xb, lb)
        loss = F.cross_entropy(logits, yb) + 0.1 * F.mse_loss(aux, xb[..., 0].sum(1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        seen += yb.bincount(minlength=2)
        total += loss.item()
    lrs = [round(g["lr"], 5) for g in optimizer.param_groups]
    print(f"epoch {epoch} loss {total / len(loader):.4f} sampled {seen.tolist()} lr {lrs}")
print(scheduler.get_last_lr(), optimizer.param_groups[1]["betas"])
with torch.inference_mode():
    logits, _ = model(x, lengths)
    pred = logits.argmax(1)
print(torch.is_inference_mode_enabled(), logits.requires_grad)
print(f"accuracy {(pred == labels).float().mean().item():.4f}")
confusion = torch.zeros(2, 2, dtype=torch.long)
confusion.index_put_((labels, pred), torch.ones(n, dtype=torch.long), accumulate=True)
print(confusion)
print(torch.einsum("bt,btf->bf", mask.float(), x)[:2], x[:2].sum(1))
print(mask.float().cumsum(1)[0], torch.cumsum(lengths[:5], 0))
