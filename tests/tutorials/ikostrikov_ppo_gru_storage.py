import tinygrad_rnn as torch
import numpy as np
# ikostrikov/pytorch-a2c-ppo-acktr-gail with --recurrent-policy: NNBase's GRU (weights orthogonal_, biases 0 by a
# named_parameters loop) whose _forward_gru runs one step while acting and, while learning, runs the T x N rollout
# in pieces between the steps where some environment's mask is 0 (found with nonzero().squeeze()), the init()
# helper with orthogonal_ gains, FixedCategorical (a Categorical subclass with log_probs and a mode method),
# RolloutStorage (masks, bad_masks, GAE returns, after_update's copy_, recurrent_generator over randperm'd
# environments with _flatten_helper), one A2C update (RMSprop) and PPO epochs (Adam, clip_grad_norm_, the linear lr
# schedule). The vector env is replaced by a numpy noisy-bandit memory task: the first observation of an episode
# says (with noise) which arm pays; later observations carry only noise.
nn = torch.nn
F = torch.nn.functional
optim = torch.optim


class CueArmsVecEnv:
    """num_envs episodes of 3 + (env index % 3) pulls of one of 3 arms; obs = [cue one-hot at t=0 (noisy) or
    noise, t/5]."""

    def __init__(self, num_envs, seed):
        self.num_envs, self.rng = num_envs, np.random.RandomState(seed)
        self.arm = np.zeros(num_envs, dtype=np.int64)
        self.t = np.zeros(num_envs, dtype=np.int64)

    def _obs(self, i):
        o = 0.1 * self.rng.randn(4).astype(np.float32)
        if self.t[i] == 0:
            o[self.arm[i]] += 1.0
        o[3] = self.t[i] / 5.0
        return o

    def reset(self):
        self.arm = self.rng.randint(3, size=self.num_envs)
        self.t[:] = 0
        return torch.from_numpy(np.stack([self._obs(i) for i in range(self.num_envs)]))

    def step(self, actions):
        rewards, dones, infos, obs = [], [], [], []
        for i, a in enumerate(actions.view(-1).tolist()):
            rewards.append(float(a == self.arm[i]) + 0.1 * self.rng.randn())
            self.t[i] += 1
            done = self.t[i] >= 3 + i % 3
            info = {}
            if done:
                info["episode"] = {"r": round(rewards[-1], 3)}
                if self.rng.rand() < 0.3:
                    info["bad_transition"] = True
                self.t[i] = 0
                self.arm[i] = self.rng.randint(3)
            dones.append(done)
            infos.append(info)
            obs.append(self._obs(i))
        reward = torch.from_numpy(np.array(rewards, dtype=np.float32)).unsqueeze(dim=1)
        return torch.from_numpy(np.stack(obs)), reward, np.array(dones), infos


def init(module, weight_init, bias_init, gain=1):
    weight_init(module.weight.data, gain=gain)
    bias_init(module.bias.data)
    return module


class FixedCategorical(torch.distributions.Categorical):
    def sample(self):
        return super().sample().unsqueeze(-1)

    def log_probs(self, actions):
        return super().log_prob(actions.squeeze(-1)).view(actions.size(0), -1).sum(-1).unsqueeze(-1)

    def mode(self):
        return self.probs.argmax(dim=-1, keepdim=True)


class CategoricalHead(nn.Module):
    def __init__(self, num_inputs, num_outputs):
        super().__init__()
        init_ = lambda m: init(m, nn.init.orthogonal_, lambda x: nn.init.constant_(x, 0), gain=0.01)  # noqa: E731
        self.linear = init_(nn.Linear(num_inputs, num_outputs))

    def forward(self, x):
        return FixedCategorical(logits=self.linear(x))


