import tinygrad_rnn as torch
import random
from types import SimpleNamespace
import numpy as np
# CleanRL's ppo_atari_lstm.py: a conv encoder on uint8 frames / 255 feeding an nn.LSTM stepped one time step at a
# time, its state zeroed where an episode ended by multiplying with (1.0 - done).view(1, -1, 1), the per-step
# outputs joined with torch.flatten(torch.cat(new_hidden), 0, 1); the LSTM's weights set by a named_parameters
# loop ("bias" -> constant_ 0, "weight" -> orthogonal_ 1.0), layer_init with orthogonal_ gains, Categorical(logits),
# GAE by hand, minibatches of whole environments (envinds) started from the rollout's initial LSTM state, the
# clipped policy and value losses, clip_grad_norm_ and the explained variance. gym's Atari vector env is replaced by
# a numpy memory task: a cue shown on the first frame says which turn pays at the end of a short corridor.
nn = torch.nn
optim = torch.optim
Categorical = torch.distributions.categorical.Categorical


class Space:
    def __init__(self, shape, n=None, dtype=None):
        self.shape, self.n, self.dtype = shape, n, dtype


class CueCorridorVecEnv:
    """num_envs corridors stepped together and reset automatically. Actions: 0 forward, 1 turn left, 2 turn right;
    a turn at the corridor's end pays +1 if it matches the cue, -1 if not; each step costs 0.02."""
    single_observation_space = Space((1, 6, 6), dtype=np.uint8)
    single_action_space = Space((), n=3)
    length = 3

    def __init__(self, num_envs, seed):
        self.num_envs = num_envs
        self.rng = np.random.RandomState(seed)
        self.pos = np.zeros(num_envs, dtype=np.int64)
        self.t = np.zeros(num_envs, dtype=np.int64)
        self.cue = np.zeros(num_envs, dtype=np.int64)
        self.returns = np.zeros(num_envs)

    def _reset_one(self, i):
        self.pos[i], self.t[i], self.returns[i] = 0, 0, 0.0
        self.cue[i] = self.rng.randint(2)

    def _frames(self):
        frames = np.zeros((self.num_envs, 1, 6, 6), dtype=np.uint8)
        for i in range(self.num_envs):
            frames[i, 0, 3, 1 + self.pos[i]] = 255
            if self.t[i] == 0:
                frames[i, 0, 0, 0 if self.cue[i] == 0 else 5] = 200
        return frames

    def reset(self, seed=None):
        for i in range(self.num_envs):
            self._reset_one(i)
        return self._frames(), {}

    def step(self, actions):
        rewards = np.full(self.num_envs, -0.02)
        terminations = np.zeros(self.num_envs, dtype=bool)
        truncations = np.zeros(self.num_envs, dtype=bool)
        finished = []
        for i, a in enumerate(actions):
            self.t[i] += 1
            if a == 0:
                self.pos[i] = min(self.pos[i] + 1, self.length)
            elif self.pos[i] == self.length:
                rewards[i] = 1.0 if a - 1 == self.cue[i] else -1.0
                terminations[i] = True
            truncations[i] = self.t[i] >= 7 and not terminations[i]
            self.returns[i] += rewards[i]
            if terminations[i] or truncations[i]:
                finished.append((i, round(float(self.returns[i]), 2)))
                self._reset_one(i)
        return self._frames(), rewards, terminations, truncations, {"finished": finished}


def layer_init(layer, std=np.sqrt(2), bias_const=0.0):  # noqa: B008  (as CleanRL writes it)
    torch.nn.init.orthogonal_(layer.weight, std)
    torch.nn.init.constant_(layer.bias, bias_const)
    return layer


