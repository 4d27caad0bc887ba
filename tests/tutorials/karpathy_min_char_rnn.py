import tinygrad_rnn as torch
import numpy as np
# Karpathy's min-char-rnn.py (the 112-line numpy gist) ported to torch tensors, as course notebooks do:
# the parameters Wxh/Whh/Why/bh/by as float64 tensors scaled by 0.01, lossFun's forward pass over a
# sequence with one-hot inputs kept in dicts, the hand-written backward pass (dy, dh, dhraw, dhnext)
# with gradients clipped in place, a gradient check against autograd, Adagrad by hand with memory
# tensors, the smoothed loss, and sampling with torch.multinomial; then the same step written with
# autograd and torch.optim.Adagrad for comparison.
torch.manual_seed(42)
np.random.seed(42)
data = "hello world. hello there. the world says hello. "
chars = sorted(list(set(data)))
data_size, vocab_size = len(data), len(chars)
print('data has %d characters, %d unique.' % (data_size, vocab_size))
char_to_ix = {ch: i for i, ch in enumerate(chars)}
ix_to_char = {i: ch for i, ch in enumerate(chars)}

hidden_size, seq_length, learning_rate = 16, 10, 1e-1
dt = torch.float64
Wxh = torch.randn(hidden_size, vocab_size, dtype=dt) * 0.01
Whh = torch.randn(hidden_size, hidden_size, dtype=dt) * 0.01
Why = torch.randn(vocab_size, hidden_size, dtype=dt) * 0.01
bh = torch.zeros((hidden_size, 1), dtype=dt)
by = torch.zeros((vocab_size, 1), dtype=dt)
print(Wxh.shape, Whh.dtype, by.T, Wxh[:2, :4])


def lossFun(inputs, targets, hprev):
    xs, hs, ys, ps = {}, {}, {}, {}
    hs[-1] = hprev.clone()
    loss = 0
    for t in range(len(inputs)):
        xs[t] = torch.zeros((vocab_size, 1), dtype=dt)
        xs[t][inputs[t]] = 1
        hs[t] = torch.tanh(Wxh @ xs[t] + Whh @ hs[t - 1] + bh)
        ys[t] = Why @ hs[t] + by
        ps[t] = torch.exp(ys[t]) / torch.sum(torch.exp(ys[t]))
        loss += -torch.log(ps[t][targets[t], 0])
    dWxh, dWhh, dWhy = torch.zeros_like(Wxh), torch.zeros_like(Whh), torch.zeros_like(Why)
    dbh, dby = torch.zeros_like(bh), torch.zeros_like(by)
    dhnext = torch.zeros_like(hs[0])
    for t in reversed(range(len(inputs))):
        dy = ps[t].clone()
        dy[targets[t]] -= 1
        dWhy += dy @ hs[t].T
        dby += dy
        dh = Why.T @ dy + dhnext
        dhraw = (1 - hs[t] * hs[t]) * dh
        dbh += dhraw
        dWxh += dhraw @ xs[t].T
        dWhh += dhraw @ hs[t - 1].T
        dhnext = Whh.T @ dhraw
    for dparam in [dWxh, dWhh, dWhy, dbh, dby]:
        torch.clamp(dparam, -5, 5, out=dparam)
    return loss, dWxh, dWhh, dWhy, dbh, dby, hs[len(inputs) - 1]


def sample(h, seed_ix, n):
    x = torch.zeros((vocab_size, 1), dtype=dt)
    x[seed_ix] = 1
    ixes = []
    for t in range(n):
        h = torch.tanh(Wxh @ x + Whh @ h + bh)
        y = Why @ h + by
        p = torch.exp(y) / torch.sum(torch.exp(y))
        ix = torch.multinomial(p.ravel(), 1).item()
        x = torch.zeros((vocab_size, 1), dtype=dt)
        x[ix] = 1
        ixes.append(ix)
    return ixes


print("-- gradient check")
inputs = [char_to_ix[ch] for ch in data[:seq_length]]
targets = [char_to_ix[ch] for ch in data[1:seq_length + 1]]
hprev = torch.zeros((hidden_size, 1), dtype=dt)
loss, dWxh, dWhh, dWhy, dbh, dby, _ = lossFun(inputs, targets, hprev)
params = [p.clone().requires_grad_() for p in (Wxh, Whh, Why, bh, by)]


def autograd_loss(pWxh, pWhh, pWhy, pbh, pby):
    h = hprev
    total = 0
    for t in range(seq_length):
        x = torch.nn.functional.one_hot(torch.tensor(inputs[t]), vocab_size).to(dt).view(-1, 1)
        h = torch.tanh(pWxh @ x + pWhh @ h + pbh)
        logp = torch.log_softmax((pWhy @ h + pby).view(-1), dim=0)
        total = total - logp[targets[t]]
    return total


auto_loss = autograd_loss(*params)
auto_loss.backward()
print(f"{loss.item():.10f} {auto_loss.item():.10f}", type(loss).__name__, loss.dtype)
for name, mine, p in zip(["Wxh", "Whh", "Why", "bh", "by"], [dWxh, dWhh, dWhy, dbh, dby], params):
    rel = (mine - p.grad).norm() / (mine.norm() + p.grad.norm())
    print(name, tuple(mine.shape), f"{rel.item():.2e}" if rel > 1e-12 else "exact", torch.allclose(mine, p.grad))
