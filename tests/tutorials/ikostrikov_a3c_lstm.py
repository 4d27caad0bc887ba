import tinygrad_rnn as torch
import math
import os
from types import SimpleNamespace
import numpy as np
# ikostrikov/pytorch-a3c: an ActorCritic of conv layers and an nn.LSTMCell whose (hx, cx) are zeroed when an
# episode ends and detached between rollouts, weights_init chosen by the class name (np.prod of the weight
# sizes for the conv fan-in and fan-out), normalized_columns_initializer for the heads, a shared model with
# share_memory(), the SharedAdam subclass whose state tensors are share_memory_()'d, ensure_shared_grads,
# GAE in the backward loop and a greedy test episode under no_grad. The worker processes are run one after
# the other in this process; Atari is replaced by a T-maze drawn as a 3x5 image: a cue shown at the first
# step says which arm (up or down) pays at the end of the corridor.
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
mp = torch.multiprocessing
os.environ["OMP_NUM_THREADS"] = "1"


class TMaze:
    """Actions: 0 forward, 1 up, 2 down. Up or down at the junction ends the episode (+1 right arm, -1 wrong)."""
    length = 2

    def __init__(self, seed):
        self.rng = np.random.RandomState(seed)

    def reset(self):
        self.pos, self.t = 0, 0
        self.cue = int(self.rng.randint(2))
        return self._image()

    def _image(self):
        img = np.zeros((1, 3, 5), dtype=np.float32)
        img[0, 1, self.pos] = 1.0
        if self.t == 0:
            img[0, 2 * self.cue, 0] = 1.0  # the cue is seen once
        return img

    def step(self, action):
        self.t += 1
        if action in (1, 2) and self.pos == self.length:
            return self._image(), (1.0 if action - 1 == self.cue else -1.0), True, {}
        if action == 0:
            self.pos = min(self.pos + 1, self.length)
        return self._image(), -0.05, self.t >= 10, {}


def normalized_columns_initializer(weights, std=1.0):
    out = torch.randn(weights.size())
    out *= std / torch.sqrt(out.pow(2).sum(1, keepdim=True))
    return out


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        weight_shape = list(m.weight.data.size())
        fan_in = np.prod(weight_shape[1:4])
        fan_out = np.prod(weight_shape[2:4]) * weight_shape[0]
        w_bound = np.sqrt(6. / (fan_in + fan_out))
        m.weight.data.uniform_(-w_bound, w_bound)
        m.bias.data.fill_(0)
    elif classname.find("Linear") != -1:
        weight_shape = list(m.weight.data.size())
        fan_in, fan_out = weight_shape[1], weight_shape[0]
        w_bound = np.sqrt(6. / (fan_in + fan_out))
        m.weight.data.uniform_(-w_bound, w_bound)
        m.bias.data.fill_(0)


class ActorCritic(torch.nn.Module):
    def __init__(self, num_inputs, num_actions, hidden=16):
        super(ActorCritic, self).__init__()
        self.conv1 = nn.Conv2d(num_inputs, 4, 3, stride=1, padding=1)
        self.conv2 = nn.Conv2d(4, 4, 3, stride=2, padding=1)
        self.lstm = nn.LSTMCell(4 * 2 * 3, hidden)
        self.critic_linear = nn.Linear(hidden, 1)
        self.actor_linear = nn.Linear(hidden, num_actions)

        self.apply(weights_init)
        self.actor_linear.weight.data = normalized_columns_initializer(self.actor_linear.weight.data, 0.01)
        self.actor_linear.bias.data.fill_(0)
        self.critic_linear.weight.data = normalized_columns_initializer(self.critic_linear.weight.data, 1.0)
        self.critic_linear.bias.data.fill_(0)
        self.lstm.bias_ih.data.fill_(0)
        self.lstm.bias_hh.data.fill_(0)
        self.train()

    def forward(self, inputs):
        inputs, (hx, cx) = inputs
        x = F.elu(self.conv1(inputs))
        x = F.elu(self.conv2(x))
        x = x.view(-1, 4 * 2 * 3)
        hx, cx = self.lstm(x, (hx, cx))
        x = hx
        return self.critic_linear(x), self.actor_linear(x), (hx, cx)