class Agent(nn.Module):
    def __init__(self, envs):
        super().__init__()
        self.network = nn.Sequential(
            layer_init(nn.Conv2d(1, 4, 3, stride=1)),
            nn.ReLU(),
            nn.Flatten(),
            layer_init(nn.Linear(4 * 4 * 4, 16)),
            nn.ReLU(),
        )
        self.lstm = nn.LSTM(16, 8)
        for name, param in self.lstm.named_parameters():
            if "bias" in name:
                nn.init.constant_(param, 0)
            elif "weight" in name:
                nn.init.orthogonal_(param, 1.0)
        self.actor = layer_init(nn.Linear(8, envs.single_action_space.n), std=0.01)
        self.critic = layer_init(nn.Linear(8, 1), std=1)

    def get_states(self, x, lstm_state, done):
        hidden = self.network(x / 255.0)

        # LSTM logic
        batch_size = lstm_state[0].shape[1]
        hidden = hidden.reshape((-1, batch_size, self.lstm.input_size))
        done = done.reshape((-1, batch_size))
        new_hidden = []
        for h, d in zip(hidden, done):
            h, lstm_state = self.lstm(
                h.unsqueeze(0),
                (
                    (1.0 - d).view(1, -1, 1) * lstm_state[0],
                    (1.0 - d).view(1, -1, 1) * lstm_state[1],
                ),
            )
            new_hidden += [h]
        new_hidden = torch.flatten(torch.cat(new_hidden), 0, 1)
        return new_hidden, lstm_state

    def get_value(self, x, lstm_state, done):
        hidden, _ = self.get_states(x, lstm_state, done)
        return self.critic(hidden)

    def get_action_and_value(self, x, lstm_state, done, action=None):
        hidden, lstm_state = self.get_states(x, lstm_state, done)
        logits = self.actor(hidden)
        probs = Categorical(logits=logits)
        if action is None:
            action = probs.sample()
        return action, probs.log_prob(action), probs.entropy(), self.critic(hidden), lstm_state


args = SimpleNamespace(seed=1, num_envs=4, num_steps=8, total_timesteps=64, learning_rate=2.5e-3, anneal_lr=True,
                       gamma=0.99, gae_lambda=0.95, num_minibatches=2, update_epochs=2, norm_adv=True, clip_coef=0.1,
                       clip_vloss=True, ent_coef=0.01, vf_coef=0.5, max_grad_norm=0.5, target_kl=None,
                       torch_deterministic=True)
