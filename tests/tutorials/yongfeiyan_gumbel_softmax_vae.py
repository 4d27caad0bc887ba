import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
D = torch.distributions
# YongfeiYan/Gumbel_Softmax_VAE (the PyTorch port of Jang et al. 2017, "Categorical Reparameterization
# with Gumbel-Softmax"): sample_gumbel / gumbel_softmax_sample written by hand, the straight-through
# hard sample built with scatter_ and (y_hard - y).detach() + y, a VAE whose latent is latent_dim
# categorical variables, the loss with binary_cross_entropy(size_average=False) and the KL to a uniform
# prior written as sum(q * log(q * K)), and the repo's temperature annealing with np.exp. Alongside:
# F.gumbel_softmax and RelaxedOneHotCategorical on the same logits, and generation from one-hot codes.
# 8x8 images (MNIST's 28x28 in the repo), 2 epochs of 2 batches.
torch.manual_seed(7)
latent_dim, categorical_dim = 3, 4
temp, hard, temp_min, ANNEAL_RATE = 1.0, False, 0.5, 0.3


def sample_gumbel(shape, eps=1e-20):
    U = torch.rand(shape)
    return -torch.log(-torch.log(U + eps) + eps)


def gumbel_softmax_sample(logits, temperature):
    y = logits + sample_gumbel(logits.size())
    return F.softmax(y / temperature, dim=-1)


def gumbel_softmax(logits, temperature, hard=False):
    """
    ST-gumple-softmax
    input: [*, n_class]
    return: flatten --> [*, n_class] an one-hot vector
    """
    y = gumbel_softmax_sample(logits, temperature)
    if not hard:
        return y.view(-1, latent_dim * categorical_dim)
    shape = y.size()
    _, ind = y.max(dim=-1)
    y_hard = torch.zeros_like(y).view(-1, shape[-1])
    y_hard.scatter_(1, ind.view(-1, 1), 1)
    y_hard = y_hard.view(*shape)
    y_hard = (y_hard - y).detach() + y
    return y_hard.view(-1, latent_dim * categorical_dim)


class VAE_gumbel(nn.Module):
    def __init__(self, temp):
        super(VAE_gumbel, self).__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, latent_dim * categorical_dim)
        self.fc4 = nn.Linear(latent_dim * categorical_dim, 16)
        self.fc5 = nn.Linear(16, 32)
        self.fc6 = nn.Linear(32, 64)
        self.relu = nn.ReLU()
        self.sigmoid = nn.Sigmoid()

    def encode(self, x):
        h1 = self.relu(self.fc1(x))
        h2 = self.relu(self.fc2(h1))
        return self.relu(self.fc3(h2))

    def decode(self, z):
        h4 = self.relu(self.fc4(z))
        h5 = self.relu(self.fc5(h4))
        return self.sigmoid(self.fc6(h5))

    def forward(self, x, temp, hard):
        q = self.encode(x.view(-1, 64))
        q_y = q.view(q.size(0), latent_dim, categorical_dim)
        z = gumbel_softmax(q_y, temp, hard)
        return self.decode(z), F.softmax(q_y, dim=-1).reshape(*q.size())


def loss_function(recon_x, x, qy):
    BCE = F.binary_cross_entropy(recon_x, x.view(-1, 64), size_average=False) / x.shape[0]
    log_ratio = torch.log(qy * categorical_dim + 1e-20)
    KLD = torch.sum(qy * log_ratio, dim=-1).mean()
    return BCE + KLD


print("-- Gumbel noise and samples")
g = sample_gumbel((2, 4))
print(g.shape, g.dtype)
logits = torch.tensor([[[1.0, 0.5, -1.0, 0.0], [0.0, 0.0, 2.0, -2.0], [0.3, 0.3, 0.3, 0.3]]])
soft = gumbel_softmax(logits, 0.5)
hard_sample = gumbel_softmax(logits.requires_grad_(), 0.5, hard=True)
print(soft.shape, soft.view(3, 4).sum(-1))
print(hard_sample, hard_sample.grad_fn.name())
hard_sample.mul(torch.arange(12.0)).sum().backward()
print(logits.grad)
st = F.gumbel_softmax(logits.detach(), tau=0.5, hard=True)
print(st.sum(-1), st.argmax(-1).shape)
relaxed = D.RelaxedOneHotCategorical(torch.tensor(0.5), logits=logits.detach())
print(relaxed.temperature, relaxed.batch_shape, relaxed.event_shape)
r = relaxed.rsample()
print(r.shape, r.sum(-1), relaxed.log_prob(r).shape)
hard_cat = D.OneHotCategoricalStraightThrough(logits=logits.detach())
print(hard_cat.rsample().sum(-1), hard_cat.probs[0, 2])

print("-- data and model")
patterns = torch.zeros(4, 8, 8)
patterns[0, :4, :4] = 1
patterns[1, 4:, 4:] = 1
patterns[2, :, 3:5] = 1
patterns[3, 3:5, :] = 1
data = patterns.repeat(4, 1, 1).unsqueeze(1)
noise = torch.rand(data.shape) < 0.05
data = (data + noise.float()).clamp(max=1)
print(data.shape, data.mean().item(), data.view(16, -1).sum(1)[:4])
model = VAE_gumbel(temp)
print(model)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
print(sum(p.numel() for p in model.parameters() if p.requires_grad))

print("-- train with temperature annealing")
batch_size = 8
for epoch in range(1, 3):
    model.train()
    train_loss = 0
    for batch_idx in range(2):
        x = data[batch_idx * batch_size:(batch_idx + 1) * batch_size]
        optimizer.zero_grad()
        recon_batch, qy = model(x, temp, hard)
        loss = loss_function(recon_batch, x, qy)
        loss.backward()
        train_loss += loss.item() * len(x)
        optimizer.step()
        if batch_idx % 1 == 0:
            temp = np.maximum(temp * np.exp(-ANNEAL_RATE * batch_idx), temp_min)
        print("Train Epoch: {} [{}/{}]\tLoss: {:.6f}\ttemp {:.4f}".format(
            epoch, batch_idx * len(x), len(data), loss.item(), temp))
    print("====> Epoch: {} Average loss: {:.4f}".format(epoch, train_loss / len(data)))
print(type(temp).__name__, recon_batch.shape, qy.shape, qy.view(-1, latent_dim, categorical_dim).sum(-1)[0])

print("-- generate from one-hot codes")
model.eval()
M = 4
np_y = np.zeros((M, categorical_dim), dtype=np.float32)
np_y[range(M), np.random.choice(categorical_dim, M)] = 1
codes = torch.zeros(M, latent_dim, categorical_dim)
codes.scatter_(2, torch.randint(0, categorical_dim, (M, latent_dim, 1)), 1.0)
print(codes.sum(-1), torch.from_numpy(np_y).argmax(-1))
with torch.no_grad():
    samples = model.decode(codes.view(M, -1))
print(samples.shape, samples.view(M, 8, 8)[0, :2])
with torch.no_grad():
    recon, qy = model(data[:4], temp, True)
    qy = qy.view(-1, latent_dim, categorical_dim)
    print(qy.argmax(-1), D.Categorical(probs=qy).entropy())
    uniform = D.Categorical(probs=torch.full((categorical_dim,), 1.0 / categorical_dim))
    print(D.kl_divergence(D.Categorical(probs=qy), uniform).sum(-1))
    print(torch.sum(qy * torch.log(qy * categorical_dim + 1e-20), dim=-1).sum(-1))
print(F.binary_cross_entropy(recon, data[:4].view(-1, 64), reduction="none").sum(1))
