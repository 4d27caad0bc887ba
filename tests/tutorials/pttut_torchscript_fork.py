import tinygrad_rnn as torch
from typing import List

# "Dynamic Parallelism in TorchScript": fork/wait over a bidirectional LSTM and an ensemble of them,
# scripted. (torch runs the forks on other threads; the results are the same.)
torch.manual_seed(0)


class LSTMEnsemble(torch.nn.Module):
    def __init__(self, n_models):
        super().__init__()
        self.n_models = n_models
        self.models = torch.nn.ModuleList([BidirectionalRecurrentLSTM() for _ in range(self.n_models)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        futures: List[torch.jit.Future[torch.Tensor]] = []
        for model in self.models:
            futures.append(torch.jit.fork(model, x))
        results: List[torch.Tensor] = []
        for future in futures:
            results.append(torch.jit.wait(future))
        return torch.stack(results).sum(dim=0)


class BidirectionalRecurrentLSTM(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.cell_f = torch.nn.LSTM(input_size=3, hidden_size=4)
        self.cell_b = torch.nn.LSTM(input_size=3, hidden_size=4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        future_f = torch.jit.fork(self.cell_f, x)
        x_rev = torch.flip(x, dims=[0])
        output_b, _ = self.cell_b(torch.flip(x, dims=[0]))
        output_b_rev = torch.flip(output_b, dims=[0])
        output_f, _ = torch.jit.wait(future_f)
        return torch.cat((output_f, output_b_rev), dim=2) + 0 * x_rev.sum()


x = torch.rand(5, 2, 3)
ens = torch.jit.script(LSTMEnsemble(n_models=3))
print(ens)
out = ens(x)
print(out.shape, out[0])
out.sum().backward()
print(ens.models[0].cell_f.weight_ih_l0.grad[:2])
fut = torch.jit.fork(torch.add, torch.ones(2), 2)
print(fut, torch.jit.wait(fut), fut.done())
