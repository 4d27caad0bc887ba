import tinygrad_rnn as torch
import random
from types import SimpleNamespace
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
# CleanRL's single-file off-policy agents: dqn.py (linear_schedule for epsilon, a target network kept in step
# with load_state_dict and soft copy_ updates, argmax actions to numpy, the TD target with max(dim=1)),
# td3_continuous_action.py (registered action_scale buffers, clipped target noise, torch.normal exploration)
# and sac_continuous_action.py (tanh-squashed actor, automatic entropy tuning with log_alpha).
# gym's vector envs and stable-baselines3's ReplayBuffer are replaced by small numpy stand-ins.


class Space:
    def __init__(self, shape, n=None, low=None, high=None, seed=0):
        self.shape, self.n, self.low, self.high = shape, n, low, high
        self.rng = np.random.RandomState(seed)

    def sample(self):
        if self.n is not None:
            return self.rng.randint(self.n)
        return self.rng.uniform(self.low, self.high).astype(np.float32)


class ChainVecEnv:
    """A chain of 6 states; action 1 moves right, 0 left; reward 1 at the right end."""
    single_observation_space = Space((6,))
    single_action_space = Space((), n=2, seed=3)

    def __init__(self, num_envs):
        self.num_envs = num_envs
        self.action_space = self.single_action_space

    def _obs(self):
        return np.eye(6, dtype=np.float32)[self.s]

    def reset(self, seed=None):
        self.s = np.zeros(self.num_envs, dtype=np.int64)
        self.t = np.zeros(self.num_envs, dtype=np.int64)
        return self._obs(), {}

    def step(self, actions):
        self.s = np.clip(self.s + np.where(actions == 1, 1, -1), 0, 5)
        self.t += 1
        terminations = self.s == 5
        truncations = self.t >= 8
        rewards = terminations.astype(np.float64)
        next_obs = self._obs()
        done = terminations | truncations
        infos = {"final_observation": next_obs.copy()} if done.any() else {}
        self.s[done], self.t[done] = 0, 0
        return self._obs(), rewards, terminations, truncations, infos


class LineVecEnv:
    """Point masses on a line pushed by a 2-d action in [-2, 2] (only the first pushes) towards 0.5."""
    single_observation_space = Space((2,))
    single_action_space = Space((2,), low=np.array([-2.0, -2.0], np.float32), high=np.array([2.0, 2.0], np.float32),
                                seed=4)

    def __init__(self, num_envs):
        self.num_envs = num_envs
        self.action_space = Space((num_envs, 2), low=np.full((num_envs, 2), -2.0, np.float32),
                                  high=np.full((num_envs, 2), 2.0, np.float32), seed=5)
        self.rng = np.random.RandomState(6)

    def reset(self, seed=None):
        self.x = self.rng.uniform(-1, 1, self.num_envs)
        self.t = np.zeros(self.num_envs, dtype=np.int64)
        return np.stack([self.x, 0.5 - self.x], 1).astype(np.float32), {}

    def step(self, actions):
        self.x = np.clip(self.x + 0.05 * actions[:, 0], -1, 1)
        self.t += 1
        rewards = -(self.x - 0.5) ** 2 - 0.01 * actions[:, 1] ** 2
        truncations = self.t >= 8
        terminations = np.zeros(self.num_envs, dtype=bool)
        self.x[truncations] = self.rng.uniform(-1, 1, truncations.sum())
        self.t[truncations] = 0
        return np.stack([self.x, 0.5 - self.x], 1).astype(np.float32), rewards, terminations, truncations, {}


class ReplayBuffer:
    """What stable-baselines3's buffer hands CleanRL: float32 tensors, actions long for discrete spaces,
    rewards and dones as (batch, 1) columns."""

    def __init__(self, size, obs_shape, act_shape, discrete):
        self.obs = np.zeros((size,) + obs_shape, np.float32)
        self.next_obs = np.zeros((size,) + obs_shape, np.float32)
        self.actions = np.zeros((size,) + (act_shape or (1,)), np.int64 if discrete else np.float32)
        self.rewards = np.zeros((size, 1), np.float32)
        self.dones = np.zeros((size, 1), np.float32)
        self.pos, self.full, self.size = 0, False, size

    def add(self, obs, next_obs, actions, rewards, dones, infos):
        for i in range(len(obs)):
            self.obs[self.pos], self.next_obs[self.pos] = obs[i], next_obs[i]
            self.actions[self.pos], self.rewards[self.pos], self.dones[self.pos] = actions[i], rewards[i], dones[i]
            self.pos = (self.pos + 1) % self.size
            self.full = self.full or self.pos == 0

    def sample(self, batch_size):
        idx = np.random.randint(0, self.size if self.full else self.pos, size=batch_size)
        return SimpleNamespace(observations=torch.tensor(self.obs[idx]), next_observations=torch.tensor(self.next_obs[idx]),
                               actions=torch.tensor(self.actions[idx]), rewards=torch.tensor(self.rewards[idx]),
                               dones=torch.tensor(self.dones[idx]))


