import tinygrad_rnn as torch

# "Introduction to TorchScript": a cell, traced and scripted; a scripted decision gate inside a loop.
torch.manual_seed(0)


class MyCell(torch.nn.Module):
    def __init__(self):
        super(MyCell, self).__init__()
        self.linear = torch.nn.Linear(4, 4)

    def forward(self, x, h):
        new_h = torch.tanh(self.linear(x) + h)
        return new_h, new_h


my_cell = MyCell()
x, h = torch.rand(3, 4), torch.rand(3, 4)
print(my_cell)
print(my_cell(x, h))

traced_cell = torch.jit.trace(my_cell, (x, h))
print(traced_cell)
print(traced_cell(x, h))
print(type(traced_cell.linear).__name__, traced_cell.linear)
print(traced_cell.original_name, traced_cell.training)


class MyDecisionGate(torch.nn.Module):
    def forward(self, x):
        if x.sum() > 0:
            return x
        else:
            return -x


class MyCellWithGate(torch.nn.Module):
    def __init__(self, dg):
        super(MyCellWithGate, self).__init__()
        self.dg = dg
        self.linear = torch.nn.Linear(4, 4)

    def forward(self, x, h):
        new_h = torch.tanh(self.dg(self.linear(x)) + h)
        return new_h, new_h


# tracing the gate warns: the `if` on a tensor becomes a constant in torch's trace
traced_gate_cell = torch.jit.trace(MyCellWithGate(MyDecisionGate()), (x, h))
print(traced_gate_cell)
print(traced_gate_cell(x, h)[0].sum())

scripted_gate = torch.jit.script(MyDecisionGate())
print(scripted_gate)
print(scripted_gate(torch.ones(2)), scripted_gate(-torch.ones(2)))

my_cell = MyCellWithGate(scripted_gate)
scripted_cell = torch.jit.script(my_cell)
print(scripted_cell)
print(scripted_cell(x, h))


class MyRNNLoop(torch.nn.Module):
    def __init__(self):
        super(MyRNNLoop, self).__init__()
        self.cell = torch.jit.trace(MyCellWithGate(scripted_gate), (x, h))

    def forward(self, xs):
        h, y = torch.zeros(3, 4), torch.zeros(3, 4)
        for i in range(xs.size(0)):
            y, h = self.cell(xs[i], h)
        return y, h


rnn_loop = torch.jit.script(MyRNNLoop())
print(rnn_loop)
xs = torch.rand(6, 3, 4)
y, hn = rnn_loop(xs)
print(y, hn.shape)


class WrapRNN(torch.nn.Module):
    def __init__(self):
        super(WrapRNN, self).__init__()
        self.loop = torch.jit.script(MyRNNLoop())

    def forward(self, xs):
        y, h = self.loop(xs)
        return torch.relu(y)


traced = torch.jit.trace(WrapRNN(), (torch.rand(10, 3, 4)))
print(traced)
out = traced(xs)
print(out)
out.sum().backward()
print([n for n, _ in traced.named_parameters()])
print(traced.loop.cell.linear.weight.grad)
print(torch.jit.is_scripting(), torch.jit.is_tracing())


@torch.jit.script
def scaled_sum(a, b: float):
    return (a * b).sum()


print(scaled_sum(torch.arange(4.0), 0.5))