class MLPBase(nn.Module):
    def __init__(self, num_inputs, recurrent=True, hidden_size=8):
        super().__init__()
        self._hidden_size, self._recurrent = hidden_size, recurrent
        self.gru = nn.GRU(num_inputs, hidden_size)
        for name, param in self.gru.named_parameters():
            if "bias" in name:
                nn.init.constant_(param, 0)
            elif "weight" in name:
                nn.init.orthogonal_(param)
        init_ = lambda m: init(m, nn.init.orthogonal_, lambda x: nn.init.constant_(x, 0), np.sqrt(2))  # noqa: E731
        self.actor = nn.Sequential(init_(nn.Linear(hidden_size, hidden_size)), nn.Tanh())
        self.critic = nn.Sequential(init_(nn.Linear(hidden_size, hidden_size)), nn.Tanh())
        self.critic_linear = init_(nn.Linear(hidden_size, 1))
        self.train()

    @property
    def recurrent_hidden_state_size(self):
        return self._hidden_size if self._recurrent else 1

    def _forward_gru(self, x, hxs, masks):
        if x.size(0) == hxs.size(0):
            x, hxs = self.gru(x.unsqueeze(0), (hxs * masks).unsqueeze(0))
            x = x.squeeze(0)
            hxs = hxs.squeeze(0)
        else:
            # x is a (T, N, -1) tensor that has been flattened to (T * N, -1)
            N = hxs.size(0)
            T = int(x.size(0) / N)
            x = x.view(T, N, x.size(1))
            masks = masks.view(T, N)
            # the steps where some environment starts a new episode; t=0 always counts as one
            has_zeros = ((masks[1:] == 0.0).any(dim=-1).nonzero().squeeze().cpu())
            if has_zeros.dim() == 0:
                has_zeros = [has_zeros.item() + 1]
            else:
                has_zeros = (has_zeros + 1).numpy().tolist()
            has_zeros = [0] + has_zeros + [T]
            print("    gru pieces:", has_zeros)
            hxs = hxs.unsqueeze(0)
            outputs = []
            for i in range(len(has_zeros) - 1):
                start_idx, end_idx = has_zeros[i], has_zeros[i + 1]
                rnn_scores, hxs = self.gru(x[start_idx:end_idx], hxs * masks[start_idx].view(1, -1, 1))
                outputs.append(rnn_scores)
            x = torch.cat(outputs, dim=0)
            x = x.view(T * N, -1)
            hxs = hxs.squeeze(0)
        return x, hxs

    def forward(self, inputs, rnn_hxs, masks):
        x, rnn_hxs = self._forward_gru(inputs, rnn_hxs, masks)
        return self.critic_linear(self.critic(x)), self.actor(x), rnn_hxs


class Policy(nn.Module):
    def __init__(self, obs_dim, n_actions):
        super().__init__()
        self.base = MLPBase(obs_dim)
        self.dist = CategoricalHead(8, n_actions)

    def act(self, inputs, rnn_hxs, masks, deterministic=False):
        value, actor_features, rnn_hxs = self.base(inputs, rnn_hxs, masks)
        dist = self.dist(actor_features)
        action = dist.mode() if deterministic else dist.sample()
        return value, action, dist.log_probs(action), rnn_hxs

    def get_value(self, inputs, rnn_hxs, masks):
        return self.base(inputs, rnn_hxs, masks)[0]

    def evaluate_actions(self, inputs, rnn_hxs, masks, action):
        value, actor_features, rnn_hxs = self.base(inputs, rnn_hxs, masks)
        dist = self.dist(actor_features)
        return value, dist.log_probs(action), dist.entropy().mean(), rnn_hxs


def _flatten_helper(T, N, _tensor):
    return _tensor.view(T * N, *_tensor.size()[2:])


