import tinygrad_rnn as torch
import random
import time
from types import SimpleNamespace
import numpy as np
nn = torch.nn
optim = torch.optim
Categorical = torch.distributions.categorical.Categorical
Normal = torch.distributions.normal.Normal
# CleanRL's single-file PPO agents (ppo.py for discrete actions, ppo_continuous_action.py): layer_init with
# orthogonal_ and constant_, get_action_and_value, GAE with torch tensors indexed backwards, the minibatch loop
# over np.random.shuffle'd indices, advantage normalisation, the clipped value loss, clip_grad_norm_ and
# learning-rate annealing through param_groups. gym's vector envs are replaced by small numpy ones. Runs
# are 2 iterations of 16 steps with 2 update epochs (CleanRL: 500000 timesteps, 4 update epochs).


class Space:
    def __init__(self, shape, n=None, low=None, high=None):
        self.shape, self.n = shape, n
        self.low, self.high = low, high


class GridVecEnv:
    """num_envs 4x4 gridworlds stepped together, autoreset as gym's vector envs do."""
    single_observation_space = Space((4,))
    single_action_space = Space((), n=4)

    def __init__(self, num_envs, seed):
        self.num_envs = num_envs
        self.rng = np.random.RandomState(seed)

    def _obs(self):
        p = self.pos / 3.0
        return np.concatenate([p, 1 - p], axis=1).astype(np.float32)

    def reset(self, seed=None):
        self.pos = np.stack([np.zeros(self.num_envs), self.rng.randint(0, 2, self.num_envs)], 1)
        self.t = np.zeros(self.num_envs, dtype=np.int64)
        return self._obs(), {}

    def step(self, actions):
        moves = np.array([[-1, 0], [1, 0], [0, -1], [0, 1]])[actions]
        self.pos = np.clip(self.pos + moves, 0, 3)
        self.t += 1
        terminations = (self.pos == 3).all(1)
        truncations = self.t >= 10
        rewards = np.where(terminations, 1.0, -0.01)
        done = terminations | truncations
        self.pos[done] = 0
        self.t[done] = 0
        return self._obs(), rewards, terminations, truncations, {}


class LineVecEnv:
    """num_envs point masses on a line, pushed by a 1-d action towards 0.5."""
    single_observation_space = Space((2,))
    single_action_space = Space((1,), low=np.array([-1.0], np.float32), high=np.array([1.0], np.float32))

    def __init__(self, num_envs, seed):
        self.num_envs = num_envs
        self.rng = np.random.RandomState(seed)

    def reset(self, seed=None):
        self.x = self.rng.uniform(-1, 1, self.num_envs)
        self.t = np.zeros(self.num_envs, dtype=np.int64)
        return np.stack([self.x, 0.5 - self.x], 1).astype(np.float32), {}

    def step(self, actions):
        self.x = np.clip(self.x + 0.1 * np.clip(actions[:, 0], -1, 1), -1, 1)
        self.t += 1
        rewards = -(self.x - 0.5) ** 2
        truncations = self.t >= 8
        terminations = np.zeros(self.num_envs, dtype=bool)
        self.x[truncations] = self.rng.uniform(-1, 1, truncations.sum())
        self.t[truncations] = 0
        return np.stack([self.x, 0.5 - self.x], 1).astype(np.float32), rewards, terminations, truncations, {}


def layer_init(layer, std=np.sqrt(2), bias_const=0.0):  # noqa: B008  (CleanRL's own default)
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self, envs):
        super().__init__()
        self.critic = nn.Sequential(
            layer_init(nn.Linear(np.array(envs.single_observation_space.shape).prod(), 64)),
            nn.Tanh(),
            layer_init(nn.Linear(64, 64)),
            nn.Tanh(),
            layer_init(nn.Linear(64, 1), std=1.0),
        )
        self.actor = nn.Sequential(
            layer_init(nn.Linear(np.array(envs.single_observation_space.shape).prod(), 64)),
            nn.Tanh(),
            layer_init(nn.Linear(64, 64)),
            nn.Tanh(),
            layer_init(nn.Linear(64, envs.single_action_space.n), std=0.01),
        )

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x, action=None):
        logits = self.actor(x)
        probs = Categorical(logits=logits)
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action), probs.entropy(), self.critic(x)


class ContinuousAgent(nn.Module):
    def __init__(self, envs):
        super().__init__()
        self.critic = nn.Sequential(
            layer_init(nn.Linear(np.array(envs.single_observation_space.shape).prod(), 64)),
            nn.Tanh(),
            layer_init(nn.Linear(64, 1), std=1.0),
        )
        self.actor_mean = nn.Sequential(
            layer_init(nn.Linear(np.array(envs.single_observation_space.shape).prod(), 64)),
            nn.Tanh(),
            layer_init(nn.Linear(64, np.prod(envs.single_action_space.shape)), std=0.01),
        )
        self.actor_logstd = nn.Parameter(torch.zeros(1, np.prod(envs.single_action_space.shape)))

    def get_value(self, x):
        return self.critic(x)

    def get_action_and_value(self, x, action=None):
        action_mean = self.actor_mean(x)
        action_logstd = self.actor_logstd.expand_as(action_mean)
        action_std = torch.exp(action_logstd)
        probs = Normal(action_mean, action_std)
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action).sum(1), probs.entropy().sum(1), self.critic(x)


