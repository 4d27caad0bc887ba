import tinygrad_rnn as torch
# Policy-gradient code in the style of the pytorch/examples reinforcement_learning scripts, grown to what
# later repos added: a Gaussian policy with a learned log-std (Independent(Normal)), four point-mass
# environments stepped together in numpy, n-step rollouts with generalized advantage estimation, advantage
# normalisation with eps = np.finfo(np.float32).eps.item(), an entropy bonus, RMSprop with
# clip_grad_norm_, the KL between the policy before and after each update, and a REINFORCE-with-baseline
# pass over whole episodes with returns discounted backwards as the examples do.
import numpy as np

nn = torch.nn
F = torch.nn.functional
D = torch.distributions
eps = np.finfo(np.float32).eps.item()


class PointMass:
    """Push a unit mass on a line towards 0: reward -(x^2 + 0.1 a^2), done after 20 steps or |x| > 3."""

    def __init__(self, n, seed):
        self.n, self.rng = n, np.random.RandomState(seed)

    def reset(self):
        self.x = self.rng.uniform(-2, 2, size=(self.n, 2)).astype(np.float32)
        self.t = np.zeros(self.n, dtype=np.int64)
        return self.x.copy()

    def step(self, action):
        a = np.clip(action[:, 0], -1, 1)
        pos, vel = self.x[:, 0], self.x[:, 1]
        vel = 0.9 * vel + 0.2 * a
        pos = pos + 0.2 * vel
        self.x = np.stack([pos, vel], axis=1).astype(np.float32)
        self.t += 1
        reward = -(pos ** 2 + 0.1 * a ** 2)
        done = (self.t >= 20) | (np.abs(pos) > 3)
        for i in np.nonzero(done)[0]:
            self.x[i] = self.rng.uniform(-2, 2, size=2)
            self.t[i] = 0
        return self.x.copy(), reward.astype(np.float32), done


class ActorCritic(nn.Module):
    def __init__(self, obs_dim=2, act_dim=1, hidden=32):
        super(ActorCritic, self).__init__()
        self.body = nn.Sequential(nn.Linear(obs_dim, hidden), nn.Tanh())
        self.mu = nn.Linear(hidden, act_dim)
        self.log_std = nn.Parameter(torch.zeros(act_dim) - 0.5)
        self.value = nn.Linear(hidden, 1)

    def forward(self, obs):
        h = self.body(obs)
        dist = D.Independent(D.Normal(self.mu(h), self.log_std.exp()), 1)
        return dist, self.value(h).squeeze(-1)


def gae(rewards, values, dones, last_value, gamma=0.95, lam=0.9):
    advantages = torch.zeros_like(rewards)
    running = torch.zeros_like(last_value)
    next_value = last_value
    for t in reversed(range(rewards.size(0))):
        mask = 1.0 - dones[t]
        delta = rewards[t] + gamma * next_value * mask - values[t]
        running = delta + gamma * lam * mask * running
        advantages[t] = running
        next_value = values[t]
    return advantages, advantages + values


torch.manual_seed(543)
env = PointMass(4, seed=543)
model = ActorCritic()
optimizer = torch.optim.RMSprop(model.parameters(), lr=7e-3, alpha=0.99, eps=1e-5)
print(model)
print(optimizer)
obs = torch.from_numpy(env.reset())
dist, v = model(obs)
print(dist.batch_shape, dist.event_shape, dist.base_dist.batch_shape, v.shape)
print(dist.mean.shape, dist.stddev, dist.entropy())

for update in range(12):
    log_probs, values, rewards, dones, entropies = [], [], [], [], []
    for step in range(8):
        dist, value = model(obs)
        action = dist.sample()
        next_obs, reward, done = env.step(action.numpy())
        log_probs.append(dist.log_prob(action))
        entropies.append(dist.entropy())
        values.append(value)
        rewards.append(torch.from_numpy(reward))
        dones.append(torch.from_numpy(done.astype(np.float32)))
        obs = torch.from_numpy(next_obs)
    with torch.no_grad():
        _, last_value = model(obs)
    values = torch.stack(values)
    advantages, returns = gae(torch.stack(rewards), values.detach(), torch.stack(dones), last_value)
    advantages = (advantages - advantages.mean()) / (advantages.std() + eps)
    policy_loss = -(torch.stack(log_probs) * advantages).mean()
    value_loss = F.mse_loss(values, returns)
    entropy = torch.stack(entropies).mean()
    loss = policy_loss + 0.5 * value_loss - 0.01 * entropy
    with torch.no_grad():
        old = D.Normal(model.mu(model.body(obs)), model.log_std.exp())
    optimizer.zero_grad()
    loss.backward()
    grad_norm = nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    optimizer.step()
    with torch.no_grad():
        new = D.Normal(model.mu(model.body(obs)), model.log_std.exp())
        kl = D.kl_divergence(old, new).sum(-1).mean()
    if update % 3 == 0:
        print("update {:2d} reward {:.4f} policy {:.4f} value {:.4f} entropy {:.4f} grad {:.4f} kl {:.2e}".format(
            update, torch.stack(rewards).mean().item(), policy_loss.item(), value_loss.item(), entropy.item(),
            grad_norm.item(), kl.item()))
print("log_std", model.log_std.data, model.log_std.grad)
print("state", list(optimizer.state[model.log_std]), optimizer.state[model.log_std]["square_avg"])

# REINFORCE with a value baseline over whole episodes (one environment), returns computed backwards
env = PointMass(1, seed=1)
gamma = 0.9
for episode in range(4):
    state, ep_reward = env.reset(), 0.0
    saved, rewards = [], []
    for t in range(20):
        dist, value = model(torch.from_numpy(state))
        action = dist.sample()
        saved.append((dist.log_prob(action), value))
        state, reward, done = env.step(action.numpy())
        rewards.append(float(reward[0]))
        ep_reward += float(reward[0])
        if done[0]:
            break
    R, returns = 0, []
    for r in rewards[::-1]:
        R = r + gamma * R
        returns.insert(0, R)
    returns = torch.tensor(returns)
    returns = (returns - returns.mean()) / (returns.std() + eps)
    policy_losses, value_losses = [], []
    for (log_prob, value), R in zip(saved, returns):
        advantage = R - value.item()
        policy_losses.append(-log_prob * advantage)
        value_losses.append(F.smooth_l1_loss(value, torch.tensor([R])))
    optimizer.zero_grad()
    loss = torch.stack(policy_losses).sum() + torch.stack(value_losses).sum()
    loss.backward()
    optimizer.step()
    print("Episode {}\tLast reward: {:.2f}\tsteps {}\tloss {:.4f}".format(episode, ep_reward, len(rewards), loss.item()))
print(saved[0][0].shape, saved[0][1].shape, policy_losses[0].grad_fn, value_losses[0].shape)