class RolloutStorage(object):
    def __init__(self, num_steps, num_processes, obs_dim, hidden_size):
        self.obs = torch.zeros(num_steps + 1, num_processes, obs_dim)
        self.recurrent_hidden_states = torch.zeros(num_steps + 1, num_processes, hidden_size)
        self.rewards = torch.zeros(num_steps, num_processes, 1)
        self.value_preds = torch.zeros(num_steps + 1, num_processes, 1)
        self.returns = torch.zeros(num_steps + 1, num_processes, 1)
        self.action_log_probs = torch.zeros(num_steps, num_processes, 1)
        self.actions = torch.zeros(num_steps, num_processes, 1).long()
        self.masks = torch.ones(num_steps + 1, num_processes, 1)
        self.bad_masks = torch.ones(num_steps + 1, num_processes, 1)
        self.num_steps, self.step = num_steps, 0

    def insert(self, obs, recurrent_hidden_states, actions, action_log_probs, value_preds, rewards, masks, bad_masks):
        self.obs[self.step + 1].copy_(obs)
        self.recurrent_hidden_states[self.step + 1].copy_(recurrent_hidden_states)
        self.actions[self.step].copy_(actions)
        self.action_log_probs[self.step].copy_(action_log_probs)
        self.value_preds[self.step].copy_(value_preds)
        self.rewards[self.step].copy_(rewards)
        self.masks[self.step + 1].copy_(masks)
        self.bad_masks[self.step + 1].copy_(bad_masks)
        self.step = (self.step + 1) % self.num_steps

    def after_update(self):
        self.obs[0].copy_(self.obs[-1])
        self.recurrent_hidden_states[0].copy_(self.recurrent_hidden_states[-1])
        self.masks[0].copy_(self.masks[-1])
        self.bad_masks[0].copy_(self.bad_masks[-1])

    def compute_returns(self, next_value, gamma, gae_lambda):
        self.value_preds[-1] = next_value
        gae = 0
        for step in reversed(range(self.rewards.size(0))):
            delta = self.rewards[step] + gamma * self.value_preds[step + 1] * self.masks[step + 1] \
                - self.value_preds[step]
            gae = delta + gamma * gae_lambda * self.masks[step + 1] * gae
            gae = gae * self.bad_masks[step + 1]
            self.returns[step] = gae + self.value_preds[step]

    def recurrent_generator(self, advantages, num_mini_batch):
        num_processes = self.rewards.size(1)
        num_envs_per_batch = num_processes // num_mini_batch
        perm = torch.randperm(num_processes)
        for start_ind in range(0, num_processes, num_envs_per_batch):
            obs_batch, hxs_batch, actions_batch, value_preds_batch = [], [], [], []
            return_batch, masks_batch, old_log_probs_batch, adv_targ = [], [], [], []
            for offset in range(num_envs_per_batch):
                ind = perm[start_ind + offset]
                obs_batch.append(self.obs[:-1, ind])
                hxs_batch.append(self.recurrent_hidden_states[0:1, ind])
                actions_batch.append(self.actions[:, ind])
                value_preds_batch.append(self.value_preds[:-1, ind])
                return_batch.append(self.returns[:-1, ind])
                masks_batch.append(self.masks[:-1, ind])
                old_log_probs_batch.append(self.action_log_probs[:, ind])
                adv_targ.append(advantages[:, ind])
            T, N = self.num_steps, num_envs_per_batch
            obs_batch = torch.stack(obs_batch, 1)
            actions_batch = torch.stack(actions_batch, 1)
            value_preds_batch = torch.stack(value_preds_batch, 1)
            return_batch = torch.stack(return_batch, 1)
            masks_batch = torch.stack(masks_batch, 1)
            old_log_probs_batch = torch.stack(old_log_probs_batch, 1)
            adv_targ = torch.stack(adv_targ, 1)
            hxs_batch = torch.stack(hxs_batch, 1).view(N, -1)
            yield (perm[start_ind:start_ind + N], _flatten_helper(T, N, obs_batch), hxs_batch,
                   _flatten_helper(T, N, actions_batch), _flatten_helper(T, N, value_preds_batch),
                   _flatten_helper(T, N, return_batch), _flatten_helper(T, N, masks_batch),
                   _flatten_helper(T, N, old_log_probs_batch), _flatten_helper(T, N, adv_targ))


def update_linear_schedule(optimizer, epoch, total_num_epochs, initial_lr):
    lr = initial_lr - (initial_lr * (epoch / float(total_num_epochs)))
    for param_group in optimizer.param_groups:
        param_group["lr"] = lr


def collect(envs, actor_critic, rollouts, num_steps):
    for step in range(num_steps):
        with torch.no_grad():
            value, action, action_log_prob, recurrent_hidden_states = actor_critic.act(
                rollouts.obs[step], rollouts.recurrent_hidden_states[step], rollouts.masks[step])
        obs, reward, done, infos = envs.step(action)
        for info in infos:
            if "episode" in info.keys():
                print("  episode reward", info["episode"]["r"], "bad" if "bad_transition" in info else "")
        masks = torch.FloatTensor([[0.0] if done_ else [1.0] for done_ in done])
        bad_masks = torch.FloatTensor([[0.0] if "bad_transition" in info.keys() else [1.0] for info in infos])
        rollouts.insert(obs, recurrent_hidden_states, action, action_log_prob, value, reward, masks, bad_masks)


torch.manual_seed(2)
num_processes, num_steps, gamma, gae_lambda = 4, 6, 0.99, 0.95
envs = CueArmsVecEnv(num_processes, seed=2)
actor_critic = Policy(4, 3)
print(actor_critic)
print("hidden size:", actor_critic.base.recurrent_hidden_state_size,
      [(n, tuple(p.shape)) for n, p in actor_critic.base.gru.named_parameters()])
w = actor_critic.base.gru.weight_hh_l0
print("orthogonal weight_hh:", torch.dist(w.t() @ w, torch.eye(8)).item() < 1e-5, "gains:",
      f"{actor_critic.base.actor[0].weight.norm().item():.5f}", actor_critic.dist.linear.weight.norm(dim=1))
rollouts = RolloutStorage(num_steps, num_processes, 4, 8)
rollouts.obs[0].copy_(envs.reset())
print("storage:", rollouts.obs.shape, rollouts.actions.dtype, rollouts.masks.sum().item())

