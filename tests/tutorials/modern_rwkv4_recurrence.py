import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
# RWKV-4 written as an RNN, after the small educational versions that circulate ("RWKV in 150 lines",
# Peng et al., "RWKV: Reinventing RNNs for the Transformer Era", 2023): a time-mixing block whose wkv
# attention is a recurrence over (a, b, p) with the max trick for numerical stability (w = -exp(time_decay),
# u = time_first), token shift by nn.ZeroPad2d / F.pad / torch.cat, and channel mixing with
# square(relu(k)). The GPT mode (all tokens at once, token shift by padding) is checked against the RNN
# mode (one token at a time, carrying the state), then the model trains a few steps with AdamW.

torch.manual_seed(7)


class TimeMix(nn.Module):
    def __init__(self, d_model, layer_id, n_layer):
        super().__init__()
        ratio_0_to_1 = layer_id / max(n_layer - 1, 1)
        ratio_1_to_almost0 = 1.0 - layer_id / n_layer
        decay = torch.tensor([-5 + 8 * (h / (d_model - 1)) ** (0.7 + 1.3 * ratio_0_to_1) for h in range(d_model)])
        self.time_decay = nn.Parameter(decay)
        zigzag = torch.tensor([(i + 1) % 3 - 1 for i in range(d_model)]) * 0.5
        self.time_first = nn.Parameter(torch.ones(d_model) * math.log(0.3) + zigzag)
        x = (torch.arange(d_model, dtype=torch.float32) / d_model).view(1, 1, d_model)
        self.time_mix_k = nn.Parameter(torch.pow(x, ratio_1_to_almost0))
        self.time_mix_v = nn.Parameter(torch.pow(x, ratio_1_to_almost0) + 0.3 * ratio_0_to_1)
        self.time_mix_r = nn.Parameter(torch.pow(x, 0.5 * ratio_1_to_almost0))
        self.time_shift = nn.ZeroPad2d((0, 0, 1, -1))
        self.key = nn.Linear(d_model, d_model, bias=False)
        self.value = nn.Linear(d_model, d_model, bias=False)
        self.receptance = nn.Linear(d_model, d_model, bias=False)
        self.output = nn.Linear(d_model, d_model, bias=False)

    def mix(self, x, xx):
        xk = x * self.time_mix_k + xx * (1 - self.time_mix_k)
        xv = x * self.time_mix_v + xx * (1 - self.time_mix_v)
        xr = x * self.time_mix_r + xx * (1 - self.time_mix_r)
        return self.key(xk), self.value(xv), torch.sigmoid(self.receptance(xr))

    def wkv_step(self, k, v, state):
        """One token of the wkv recurrence; state = (a, b, p): numerator, denominator, running max exponent."""
        a, b, p = state
        w, u = -torch.exp(self.time_decay), self.time_first
        ww = u + k
        q = torch.maximum(p, ww)
        e1, e2 = torch.exp(p - q), torch.exp(ww - q)
        wkv = (e1 * a + e2 * v) / (e1 * b + e2)
        ww = p + w
        q = torch.maximum(ww, k)
        e1, e2 = torch.exp(ww - q), torch.exp(k - q)
        return wkv, (e1 * a + e2 * v, e1 * b + e2, q)

    def forward(self, x):
        """GPT mode: the whole (B, T, C) sequence; token shift by padding one step in time."""
        B, T, C = x.shape
        k, v, r = self.mix(x, self.time_shift(x))
        state = (torch.zeros(B, C), torch.zeros(B, C), torch.full((B, C), -1e38))
        outs = []
        for t in range(T):
            wkv, state = self.wkv_step(k[:, t], v[:, t], state)
            outs.append(wkv)
        return self.output(r * torch.stack(outs, dim=1))

    def step(self, x, last_x, state):
        """RNN mode: one token (B, C), the previous token's input and the wkv state."""
        k, v, r = (y.squeeze(1) for y in self.mix(x.unsqueeze(1), last_x.unsqueeze(1)))
        wkv, state = self.wkv_step(k, v, state)
        return self.output(r * wkv), state


class ChannelMix(nn.Module):
    def __init__(self, d_model, layer_id, n_layer):
        super().__init__()
        ratio_1_to_almost0 = 1.0 - layer_id / n_layer
        x = (torch.arange(d_model, dtype=torch.float32) / d_model).view(1, 1, d_model)
        self.time_mix_k = nn.Parameter(torch.pow(x, ratio_1_to_almost0))
        self.time_mix_r = nn.Parameter(torch.pow(x, ratio_1_to_almost0))
        self.key = nn.Linear(d_model, 4 * d_model, bias=False)
        self.receptance = nn.Linear(d_model, d_model, bias=False)
        self.value = nn.Linear(4 * d_model, d_model, bias=False)

    def forward(self, x, xx=None):
        if xx is None:
            xx = torch.cat([torch.zeros_like(x[:, :1]), x[:, :-1]], dim=1)  # token shift with torch.cat
        xk = x * self.time_mix_k + xx * (1 - self.time_mix_k)
        xr = x * self.time_mix_r + xx * (1 - self.time_mix_r)
        k = torch.square(torch.relu(self.key(xk)))
        return torch.sigmoid(self.receptance(xr)) * self.value(k)