class SharedAdam(optim.Adam):
    """Adam whose state lives in tensors made up front, so that share_memory() can share them."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        super(SharedAdam, self).__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"] = torch.zeros(1)
                state["exp_avg"] = p.data.new().resize_as_(p.data).zero_()
                state["exp_avg_sq"] = p.data.new().resize_as_(p.data).zero_()

    def share_memory(self):
        for group in self.param_groups:
            for p in group["params"]:
                state = self.state[p]
                state["step"].share_memory_()
                state["exp_avg"].share_memory_()
                state["exp_avg_sq"].share_memory_()

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = p.grad.data
                state = self.state[p]
                exp_avg, exp_avg_sq = state["exp_avg"], state["exp_avg_sq"]
                beta1, beta2 = group["betas"]
                state["step"] += 1
                if group["weight_decay"] != 0:
                    grad = grad.add(p.data, alpha=group["weight_decay"])
                exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
                exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
                denom = exp_avg_sq.sqrt().add_(group["eps"])
                bias_correction1 = 1 - beta1 ** state["step"].item()
                bias_correction2 = 1 - beta2 ** state["step"].item()
                step_size = group["lr"] * math.sqrt(bias_correction2) / bias_correction1
                p.data.addcdiv_(exp_avg, denom, value=-step_size)
        return loss


def ensure_shared_grads(model, shared_model):
    for param, shared_param in zip(model.parameters(), shared_model.parameters()):
        if shared_param.grad is not None:
            return
        shared_param._grad = param.grad


def train(rank, args, shared_model, counter, lock, optimizer):
    torch.manual_seed(args.seed + rank)
    env = TMaze(args.seed + rank)
    model = ActorCritic(1, 3)
    model.train()
    state = torch.from_numpy(env.reset())
    done = True
    episode_length = 0
    for update in range(args.updates):
        model.load_state_dict(shared_model.state_dict())
        if done:
            cx = torch.zeros(1, 16)
            hx = torch.zeros(1, 16)
        else:
            cx = cx.detach()
            hx = hx.detach()
        values, log_probs, rewards, entropies = [], [], [], []
        for step in range(args.num_steps):
            episode_length += 1
            value, logit, (hx, cx) = model((state.unsqueeze(0), (hx, cx)))
            prob = F.softmax(logit, dim=-1)
            log_prob = F.log_softmax(logit, dim=-1)
            entropy = -(log_prob * prob).sum(1, keepdim=True)
            entropies.append(entropy)
            action = prob.multinomial(num_samples=1).detach()
            log_prob = log_prob.gather(1, action)
            state, reward, done, _ = env.step(action.item())
            done = done or episode_length >= args.max_episode_length
            reward = max(min(reward, 1), -1)
            with lock:
                counter.value += 1
            if done:
                episode_length = 0
                state = env.reset()
            state = torch.from_numpy(state)
            values.append(value)
            log_probs.append(log_prob)
            rewards.append(reward)
            if done:
                break
        R = torch.zeros(1, 1)
        if not done:
            value, _, _ = model((state.unsqueeze(0), (hx, cx)))
            R = value.detach()
        values.append(R)
        policy_loss = 0
        value_loss = 0
        gae = torch.zeros(1, 1)
        for i in reversed(range(len(rewards))):
            R = args.gamma * R + rewards[i]
            advantage = R - values[i]
            value_loss = value_loss + 0.5 * advantage.pow(2)
            delta_t = rewards[i] + args.gamma * values[i + 1] - values[i]
            gae = gae * args.gamma * args.gae_lambda + delta_t
            policy_loss = policy_loss - log_probs[i] * gae.detach() - args.entropy_coef * entropies[i]
        optimizer.zero_grad()
        (policy_loss + args.value_loss_coef * value_loss).backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), args.max_grad_norm)
        ensure_shared_grads(model, shared_model)
        optimizer.step()
        print(f"rank {rank} update {update}: steps {len(rewards)} rewards {rewards} "
              f"policy {policy_loss.item():.5f} value {value_loss.item():.5f} grad norm {norm:.5f}")
    return model


def test(args, shared_model, counter):
    torch.manual_seed(args.seed + args.num_processes)
    env = TMaze(args.seed + args.num_processes)
    model = ActorCritic(1, 3)
    model.load_state_dict(shared_model.state_dict())
    model.eval()
    state = torch.from_numpy(env.reset())
    cx = torch.zeros(1, 16)
    hx = torch.zeros(1, 16)
    reward_sum, actions = 0, []
    done = False
    while not done:
        with torch.no_grad():
            value, logit, (hx, cx) = model((state.unsqueeze(0), (hx, cx)))
        prob = F.softmax(logit, dim=-1)
        action = prob.max(1, keepdim=True)[1].numpy()
        actions.append(int(action[0, 0]))
        state, reward, done, _ = env.step(action[0, 0])
        reward_sum += reward
        state = torch.from_numpy(state)
    print("test: num steps", counter.value, "actions", actions, "reward", round(reward_sum, 4),
          "last value", value, "last probs", prob)


args = SimpleNamespace(lr=0.01, gamma=0.99, gae_lambda=1.00, entropy_coef=0.01, value_loss_coef=0.5,
                       max_grad_norm=50, seed=1, num_processes=2, num_steps=6, max_episode_length=10, updates=4)
torch.manual_seed(args.seed)
torch.set_num_threads(1)
print("threads:", torch.get_num_threads(), "sharing strategy:", mp.get_sharing_strategy())
shared_model = ActorCritic(1, 3)
print(shared_model)
for name, p in shared_model.named_parameters():
    print(name, tuple(p.shape), p.is_shared(), f"{p.abs().sum().item():.5f}")
print("head row norms:", shared_model.actor_linear.weight.pow(2).sum(1).sqrt(),
      shared_model.critic_linear.weight.norm())
print("share_memory returns the model:", shared_model.share_memory() is shared_model)
print("shared:", [p.is_shared() for p in shared_model.parameters()])
print("state_dict shared:", all(v.is_shared() for v in shared_model.state_dict().values()))

optimizer = SharedAdam(shared_model.parameters(), lr=args.lr)
optimizer.share_memory()
print(type(optimizer).__name__, isinstance(optimizer, optim.Adam), optimizer.defaults["betas"])
first = optimizer.state[next(shared_model.parameters())]
print(sorted(first), first["step"], first["exp_avg"].shape, first["exp_avg_sq"].is_shared())

counter = mp.Value("i", 0)
lock = mp.Lock()
for rank in range(args.num_processes):
    local = train(rank, args, shared_model, counter, lock, optimizer)
print("counter:", counter.value)
print("step tensors:", [s["step"].item() for s in optimizer.state.values()][:3])
sd = optimizer.state_dict()
print("optimizer state_dict:", list(sd), sorted(sd["state"])[:4], sd["param_groups"][0]["lr"],
      sd["state"][0]["step"], sd["state"][0]["exp_avg"].is_shared())
print("shared grad is the worker's:", next(shared_model.parameters()).grad is next(local.parameters()).grad)
print("critic bias:", shared_model.critic_linear.bias, "actor bias:", shared_model.actor_linear.bias)
test(args, shared_model, counter)