args.batch_size = int(args.num_envs * args.num_steps)
args.minibatch_size = int(args.batch_size // args.num_minibatches)
args.num_iterations = args.total_timesteps // args.batch_size
random.seed(args.seed)
np.random.seed(args.seed)
torch.manual_seed(args.seed)
torch.backends.cudnn.deterministic = args.torch_deterministic
device = torch.device("cuda" if torch.cuda.is_available() and False else "cpu")

envs = CueCorridorVecEnv(args.num_envs, args.seed)
agent = Agent(envs).to(device)
optimizer = optim.Adam(agent.parameters(), lr=args.learning_rate, eps=1e-5)
print(agent)
for name, param in agent.named_parameters():
    print(f"{name:20s} {str(tuple(param.shape)):10s} std {param.std().item():.5f} sum {param.sum().item():+.5f}")
w_hh = agent.lstm.weight_hh_l0
print("weight_hh rows orthonormal:", torch.allclose(w_hh.T @ w_hh, torch.eye(8), atol=1e-5),
      "actor row norms:", agent.actor.weight.norm(dim=1))

obs = torch.zeros((args.num_steps, args.num_envs) + envs.single_observation_space.shape).to(device)
actions = torch.zeros((args.num_steps, args.num_envs) + envs.single_action_space.shape).to(device)
logprobs = torch.zeros((args.num_steps, args.num_envs)).to(device)
rewards = torch.zeros((args.num_steps, args.num_envs)).to(device)
dones = torch.zeros((args.num_steps, args.num_envs)).to(device)
values = torch.zeros((args.num_steps, args.num_envs)).to(device)

global_step = 0
next_obs, _ = envs.reset(seed=args.seed)
print("frames:", next_obs.dtype, next_obs.shape, "obs buffer:", obs.shape, obs.dtype)
next_obs = torch.Tensor(next_obs).to(device)
next_done = torch.zeros(args.num_envs).to(device)
next_lstm_state = (
    torch.zeros(agent.lstm.num_layers, args.num_envs, agent.lstm.hidden_size).to(device),
    torch.zeros(agent.lstm.num_layers, args.num_envs, agent.lstm.hidden_size).to(device),
)  # hidden and cell states (see https://youtu.be/8HyCNIVRbSU)
print("lstm state:", [tuple(s.shape) for s in next_lstm_state])

for iteration in range(1, args.num_iterations + 1):
    initial_lstm_state = (next_lstm_state[0].clone(), next_lstm_state[1].clone())
    if args.anneal_lr:
        frac = 1.0 - (iteration - 1.0) / args.num_iterations
        lrnow = frac * args.learning_rate
        optimizer.param_groups[0]["lr"] = lrnow

    for step in range(0, args.num_steps):
        global_step += args.num_envs
        obs[step] = next_obs
        dones[step] = next_done

        with torch.no_grad():
            action, logprob, _, value, next_lstm_state = agent.get_action_and_value(next_obs, next_lstm_state,
                                                                                    next_done)
            values[step] = value.flatten()
        actions[step] = action
        logprobs[step] = logprob

        next_obs, reward, terminations, truncations, infos = envs.step(action.cpu().numpy())
        next_done = np.logical_or(terminations, truncations)
        rewards[step] = torch.tensor(reward).to(device).view(-1)
        next_obs, next_done = torch.Tensor(next_obs).to(device), torch.Tensor(next_done).to(device)
        for i, episodic_return in infos["finished"]:
            print(f"global_step={global_step}, env {i} episodic_return={episodic_return}")

    print("actions:", actions.T.long().tolist())
    print("h after rollout:", next_lstm_state[0][0, :2])
    # bootstrap value if not done
    with torch.no_grad():
        next_value = agent.get_value(next_obs, next_lstm_state, next_done).reshape(1, -1)
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
    print("advantages:", advantages.shape, advantages[:, 0], "returns mean:", returns.mean())

    # flatten the batch
    b_obs = obs.reshape((-1,) + envs.single_observation_space.shape)
    b_logprobs = logprobs.reshape(-1)
    b_actions = actions.reshape((-1,) + envs.single_action_space.shape)
    b_dones = dones.reshape(-1)
    b_advantages = advantages.reshape(-1)
    b_returns = returns.reshape(-1)
    b_values = values.reshape(-1)

    # Optimizing the policy and value network
    assert args.num_envs % args.num_minibatches == 0
    envsperbatch = args.num_envs // args.num_minibatches
    envinds = np.arange(args.num_envs)
    flatinds = np.arange(args.batch_size).reshape(args.num_steps, args.num_envs)
    clipfracs = []
    for epoch in range(args.update_epochs):
        np.random.shuffle(envinds)
        for start in range(0, args.num_envs, envsperbatch):
            end = start + envsperbatch
            mbenvinds = envinds[start:end]
            mb_inds = flatinds[:, mbenvinds].ravel()  # be really careful about the index

            _, newlogprob, entropy, newvalue, _ = agent.get_action_and_value(
                b_obs[mb_inds],
                (initial_lstm_state[0][:, mbenvinds], initial_lstm_state[1][:, mbenvinds]),
                b_dones[mb_inds],
                b_actions.long()[mb_inds],
            )
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
            print(f"  epoch {epoch} envs {mbenvinds.tolist()} inds {mb_inds[:6].tolist()} loss {loss.item():.5f} "
                  f"pg {pg_loss.item():.5f} v {v_loss.item():.5f} ent {entropy_loss.item():.5f} "
                  f"grad norm {grad_norm.item():.5f}")

        if args.target_kl is not None and approx_kl > args.target_kl:
            break

    y_pred, y_true = b_values.cpu().numpy(), b_returns.cpu().numpy()
    var_y = np.var(y_true)
    explained_var = np.nan if var_y == 0 else 1 - np.var(y_true - y_pred) / var_y
    print(f"iteration {iteration}: lr {optimizer.param_groups[0]['lr']:.6f} old_approx_kl {old_approx_kl.item():.6f} "
          f"approx_kl {approx_kl.item():.6f} clipfrac {np.mean(clipfracs):.4f} explained_variance {explained_var:.5f}")

with torch.no_grad():
    probs = Categorical(logits=agent.actor(agent.get_states(next_obs, next_lstm_state, next_done)[0]))
print(probs, probs.probs.shape, probs.logits.dtype)
print("greedy:", probs.probs.argmax(dim=1), "entropy:", probs.entropy())
print(list(agent.state_dict())[-6:], optimizer.state_dict()["state"][0]["step"])