def train(envs, agent_class, args):
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.backends.cudnn.deterministic = args.torch_deterministic
    device = torch.device("cuda" if torch.cuda.is_available() and args.cuda else "cpu")
    args.batch_size = int(args.num_envs * args.num_steps)
    args.minibatch_size = int(args.batch_size // args.num_minibatches)
    args.num_iterations = args.total_timesteps // args.batch_size

    agent = agent_class(envs).to(device)
    print(agent)
    optimizer = optim.Adam(agent.parameters(), lr=args.learning_rate, eps=1e-5)

    # ALGO Logic: Storage setup
    obs = torch.zeros((args.num_steps, args.num_envs) + envs.single_observation_space.shape).to(device)
    actions = torch.zeros((args.num_steps, args.num_envs) + envs.single_action_space.shape).to(device)
    logprobs = torch.zeros((args.num_steps, args.num_envs)).to(device)
    rewards = torch.zeros((args.num_steps, args.num_envs)).to(device)
    dones = torch.zeros((args.num_steps, args.num_envs)).to(device)
    values = torch.zeros((args.num_steps, args.num_envs)).to(device)
    print(obs.shape, actions.shape, actions.dtype)

    global_step = 0
    start_time = time.time()
    next_obs, _ = envs.reset(seed=args.seed)
    next_obs = torch.Tensor(next_obs).to(device)
    next_done = torch.zeros(args.num_envs).to(device)

    for iteration in range(1, args.num_iterations + 1):
        if args.anneal_lr:
            frac = 1.0 - (iteration - 1.0) / args.num_iterations
            lrnow = frac * args.learning_rate
            optimizer.param_groups[0]["lr"] = lrnow

        for step in range(0, args.num_steps):
            global_step += args.num_envs
            obs[step] = next_obs
            dones[step] = next_done

            with torch.no_grad():
                action, logprob, _, value = agent.get_action_and_value(next_obs)
                values[step] = value.flatten()
            actions[step] = action
            logprobs[step] = logprob

            next_obs, reward, terminations, truncations, infos = envs.step(action.cpu().numpy())
            next_done = np.logical_or(terminations, truncations)
            rewards[step] = torch.tensor(reward).to(device).view(-1)
            next_obs, next_done = torch.Tensor(next_obs).to(device), torch.Tensor(next_done).to(device)

        # bootstrap value if not done
        with torch.no_grad():
            next_value = agent.get_value(next_obs).reshape(1, -1)
            advantages = torch.zeros_like(rewards).to(device)
            lastgaelam = 0
            for t in reversed(range(args.num_steps)):
                if t == args.num_steps - 1:
                    nextnonterminal = 1.0 - next_done
                    nextvalues = next_value
                else:
                    nextnonterminal = 1.0 - dones[t + 1]
                    nextvalues = values[t + 1]
                delta = rewards[t] + args.gamma * nextvalues * nextnonterminal - values[t]
                advantages[t] = lastgaelam = delta + args.gamma * args.gae_lambda * nextnonterminal * lastgaelam
            returns = advantages + values
        if iteration == 1:
            print(next_value.shape, lastgaelam.shape, advantages[:3], returns.dtype, returns.requires_grad)

        # flatten the batch
        b_obs = obs.reshape((-1,) + envs.single_observation_space.shape)
        b_logprobs = logprobs.reshape(-1)
        b_actions = actions.reshape((-1,) + envs.single_action_space.shape)
        b_advantages = advantages.reshape(-1)
        b_returns = returns.reshape(-1)
        b_values = values.reshape(-1)

        # Optimizing the policy and value network
        b_inds = np.arange(args.batch_size)
        clipfracs = []
        for epoch in range(args.update_epochs):
            np.random.shuffle(b_inds)
            for start in range(0, args.batch_size, args.minibatch_size):
                end = start + args.minibatch_size
                mb_inds = b_inds[start:end]

                if args.discrete:
                    mb_actions = b_actions.long()[mb_inds]
                else:
                    mb_actions = b_actions[mb_inds]
                _, newlogprob, entropy, newvalue = agent.get_action_and_value(b_obs[mb_inds], mb_actions)
                logratio = newlogprob - b_logprobs[mb_inds]
                ratio = logratio.exp()

                with torch.no_grad():
                    # calculate approx_kl http://joschu.net/blog/kl-approx.html
                    old_approx_kl = (-logratio).mean()
                    approx_kl = ((ratio - 1) - logratio).mean()
                    clipfracs += [((ratio - 1.0).abs() > args.clip_coef).float().mean().item()]

                mb_advantages = b_advantages[mb_inds]
                if args.norm_adv:
                    mb_advantages = (mb_advantages - mb_advantages.mean()) / (mb_advantages.std() + 1e-8)

                # Policy loss
                pg_loss1 = -mb_advantages * ratio
                pg_loss2 = -mb_advantages * torch.clamp(ratio, 1 - args.clip_coef, 1 + args.clip_coef)
                pg_loss = torch.max(pg_loss1, pg_loss2).mean()

                # Value loss
                newvalue = newvalue.view(-1)
                if args.clip_vloss:
                    v_loss_unclipped = (newvalue - b_returns[mb_inds]) ** 2
                    v_clipped = b_values[mb_inds] + torch.clamp(
                        newvalue - b_values[mb_inds],
                        -args.clip_coef,
                        args.clip_coef,
                    )
                    v_loss_clipped = (v_clipped - b_returns[mb_inds]) ** 2
                    v_loss_max = torch.max(v_loss_unclipped, v_loss_clipped)
                    v_loss = 0.5 * v_loss_max.mean()
                else:
                    v_loss = 0.5 * ((newvalue - b_returns[mb_inds]) ** 2).mean()

                entropy_loss = entropy.mean()
                loss = pg_loss - args.ent_coef * entropy_loss + v_loss * args.vf_coef

                optimizer.zero_grad()
                loss.backward()
                grad_norm = nn.utils.clip_grad_norm_(agent.parameters(), args.max_grad_norm)
                optimizer.step()

            if args.target_kl is not None and approx_kl > args.target_kl:
                print("target_kl reached at epoch", epoch, approx_kl)
                break

        y_pred, y_true = b_values.cpu().numpy(), b_returns.cpu().numpy()
        var_y = np.var(y_true)
        explained_var = np.nan if var_y == 0 else 1 - np.var(y_true - y_pred) / var_y

        print("charts/learning_rate", optimizer.param_groups[0]["lr"], global_step)
        print("losses/value_loss", v_loss.item(), "losses/policy_loss", pg_loss.item())
        print("losses/entropy", entropy_loss.item(), "losses/old_approx_kl", round(old_approx_kl.item(), 6))
        # the kl estimates are differences of nearby log-probs: printed to the float32 precision they have
        print("losses/approx_kl", round(approx_kl.item(), 7), "losses/clipfrac", np.mean(clipfracs))
        print("losses/explained_variance", explained_var, type(explained_var), grad_norm)
        print("SPS:", int(global_step / (time.time() - start_time)) > 0)
    return agent, optimizer


args = SimpleNamespace(seed=1, torch_deterministic=True, cuda=True, total_timesteps=128, learning_rate=2.5e-4,
                       num_envs=4, num_steps=16, anneal_lr=True, gamma=0.99, gae_lambda=0.95, num_minibatches=4,
                       update_epochs=2, norm_adv=True, clip_coef=0.2, clip_vloss=True, ent_coef=0.01, vf_coef=0.5,
                       max_grad_norm=0.5, target_kl=None, discrete=True)
agent, optimizer = train(GridVecEnv(args.num_envs, args.seed), Agent, args)
print(agent.actor[4].weight.norm(), agent.critic[0].bias.abs().max(), optimizer.state_dict()["param_groups"][0]["lr"])
w = agent.actor[0].weight.detach()
print((w @ w.T)[:3, :3], (w.T @ w)[:3, :3])

args.discrete, args.learning_rate, args.target_kl, args.clip_vloss = False, 3e-4, 0.01, False
args.num_envs, args.total_timesteps = 2, 64
agent, optimizer = train(LineVecEnv(args.num_envs, args.seed), ContinuousAgent, args)
print(agent.actor_logstd, agent.actor_logstd.grad)
with torch.no_grad():
    a, lp, ent, v = agent.get_action_and_value(torch.zeros(3, 2))
print(a.shape, lp, ent, v.squeeze(-1))

# layer_init on its own: orthogonal_ returns its tensor; std is a numpy float
torch.manual_seed(0)
lin = nn.Linear(3, 5)
out = torch.nn.init.orthogonal_(lin.weight, np.sqrt(2))
print(out is lin.weight, lin.weight, torch.allclose(lin.weight.T @ lin.weight, 2 * torch.eye(3), atol=1e-5))
print(torch.nn.init.constant_(lin.bias, 0.0), torch.nn.init.orthogonal_(torch.empty(2, 3, 2)).shape)
print(nn.Linear(np.array((4,)).prod(), 2), nn.Linear(3, np.prod((1,))).weight.shape)