for i in range(3):
    ri = int(torch.randint(Wxh.numel(), (1,)))
    old = Wxh.view(-1)[ri].item()
    Wxh.view(-1)[ri] = old + 1e-5
    lp = lossFun(inputs, targets, hprev)[0]
    Wxh.view(-1)[ri] = old - 1e-5
    lm = lossFun(inputs, targets, hprev)[0]
    Wxh.view(-1)[ri] = old
    numerical = (lp - lm) / 2e-5
    analytic = dWxh.view(-1)[ri]
    print(ri, f"{numerical.item():+.6f} {analytic.item():+.6f}", abs(numerical - analytic).item() < 1e-6)

print("-- training with Adagrad by hand")
n, p = 0, 0
mWxh, mWhh, mWhy = torch.zeros_like(Wxh), torch.zeros_like(Whh), torch.zeros_like(Why)
mbh, mby = torch.zeros_like(bh), torch.zeros_like(by)
smooth_loss = -np.log(1.0 / vocab_size) * seq_length
while n <= 40:
    if p + seq_length + 1 >= len(data) or n == 0:
        hprev = torch.zeros((hidden_size, 1), dtype=dt)
        p = 0
    inputs = [char_to_ix[ch] for ch in data[p:p + seq_length]]
    targets = [char_to_ix[ch] for ch in data[p + 1:p + seq_length + 1]]
    if n % 20 == 0:
        sample_ix = sample(hprev, inputs[0], 20)
        txt = ''.join(ix_to_char[ix] for ix in sample_ix)
        print('----\n %r \n----' % (txt,))
    loss, dWxh, dWhh, dWhy, dbh, dby, hprev = lossFun(inputs, targets, hprev)
    smooth_loss = smooth_loss * 0.999 + loss * 0.001
    if n % 20 == 0:
        print('iter %d, loss: %f' % (n, smooth_loss))
    for param, dparam, mem in zip([Wxh, Whh, Why, bh, by], [dWxh, dWhh, dWhy, dbh, dby],
                                  [mWxh, mWhh, mWhy, mbh, mby]):
        mem += dparam * dparam
        param += -learning_rate * dparam / torch.sqrt(mem + 1e-8)
    p += seq_length
    n += 1
print(type(smooth_loss), smooth_loss.dtype, f"{loss.item():.4f}", mWhh.sum().item() > 0, Why.abs().max())



@torch.no_grad
def sample_stream(params, seed_ix):
    """Characters one at a time, as a generator under no_grad (torch's docs write the bare decorator)."""
    pWxh, pWhh, pWhy, pbh, pby = params
    h = torch.zeros((hidden_size, 1), dtype=dt)
    ix = seed_ix
    while True:
        x = torch.nn.functional.one_hot(torch.tensor(ix), vocab_size).to(dt).view(-1, 1)
        h = torch.tanh(pWxh @ x + pWhh @ h + pbh)
        p = torch.softmax((pWhy @ h + pby).view(-1), dim=0)
        ix = torch.multinomial(p, 1).item()
        yield ix, h.requires_grad, torch.is_grad_enabled()


print("-- the same model with autograd and optim.Adagrad")
torch.manual_seed(0)
rnn_params = [(torch.randn(hidden_size, vocab_size, dtype=dt) * 0.01).requires_grad_(),
              (torch.randn(hidden_size, hidden_size, dtype=dt) * 0.01).requires_grad_(),
              (torch.randn(vocab_size, hidden_size, dtype=dt) * 0.01).requires_grad_(),
              torch.zeros((hidden_size, 1), dtype=dt, requires_grad=True),
              torch.zeros((vocab_size, 1), dtype=dt, requires_grad=True)]
opt = torch.optim.Adagrad(rnn_params, lr=learning_rate, eps=1e-8)
print(opt)
hprev = torch.zeros((hidden_size, 1), dtype=dt)
for step in range(12):
    p = (step * seq_length) % (len(data) - seq_length - 1)
    inputs = [char_to_ix[ch] for ch in data[p:p + seq_length]]
    targets = [char_to_ix[ch] for ch in data[p + 1:p + seq_length + 1]]
    opt.zero_grad()
    loss = autograd_loss(*rnn_params)
    loss.backward()
    torch.nn.utils.clip_grad_value_(rnn_params, 5)
    opt.step()
    if step % 4 == 0:
        print(step, f"{loss.item():.6f}", opt.state[rnn_params[0]]["sum"].sum().item() > 0)
print(sorted(opt.state_dict()["state"][0]), opt.state_dict()["param_groups"][0]["initial_accumulator_value"])
stream = sample_stream(rnn_params, char_to_ix["h"])
drawn = [next(stream) for _ in range(12)]
print(repr("".join(ix_to_char[ix] for ix, _, _ in drawn)), drawn[0][1:], torch.is_grad_enabled())
