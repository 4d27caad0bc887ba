import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
D = torch.distributions
# emited/VariationalRecurrentNeuralNetwork (the PyTorch VRNN of Chung et al. 2015, "A Recurrent Latent
# Variable Model for Sequential Data"): per step a prior net on h, an encoder (posterior) on [phi_x, h],
# a reparameterised z, a decoder on [phi_z, h] and a GRU update; the loss is the Gaussian KL written by
# hand (_kld_gauss) plus a Bernoulli NLL, trained with Adam and clip_grad_norm_. The KL is checked
# against torch.distributions.kl_divergence (Normal and Independent), and sample() generates with
# the decoder's means under torch.no_grad. Data: 8x8 binary "digits" made of strokes (MNIST rows in
# the repo), one row per time step.
torch.manual_seed(128)
EPS = torch.finfo(torch.float).eps
print("EPS", EPS, torch.finfo(torch.float32).tiny, torch.finfo(torch.float).max)


class VRNN(nn.Module):
    def __init__(self, x_dim, h_dim, z_dim, n_layers, bias=False):
        super(VRNN, self).__init__()
        self.x_dim = x_dim
        self.h_dim = h_dim
        self.z_dim = z_dim
        self.n_layers = n_layers
        self.phi_x = nn.Sequential(nn.Linear(x_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, h_dim), nn.ReLU())
        self.phi_z = nn.Sequential(nn.Linear(z_dim, h_dim), nn.ReLU())
        self.enc = nn.Sequential(nn.Linear(h_dim + h_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, h_dim), nn.ReLU())
        self.enc_mean = nn.Linear(h_dim, z_dim)
        self.enc_std = nn.Sequential(nn.Linear(h_dim, z_dim), nn.Softplus())
        self.prior = nn.Sequential(nn.Linear(h_dim, h_dim), nn.ReLU())
        self.prior_mean = nn.Linear(h_dim, z_dim)
        self.prior_std = nn.Sequential(nn.Linear(h_dim, z_dim), nn.Softplus())
        self.dec = nn.Sequential(nn.Linear(h_dim + h_dim, h_dim), nn.ReLU(), nn.Linear(h_dim, h_dim), nn.ReLU())
        self.dec_std = nn.Sequential(nn.Linear(h_dim, x_dim), nn.Softplus())
        self.dec_mean = nn.Sequential(nn.Linear(h_dim, x_dim), nn.Sigmoid())
        self.rnn = nn.GRU(h_dim + h_dim, h_dim, n_layers, bias)

    def forward(self, x):
        all_enc_mean, all_enc_std = [], []
        all_dec_mean, all_dec_std = [], []
        kld_loss = 0
        nll_loss = 0
        h = torch.zeros(self.n_layers, x.size(1), self.h_dim)
        for t in range(x.size(0)):
            phi_x_t = self.phi_x(x[t])
            enc_t = self.enc(torch.cat([phi_x_t, h[-1]], 1))
            enc_mean_t = self.enc_mean(enc_t)
            enc_std_t = self.enc_std(enc_t)
            prior_t = self.prior(h[-1])
            prior_mean_t = self.prior_mean(prior_t)
            prior_std_t = self.prior_std(prior_t)
            z_t = self._reparameterized_sample(enc_mean_t, enc_std_t)
            phi_z_t = self.phi_z(z_t)
            dec_t = self.dec(torch.cat([phi_z_t, h[-1]], 1))
            dec_mean_t = self.dec_mean(dec_t)
            dec_std_t = self.dec_std(dec_t)
            _, h = self.rnn(torch.cat([phi_x_t, phi_z_t], 1).unsqueeze(0), h)
            kld_loss += self._kld_gauss(enc_mean_t, enc_std_t, prior_mean_t, prior_std_t)
            nll_loss += self._nll_bernoulli(dec_mean_t, x[t])
            all_enc_std.append(enc_std_t)
            all_enc_mean.append(enc_mean_t)
            all_dec_mean.append(dec_mean_t)
            all_dec_std.append(dec_std_t)
        return kld_loss, nll_loss, (all_enc_mean, all_enc_std), (all_dec_mean, all_dec_std)

    def sample(self, seq_len):
        sample = torch.zeros(seq_len, self.x_dim)
        h = torch.zeros(self.n_layers, 1, self.h_dim)
        for t in range(seq_len):
            prior_t = self.prior(h[-1])
            prior_mean_t = self.prior_mean(prior_t)
            prior_std_t = self.prior_std(prior_t)
            z_t = self._reparameterized_sample(prior_mean_t, prior_std_t)
            phi_z_t = self.phi_z(z_t)
            dec_t = self.dec(torch.cat([phi_z_t, h[-1]], 1))
            dec_mean_t = self.dec_mean(dec_t)
            phi_x_t = self.phi_x(dec_mean_t)
            _, h = self.rnn(torch.cat([phi_x_t, phi_z_t], 1).unsqueeze(0), h)
            sample[t] = dec_mean_t.data
        return sample

    def reset_parameters(self, stdv=1e-1):
        for weight in self.parameters():
            weight.data.normal_(0, stdv)

    def _init_weights(self, stdv):
        pass

    def _reparameterized_sample(self, mean, std):
        eps = torch.empty(size=std.size(), device=mean.device, dtype=torch.float).normal_()
        return eps.mul(std).add_(mean)

    def _kld_gauss(self, mean_1, std_1, mean_2, std_2):
        kld_element = (2 * torch.log(std_2 + EPS) - 2 * torch.log(std_1 + EPS) +
                       (std_1.pow(2) + (mean_1 - mean_2).pow(2)) /
                       std_2.pow(2) - 1)
        return 0.5 * torch.sum(kld_element)

    def _nll_bernoulli(self, theta, x):
        return - torch.sum(x * torch.log(theta + EPS) + (1 - x) * torch.log(1 - theta - EPS))

    def _nll_gauss(self, mean, std, x):
        return torch.sum(torch.log(std + EPS) + torch.log(torch.tensor(2 * torch.pi)) / 2
                         + (x - mean).pow(2) / (2 * std.pow(2)))


