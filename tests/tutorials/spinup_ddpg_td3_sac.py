import tinygrad_rnn as torch
import itertools
from copy import deepcopy
import numpy as np
nn = torch.nn
F = torch.nn.functional
Normal = torch.distributions.normal.Normal
Adam = torch.optim.Adam
# OpenAI Spinning Up (PyTorch): the off-policy family. DDPG's and TD3's deterministic actors with a twin
# Q-function and target policy smoothing, SAC's tanh-squashed Gaussian (log-prob corrected with softplus),
# a replay buffer, target networks made by deepcopy with requires_grad off, and polyak averaging through
# p.data. gym is replaced by a point mass on a line (a Box action space stand-in).
# Runs are short: 2 epochs of 15 steps, 6 updates every 6 steps after the first 12 (Spinning Up: 100 epochs of
# 4000 steps, 50 updates every 50 after 1000).


class Box:
    def __init__(self, low, high, shape):
        self.low, self.high, self.shape = np.full(shape, low, np.float32), np.full(shape, high, np.float32), shape


class PointMass:
    """A point on [-1, 1] pushed by a 2-d action (only the first pushes) towards 0.5."""
    observation_space = Box(-1.0, 1.0, (3,))
    action_space = Box(-1.0, 1.0, (2,))

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)

    def reset(self):
        self.x, self.v, self.t = self.rng.uniform(-1, 1), 0.0, 0
        return np.array([self.x, self.v, 0.5 - self.x], dtype=np.float32)

    def sample(self):
        return self.rng.uniform(-1, 1, size=2).astype(np.float32)

    def step(self, a):
        self.v = 0.8 * self.v + 0.1 * float(a[0])
        self.x = float(np.clip(self.x + self.v, -1, 1))
        self.t += 1
        o = np.array([self.x, self.v, 0.5 - self.x], dtype=np.float32)
        return o, -(self.x - 0.5) ** 2 - 0.01 * float(a[1]) ** 2, self.t >= 10, {}


def combined_shape(length, shape=None):
    if shape is None:
        return (length,)
    return (length, shape) if np.isscalar(shape) else (length, *shape)


def mlp(sizes, activation, output_activation=nn.Identity):
    layers = []
    for j in range(len(sizes)-1):
        act = activation if j < len(sizes)-2 else output_activation
        layers += [nn.Linear(sizes[j], sizes[j+1]), act()]
    return nn.Sequential(*layers)


def count_vars(module):
    return sum([np.prod(p.shape) for p in module.parameters()])


# ---------------------------------------------------------------- ddpg/core.py, td3/core.py
class MLPActor(nn.Module):

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation, act_limit):
        super().__init__()
        pi_sizes = [obs_dim] + list(hidden_sizes) + [act_dim]
        self.pi = mlp(pi_sizes, activation, nn.Tanh)
        self.act_limit = act_limit

    def forward(self, obs):
        return self.act_limit * self.pi(obs)


class MLPQFunction(nn.Module):

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation):
        super().__init__()
        self.q = mlp([obs_dim + act_dim] + list(hidden_sizes) + [1], activation)

    def forward(self, obs, act):
        q = self.q(torch.cat([obs, act], dim=-1))
        return torch.squeeze(q, -1)  # Critical to ensure q has right shape.


class DDPGActorCritic(nn.Module):

    def __init__(self, observation_space, action_space, hidden_sizes=(256, 256), activation=nn.ReLU, twin=False):
        super().__init__()
        obs_dim = observation_space.shape[0]
        act_dim = action_space.shape[0]
        act_limit = action_space.high[0]
        self.pi = MLPActor(obs_dim, act_dim, hidden_sizes, activation, act_limit)
        if twin:
            self.q1 = MLPQFunction(obs_dim, act_dim, hidden_sizes, activation)
            self.q2 = MLPQFunction(obs_dim, act_dim, hidden_sizes, activation)
        else:
            self.q = MLPQFunction(obs_dim, act_dim, hidden_sizes, activation)

    def act(self, obs):
        with torch.no_grad():
            return self.pi(obs).numpy()


