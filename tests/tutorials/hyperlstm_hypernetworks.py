import tinygrad_rnn as torch
import math
# HyperNetworks (Ha, Dai and Le 2016) and the HyperLSTM, as the labml.ai annotated implementation and blog posts
# write it in PyTorch: a small LSTMCell reads [x, h] and emits per-gate embeddings z, linear maps turn z into
# scaling vectors d for the main LSTM's input, hidden and bias terms, torch.chunk splits the four gates,
# layer norm on each gate, a stacked multi-layer HyperLSTM over a sequence; then a static hypernetwork that
# generates a layer's weight matrix from a layer embedding, trained a few steps with Adam and gradient clipping.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)


class HyperLSTMCell(nn.Module):
    """One HyperLSTM step: the hyper cell (size n_hyper) scales the main cell's (size hidden) gate terms."""

    def __init__(self, input_size, hidden_size, hyper_size, n_z):
        super().__init__()
        self.hidden_size = hidden_size
        self.hyper = nn.LSTMCell(hidden_size + input_size, hyper_size)
        self.z_h = nn.Linear(hyper_size, 4 * n_z)
        self.z_x = nn.Linear(hyper_size, 4 * n_z)
        self.z_b = nn.Linear(hyper_size, 4 * n_z, bias=False)
        self.d_h = nn.ModuleList([nn.Linear(n_z, hidden_size, bias=False) for _ in range(4)])
        self.d_x = nn.ModuleList([nn.Linear(n_z, hidden_size, bias=False) for _ in range(4)])
        self.d_b = nn.ModuleList([nn.Linear(n_z, hidden_size) for _ in range(4)])
        self.w_h = nn.ParameterList([nn.Parameter(torch.zeros(hidden_size, hidden_size)) for _ in range(4)])
        self.w_x = nn.ParameterList([nn.Parameter(torch.zeros(hidden_size, input_size)) for _ in range(4)])
        self.layer_norm = nn.ModuleList([nn.LayerNorm(hidden_size) for _ in range(4)])
        self.layer_norm_c = nn.LayerNorm(hidden_size)
        bound = 1 / math.sqrt(hidden_size)
        for w in list(self.w_h) + list(self.w_x):
            nn.init.uniform_(w, -bound, bound)

    def forward(self, x, h, c, h_hat, c_hat):
        x_hat = torch.cat((h, x), dim=-1)
        h_hat, c_hat = self.hyper(x_hat, (h_hat, c_hat))
        z_h = self.z_h(h_hat).chunk(4, dim=-1)
        z_x = self.z_x(h_hat).chunk(4, dim=-1)
        z_b = self.z_b(h_hat).chunk(4, dim=-1)
        gates = []
        for i in range(4):
            d_h, d_x, d_b = self.d_h[i](z_h[i]), self.d_x[i](z_x[i]), self.d_b[i](z_b[i])
            y = d_h * torch.einsum("ij,bj->bi", self.w_h[i], h) + d_x * torch.einsum("ij,bj->bi", self.w_x[i], x) + d_b
            gates.append(self.layer_norm[i](y))
        i, f, g, o = gates
        c_next = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h_next = torch.sigmoid(o) * torch.tanh(self.layer_norm_c(c_next))
        return h_next, c_next, h_hat, c_hat


class HyperLSTM(nn.Module):
    def __init__(self, input_size, hidden_size, hyper_size, n_z, n_layers):
        super().__init__()
        self.n_layers, self.hidden_size, self.hyper_size = n_layers, hidden_size, hyper_size
        self.cells = nn.ModuleList([HyperLSTMCell(input_size, hidden_size, hyper_size, n_z)] +
                                   [HyperLSTMCell(hidden_size, hidden_size, hyper_size, n_z)
                                    for _ in range(n_layers - 1)])

    def forward(self, x, state=None):
        n_steps, batch = x.shape[:2]
        if state is None:
            h = [x.new_zeros(batch, self.hidden_size) for _ in range(self.n_layers)]
            c = [x.new_zeros(batch, self.hidden_size) for _ in range(self.n_layers)]
            h_hat = [x.new_zeros(batch, self.hyper_size) for _ in range(self.n_layers)]
            c_hat = [x.new_zeros(batch, self.hyper_size) for _ in range(self.n_layers)]
        else:
            h, c, h_hat, c_hat = (list(torch.unbind(s)) for s in state)
        out = []
        for t in range(n_steps):
            inp = x[t]
            for layer in range(self.n_layers):
                h[layer], c[layer], h_hat[layer], c_hat[layer] = self.cells[layer](
                    inp, h[layer], c[layer], h_hat[layer], c_hat[layer])
                inp = h[layer]
            out.append(h[-1])
        return torch.stack(out), tuple(torch.stack(s) for s in (h, c, h_hat, c_hat))