# ---------------------------------------------------------------- dqn.py
class QNetwork(nn.Module):
    def __init__(self, env):
        super().__init__()
        self.network = nn.Sequential(
            nn.Linear(np.array(env.single_observation_space.shape).prod(), 120),
            nn.ReLU(),
            nn.Linear(120, 84),
            nn.ReLU(),
            nn.Linear(84, env.single_action_space.n),
        )

    def forward(self, x):
        return self.network(x)


def linear_schedule(start_e: float, end_e: float, duration: int, t: int):
    slope = (end_e - start_e) / duration
    return max(slope * t + start_e, end_e)


args = SimpleNamespace(seed=1, num_envs=1, learning_rate=2.5e-4, buffer_size=500, gamma=0.99, tau=1.0,
                       target_network_frequency=20, batch_size=16, start_e=1, end_e=0.05, exploration_fraction=0.5,
                       learning_starts=30, train_frequency=4, total_timesteps=150)
random.seed(args.seed)
np.random.seed(args.seed)
torch.manual_seed(args.seed)
torch.backends.cudnn.deterministic = True
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
envs = ChainVecEnv(args.num_envs)

q_network = QNetwork(envs).to(device)
optimizer = optim.Adam(q_network.parameters(), lr=args.learning_rate)
target_network = QNetwork(envs).to(device)
print(target_network.load_state_dict(q_network.state_dict()))
rb = ReplayBuffer(args.buffer_size, envs.single_observation_space.shape, envs.single_action_space.shape, True)

obs, _ = envs.reset(seed=args.seed)
for global_step in range(args.total_timesteps):
    epsilon = linear_schedule(args.start_e, args.end_e, args.exploration_fraction * args.total_timesteps, global_step)
    if random.random() < epsilon:
        actions = np.array([envs.single_action_space.sample() for _ in range(envs.num_envs)])
    else:
        q_values = q_network(torch.Tensor(obs).to(device))
        actions = torch.argmax(q_values, dim=1).cpu().numpy()

    next_obs, rewards, terminations, truncations, infos = envs.step(actions)
    real_next_obs = next_obs.copy()
    for idx, trunc in enumerate(truncations):
        if trunc:
            real_next_obs[idx] = infos["final_observation"][idx]
    rb.add(obs, real_next_obs, actions, rewards, terminations, infos)
    obs = next_obs

    if global_step > args.learning_starts:
        if global_step % args.train_frequency == 0:
            data = rb.sample(args.batch_size)
            with torch.no_grad():
                target_max, _ = target_network(data.next_observations).max(dim=1)
                td_target = data.rewards.flatten() + args.gamma * target_max * (1 - data.dones.flatten())
            old_val = q_network(data.observations).gather(1, data.actions).squeeze()
            loss = F.mse_loss(td_target, old_val)
            if global_step % 20 == 0:
                print(global_step, "losses/td_loss", loss, "losses/q_values", old_val.mean().item(), round(epsilon, 4))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()

        # update target network
        if global_step % args.target_network_frequency == 0:
            for target_network_param, q_network_param in zip(target_network.parameters(), q_network.parameters()):
                target_network_param.data.copy_(
                    args.tau * q_network_param.data + (1.0 - args.tau) * target_network_param.data
                )
print(actions, type(actions), actions.dtype, td_target.dtype, data.actions.dtype, data.actions.shape)
print(q_network(torch.eye(6)), target_network.network[4].bias)
print(old_val.grad_fn, loss.grad_fn, target_max.requires_grad)


