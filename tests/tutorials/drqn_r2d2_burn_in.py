import tinygrad_rnn as torch
import math
import random
from collections import deque, namedtuple
import numpy as np
# Recurrent DQN in the style of DRQN (Hausknecht & Stone) and R2D2 (Kapturowski et al.) PyTorch re-implementations:
# an LSTM Q-network (batch_first) acting epsilon-greedily with torch.argmax and random, a replay buffer of
# overlapping sequences that stores the actor's (h, c) at each sequence start, burn-in steps run under
# torch.no_grad() to rebuild the state, a target network copied with load_state_dict, Q-values picked with
# gather, double-Q targets through R2D2's value rescaling h(x), the Huber loss (F.smooth_l1_loss and
# nn.HuberLoss), importance weights and sequence priorities eta * max|td| + (1 - eta) * mean|td|.
# The task is a noisy two-armed bandit whose better arm is shown, with noise, on the first step only.
nn = torch.nn
F = torch.nn.functional
optim = torch.optim

Sequence = namedtuple("Sequence", ("obs", "actions", "rewards", "dones", "h0", "c0"))


class CueBandit:
    """10 pulls of one of two arms; the better arm pays 1 + noise, the other 0 + noise. Observation:
    [noisy cue at t=0 else 0, last reward, t / 10]."""
    horizon = 10

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)

    def reset(self):
        self.t, self.good = 0, int(self.rng.randint(2))
        cue = (1.0 if self.good == 1 else -1.0) + 0.3 * self.rng.randn()
        return np.array([cue, 0.0, 0.0], dtype=np.float32)

    def step(self, action):
        reward = float(action == self.good) + 0.2 * self.rng.randn()
        self.t += 1
        obs = np.array([0.0, reward, self.t / self.horizon], dtype=np.float32)
        return obs, reward, self.t >= self.horizon


class RecurrentQNet(nn.Module):
    def __init__(self, obs_dim, n_actions, hidden=12):
        super().__init__()
        self.fc = nn.Linear(obs_dim, hidden)
        self.lstm = nn.LSTM(hidden, hidden, batch_first=True)
        self.head = nn.Linear(hidden, n_actions)

    def forward(self, x, hidden=None):
        x = F.relu(self.fc(x))
        x, hidden = self.lstm(x, hidden)
        return self.head(x), hidden


def value_rescale(x, eps=1e-3):
    return torch.sign(x) * (torch.sqrt(torch.abs(x) + 1) - 1) + eps * x


def inverse_value_rescale(x, eps=1e-3):
    root = (torch.sqrt(1 + 4 * eps * (torch.abs(x) + 1 + eps)) - 1) / (2 * eps)
    return torch.sign(x) * (root ** 2 - 1)


class SequenceReplay:
    def __init__(self, capacity):
        self.memory = deque(maxlen=capacity)
        self.priorities = deque(maxlen=capacity)

    def push(self, seq):
        self.memory.append(seq)
        self.priorities.append(max(self.priorities, default=1.0))

    def sample(self, batch_size, alpha=0.9, beta=0.6):
        p = np.array(self.priorities) ** alpha
        p = p / p.sum()
        idx = np.random.choice(len(self.memory), batch_size, p=p)
        weights = (len(self.memory) * p[idx]) ** (-beta)
        weights = torch.tensor(weights / weights.max(), dtype=torch.float32)
        seqs = [self.memory[i] for i in idx]
        batch = Sequence(*zip(*seqs))
        return idx, weights, Sequence(torch.stack(batch.obs), torch.stack(batch.actions), torch.stack(batch.rewards),
                                      torch.stack(batch.dones), torch.stack(batch.h0, dim=1),
                                      torch.stack(batch.c0, dim=1))

    def update(self, idx, priorities):
        for i, p in zip(idx, priorities.tolist()):
            self.priorities[i] = p

    def __len__(self):
        return len(self.memory)


def select_action(q_values, epsilon, n_actions):
    if random.random() > epsilon:
        return torch.argmax(q_values, dim=-1).item()
    return random.randrange(n_actions)


def run_episode(env, net, epsilon, replay, seq_len, period):
    """Act for one episode; cut it into sequences of seq_len steps every `period` steps, each with the state
    the actor's LSTM had where it starts."""
    obs = env.reset()
    hidden = (torch.zeros(1, 1, 12), torch.zeros(1, 1, 12))
    observations, actions, rewards, dones, states = [obs], [], [], [], [hidden]
    done = False
    while not done:
        with torch.no_grad():
            q, hidden = net(torch.from_numpy(obs).view(1, 1, -1), hidden)
        action = select_action(q[0, -1], epsilon, 2)
        obs, reward, done = env.step(action)
        observations.append(obs)
        actions.append(action)
        rewards.append(reward)
        dones.append(float(done))
        states.append(hidden)
    for start in range(0, len(actions) - seq_len + 1, period):
        h, c = states[start]
        replay.push(Sequence(torch.tensor(np.stack(observations[start:start + seq_len + 1])),
                             torch.tensor(actions[start:start + seq_len]),
                             torch.tensor(rewards[start:start + seq_len], dtype=torch.float32),
                             torch.tensor(dones[start:start + seq_len]),
                             h[:, 0].clone(), c[:, 0].clone()))
    return actions, sum(rewards)


