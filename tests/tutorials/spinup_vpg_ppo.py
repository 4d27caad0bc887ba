import tinygrad_rnn as torch
import numpy as np
# OpenAI Spinning Up (PyTorch): core.py's mlp builder and actor-critics, the simplest policy gradient
# (pg_math/1_simple_pg.py with reward-to-go), and VPG's and PPO's buffers and updates. gym is replaced by
# a numpy gridworld (Discrete actions) and a point mass on a line (Box actions), with Box/Discrete stand-ins.
# Runs are short: 2 epochs of 40 (simple PG) or 24 steps, 4 value-function steps an update (Spinning Up: 50
# epochs of 5000 or 4000 steps, 80 value steps).
nn = torch.nn
Normal = torch.distributions.normal.Normal
Categorical = torch.distributions.categorical.Categorical
Adam = torch.optim.Adam


class Box:
    def __init__(self, low, high, shape):
        self.low, self.high, self.shape = low, high, shape


class Discrete:
    def __init__(self, n):
        self.n = n
        self.shape = ()


class GridWorld:
    """A 4x4 grid: start at (0, 0), reward 1 at (3, 3), -0.01 per step, 12 steps at most."""
    observation_space = Box(0.0, 1.0, (4,))
    action_space = Discrete(4)

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)

    def obs(self):
        r, c = self.pos
        return np.array([r / 3, c / 3, (3 - r) / 3, (3 - c) / 3])  # float64, as gym gives

    def reset(self):
        self.pos, self.t = [0, int(self.rng.randint(2))], 0
        return self.obs()

    def step(self, a):
        a = int(a)
        dr, dc = [(-1, 0), (1, 0), (0, -1), (0, 1)][a]
        self.pos = [min(max(self.pos[0] + dr, 0), 3), min(max(self.pos[1] + dc, 0), 3)]
        self.t += 1
        done = self.pos == [3, 3]
        return self.obs(), (1.0 if done else -0.01), done or self.t >= 12, {}


class PointMass:
    """A point on [-1, 1] pushed by a 1-d action towards the target 0.5; reward -(x - 0.5)^2."""
    observation_space = Box(-1.0, 1.0, (3,))
    action_space = Box(-1.0, 1.0, (1,))

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)

    def reset(self):
        self.x, self.v, self.t = self.rng.uniform(-1, 1), 0.0, 0
        return np.array([self.x, self.v, 0.5 - self.x], dtype=np.float32)

    def step(self, a):
        self.v = 0.8 * self.v + 0.1 * float(np.clip(a, -1, 1)[0])
        self.x = float(np.clip(self.x + self.v, -1, 1))
        self.t += 1
        o = np.array([self.x, self.v, 0.5 - self.x], dtype=np.float32)
        return o, -(self.x - 0.5) ** 2, self.t >= 10, {}


# ---------------------------------------------------------------- core.py
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


def discount_cumsum(x, discount):
    """[x0 + d x1 + d^2 x2, x1 + d x2, x2]: Spinning Up runs scipy.signal.lfilter backwards over x; this is its
    recurrence written out (scipy is no test dependency), in float64 as lfilter computes it."""
    out, running = np.zeros(len(x)), 0.0
    for t in reversed(range(len(x))):
        running = x[t] + discount * running
        out[t] = running
    return out


class Actor(nn.Module):

    def _distribution(self, obs):
        raise NotImplementedError

    def _log_prob_from_distribution(self, pi, act):
        raise NotImplementedError

    def forward(self, obs, act=None):
        pi = self._distribution(obs)
        logp_a = None
        if act is not None:
            logp_a = self._log_prob_from_distribution(pi, act)
        return pi, logp_a


class MLPCategoricalActor(Actor):

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation):
        super().__init__()
        self.logits_net = mlp([obs_dim] + list(hidden_sizes) + [act_dim], activation)

    def _distribution(self, obs):
        logits = self.logits_net(obs)
        return Categorical(logits=logits)

    def _log_prob_from_distribution(self, pi, act):
        return pi.log_prob(act)


