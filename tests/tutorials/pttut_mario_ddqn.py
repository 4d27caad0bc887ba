import tinygrad_rnn as torch
import copy
import random
from collections import deque
import numpy as np

nn = torch.nn

# "Train a Mario-playing RL Agent": a double DQN (online and target nets, the target a deep copy that
# needs no gradients), epsilon-greedy actions, TD estimates indexed with numpy's arange, SmoothL1Loss,
# and a checkpoint dict. The game is replaced by a tiny made-up environment of 4 stacked 12x12 frames.
torch.manual_seed(0)
random.seed(0)
rng = np.random.RandomState(0)


class TinyEnv:
    """Frames of a bright blob that moves left or right; reward for moving towards the centre."""

    def reset(self):
        self.pos = 2
        return self._frames()

    def _frames(self):
        frames = np.zeros((4, 12, 12), dtype=np.float32)
        for k in range(4):
            frames[k, 4:8, max(0, self.pos - k):self.pos - k + 3] = 255.0
        return frames

    def step(self, action):
        before = abs(self.pos - 5)
        self.pos = int(np.clip(self.pos + (1 if action == 1 else -1), 0, 9))
        reward = float(before - abs(self.pos - 5))
        done = self.pos == 5
        return self._frames(), reward, done, {}


class MarioNet(nn.Module):
    """mini CNN structure: input -> (conv2d + relu) x 2 -> flatten -> (dense + relu) -> output"""

    def __init__(self, input_dim, output_dim):
        super().__init__()
        c, h, w = input_dim
        if h != 12:
            raise ValueError(f"Expecting input height: 12, got: {h}")
        self.online = self.__build_cnn(c, output_dim)
        self.target = self.__build_cnn(c, output_dim)
        self.target.load_state_dict(self.online.state_dict())
        # Q_target parameters are frozen.
        for p in self.target.parameters():
            p.requires_grad = False

    def forward(self, input, model):
        if model == "online":
            return self.online(input)
        elif model == "target":
            return self.target(input)

    def __build_cnn(self, c, output_dim):
        return nn.Sequential(
            nn.Conv2d(in_channels=c, out_channels=8, kernel_size=4, stride=2), nn.ReLU(),
            nn.Conv2d(in_channels=8, out_channels=8, kernel_size=3, stride=1), nn.ReLU(),
            nn.Flatten(),
            nn.Linear(8 * 3 * 3, 32), nn.ReLU(),
            nn.Linear(32, output_dim),
        )


class Mario:
    def __init__(self, state_dim, action_dim):
        self.state_dim = state_dim
        self.action_dim = action_dim
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.net = MarioNet(self.state_dim, self.action_dim).float()
        self.net = self.net.to(device=self.device)
        self.exploration_rate = 1
        self.exploration_rate_decay = 0.95
        self.exploration_rate_min = 0.1
        self.curr_step = 0
        self.memory = deque(maxlen=100)
        self.batch_size = 8
        self.gamma = 0.9
        self.optimizer = torch.optim.Adam(self.net.parameters(), lr=0.00025)
        self.loss_fn = torch.nn.SmoothL1Loss()
        self.burnin = 10
        self.learn_every = 2
        self.sync_every = 6

    def act(self, state):
        if rng.rand() < self.exploration_rate:
            action_idx = rng.randint(self.action_dim)
        else:
            state = state[0].__array__() if isinstance(state, tuple) else state.__array__()
            state = torch.tensor(state, device=self.device).unsqueeze(0)
            action_values = self.net(state, model="online")
            action_idx = torch.argmax(action_values, axis=1).item()
        self.exploration_rate *= self.exploration_rate_decay
        self.exploration_rate = max(self.exploration_rate_min, self.exploration_rate)
        self.curr_step += 1
        return action_idx

    def cache(self, state, next_state, action, reward, done):
        def first_if_tuple(x):
            return x[0] if isinstance(x, tuple) else x
        state = first_if_tuple(state).__array__()
        next_state = first_if_tuple(next_state).__array__()
        state = torch.tensor(state)
        next_state = torch.tensor(next_state)
        action = torch.tensor([action])
        reward = torch.tensor([reward])
        done = torch.tensor([done])
        self.memory.append(dict(state=state, next_state=next_state, action=action, reward=reward, done=done))

    def recall(self):
        batch = random.sample(list(self.memory), self.batch_size)
        state, next_state, action, reward, done = (torch.stack([b[key] for b in batch])
                                                   for key in ("state", "next_state", "action", "reward", "done"))
        return state, next_state, action.squeeze(), reward.squeeze(), done.squeeze()

    def td_estimate(self, state, action):
        current_Q = self.net(state, model="online")[np.arange(0, self.batch_size), action]  # Q_online(s,a)
        return current_Q

    @torch.no_grad()
    def td_target(self, reward, next_state, done):
        next_state_Q = self.net(next_state, model="online")
        best_action = torch.argmax(next_state_Q, axis=1)
        next_Q = self.net(next_state, model="target")[np.arange(0, self.batch_size), best_action]
        return (reward + (1 - done.float()) * self.gamma * next_Q).float()

    def update_Q_online(self, td_estimate, td_target):
        loss = self.loss_fn(td_estimate, td_target)
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def sync_Q_target(self):
        self.net.target.load_state_dict(self.net.online.state_dict())

    def save(self):
        return dict(model=self.net.state_dict(), exploration_rate=self.exploration_rate)

    def learn(self):
        if self.curr_step % self.sync_every == 0:
            self.sync_Q_target()
        if self.curr_step < self.burnin:
            return None, None
        if self.curr_step % self.learn_every != 0:
            return None, None
        state, next_state, action, reward, done = self.recall()
        td_est = self.td_estimate(state, action)
        td_tgt = self.td_target(reward, next_state, done)
        loss = self.update_Q_online(td_est, td_tgt)
        return (td_est.mean().item(), loss)


env = TinyEnv()
mario = Mario(state_dim=(4, 12, 12), action_dim=2)
print(mario.net)
print(sum(p.numel() for p in mario.net.parameters()), sum(p.numel() for p in mario.net.parameters() if p.requires_grad))
for e in range(6):
    state = env.reset()
    total, steps = 0.0, 0
    while True:
        action = mario.act(state)
        next_state, reward, done, info = env.step(action)
        mario.cache(state, next_state, action, reward, done)
        q, loss = mario.learn()
        if loss is not None:
            print(f"step {mario.curr_step} q {q:.5f} loss {loss:.5f}")
        total += reward
        steps += 1
        state = next_state
        if done or steps >= 12:
            break
    print(f"Episode {e} reward {total} steps {steps} epsilon {mario.exploration_rate:.4f}")

s, ns, a, r, d = mario.recall()
print(s.shape, s.dtype, a.dtype, r.dtype, d.dtype, a, d)
print(mario.td_estimate(s, a).grad_fn, mario.td_target(r, ns, d).requires_grad)
checkpoint = mario.save()
print(sorted(checkpoint), list(checkpoint["model"].keys())[:4], checkpoint["exploration_rate"])
target_copy = copy.deepcopy(mario.net.online)
print(all(torch.equal(p, q) for p, q in zip(target_copy.parameters(), mario.net.online.parameters())))
print([p.requires_grad for p in mario.net.target.parameters()][:2], mario.net.target[0].weight.grad)