def learn(online, target, optimizer, replay, batch_size, burn_in, gamma, eta):
    idx, weights, batch = replay.sample(batch_size)
    with torch.no_grad():  # burn-in: rebuild the recurrent state from the stored one, no gradient
        _, online_state = online(batch.obs[:, :burn_in], (batch.h0, batch.c0))
        _, target_state = target(batch.obs[:, :burn_in], (batch.h0, batch.c0))
    q_all, _ = online(batch.obs[:, burn_in:], online_state)
    with torch.no_grad():
        q_target_all, _ = target(batch.obs[:, burn_in:], target_state)
        next_actions = q_all[:, 1:].argmax(dim=2, keepdim=True)
        q_next = q_target_all[:, 1:].gather(2, next_actions).squeeze(-1)
        rewards, dones = batch.rewards[:, burn_in:], batch.dones[:, burn_in:]
        targets = value_rescale(rewards + gamma * (1 - dones) * inverse_value_rescale(q_next))
    q_taken = q_all[:, :-1].gather(2, batch.actions[:, burn_in:].unsqueeze(-1)).squeeze(-1)
    per_step = F.smooth_l1_loss(q_taken, targets, reduction="none")
    loss = (weights * per_step.mean(1)).mean()
    optimizer.zero_grad()
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(online.parameters(), 10.0)
    optimizer.step()
    td = (targets - q_taken).abs().detach()
    priorities = eta * td.max(dim=1).values + (1 - eta) * td.mean(dim=1)
    replay.update(idx, priorities)
    return loss, grad_norm, q_taken, targets, weights, priorities, idx


random.seed(3)
np.random.seed(3)
torch.manual_seed(3)
env = CueBandit(seed=3)
online = RecurrentQNet(3, 2)
target = RecurrentQNet(3, 2)
print(target.load_state_dict(online.state_dict()))
target.eval()
for p in target.parameters():
    p.requires_grad = False
print(online)
print({k: tuple(v.shape) for k, v in online.state_dict().items()})
print("target frozen:", [p.requires_grad for p in target.parameters()][:3], "training:", online.training, target.training)
optimizer = optim.Adam(online.parameters(), lr=5e-3, eps=1e-3)

x = torch.tensor([-30.0, -1.0, 0.0, 0.5, 10.0])
print("h(x):", value_rescale(x), "h^-1(h(x)):", inverse_value_rescale(value_rescale(x)))
a, b = torch.tensor([0.1, 2.0, -3.0]), torch.tensor([0.0, 0.0, 0.5])
print("huber:", F.smooth_l1_loss(a, b), nn.HuberLoss()(a, b), nn.HuberLoss(delta=2.0, reduction="sum")(a, b),
      F.huber_loss(a, b, reduction="none", delta=0.5), F.smooth_l1_loss(a, b, beta=0.5))
print(nn.HuberLoss(delta=2.0), nn.SmoothL1Loss(beta=0.5))

num_actors = 4
actor_eps = [0.4 ** (1 + 7 * i / (num_actors - 1)) for i in range(num_actors)]
print("actor epsilons:", [round(e, 5) for e in actor_eps])
replay = SequenceReplay(capacity=40)
burn_in, learn_len, period = 2, 4, 2
for episode in range(6):
    epsilon = actor_eps[episode % num_actors]
    actions, ret = run_episode(env, online, epsilon, replay, burn_in + learn_len, period)
    print(f"episode {episode} eps {epsilon:.4f} actions {actions} return {ret:.4f} buffer {len(replay)}")
    if len(replay) >= 6:
        loss, grad_norm, q_taken, targets, weights, priorities, idx = learn(
            online, target, optimizer, replay, batch_size=4, burn_in=burn_in, gamma=0.9, eta=0.9)
        print(f"  learn: loss {loss.item():.6f} grad norm {grad_norm.item():.5f} sampled {idx.tolist()}")
        print("  weights", weights, "priorities", priorities)
        if episode == 2:
            print("  q_taken", q_taken, "\n  targets", targets)
    if episode % 3 == 2:
        target.load_state_dict(online.state_dict())
        print("  target synced:", torch.equal(target.head.weight, online.head.weight))

first = replay.memory[0]
print("stored sequence:", first.obs.shape, first.obs.dtype, first.actions.dtype, first.rewards.shape, first.h0.shape)
print("stored start states:", [round(s.h0.abs().sum().item(), 5) for s in list(replay.memory)[:4]])
_, weights, batch = replay.sample(3)
print("batch:", batch.obs.shape, batch.h0.shape, batch.actions.shape, weights.dtype)
with torch.no_grad():
    q, (h, c) = online(batch.obs, (batch.h0, batch.c0))
print("greedy actions:", torch.argmax(q, dim=2), "h norm:", h.norm(dim=2), "q dtype:", q.dtype)
print("no graph under no_grad:", q.requires_grad, q.grad_fn)