# ---------------------------------------------------------------- sac/core.py
LOG_STD_MAX = 2
LOG_STD_MIN = -20


class SquashedGaussianMLPActor(nn.Module):

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation, act_limit):
        super().__init__()
        self.net = mlp([obs_dim] + list(hidden_sizes), activation, activation)
        self.mu_layer = nn.Linear(hidden_sizes[-1], act_dim)
        self.log_std_layer = nn.Linear(hidden_sizes[-1], act_dim)
        self.act_limit = act_limit

    def forward(self, obs, deterministic=False, with_logprob=True):
        net_out = self.net(obs)
        mu = self.mu_layer(net_out)
        log_std = self.log_std_layer(net_out)
        log_std = torch.clamp(log_std, LOG_STD_MIN, LOG_STD_MAX)
        std = torch.exp(log_std)

        # Pre-squash distribution and sample
        pi_distribution = Normal(mu, std)
        if deterministic:
            pi_action = mu
        else:
            pi_action = pi_distribution.rsample()

        if with_logprob:
            # the tanh correction, written with softplus for numerical stability (SAC paper, appendix C)
            logp_pi = pi_distribution.log_prob(pi_action).sum(axis=-1)
            logp_pi -= (2*(np.log(2) - pi_action - F.softplus(-2*pi_action))).sum(axis=1)
        else:
            logp_pi = None

        pi_action = torch.tanh(pi_action)
        pi_action = self.act_limit * pi_action
        return pi_action, logp_pi


class SACActorCritic(nn.Module):

    def __init__(self, observation_space, action_space, hidden_sizes=(256, 256), activation=nn.ReLU):
        super().__init__()
        obs_dim = observation_space.shape[0]
        act_dim = action_space.shape[0]
        act_limit = action_space.high[0]
        self.pi = SquashedGaussianMLPActor(obs_dim, act_dim, hidden_sizes, activation, act_limit)
        self.q1 = MLPQFunction(obs_dim, act_dim, hidden_sizes, activation)
        self.q2 = MLPQFunction(obs_dim, act_dim, hidden_sizes, activation)

    def act(self, obs, deterministic=False):
        with torch.no_grad():
            a, _ = self.pi(obs, deterministic, False)
            return a.numpy()


class ReplayBuffer:

    def __init__(self, obs_dim, act_dim, size):
        self.obs_buf = np.zeros(combined_shape(size, obs_dim), dtype=np.float32)
        self.obs2_buf = np.zeros(combined_shape(size, obs_dim), dtype=np.float32)
        self.act_buf = np.zeros(combined_shape(size, act_dim), dtype=np.float32)
        self.rew_buf = np.zeros(size, dtype=np.float32)
        self.done_buf = np.zeros(size, dtype=np.float32)
        self.ptr, self.size, self.max_size = 0, 0, size

    def store(self, obs, act, rew, next_obs, done):
        self.obs_buf[self.ptr] = obs
        self.obs2_buf[self.ptr] = next_obs
        self.act_buf[self.ptr] = act
        self.rew_buf[self.ptr] = rew
        self.done_buf[self.ptr] = done
        self.ptr = (self.ptr+1) % self.max_size
        self.size = min(self.size+1, self.max_size)

    def sample_batch(self, batch_size=32):
        idxs = np.random.randint(0, self.size, size=batch_size)
        batch = dict(obs=self.obs_buf[idxs], obs2=self.obs2_buf[idxs], act=self.act_buf[idxs],
                     rew=self.rew_buf[idxs], done=self.done_buf[idxs])
        return {k: torch.as_tensor(v, dtype=torch.float32) for k, v in batch.items()}