class MLPGaussianActor(Actor):

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation):
        super().__init__()
        log_std = -0.5 * np.ones(act_dim, dtype=np.float32)
        self.log_std = torch.nn.Parameter(torch.as_tensor(log_std))
        self.mu_net = mlp([obs_dim] + list(hidden_sizes) + [act_dim], activation)

    def _distribution(self, obs):
        mu = self.mu_net(obs)
        std = torch.exp(self.log_std)
        return Normal(mu, std)

    def _log_prob_from_distribution(self, pi, act):
        return pi.log_prob(act).sum(axis=-1)    # Last axis sum needed for Torch Normal distribution


class MLPCritic(nn.Module):

    def __init__(self, obs_dim, hidden_sizes, activation):
        super().__init__()
        self.v_net = mlp([obs_dim] + list(hidden_sizes) + [1], activation)

    def forward(self, obs):
        return torch.squeeze(self.v_net(obs), -1)  # Critical to ensure v has right shape.


class MLPActorCritic(nn.Module):

    def __init__(self, observation_space, action_space,
                 hidden_sizes=(64, 64), activation=nn.Tanh):
        super().__init__()
        obs_dim = observation_space.shape[0]
        if isinstance(action_space, Box):
            self.pi = MLPGaussianActor(obs_dim, action_space.shape[0], hidden_sizes, activation)
        elif isinstance(action_space, Discrete):
            self.pi = MLPCategoricalActor(obs_dim, action_space.n, hidden_sizes, activation)
        self.v = MLPCritic(obs_dim, hidden_sizes, activation)

    def step(self, obs):
        with torch.no_grad():
            pi = self.pi._distribution(obs)
            a = pi.sample()
            logp_a = self.pi._log_prob_from_distribution(pi, a)
            v = self.v(obs)
        return a.numpy(), v.numpy(), logp_a.numpy()

    def act(self, obs):
        return self.step(obs)[0]


print(combined_shape(5), combined_shape(5, 3), combined_shape(5, (2, 3)))
x = np.array([1.0, 2.0, 3.0])
print(discount_cumsum(x, 0.5))
torch.manual_seed(0)
net = mlp([4, 8, 8, 2], nn.Tanh)
print(net)
print(count_vars(net), type(count_vars(net)), [np.prod(p.shape) for p in net.parameters()])
print(net(torch.ones(3, 4)))

# ---------------------------------------------------------------- pg_math/1_simple_pg.py (reward to go)
def reward_to_go(rews):
    n = len(rews)
    rtgs = np.zeros_like(rews)
    for i in reversed(range(n)):
        rtgs[i] = rews[i] + (rtgs[i+1] if i+1 < n else 0)
    return rtgs


def train_simple_pg(hidden_sizes=[32], lr=1e-2, epochs=2, batch_size=40):
    env = GridWorld(1)
    obs_dim = env.observation_space.shape[0]
    n_acts = env.action_space.n
    logits_net = mlp(sizes=[obs_dim]+hidden_sizes+[n_acts], activation=nn.Tanh)

    def get_policy(obs):
        logits = logits_net(obs)
        return Categorical(logits=logits)

    def get_action(obs):
        return get_policy(obs).sample().item()

    def compute_loss(obs, act, weights):
        logp = get_policy(obs).log_prob(act)
        return -(logp * weights).mean()

    optimizer = Adam(logits_net.parameters(), lr=lr)

    def train_one_epoch():
        batch_obs, batch_acts, batch_weights, batch_rets, batch_lens = [], [], [], [], []
        obs = env.reset()
        ep_rews = []
        while True:
            batch_obs.append(obs.copy())
            act = get_action(torch.as_tensor(obs, dtype=torch.float32))
            obs, rew, done, _ = env.step(act)
            batch_acts.append(act)
            ep_rews.append(rew)
            if done:
                ep_ret, ep_len = sum(ep_rews), len(ep_rews)
                batch_rets.append(ep_ret)
                batch_lens.append(ep_len)
                batch_weights += list(reward_to_go(np.array(ep_rews)))
                obs, done, ep_rews = env.reset(), False, []
                if len(batch_obs) > batch_size:
                    break
        optimizer.zero_grad()
        batch_loss = compute_loss(obs=torch.as_tensor(np.array(batch_obs), dtype=torch.float32),
                                  act=torch.as_tensor(batch_acts, dtype=torch.int32),
                                  weights=torch.as_tensor(batch_weights, dtype=torch.float32))
        batch_loss.backward()
        optimizer.step()
        return batch_loss, batch_rets, batch_lens

    for i in range(epochs):
        batch_loss, batch_rets, batch_lens = train_one_epoch()
        print('epoch: %3d \t loss: %.3f \t return: %.3f \t ep_len: %.3f' %
              (i, batch_loss.item(), np.mean(batch_rets), np.mean(batch_lens)))  # (.item(): float() of a tensor
        # that requires grad warns once per process, which an earlier test may use up)
    print(batch_loss, logits_net[0].weight.grad.shape, logits_net[2].bias.grad)