# A2C: one update with RMSprop on the whole rollout
a2c_opt = optim.RMSprop(actor_critic.parameters(), lr=7e-3, eps=1e-5, alpha=0.99)
collect(envs, actor_critic, rollouts, num_steps)
with torch.no_grad():
    next_value = actor_critic.get_value(rollouts.obs[-1], rollouts.recurrent_hidden_states[-1], rollouts.masks[-1])
rollouts.compute_returns(next_value, gamma, gae_lambda)
print("masks:", rollouts.masks.view(num_steps + 1, -1).t(), "\nbad masks:", rollouts.bad_masks.squeeze(-1).t())
print("returns:", rollouts.returns[:, 0].view(-1))
values, action_log_probs, dist_entropy, _ = actor_critic.evaluate_actions(
    rollouts.obs[:-1].view(-1, 4), rollouts.recurrent_hidden_states[0].view(-1, 8), rollouts.masks[:-1].view(-1, 1),
    rollouts.actions.view(-1, 1))
values = values.view(num_steps, num_processes, 1)
action_log_probs = action_log_probs.view(num_steps, num_processes, 1)
advantages = rollouts.returns[:-1] - values
value_loss = advantages.pow(2).mean()
action_loss = -(advantages.detach() * action_log_probs).mean()
a2c_opt.zero_grad()
(value_loss * 0.5 + action_loss - dist_entropy * 0.01).backward()
norm = nn.utils.clip_grad_norm_(actor_critic.parameters(), 0.5)
a2c_opt.step()
print(f"a2c: value {value_loss.item():.5f} action {action_loss.item():.5f} entropy {dist_entropy.item():.5f} "
      f"norm {norm.item():.5f}")
rollouts.after_update()

# PPO: two updates of 2 epochs over minibatches of whole environments
ppo_opt = optim.Adam(actor_critic.parameters(), lr=3e-3, eps=1e-5)
for j in range(2):
    update_linear_schedule(ppo_opt, j, 2, 3e-3)
    collect(envs, actor_critic, rollouts, num_steps)
    with torch.no_grad():
        next_value = actor_critic.get_value(rollouts.obs[-1], rollouts.recurrent_hidden_states[-1],
                                            rollouts.masks[-1])
    rollouts.compute_returns(next_value, gamma, gae_lambda)
    advantages = rollouts.returns[:-1] - rollouts.value_preds[:-1]
    advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-5)
    for epoch in range(2):
        for sample in rollouts.recurrent_generator(advantages, num_mini_batch=2):
            envs_used, obs_b, hxs_b, actions_b, value_preds_b, return_b, masks_b, old_logp_b, adv_targ = sample
            values, action_log_probs, dist_entropy, _ = actor_critic.evaluate_actions(obs_b, hxs_b, masks_b,
                                                                                      actions_b)
            ratio = torch.exp(action_log_probs - old_logp_b)
            surr1 = ratio * adv_targ
            surr2 = torch.clamp(ratio, 1.0 - 0.2, 1.0 + 0.2) * adv_targ
            action_loss = -torch.min(surr1, surr2).mean()
            value_pred_clipped = value_preds_b + (values - value_preds_b).clamp(-0.2, 0.2)
            value_losses = (values - return_b).pow(2)
            value_losses_clipped = (value_pred_clipped - return_b).pow(2)
            value_loss = 0.5 * torch.max(value_losses, value_losses_clipped).mean()
            ppo_opt.zero_grad()
            (value_loss * 0.5 + action_loss - dist_entropy * 0.01).backward()
            nn.utils.clip_grad_norm_(actor_critic.parameters(), 0.5)
            ppo_opt.step()
            print(f"  ppo {j}.{epoch} envs {envs_used.tolist()} obs {tuple(obs_b.shape)} hxs {tuple(hxs_b.shape)} "
                  f"value {value_loss.item():.5f} action {action_loss.item():.5f} ratio {ratio.mean().item():.5f}")
    rollouts.after_update()
    print("lr:", ppo_opt.param_groups[0]["lr"], "first hidden state:", rollouts.recurrent_hidden_states[0, 0])

with torch.no_grad():
    value, action, logp, hxs = actor_critic.act(rollouts.obs[0], rollouts.recurrent_hidden_states[0],
                                                rollouts.masks[0], deterministic=True)
dist = actor_critic.dist(actor_critic.base(rollouts.obs[0], hxs, rollouts.masks[0])[1])
print(type(dist).__name__, isinstance(dist, torch.distributions.Categorical), dist.batch_shape, dist.mode())
print("greedy:", action.view(-1), "log probs:", logp.view(-1), "value:", value.view(-1))
