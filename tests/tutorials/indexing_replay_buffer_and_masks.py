import numpy as np

import tinygrad_rnn as torch

F = torch.nn.functional
# Indexing as RL and language-model course code writes it: a DQN replay buffer (cleanrl / "Reinforcement
# Learning (DQN) Tutorial" style) filled with `buf[ptr] = obs` and sampled with numpy indices, makemore's
# embedding lookup `C[X]` and `logprobs[torch.arange(n), Y]`, attention masks built with None, bool masks
# and masked_fill, beam reordering with index tensors, and the mistakes those programs meet on the way
# (a mask of the wrong shape, an index past the end, a value that does not fit), printed as caught errors.
torch.manual_seed(0)
rng = np.random.default_rng(0)


def caught(fn):
    try:
        fn()
    except Exception as error:  # the tutorial prints the error a learner would see
        print(f"{type(error).__name__}: {error}")


print("-- a replay buffer: writes at a cursor, sampling with numpy indices")
capacity, obs_dim = 6, 3
obs_buf = torch.zeros(capacity, obs_dim)
act_buf = torch.zeros(capacity, dtype=torch.long)
rew_buf = torch.zeros(capacity)
done_buf = torch.zeros(capacity, dtype=torch.bool)
for step in range(8):
    ptr = step % capacity
    obs_buf[ptr] = torch.randn(obs_dim)
    act_buf[np.int64(ptr)] = step % 2  # numpy integers index as ints
    rew_buf[np.array(ptr)] = float(step)  # a 0-d numpy array too: a select, so the float is converted
    done_buf[ptr] = step % 3 == 2
print(obs_buf.round(decimals=3), act_buf, rew_buf, done_buf, obs_buf._version)
idx = rng.integers(0, capacity, size=4)
batch = obs_buf[idx], act_buf[idx], rew_buf[idx], done_buf[idx]
print(idx, batch[0].shape, batch[1], batch[2], batch[3], batch[0]._base is None)
print(rew_buf[np.array([1.9, -0.5])], obs_buf[np.array([1, 0, 1, 0, 0, 1], np.uint8)].shape)
print(obs_buf[3:3].shape, obs_buf[3:3]._base is obs_buf, obs_buf[[]]._base is obs_buf)

print("-- TD targets: gather the taken actions' values, mask the finished episodes")
q = torch.nn.Linear(obs_dim, 2)
q_values = q(batch[0])
taken = q_values.gather(1, batch[1].unsqueeze(1)).squeeze(1)
target = batch[2] + 0.9 * q_values.detach().max(1).values * (~batch[3]).float()
loss = F.smooth_l1_loss(taken, target)
loss.backward()
print(f"{loss.item():.4f}", q.weight.grad.round(decimals=4))
caught(lambda: rew_buf.__setitem__(torch.tensor([0, 1]), torch.ones(1, 3)))
caught(lambda: obs_buf.__setitem__(torch.tensor(1), torch.ones(4, 3)))
caught(lambda: obs_buf[:, torch.tensor([0, 5])])
caught(lambda: obs_buf[torch.tensor([1]), None, torch.tensor([7])])

print("-- makemore: C[X] and logprobs[arange, Y]")
C = torch.randn(5, 2, requires_grad=True)
X = torch.tensor([[0, 1, 2], [3, 4, 0]])
Y = torch.tensor([4, 1])
emb = C[X]
logits = emb.view(2, -1) @ torch.randn(6, 5)
logprobs = logits.log_softmax(1)
nll = -logprobs[torch.arange(2), Y].mean()
nll.backward()
print(emb.shape, f"{nll.item():.4f}", C.grad.round(decimals=4))
counts = torch.zeros(5, 5, dtype=torch.int32)
counts.index_put_((X[:, :-1].reshape(-1), X[:, 1:].reshape(-1)), torch.tensor(1, dtype=torch.int32), accumulate=True)
counts[0, 0] += 1
print(counts, counts.sum(1))

print("-- attention masks: None, bool masks, masked_fill")
T_len = 4
scores = torch.randn(2, T_len, T_len, requires_grad=True)
causal = torch.tril(torch.ones(T_len, T_len, dtype=torch.bool))
pad = torch.tensor([[True, True, True, False], [True, True, False, False]])
mask = causal[None] & pad[:, None, :]
att = scores.masked_fill(~mask, float("-inf")).softmax(-1)
(att * torch.arange(T_len.__float__())).sum().backward()
print(att.round(decimals=3), scores.grad.round(decimals=3))
caught(lambda: scores[pad[:, :3]])
caught(lambda: scores[:, causal[:3]])
caught(lambda: scores.detach()[None, True, torch.ones(3, 4, dtype=torch.bool)])

print("-- beam reordering: index tensors around a slice and an ellipsis")
hist = torch.arange(24.0).reshape(2, 3, 4)
order = torch.tensor([2, 0])
print(hist[:, order, ..., torch.tensor([1, 3])], hist[:, [0], ...].shape)
hist[:, order, ..., torch.tensor([1, 3])] = torch.tensor([[-1.0, -2.0], [-3.0, -4.0]])
print(hist[0], hist._version)

print("-- views and in-place: what torch refuses")
h = torch.randn(2, 3, requires_grad=True) * 1
first, second = h.unbind()
caught(lambda: first.__setitem__(0, 1.0))
caught(lambda: first[1:].mul_(2))
left, right = h.split([1, 2], dim=1)
caught(lambda: left.t().__setitem__(0, 0.0))
with torch.no_grad():
    row = h[0]
caught(lambda: row[1:].add_(1))
x = torch.zeros(3, requires_grad=True) * 1
x[torch.tensor([True, False, True])] = torch.tensor(2.0)
y = torch.zeros(2, 3, requires_grad=True) * 1
y[1:, torch.tensor([0, 2])] = torch.tensor([5.0, 6.0])
print(x.grad_fn.name(), y.grad_fn.name(), y)
z = torch.tensor(1.0, requires_grad=True) * 1
z[...] = 3.0
print(z, z.grad_fn.name())
caught(lambda: z[-1])

print("-- index_reduce and scatter with reduce: their backward")
src = torch.tensor([4.0, 5.0])
base = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
out = base.index_reduce(0, torch.tensor([0, 0], dtype=torch.int32), src, "amax", include_self=False)
print(out)
caught(lambda: out.sum().backward())
s = (torch.zeros(3, requires_grad=True) * 1).scatter_(0, torch.tensor([0, 1]), 1.0, reduce="add")
print(s)
caught(lambda: s.sum().backward())