torch.manual_seed(1)
train_simple_pg()


# ---------------------------------------------------------------- vpg.py / ppo.py buffers and updates
class PPOBuffer:

    def __init__(self, obs_dim, act_dim, size, gamma=0.99, lam=0.95):
        self.obs_buf = np.zeros(combined_shape(size, obs_dim), dtype=np.float32)
        self.act_buf = np.zeros(combined_shape(size, act_dim), dtype=np.float32)
        self.adv_buf = np.zeros(size, dtype=np.float32)
        self.rew_buf = np.zeros(size, dtype=np.float32)
        self.ret_buf = np.zeros(size, dtype=np.float32)
        self.val_buf = np.zeros(size, dtype=np.float32)
        self.logp_buf = np.zeros(size, dtype=np.float32)
        self.gamma, self.lam = gamma, lam
        self.ptr, self.path_start_idx, self.max_size = 0, 0, size

    def store(self, obs, act, rew, val, logp):
        assert self.ptr < self.max_size
        self.obs_buf[self.ptr] = obs
        self.act_buf[self.ptr] = act
        self.rew_buf[self.ptr] = rew
        self.val_buf[self.ptr] = val
        self.logp_buf[self.ptr] = logp
        self.ptr += 1

    def finish_path(self, last_val=0):
        path_slice = slice(self.path_start_idx, self.ptr)
        rews = np.append(self.rew_buf[path_slice], last_val)
        vals = np.append(self.val_buf[path_slice], last_val)
        deltas = rews[:-1] + self.gamma * vals[1:] - vals[:-1]
        self.adv_buf[path_slice] = discount_cumsum(deltas, self.gamma * self.lam)
        self.ret_buf[path_slice] = discount_cumsum(rews, self.gamma)[:-1]
        self.path_start_idx = self.ptr

    def get(self):
        assert self.ptr == self.max_size
        self.ptr, self.path_start_idx = 0, 0
        adv_mean, adv_std = np.mean(self.adv_buf), np.std(self.adv_buf)
        self.adv_buf = (self.adv_buf - adv_mean) / adv_std
        data = dict(obs=self.obs_buf, act=self.act_buf, ret=self.ret_buf,
                    adv=self.adv_buf, logp=self.logp_buf)
        return {k: torch.as_tensor(v, dtype=torch.float32) for k, v in data.items()}