class Block(nn.Module):
    def __init__(self, d_model, layer_id, n_layer):
        super().__init__()
        self.ln1 = nn.LayerNorm(d_model)
        self.ln2 = nn.LayerNorm(d_model)
        self.att = TimeMix(d_model, layer_id, n_layer)
        self.ffn = ChannelMix(d_model, layer_id, n_layer)

    def forward(self, x):
        x = x + self.att(self.ln1(x))
        return x + self.ffn(self.ln2(x))


class RWKV(nn.Module):
    def __init__(self, vocab, d_model, n_layer):
        super().__init__()
        self.emb = nn.Embedding(vocab, d_model)
        self.ln0 = nn.LayerNorm(d_model)
        self.blocks = nn.ModuleList([Block(d_model, i, n_layer) for i in range(n_layer)])
        self.ln_out = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, vocab, bias=False)

    def forward(self, idx):
        x = self.ln0(self.emb(idx))
        for block in self.blocks:
            x = block(x)
        return self.head(self.ln_out(x))

    @torch.no_grad()
    def forward_rnn(self, token, states):
        """One token for every sequence in the batch; states holds per block (att_x, ffn_x, (a, b, p))."""
        x = self.ln0(self.emb(token))
        new_states = []
        for block, (att_x, ffn_x, wkv_state) in zip(self.blocks, states):
            h = block.ln1(x)
            out, wkv_state = block.att.step(h, att_x, wkv_state)
            x = x + out
            h2 = block.ln2(x)
            x = x + block.ffn(h2.unsqueeze(1), ffn_x.unsqueeze(1)).squeeze(1)
            new_states.append((h, h2, wkv_state))
        return self.head(self.ln_out(x)), new_states


vocab, d_model, n_layer = 13, 16, 2
model = RWKV(vocab, d_model, n_layer)
print(model)
for name, p in model.named_parameters():
    if "time_" in name:
        print(f"{name:26s} {tuple(p.shape)} mean={p.mean().item():+.5f}")
print("time_decay[0]:", model.blocks[0].att.time_decay[:6])
print("w = -exp(decay):", -torch.exp(model.blocks[1].att.time_decay[-4:]))

# token shift three ways
x = torch.arange(24.0).view(2, 3, 4)
print("ZeroPad2d:", nn.ZeroPad2d((0, 0, 1, -1))(x)[0])
print("F.pad equal:", torch.equal(F.pad(x, (0, 0, 1, -1)), nn.ZeroPad2d((0, 0, 1, -1))(x)))
print("cat equal:", torch.equal(torch.cat([torch.zeros_like(x[:, :1]), x[:, :-1]], 1), F.pad(x, (0, 0, 1, -1))))
print(nn.ZeroPad2d((0, 0, 1, -1)), nn.ZeroPad2d(2))

# the max trick: exp of large exponents stays finite
big = torch.tensor([80.0, 90.0, 100.0])
print("naive:", torch.exp(big), "stable:", torch.exp(big - big.max()))

# GPT mode against RNN mode
tokens = torch.randint(0, vocab, (2, 10))
print(tokens)
logits_gpt = model(tokens)
states = [(torch.zeros(2, d_model), torch.zeros(2, d_model),
           (torch.zeros(2, d_model), torch.zeros(2, d_model), torch.full((2, d_model), -1e38)))
          for _ in range(n_layer)]
rnn_logits = []
for t in range(tokens.shape[1]):
    out, states = model.forward_rnn(tokens[:, t], states)
    rnn_logits.append(out)
logits_rnn = torch.stack(rnn_logits, 1)
print("logits", logits_gpt.shape, logits_rnn.shape)
print("GPT == RNN:", torch.allclose(logits_gpt, logits_rnn, atol=1e-4))
print("last logits:", logits_gpt[0, -1, :6])
print("probs:", F.softmax(logits_rnn[1, -1], dim=-1)[:5])
a, b, p = states[0][2]
print("state shapes:", a.shape, b.shape, p.shape, "p max", f"{p.max().item():.4f}")

# train a few steps to predict the next token of a repeating pattern
pattern = torch.tensor([1, 4, 2, 8, 5, 7]).repeat(3)[:12]
data = torch.stack([pattern, (pattern + 3) % vocab])
opt = torch.optim.AdamW(model.parameters(), lr=5e-3, betas=(0.9, 0.99), eps=1e-8, weight_decay=0.01)
for step in range(5):
    logits = model(data[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, vocab), data[:, 1:].reshape(-1))
    opt.zero_grad(set_to_none=True)
    loss.backward()
    grad_norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    print(f"step {step} loss {loss.item():.5f} grad norm {grad_norm.item():.4f}")
print("decay grads:", [f"{blk.att.time_decay.grad.norm().item():.6f}" for blk in model.blocks])
print("first grads:", [f"{blk.att.time_first.grad.abs().max().item():.6f}" for blk in model.blocks])
print("ffn key grad:", model.blocks[0].ffn.key.weight.grad.shape, f"{model.blocks[0].ffn.key.weight.grad.norm():.6f}")
print(sorted(opt.state_dict()["state"].keys())[:5], opt.state_dict()["param_groups"][0]["weight_decay"])
