import tinygrad_rnn as torch
import importlib
import io
nn = torch.nn
F = torch.nn.functional
prune = importlib.import_module(torch.__name__ + ".nn.utils.prune")  # `import torch.nn.utils.prune as prune`
# Iterative magnitude pruning as blog posts and course labs write it: train a small MLP, prune 30%
# of all weights globally, fine-tune with the masks in place (pruned weights stay zero), prune
# again, make it permanent, save the state_dict and load it into a fresh model; then load a pruned
# checkpoint into a model prepared with prune.identity, and prune an LSTM's recurrent weights.
torch.manual_seed(0)
X = torch.randn(64, 6)
y = (X[:, 0] * X[:, 1] - X[:, 2] > 0).long()


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(6, 16)
        self.fc2 = nn.Linear(16, 16)
        self.out = nn.Linear(16, 2)

    def forward(self, x):
        return self.out(F.relu(self.fc2(F.relu(self.fc1(x)))))


def train(model, steps, lr=0.05):
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    for _ in range(steps):
        loss = F.cross_entropy(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return loss.item()


def sparsity(model):
    zeros = sum(int(torch.sum(m.weight == 0)) for m in model.modules() if isinstance(m, nn.Linear))
    total = sum(m.weight.nelement() for m in model.modules() if isinstance(m, nn.Linear))
    return 100.0 * zeros / total


model = MLP()
print("dense loss", round(train(model, 20), 4))
to_prune = [(m, "weight") for m in model.modules() if isinstance(m, nn.Linear)]
for round_ in range(2):
    prune.global_unstructured(to_prune, pruning_method=prune.L1Unstructured, amount=0.3)
    print("round", round_, "sparsity %.2f%%" % sparsity(model), [int(m.weight_mask.sum()) for m, _ in to_prune])
    print("  fine-tuned loss", round(train(model, 10), 4), "sparsity %.2f%%" % sparsity(model))
    print("  ", [type(h).__name__ for h in model.fc1._forward_pre_hooks.values()])
print(prune.is_pruned(model), sorted(model.state_dict().keys()))
print(model.fc2.weight_orig.grad.abs().sum(), (model.fc2.weight_orig.grad * (1 - model.fc2.weight_mask)).abs().sum())
for module, name in to_prune:
    prune.remove(module, name)
print(prune.is_pruned(model), sorted(model.state_dict().keys()), "sparsity %.2f%%" % sparsity(model))
buffer = io.BytesIO()
torch.save(model.state_dict(), buffer)
buffer.seek(0)
fresh = MLP()
print(fresh.load_state_dict(torch.load(buffer, weights_only=True)))
print(torch.equal(fresh(X), model(X)), "sparsity %.2f%%" % sparsity(fresh))

# a checkpoint saved while pruned: prepare the new model with identity pruning, then load it
pruned = MLP()
prune.random_unstructured(pruned.fc1, "weight", amount=0.5)
prune.ln_structured(pruned.fc2, "weight", amount=4, n=1, dim=0)
state = pruned.state_dict()
target = MLP()
try:
    target.load_state_dict(state)
except RuntimeError as e:
    print("RuntimeError:", str(e).splitlines()[1])
prune.identity(target.fc1, "weight")
prune.identity(target.fc2, "weight")
print(target.load_state_dict(state))
print(torch.equal(target(X), pruned(X)), target.fc2.weight_mask.sum(1))

# pruning an LSTM's recurrent weights, then training it
lstm = nn.LSTM(3, 4, batch_first=True)
prune.l1_unstructured(lstm, "weight_hh_l0", amount=0.5)
prune.random_structured(lstm, "weight_ih_l0", amount=1, dim=1)
seq = torch.randn(2, 5, 3)
opt = torch.optim.Adam(lstm.parameters(), lr=0.01)
for step in range(3):
    out, (h, c) = lstm(seq)
    loss = out.pow(2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, round(loss.item(), 6), int((lstm.weight_hh_l0 == 0).sum()), int((lstm.weight_ih_l0 == 0).sum()))
print([n for n, _ in lstm.named_parameters()])