def run(env, algo, steps_per_epoch=24, epochs=2, gamma=0.99, clip_ratio=0.2, pi_lr=3e-4, vf_lr=1e-3,
        train_pi_iters=8, train_v_iters=4, lam=0.97, max_ep_len=12, target_kl=0.01, seed=0):
    torch.manual_seed(seed)
    np.random.seed(seed)
    ac = MLPActorCritic(env.observation_space, env.action_space, hidden_sizes=(16, 16))
    obs_dim = env.observation_space.shape
    act_dim = env.action_space.shape
    var_counts = tuple(count_vars(module) for module in [ac.pi, ac.v])
    print('\nNumber of parameters: \t pi: %d, \t v: %d\n' % var_counts)
    buf = PPOBuffer(obs_dim, act_dim, steps_per_epoch, gamma, lam)

    def compute_loss_pi(data):
        obs, act, adv, logp_old = data['obs'], data['act'], data['adv'], data['logp']
        pi, logp = ac.pi(obs, act)
        if algo == 'vpg':
            loss_pi = -(logp * adv).mean()
            approx_kl = (logp_old - logp).mean().item()
            ent = pi.entropy().mean().item()
            return loss_pi, dict(kl=approx_kl, ent=ent)
        ratio = torch.exp(logp - logp_old)
        clip_adv = torch.clamp(ratio, 1-clip_ratio, 1+clip_ratio) * adv
        loss_pi = -(torch.min(ratio * adv, clip_adv)).mean()
        approx_kl = (logp_old - logp).mean().item()
        ent = pi.entropy().mean().item()
        clipped = ratio.gt(1+clip_ratio) | ratio.lt(1-clip_ratio)
        clipfrac = torch.as_tensor(clipped, dtype=torch.float32).mean().item()
        pi_info = dict(kl=approx_kl, ent=ent, cf=clipfrac)
        return loss_pi, pi_info

    def compute_loss_v(data):
        obs, ret = data['obs'], data['ret']
        return ((ac.v(obs) - ret)**2).mean()

    pi_optimizer = Adam(ac.pi.parameters(), lr=pi_lr)
    vf_optimizer = Adam(ac.v.parameters(), lr=vf_lr)

    def update():
        data = buf.get()
        pi_l_old, pi_info_old = compute_loss_pi(data)
        pi_l_old = pi_l_old.item()
        v_l_old = compute_loss_v(data).item()
        if algo == 'vpg':
            pi_optimizer.zero_grad()
            loss_pi, pi_info = compute_loss_pi(data)
            loss_pi.backward()
            pi_optimizer.step()
        else:
            for i in range(train_pi_iters):
                pi_optimizer.zero_grad()
                loss_pi, pi_info = compute_loss_pi(data)
                kl = pi_info['kl']
                if kl > 1.5 * target_kl:
                    print('Early stopping at step %d due to reaching max kl.' % i)
                    break
                loss_pi.backward()
                pi_optimizer.step()
        for i in range(train_v_iters):
            vf_optimizer.zero_grad()
            loss_v = compute_loss_v(data)
            loss_v.backward()
            vf_optimizer.step()
        print(' LossPi %.5f LossV %.5f KL %.6f Entropy %.4f ClipFrac %s DeltaLossPi %.6f DeltaLossV %.6f' % (
            pi_l_old, v_l_old, pi_info['kl'], pi_info_old['ent'], pi_info.get('cf'),
            loss_pi.item() - pi_l_old, loss_v.item() - v_l_old))

    o, ep_ret, ep_len = env.reset(), 0, 0
    for epoch in range(epochs):
        for t in range(steps_per_epoch):
            a, v, logp = ac.step(torch.as_tensor(o, dtype=torch.float32))
            if epoch == 0 and t == 0:
                print('step ->', a, a.dtype, a.shape, v, v.dtype, logp, logp.dtype)
            next_o, r, d, _ = env.step(a)
            ep_ret += r
            ep_len += 1
            buf.store(o, a, r, v, logp)
            o = next_o
            timeout = ep_len == max_ep_len
            terminal = d or timeout
            epoch_ended = t == steps_per_epoch-1
            if terminal or epoch_ended:
                if timeout or epoch_ended:
                    _, v, _ = ac.step(torch.as_tensor(o, dtype=torch.float32))
                else:
                    v = 0
                buf.finish_path(v)
                o, ep_ret, ep_len = env.reset(), 0, 0
        print('Epoch', epoch, end='')
        update()
    return ac


ac = run(GridWorld(3), 'vpg')
print(ac.pi)
ac = run(GridWorld(4), 'ppo')
print(ac.v.v_net[-2].weight.grad.norm(), ac.pi.logits_net[0].bias[:4])
ac = run(PointMass(5), 'ppo', pi_lr=3e-3)
print(ac.pi.log_std, ac.pi.log_std.grad, ac.pi.log_std.dtype, ac.pi.log_std.requires_grad)
print(ac.act(torch.as_tensor(PointMass(6).reset(), dtype=torch.float32)).shape)
pi, logp = ac.pi(torch.zeros(2, 3), torch.full((2, 1), 0.25))
print(pi, pi.mean, pi.stddev, pi.entropy(), logp, logp.grad_fn)
print(list(ac.state_dict().keys()))
