import tinygrad_rnn as torch
import numpy as np
# CleanRL's c51.py (a categorical value distribution projected onto fixed atoms with index_add_), rpo_continuous_
# action.py (noise from the legacy torch.FloatTensor(shape).uniform_), sac_atari.py's discrete SAC (entropy target
# from torch.log(1 / torch.tensor(n)), gathered Q-values) and ppo_atari.py's conv agent on uint8 frames / 255.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(1)
n_atoms, v_min, v_max, n = 11, -10, 10, 3
class QNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer("atoms", torch.linspace(v_min, v_max, steps=n_atoms))
        self.network = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, n * n_atoms))
    def get_action(self, x, action=None):
        logits = self.network(x)
        pmfs = torch.softmax(logits.view(len(x), n, n_atoms), dim=2)
        q_values = (pmfs * self.atoms).sum(2)
        if action is None:
            action = torch.argmax(q_values, 1)
        return action, pmfs[torch.arange(len(x)), action]
q = QNetwork(); t = QNetwork(); t.load_state_dict(q.state_dict())
obs = torch.randn(5, 4); rew = torch.randn(5); dones = torch.tensor([0., 1., 0., 0., 1.])
with torch.no_grad():
    _, next_pmfs = t.get_action(obs)
    next_atoms = rew.unsqueeze(-1) + 0.99 * t.atoms * (1 - dones.unsqueeze(-1))
    delta_z = t.atoms[1] - t.atoms[0]
    tz = next_atoms.clamp(v_min, v_max)
    b = (tz - v_min) / delta_z
    l = b.floor().clamp(0, n_atoms - 1)
    u = b.ceil().clamp(0, n_atoms - 1)
    d_m_l = (u + (l == u).float() - b) * next_pmfs
    d_m_u = (b - l) * next_pmfs
    target_pmfs = torch.zeros_like(next_pmfs)
    for i in range(target_pmfs.size(0)):
        target_pmfs[i].index_add_(0, l[i].long(), d_m_l[i])
        target_pmfs[i].index_add_(0, u[i].long(), d_m_u[i])
print(target_pmfs.sum(1), l[0], u.dtype, delta_z)
_, old_pmfs = q.get_action(obs, torch.tensor([0, 1, 2, 0, 1]))
loss = (-(target_pmfs * old_pmfs.clamp(min=1e-5, max=1 - 1e-5).log()).sum(-1)).mean()
loss.backward()
print(loss, old_pmfs.grad_fn.name(), q.network[0].weight.grad.abs().sum())
# rpo: legacy FloatTensor(shape).uniform_
action_mean = torch.zeros(3, 2)
z = torch.FloatTensor(action_mean.shape).uniform_(-0.5, 0.5)
print(z.shape, z.dtype, z)
z2 = torch.FloatTensor(3, 2).uniform_(-0.5, 0.5)
print(z2)
print(torch.Tensor(action_mean.shape).shape, torch.FloatTensor([2, 3]).shape, torch.FloatTensor(torch.Size([2, 3])).shape)
# sac discrete
logits = torch.randn(4, 3, requires_grad=True)
policy_dist = torch.distributions.Categorical(logits=logits)
action = policy_dist.sample()
action_probs = policy_dist.probs
log_prob = F.log_softmax(logits, dim=1)
target_entropy = -0.89 * torch.log(1 / torch.tensor(3))
log_alpha = torch.zeros(1, requires_grad=True)
alpha_loss = (action_probs.detach() * (-log_alpha.exp() * (log_prob + target_entropy).detach())).mean()
alpha_loss.backward()
print(action, target_entropy, log_alpha.grad, alpha_loss)
qf = torch.randn(4, 3)
print(qf.gather(1, action.unsqueeze(1).long()).view(-1), (action_probs * qf).sum(dim=1))
# ppo atari
class Agent(nn.Module):
    def __init__(self):
        super().__init__()
        self.network = nn.Sequential(
            nn.Conv2d(4, 8, 8, stride=4), nn.ReLU(), nn.Conv2d(8, 8, 4, stride=2), nn.ReLU(),
            nn.Flatten(), nn.Linear(8 * 2 * 2, 16), nn.ReLU())
        for m in self.network:
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                torch.nn.init.orthogonal_(m.weight, np.sqrt(2)); torch.nn.init.constant_(m.bias, 0.0)
        self.actor = nn.Linear(16, 3); self.critic = nn.Linear(16, 1)
    def get_value(self, x):
        return self.critic(self.network(x / 255.0))
a = Agent()
x = torch.randint(0, 256, (2, 4, 28, 28), dtype=torch.uint8)
print(a.get_value(x), a.network(x / 255.0).shape, (x / 255.0).dtype)
print(a.network[0].weight.flatten(1).norm(dim=1)[:3])