model = HyperLSTM(input_size=3, hidden_size=6, hyper_size=4, n_z=2, n_layers=2)
print(model.cells[0])
names = [n for n, _ in model.named_parameters()]
print(len(names), names[:12])
print(sum(p.numel() for p in model.parameters()), model.cells[0].w_h)

x = torch.randn(4, 2, 3)  # [steps, batch, features]
out, state = model(x)
print(out.shape, [tuple(s.shape) for s in state])
print(out[-1])
print(out.grad_fn.name(), state[2].grad_fn.name())
out2, state2 = model(x[:2], state)
print(out2[0], torch.allclose(out2[0], out[0]))

# the scaling vectors at one step: chunk gives views of one output
cell = model.cells[0]
h_hat, c_hat = cell.hyper(torch.cat((torch.zeros(2, 6), x[0]), -1))
z = cell.z_h(h_hat)
parts = torch.chunk(z, 4, dim=-1)
print([tuple(p.shape) for p in parts], parts[1]._base is z, parts[3].grad_fn.name())
print(z.split([2, 2, 4], dim=1)[2].shape, torch.tensor_split(z, 3, dim=1)[0].shape)

# a training few steps: predict the next step of a noisy sine from the HyperLSTM's output
t = torch.linspace(0, 4 * math.pi, 7)
seq = torch.stack([torch.sin(t), torch.cos(t), torch.sin(2 * t)], dim=-1).unsqueeze(1)  # [7, 1, 3]
head = nn.Linear(6, 3)
opt = torch.optim.Adam(list(model.parameters()) + list(head.parameters()), lr=0.01)
for step in range(3):
    opt.zero_grad()
    out, _ = model(seq[:-1])
    loss = F.mse_loss(head(out), seq[1:])
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    opt.step()
    print(f"step {step}: loss {loss.item():.5f}, grad norm {norm.item():.5f}")
print(model.cells[1].d_b[0].bias.grad, model.cells[0].layer_norm_c.weight.grad)

# a static hypernetwork: each layer's weight is generated from a learned embedding
class HyperLinear(nn.Module):
    def __init__(self, z_dim, in_f, out_f):
        super().__init__()
        self.in_f, self.out_f = in_f, out_f
        self.w1 = nn.Parameter(torch.fmod(torch.randn(z_dim, out_f * z_dim), 2))
        self.b1 = nn.Parameter(torch.fmod(torch.randn(out_f * z_dim), 2))
        self.w2 = nn.Parameter(torch.fmod(torch.randn(z_dim, in_f), 2))
        self.b2 = nn.Parameter(torch.fmod(torch.randn(in_f), 2))

    def forward(self, z):
        h = torch.matmul(z, self.w1) + self.b1
        h = h.view(self.out_f, -1)
        return torch.matmul(h, self.w2) + self.b2


hyper = HyperLinear(z_dim=4, in_f=5, out_f=3)
embeddings = nn.ParameterList([nn.Parameter(torch.fmod(torch.randn(4), 2)) for _ in range(2)])
print(hyper, embeddings)
w0 = hyper(embeddings[0])
print(w0.shape, w0.grad_fn.name(), f"{w0.mean().item():.5f}")
inputs = torch.randn(6, 5)
target = torch.randn(6, 3)
opt = torch.optim.Adam(list(hyper.parameters()) + list(embeddings.parameters()), lr=0.01)
for step in range(3):
    opt.zero_grad()
    out = sum(F.linear(inputs, hyper(e)) for e in embeddings)
    loss = F.mse_loss(out, target)
    loss.backward()
    opt.step()
    print(f"hyper step {step}: {loss.item():.4f}", embeddings[1].grad)
print(list(dict(hyper.named_parameters()).keys()), [k for k in embeddings.state_dict()])