def run(algo, seed=0, steps_per_epoch=15, epochs=2, replay_size=1000, gamma=0.99, polyak=0.995,
        pi_lr=1e-3, q_lr=1e-3, batch_size=16, start_steps=12, update_after=12, update_every=6,
        act_noise=0.1, target_noise=0.2, noise_clip=0.5, policy_delay=2, alpha=0.2, max_ep_len=10):
    torch.manual_seed(seed)
    np.random.seed(seed)
    env, test_env = PointMass(seed), PointMass(seed + 100)
    obs_dim = env.observation_space.shape
    act_dim = env.action_space.shape[0]
    act_limit = env.action_space.high[0]

    if algo == 'sac':
        ac = SACActorCritic(env.observation_space, env.action_space, hidden_sizes=(32, 32))
    else:
        ac = DDPGActorCritic(env.observation_space, env.action_space, hidden_sizes=(32, 32), twin=algo == 'td3')
    ac_targ = deepcopy(ac)
    for p in ac_targ.parameters():
        p.requires_grad = False

    if algo == 'ddpg':
        q_params = list(ac.q.parameters())
        var_counts = tuple(count_vars(module) for module in [ac.pi, ac.q])
        print('\nNumber of parameters: \t pi: %d, \t q: %d\n' % var_counts)
    else:
        # itertools.chain, as the source has it: the optimizer uses it up, so the freeze loops below do nothing
        q_params = itertools.chain(ac.q1.parameters(), ac.q2.parameters())
        var_counts = tuple(count_vars(module) for module in [ac.pi, ac.q1, ac.q2])
        print('\nNumber of parameters: \t pi: %d, \t q1: %d, \t q2: %d\n' % var_counts)
    replay_buffer = ReplayBuffer(obs_dim=obs_dim, act_dim=act_dim, size=replay_size)

    def compute_loss_q(data):
        o, a, r, o2, d = data['obs'], data['act'], data['rew'], data['obs2'], data['done']
        if algo == 'ddpg':
            q = ac.q(o, a)
            with torch.no_grad():
                q_pi_targ = ac_targ.q(o2, ac_targ.pi(o2))
                backup = r + gamma * (1 - d) * q_pi_targ
            loss_q = ((q - backup)**2).mean()
            return loss_q, dict(QVals=q.detach().numpy())
        q1 = ac.q1(o, a)
        q2 = ac.q2(o, a)
        with torch.no_grad():
            if algo == 'td3':
                pi_targ = ac_targ.pi(o2)
                epsilon = torch.randn_like(pi_targ) * target_noise
                epsilon = torch.clamp(epsilon, -noise_clip, noise_clip)
                a2 = pi_targ + epsilon
                a2 = torch.clamp(a2, -act_limit, act_limit)
                q_pi_targ = torch.min(ac_targ.q1(o2, a2), ac_targ.q2(o2, a2))
                backup = r + gamma * (1 - d) * q_pi_targ
            else:
                a2, logp_a2 = ac.pi(o2)
                q1_pi_targ = ac_targ.q1(o2, a2)
                q2_pi_targ = ac_targ.q2(o2, a2)
                q_pi_targ = torch.min(q1_pi_targ, q2_pi_targ)
                backup = r + gamma * (1 - d) * (q_pi_targ - alpha * logp_a2)
        loss_q1 = ((q1 - backup)**2).mean()
        loss_q2 = ((q2 - backup)**2).mean()
        loss_q = loss_q1 + loss_q2
        q_info = dict(Q1Vals=q1.detach().numpy(), Q2Vals=q2.detach().numpy())
        return loss_q, q_info

    def compute_loss_pi(data):
        o = data['obs']
        if algo == 'ddpg':
            return -ac.q(o, ac.pi(o)).mean(), {}
        if algo == 'td3':
            return -ac.q1(o, ac.pi(o)).mean(), {}
        pi, logp_pi = ac.pi(o)
        q1_pi = ac.q1(o, pi)
        q2_pi = ac.q2(o, pi)
        q_pi = torch.min(q1_pi, q2_pi)
        loss_pi = (alpha * logp_pi - q_pi).mean()
        pi_info = dict(LogPi=logp_pi.detach().numpy())
        return loss_pi, pi_info

    pi_optimizer = Adam(ac.pi.parameters(), lr=pi_lr)
    q_optimizer = Adam(q_params, lr=q_lr)

    def update(data, timer):
        q_optimizer.zero_grad()
        loss_q, q_info = compute_loss_q(data)
        loss_q.backward()
        q_optimizer.step()
        if algo == 'td3' and timer % policy_delay != 0:
            return loss_q, None
        for p in q_params:
            p.requires_grad = False
        pi_optimizer.zero_grad()
        loss_pi, pi_info = compute_loss_pi(data)
        loss_pi.backward()
        pi_optimizer.step()
        for p in q_params:
            p.requires_grad = True
        with torch.no_grad():
            for p, p_targ in zip(ac.parameters(), ac_targ.parameters()):
                # NB: We use an in-place operations "mul_", "add_" to update target
                # params, as opposed to "mul" and "add", which would make new tensors.
                p_targ.data.mul_(polyak)
                p_targ.data.add_((1 - polyak) * p.data)
        return loss_q, loss_pi

    def get_action(o, noise_scale=act_noise):
        if algo == 'sac':
            return ac.act(torch.as_tensor(o, dtype=torch.float32), noise_scale == 0)
        a = ac.act(torch.as_tensor(o, dtype=torch.float32))
        a += noise_scale * np.random.randn(act_dim)
        return np.clip(a, -act_limit, act_limit)

    def test_agent(num_test_episodes=2):
        rets = []
        for j in range(num_test_episodes):
            o, d, ep_ret, ep_len = test_env.reset(), False, 0, 0
            while not (d or (ep_len == max_ep_len)):
                o, r, d, _ = test_env.step(get_action(o, 0))
                ep_ret += r
                ep_len += 1
            rets.append(ep_ret)
        return np.mean(rets)

    total_steps = steps_per_epoch * epochs
    o, ep_ret, ep_len = env.reset(), 0, 0
    for t in range(total_steps):
        if t > start_steps:
            a = get_action(o)
        else:
            a = env.sample()
        o2, r, d, _ = env.step(a)
        ep_ret += r
        ep_len += 1
        d = False if ep_len == max_ep_len else d
        replay_buffer.store(o, a, r, o2, d)
        o = o2
        if d or (ep_len == max_ep_len):
            o, ep_ret, ep_len = env.reset(), 0, 0
        if t >= update_after and t % update_every == 0:
            for j in range(update_every):
                batch = replay_buffer.sample_batch(batch_size)
                loss_q, loss_pi = update(data=batch, timer=j)
            print(t, 'LossQ %.5f' % loss_q.item(), 'LossPi', None if loss_pi is None else round(loss_pi.item(), 4),
                  loss_q.grad_fn.name(), type(a), a.dtype)
        if (t+1) % steps_per_epoch == 0:
            print('Epoch', (t+1) // steps_per_epoch, 'TestEpRet %.4f' % test_agent())
    return ac, ac_targ


for algo in ('ddpg', 'td3', 'sac'):
    ac, ac_targ = run(algo)
    first = next(ac_targ.parameters())
    print(algo, first.requires_grad, first.grad, first.is_leaf, first[0, :3])
    print([name for name, p in ac.named_parameters() if p.grad is None])
    print([(name, p.requires_grad) for name, p in ac.named_parameters()][:3])

torch.manual_seed(3)
actor = SquashedGaussianMLPActor(3, 2, (8,), nn.ReLU, 1.0)
obs = torch.randn(4, 3)
a, logp = actor(obs)
print(a, logp)
a_det, none = actor(obs, deterministic=True, with_logprob=False)
print(a_det, none)
logp.sum().backward()
print(actor.mu_layer.weight.grad, actor.log_std_layer.bias.grad)
x = torch.linspace(-30, 30, 7, requires_grad=True)
y = F.softplus(-2 * x)
y.sum().backward()
print(y, x.grad, F.softplus(x, beta=2, threshold=5))
print(2*(np.log(2) - x - F.softplus(-2*x)))