# ---------------------------------------------------------------- td3_continuous_action.py
class QNetworkC(nn.Module):
    def __init__(self, env):
        super().__init__()
        self.fc1 = nn.Linear(np.array(env.single_observation_space.shape).prod() + np.prod(env.single_action_space.shape), 64)
        self.fc2 = nn.Linear(64, 64)
        self.fc3 = nn.Linear(64, 1)

    def forward(self, x, a):
        x = torch.cat([x, a], 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


class Actor(nn.Module):
    def __init__(self, env):
        super().__init__()
        self.fc1 = nn.Linear(np.array(env.single_observation_space.shape).prod(), 64)
        self.fc2 = nn.Linear(64, 64)
        self.fc_mu = nn.Linear(64, np.prod(env.single_action_space.shape))
        # action rescaling
        self.register_buffer(
            "action_scale", torch.tensor((env.action_space.high - env.action_space.low) / 2.0, dtype=torch.float32)
        )
        self.register_buffer(
            "action_bias", torch.tensor((env.action_space.high + env.action_space.low) / 2.0, dtype=torch.float32)
        )

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = torch.tanh(self.fc_mu(x))
        return x * self.action_scale + self.action_bias


args = SimpleNamespace(seed=2, num_envs=1, learning_rate=3e-4, buffer_size=500, gamma=0.99, tau=0.005, batch_size=16,
                       policy_noise=0.2, exploration_noise=0.1, learning_starts=25, policy_frequency=2,
                       noise_clip=0.5, total_timesteps=70)
random.seed(args.seed)
np.random.seed(args.seed)
torch.manual_seed(args.seed)
envs = LineVecEnv(args.num_envs)
max_action = float(envs.single_action_space.high[0])
actor = Actor(envs).to(device)
qf1 = QNetworkC(envs).to(device)
qf2 = QNetworkC(envs).to(device)
qf1_target = QNetworkC(envs).to(device)
qf2_target = QNetworkC(envs).to(device)
target_actor = Actor(envs).to(device)
target_actor.load_state_dict(actor.state_dict())
qf1_target.load_state_dict(qf1.state_dict())
qf2_target.load_state_dict(qf2.state_dict())
q_optimizer = optim.Adam(list(qf1.parameters()) + list(qf2.parameters()), lr=args.learning_rate)
actor_optimizer = optim.Adam(list(actor.parameters()), lr=args.learning_rate)
print(actor, actor.action_scale, actor.action_bias, list(actor.state_dict().keys()))
rb = ReplayBuffer(args.buffer_size, envs.single_observation_space.shape, envs.single_action_space.shape, False)

obs, _ = envs.reset(seed=args.seed)
for global_step in range(args.total_timesteps):
    if global_step < args.learning_starts:
        actions = np.array([envs.single_action_space.sample() for _ in range(envs.num_envs)])
    else:
        with torch.no_grad():
            actions = actor(torch.Tensor(obs).to(device))
            actions += torch.normal(0, actor.action_scale * args.exploration_noise)
            actions = actions.cpu().numpy().clip(envs.single_action_space.low, envs.single_action_space.high)
    next_obs, rewards, terminations, truncations, infos = envs.step(actions)
    rb.add(obs, next_obs.copy(), actions, rewards, terminations, infos)
    obs = next_obs

    if global_step > args.learning_starts:
        data = rb.sample(args.batch_size)
        with torch.no_grad():
            clipped_noise = (torch.randn_like(data.actions, device=device) * args.policy_noise).clamp(
                -args.noise_clip, args.noise_clip
            ) * target_actor.action_scale

            next_state_actions = (target_actor(data.next_observations) + clipped_noise).clamp(
                envs.single_action_space.low[0], envs.single_action_space.high[0]
            )
            qf1_next_target = qf1_target(data.next_observations, next_state_actions)
            qf2_next_target = qf2_target(data.next_observations, next_state_actions)
            min_qf_next_target = torch.min(qf1_next_target, qf2_next_target)
            next_q_value = data.rewards.flatten() + (1 - data.dones.flatten()) * args.gamma * (min_qf_next_target).view(-1)

        qf1_a_values = qf1(data.observations, data.actions).view(-1)
        qf2_a_values = qf2(data.observations, data.actions).view(-1)
        qf1_loss = F.mse_loss(qf1_a_values, next_q_value)
        qf2_loss = F.mse_loss(qf2_a_values, next_q_value)
        qf_loss = qf1_loss + qf2_loss

        # optimize the model
        q_optimizer.zero_grad()
        qf_loss.backward()
        q_optimizer.step()

        if global_step % args.policy_frequency == 0:
            actor_loss = -qf1(data.observations, actor(data.observations)).mean()
            actor_optimizer.zero_grad()
            actor_loss.backward()
            actor_optimizer.step()

            # update the target network
            for param, target_param in zip(actor.parameters(), target_actor.parameters()):
                target_param.data.copy_(args.tau * param.data + (1 - args.tau) * target_param.data)
            for param, target_param in zip(qf1.parameters(), qf1_target.parameters()):
                target_param.data.copy_(args.tau * param.data + (1 - args.tau) * target_param.data)
            for param, target_param in zip(qf2.parameters(), qf2_target.parameters()):
                target_param.data.copy_(args.tau * param.data + (1 - args.tau) * target_param.data)

        if global_step % 10 == 0:
            print(global_step, "qf1_values", qf1_a_values.mean().item(), "qf_loss", qf_loss.item() / 2.0,
                  "actor_loss", actor_loss.item())
print(actions, actions.dtype, type(actions), clipped_noise.shape, next_state_actions.dtype)
print(target_actor.fc_mu.bias, qf2_target.fc3.weight.requires_grad, target_actor.fc_mu.weight.grad)
print(torch.normal(0, torch.tensor([0.2, 0.4])).shape, torch.normal(torch.zeros(2), 1.0).shape,
      torch.normal(mean=torch.ones(3), std=torch.ones(3) * 0.1).dtype)

# ---------------------------------------------------------------- sac_continuous_action.py
LOG_STD_MAX = 2
LOG_STD_MIN = -5


class SoftActor(Actor):
    def __init__(self, env):
        super().__init__(env)
        self.fc_mean = self.fc_mu
        self.fc_logstd = nn.Linear(64, np.prod(env.single_action_space.shape))

    def forward(self, x):
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        mean = self.fc_mean(x)
        log_std = self.fc_logstd(x)
        log_std = torch.tanh(log_std)
        log_std = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (log_std + 1)  # From SpinUp / Denis Yarats
        return mean, log_std

    def get_action(self, x):
        mean, log_std = self(x)
        std = log_std.exp()
        normal = torch.distributions.Normal(mean, std)
        x_t = normal.rsample()  # for reparameterization trick (mean + std * N(0,1))
        y_t = torch.tanh(x_t)
        action = y_t * self.action_scale + self.action_bias
        log_prob = normal.log_prob(x_t)
        # Enforcing Action Bound
        log_prob -= torch.log(self.action_scale * (1 - y_t.pow(2)) + 1e-6)
        log_prob = log_prob.sum(1, keepdim=True)
        mean = torch.tanh(mean) * self.action_scale + self.action_bias
        return action, log_prob, mean


torch.manual_seed(3)
actor = SoftActor(envs)
print(actor)
print([name for name, _ in actor.named_parameters()], [name for name, _ in actor.named_buffers()])
qf1, qf2 = QNetworkC(envs), QNetworkC(envs)
q_optimizer = optim.Adam(list(qf1.parameters()) + list(qf2.parameters()), lr=1e-3)
actor_optimizer = optim.Adam(list(actor.parameters()), lr=3e-4)
print(len(list(actor.parameters())), len(actor_optimizer.param_groups[0]["params"]))

# Automatic entropy tuning
target_entropy = -torch.prod(torch.Tensor(envs.single_action_space.shape).to(device)).item()
log_alpha = torch.zeros(1, requires_grad=True, device=device)
alpha = log_alpha.exp().item()
a_optimizer = optim.Adam([log_alpha], lr=1e-3)
print(target_entropy, log_alpha, alpha, torch.Tensor(envs.single_action_space.shape))

for step in range(6):
    data = rb.sample(16)
    with torch.no_grad():
        next_state_actions, next_state_log_pi, _ = actor.get_action(data.next_observations)
        min_qf_next_target = torch.min(qf1(data.next_observations, next_state_actions),
                                       qf2(data.next_observations, next_state_actions)) - alpha * next_state_log_pi
        next_q_value = data.rewards.flatten() + (1 - data.dones.flatten()) * 0.99 * (min_qf_next_target).view(-1)
    qf1_a_values = qf1(data.observations, data.actions).view(-1)
    qf2_a_values = qf2(data.observations, data.actions).view(-1)
    qf_loss = F.mse_loss(qf1_a_values, next_q_value) + F.mse_loss(qf2_a_values, next_q_value)
    q_optimizer.zero_grad()
    qf_loss.backward()
    q_optimizer.step()

    pi, log_pi, _ = actor.get_action(data.observations)
    min_qf_pi = torch.min(qf1(data.observations, pi), qf2(data.observations, pi))
    actor_loss = ((alpha * log_pi) - min_qf_pi).mean()
    actor_optimizer.zero_grad()
    actor_loss.backward()
    actor_optimizer.step()

    with torch.no_grad():
        _, log_pi, _ = actor.get_action(data.observations)
    alpha_loss = (-log_alpha.exp() * (log_pi + target_entropy)).mean()
    a_optimizer.zero_grad()
    alpha_loss.backward()
    a_optimizer.step()
    alpha = log_alpha.exp().item()
    print(step, qf_loss.item(), actor_loss.item(), alpha_loss.item(), alpha, log_pi.shape)
print(log_alpha, log_alpha.grad, alpha_loss.grad_fn, actor.fc_logstd.weight.grad.abs().sum())
