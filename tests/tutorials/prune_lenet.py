import tinygrad_rnn as torch
import importlib
nn = torch.nn
F = torch.nn.functional
prune = importlib.import_module(torch.__name__ + ".nn.utils.prune")  # `import torch.nn.utils.prune as prune`
# PyTorch's "Pruning Tutorial": prune a LeNet's conv1 at random, by L1 magnitude and by channel
# norm (iteratively, through a PruningContainer), look at weight_orig / weight_mask / the forward
# pre-hook and the state_dict, make the pruning permanent, prune many layers at once and globally,
# and write a custom pruning method.
torch.manual_seed(0)


class LeNet(nn.Module):
    def __init__(self):
        super(LeNet, self).__init__()
        self.conv1 = nn.Conv2d(1, 3, 3)
        self.conv2 = nn.Conv2d(3, 4, 3)
        self.fc1 = nn.Linear(4 * 5 * 5, 12)
        self.fc2 = nn.Linear(12, 8)
        self.fc3 = nn.Linear(8, 4)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.relu(self.conv2(x))
        x = x.view(-1, int(x.nelement() / x.shape[0]))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
model = LeNet().to(device=device)
module = model.conv1
print(list(module.named_parameters()))
print(list(module.named_buffers()))

prune.random_unstructured(module, name="weight", amount=0.3)
print(list(module.named_parameters()))
print(list(module.named_buffers()))
print(module.weight)
print([type(h).__name__ for h in module._forward_pre_hooks.values()])

prune.l1_unstructured(module, name="bias", amount=1)
print(list(module.named_parameters()))
print(list(module.named_buffers()))
print(module.bias)
print([type(h).__name__ for h in module._forward_pre_hooks.values()])

x = torch.randn(2, 1, 16, 16)
out = model(x)
print(out)
out.sum().backward()
print(module.weight_orig.grad)
print(module.bias_orig.grad)

# iterative pruning: the second method acts on what the first left
prune.ln_structured(module, name="weight", amount=0.5, n=2, dim=0)
print(module.weight)
for hook in module._forward_pre_hooks.values():
    if hook._tensor_name == "weight":
        break
print(type(hook).__name__, len(hook), [type(m).__name__ for m in hook])
print(hook[0].amount, hook[1].amount, hook[1].n, hook[1].dim)
print(model.state_dict().keys())
print(prune.is_pruned(model), prune.is_pruned(model.fc1))

prune.remove(module, "weight")
print(list(module.named_parameters()))
print(list(module.named_buffers()))
print([type(h).__name__ for h in module._forward_pre_hooks.values()])
print(module.weight)

# prune many parameters
new_model = LeNet()
for name, module in new_model.named_modules():
    if isinstance(module, torch.nn.Conv2d):
        prune.l1_unstructured(module, name="weight", amount=0.2)
    elif isinstance(module, torch.nn.Linear):
        prune.l1_unstructured(module, name="weight", amount=0.4)
print(dict(new_model.named_buffers()).keys())

# global pruning
model = LeNet()
parameters_to_prune = (
    (model.conv1, "weight"),
    (model.conv2, "weight"),
    (model.fc1, "weight"),
    (model.fc2, "weight"),
    (model.fc3, "weight"),
)
prune.global_unstructured(parameters_to_prune, pruning_method=prune.L1Unstructured, amount=0.2)
for name in ["conv1", "conv2", "fc1", "fc2", "fc3"]:
    w = getattr(model, name).weight
    print("Sparsity in {}.weight: {:.2f}%".format(name, 100. * float(torch.sum(w == 0)) / float(w.nelement())))
print("Global sparsity: {:.2f}%".format(
    100. * float(sum(torch.sum(getattr(model, n).weight == 0) for n in ["conv1", "conv2", "fc1", "fc2", "fc3"]))
    / float(sum(getattr(model, n).weight.nelement() for n in ["conv1", "conv2", "fc1", "fc2", "fc3"]))))
print([type(h).__name__ for h in model.fc3._forward_pre_hooks.values()])


# a custom pruning method: every other entry
class FooBarPruningMethod(prune.BasePruningMethod):
    """Prune every other entry in a tensor"""
    PRUNING_TYPE = "unstructured"

    def compute_mask(self, t, default_mask):
        mask = default_mask.clone()
        mask.view(-1)[::2] = 0
        return mask


def foobar_unstructured(module, name):
    FooBarPruningMethod.apply(module, name)
    return module


model = LeNet()
foobar_unstructured(model.fc3, name="bias")
print(model.fc3.bias_mask)
print(model.fc3.bias)
# iterating an unstructured method on the entries that are left
foobar_unstructured(model.fc3, name="bias")
print(model.fc3.bias_mask)
prune.random_structured(model.fc2, "weight", amount=3, dim=1)
print(model.fc2.weight_mask)
prune.random_unstructured(model.fc2, "weight", amount=0.25)
print(model.fc2.weight_mask.sum(), model.fc2.weight_mask.sum(0))
prune.identity(model.fc1, "bias")
print(model.fc1.bias_mask)
prune.custom_from_mask(model.fc1, "bias", mask=torch.arange(12) % 3 != 0)
print(model.fc1.bias_mask, model.fc1.bias_mask.dtype)
print(prune.L1Unstructured(amount=2).prune(torch.tensor([3.0, -1.0, 0.5, 2.0])))
for bad in [-1, 1.5, "0.3", 10 ** 3]:
    try:
        prune.l1_unstructured(nn.Linear(3, 2), "weight", amount=bad)
    except (ValueError, TypeError) as e:
        print(type(e).__name__, e)
try:
    prune.ln_structured(nn.Linear(3, 2), "bias", amount=1, n=1, dim=0)
except ValueError as e:
    print(type(e).__name__, e)
try:
    prune.remove(nn.Linear(3, 2), "weight")
except ValueError as e:
    print(type(e).__name__, str(e).split("\n")[0])