print("-- data")
g = torch.Generator().manual_seed(7)
base = torch.zeros(4, 8, 8)
base[0, :, 3] = 1                                  # a "1"
base[1, 1, 1:7] = 1; base[1, 6, 1:7] = 1; base[1, 1:7, 1] = 1; base[1, 1:7, 6] = 1  # a "0"
base[2, torch.arange(8), torch.arange(8)] = 1      # a diagonal "/"
base[3, 4, :] = 1; base[3, :, 4] = 1               # a "+"
flip = torch.rand(16, 8, 8, generator=g) < 0.05
data = base.repeat(4, 1, 1)
data = torch.where(flip, 1 - data, data)
print(data.shape, data.dtype, data.sum(dim=(1, 2))[:8], flip.sum().item())
print(data[1].int())
loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(data, torch.arange(16) % 4),
                                     batch_size=8, shuffle=True, generator=torch.Generator().manual_seed(1))

print("-- model")
x_dim, h_dim, z_dim, n_layers = 8, 12, 4, 1
model = VRNN(x_dim, h_dim, z_dim, n_layers)
print(model)
print(model.rnn.bias, [k for k in model.state_dict() if k.startswith("rnn")])
print(sum(p.numel() for p in model.parameters()), len(list(model.parameters())))
print({k: tuple(v.shape) for k, v in list(model.state_dict().items())[:6]})
optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
print(optimizer.defaults["lr"], optimizer.defaults["betas"], optimizer.defaults["eps"])

print("-- one forward, KL by hand vs kl_divergence")
x0 = data[:3].transpose(0, 1)
print("x0", x0.shape, x0.is_contiguous())
torch.manual_seed(3)
kld, nll, (enc_means, enc_stds), (dec_means, dec_stds) = model(x0)
print("kld", kld, "nll", nll)
print(len(enc_means), enc_means[0].shape, enc_stds[0].min().item() > 0, dec_means[-1].shape)
print(kld.grad_fn.name(), nll.grad_fn.name())
m1, s1 = enc_means[2], enc_stds[2]
m2, s2 = torch.zeros_like(m1), torch.ones_like(s1) * 0.5
by_hand = model._kld_gauss(m1, s1, m2, s2)
q, p = D.Normal(m1, s1), D.Normal(m2, s2)
print(q)
print(q.batch_shape, q.event_shape, q.mean.shape, q.stddev.shape, q.variance[0])
kl = D.kl_divergence(q, p)
print(kl.shape, kl.sum(), by_hand)
print(torch.allclose(kl.sum(), by_hand, atol=1e-4))
qi, pi = D.Independent(q, 1), D.Independent(p, 1)
print(qi)
print(qi.batch_shape, qi.event_shape, D.kl_divergence(qi, pi))
print(D.kl_divergence(qi, pi).sum() - kl.sum())
z = q.rsample()
print(z.shape, z.requires_grad, q.log_prob(z).shape, qi.log_prob(z))
print(q.entropy().sum(), qi.entropy())
prior_std = D.Normal(torch.zeros(z_dim), torch.ones(z_dim))
print(D.kl_divergence(D.Normal(m1[0], s1[0]), prior_std))
print(0.5 * (s1[0] ** 2 + m1[0] ** 2 - 1 - torch.log(s1[0] ** 2)))
print("gauss nll", model._nll_gauss(dec_means[0], dec_stds[0], x0[0]))
print("normal lp", -D.Normal(dec_means[0], dec_stds[0]).log_prob(x0[0]).sum())
try:
    torch.log(2 * torch.pi)
except TypeError as e:
    print("TypeError", e)
print(torch.log(torch.tensor(2 * torch.pi)), math.log(2 * math.pi))

print("-- train")
clip = 10
for epoch in range(2):
    train_loss = 0
    for batch_idx, (x, _) in enumerate(loader):
        x = x.squeeze().transpose(0, 1)
        x = (x - x.min()) / (x.max() - x.min())
        optimizer.zero_grad()
        kld_loss, nll_loss, _, _ = model(x)
        loss = kld_loss + nll_loss
        loss.backward()
        total = nn.utils.clip_grad_norm_(model.parameters(), clip)
        optimizer.step()
        train_loss += loss.item()
        print("epoch {} batch {} KLD {:.6f} NLL {:.6f} grad-norm {:.4f}".format(
            epoch, batch_idx, kld_loss.item() / x.size(1), nll_loss.item() / x.size(1), total.item()))
    print("====> Epoch: {} Average loss: {:.4f}".format(epoch, train_loss / len(loader.dataset)))
print(model.enc_mean.weight.grad.norm(), model.rnn.weight_hh_l0.grad.shape)

print("-- sample")
model.eval()
with torch.no_grad():
    sample = model.sample(8)
print(sample.shape, sample.requires_grad, sample.dtype)
print(sample.round(decimals=3))
print((sample > 0.5).int())

print("-- reset_parameters and state_dict round trip")
sd = {k: v.clone() for k, v in model.state_dict().items()}
torch.manual_seed(5)
model.reset_parameters(0.1)
print(model.phi_z[0].weight.std(), model.rnn.weight_ih_l0[0, :4])
print(model.load_state_dict(sd))
print(torch.equal(model.rnn.weight_ih_l0, sd["rnn.weight_ih_l0"]))
