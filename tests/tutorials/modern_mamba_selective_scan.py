import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
# A minimal Mamba (Gu and Dao, "Mamba: Linear-Time Sequence Modeling with Selective State Spaces", 2023)
# in the style of the small single-file versions people learn from (mamba-minimal and its blog
# walk-throughs): in_proj splitting into x and a gate z, a depthwise causal nn.Conv1d (groups=channels,
# padding=k-1, then [:, :, :L]), F.silu, an x_proj giving (delta, B, C), delta through dt_proj and
# F.softplus, A = -exp(A_log), the discretisation deltaA = exp(einsum(delta, A)), a sequential selective
# scan over time, the skip term D, RMSNorm written by hand, and a few AdamW steps with clip_grad_norm_.

torch.manual_seed(3)


class RMSNorm(nn.Module):
    def __init__(self, d_model, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(d_model))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class MambaBlock(nn.Module):
    def __init__(self, d_model, d_state=4, expand=2, d_conv=4, dt_rank=None, bias=False, conv_bias=True):
        super().__init__()
        self.d_inner = expand * d_model
        self.dt_rank = dt_rank or math.ceil(d_model / 16)
        self.d_state = d_state
        self.in_proj = nn.Linear(d_model, self.d_inner * 2, bias=bias)
        self.conv1d = nn.Conv1d(self.d_inner, self.d_inner, kernel_size=d_conv, bias=conv_bias,
                                groups=self.d_inner, padding=d_conv - 1)
        self.x_proj = nn.Linear(self.d_inner, self.dt_rank + d_state * 2, bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, self.d_inner, bias=True)
        A = torch.arange(1, d_state + 1, dtype=torch.float32).repeat(self.d_inner, 1)
        self.A_log = nn.Parameter(torch.log(A))
        self.D = nn.Parameter(torch.ones(self.d_inner))
        self.out_proj = nn.Linear(self.d_inner, d_model, bias=bias)

    def forward(self, x):
        b, l, d = x.shape
        x_and_res = self.in_proj(x)
        x, res = x_and_res.split(split_size=[self.d_inner, self.d_inner], dim=-1)
        x = x.transpose(1, 2)  # (b, d_inner, l) for the convolution
        x = self.conv1d(x)[:, :, :l]  # causal: keep the first l outputs
        x = x.transpose(1, 2)
        x = F.silu(x)
        y = self.ssm(x)
        y = y * F.silu(res)
        return self.out_proj(y)

    def ssm(self, x):
        d_in, n = self.A_log.shape
        A = -torch.exp(self.A_log.float())
        D = self.D.float()
        x_dbl = self.x_proj(x)
        delta, B, C = x_dbl.split(split_size=[self.dt_rank, n, n], dim=-1)
        delta = F.softplus(self.dt_proj(delta))
        return self.selective_scan(x, delta, A, B, C, D)

    def selective_scan(self, u, delta, A, B, C, D):
        b, l, d_in = u.shape
        n = A.shape[1]
        deltaA = torch.exp(torch.einsum("bld,dn->bldn", delta, A))
        deltaB_u = torch.einsum("bld,bln,bld->bldn", delta, B, u)
        x = torch.zeros((b, d_in, n))
        ys = []
        for i in range(l):
            x = deltaA[:, i] * x + deltaB_u[:, i]
            y = torch.einsum("bdn,bn->bd", x, C[:, i, :])
            ys.append(y)
        y = torch.stack(ys, dim=1)
        return y + u * D


class ResidualBlock(nn.Module):
    def __init__(self, d_model, **kw):
        super().__init__()
        self.mixer = MambaBlock(d_model, **kw)
        self.norm = RMSNorm(d_model)

    def forward(self, x):
        return self.mixer(self.norm(x)) + x


class Mamba(nn.Module):
    def __init__(self, vocab_size, d_model, n_layer, **kw):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.layers = nn.ModuleList([ResidualBlock(d_model, **kw) for _ in range(n_layer)])
        self.norm_f = RMSNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab_size, bias=False)
        self.lm_head.weight = self.embedding.weight  # tied, as in the reference

    def forward(self, input_ids):
        x = self.embedding(input_ids)
        for layer in self.layers:
            x = layer(x)
        return self.lm_head(self.norm_f(x))


