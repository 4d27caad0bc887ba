import tinygrad_rnn as torch

# torch.jit around the tutorial: tracing a bound forward, train/eval of wrappers, state_dict round trips,
# @export (a traced module with one comes back scripted) and @ignore, jit.isinstance, non-strict traces.
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2))
x = torch.rand(2, 3)
t1 = torch.jit.trace(net.forward, x)
print(type(t1).__name__, t1(x))
t2 = torch.jit.trace(net, x)
print(type(t2).__name__, t2)
print(type(t2.eval()).__name__, t2.training, net.training)
t2.train()
print(t2.training, net.training)
s = torch.jit.script(net)
print(s, s.training)
print(len(list(s.parameters())), s.state_dict()["0.weight"].shape)
s.load_state_dict({k: v * 0 for k, v in net.state_dict().items()})
print(net[0].weight.sum(), s(x))
print(s.forward(x).shape)
print(torch.jit.isinstance([1, 2], list[int]), torch.jit.isinstance({"a": x}, dict[str, torch.Tensor]), torch.jit.isinstance([], list[int]))


class Loop(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList([torch.nn.Linear(2, 2) for _ in range(2)])

    @torch.jit.export
    def extra(self, x):
        return x + 1

    @torch.jit.ignore
    def helper(self, x):
        return x * 2

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.helper(x)


sl = torch.jit.script(Loop())
print(sl)
print(sl(torch.ones(1, 2)), sl.extra(torch.ones(1)))
tl = torch.jit.trace(Loop(), torch.ones(1, 2))
print(tl)
d = torch.jit.trace(lambda a: {"x": a * 2}, torch.ones(1), strict=False)
print(d(torch.ones(1)))