# the pieces, one at a time
block = MambaBlock(8, d_state=4, d_conv=3)
print(block)
print({k: tuple(v.shape) for k, v in block.state_dict().items()})
print("conv weight", block.conv1d.weight.shape, "groups", block.conv1d.groups, "padding", block.conv1d.padding)
print("A_log row 0:", block.A_log[0])
print("A:", (-torch.exp(block.A_log))[:2])

u = torch.randn(2, 9, 8)
conv_in = block.in_proj(u)[..., :16].transpose(1, 2)
full = block.conv1d(conv_in)
print("conv out", full.shape, "causal slice", full[:, :, :9].shape)
# causality: changing a later time step leaves earlier conv outputs alone
poked = conv_in.clone()
poked[:, :, 5] += 10.0
print("causal:", torch.allclose(block.conv1d(poked)[:, :, :5], full[:, :, :5]))
# depthwise conv by hand: F.pad on the left then a per-channel sum of shifted copies
w = block.conv1d.weight.squeeze(1)  # (channels, k)
padded = F.pad(conv_in, (2, 0))
by_hand = sum(padded[:, :, j:j + 9] * w[:, j:j + 1] for j in range(3)) + block.conv1d.bias[:, None]
print("depthwise by hand:", torch.allclose(by_hand, full[:, :, :9], atol=1e-6))
print("F.conv1d same:", torch.allclose(F.conv1d(conv_in, block.conv1d.weight, block.conv1d.bias, padding=2,
                                                groups=16), full))

y = block(u)
print("block out", y.shape, y.dtype)
print(y[0, :3])
print("softplus dt range ok:", bool((F.softplus(torch.linspace(-5, 5, 11)) > 0).all()))
print(F.softplus(torch.tensor([-20.0, 0.0, 19.0, 21.0])), F.silu(torch.tensor([-2.0, 0.0, 2.0])))

# the scan as a recurrence equals a closed form on one channel
d = torch.rand(1, 6, 1) + 0.1
A1 = -torch.tensor([[0.5]])
B1 = torch.randn(1, 6, 1)
C1 = torch.ones(1, 6, 1)
u1 = torch.randn(1, 6, 1)
scanned = block.selective_scan(u1, d, A1, B1, C1, torch.zeros(1))
dA = torch.exp(d[0, :, 0] * A1[0, 0])
ref, h = [], torch.tensor(0.0)
for t in range(6):
    h = dA[t] * h + d[0, t, 0] * B1[0, t, 0] * u1[0, t, 0]
    ref.append(h)
print("scan == loop:", torch.allclose(scanned.view(-1), torch.stack(ref)), scanned.view(-1))

# RMSNorm by hand against nn.RMSNorm and F.rms_norm
rms = RMSNorm(8)
ref_rms = nn.RMSNorm(8, eps=1e-5)
print("RMSNorm:", torch.allclose(rms(u), ref_rms(u), atol=1e-6), torch.allclose(rms(u), F.rms_norm(u, (8,), eps=1e-5),
                                                                                  atol=1e-6))

# a two-layer model on a copy task
model = Mamba(vocab_size=10, d_model=16, n_layer=2, d_state=4, d_conv=3)
print(model)
n_params = sum(p.numel() for p in model.parameters())
print("parameters:", n_params, "tied:", model.lm_head.weight is model.embedding.weight)
print(len(list(model.parameters())), len(model.state_dict()))
seq = torch.randint(1, 10, (3, 6))
inputs = torch.cat([seq, torch.zeros(3, 1, dtype=torch.long), seq], dim=1)
opt = torch.optim.AdamW(model.parameters(), lr=4e-3, weight_decay=0.1)
for step in range(4):
    logits = model(inputs[:, :-1])
    loss = F.cross_entropy(logits[:, 6:].reshape(-1, 10), inputs[:, 7:].reshape(-1))
    opt.zero_grad()
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    opt.step()
    print(f"step {step}: loss {loss.item():.5f} grad norm {norm.item():.5f}")
mixer = model.layers[0].mixer
for name in ["A_log", "D", "dt_proj.weight", "dt_proj.bias", "conv1d.weight", "x_proj.weight"]:
    p = mixer.get_parameter(name)
    print(f"{name:15s} {tuple(p.shape)} grad {p.grad.norm().item():.6f}")
print("A after steps:", (-torch.exp(mixer.A_log))[0])
