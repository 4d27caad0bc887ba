import tinygrad_rnn as torch
import math
import numpy as np
nn = torch.nn
F = torch.nn.functional
D = torch.distributions
# Salinas et al.'s DeepAR as the public PyTorch re-implementations write it (zhykoties/TimeSeries
# "DeepAR-pytorch", husnejahan/DeepAR-pytorch, and the GluonTS/pytorch-forecasting distribution heads):
# an LSTM over [lagged target, covariates, embedded series id], a Gaussian head with softplus sigma,
# the negative log-likelihood through torch.distributions.Normal(...).log_prob, scaling by the mean of
# the context (v_i), ancestral sampling over the horizon with .sample() fed back in, quantiles
# (torch.quantile and Normal.icdf), ND / RMSE / rou90 metrics; then StudentT and NegativeBinomial heads
# (count data with alpha from softplus), rsample gradients, and the CRPS of a sampled forecast.
torch.manual_seed(42)
np.random.seed(42)


class Net(nn.Module):
    def __init__(self, num_class, embedding_dim, cov_dim, lstm_hidden_dim, lstm_layers, lstm_dropout):
        super(Net, self).__init__()
        self.lstm_layers, self.lstm_hidden_dim = lstm_layers, lstm_hidden_dim
        self.embedding = nn.Embedding(num_class, embedding_dim)
        self.lstm = nn.LSTM(input_size=1 + cov_dim + embedding_dim, hidden_size=lstm_hidden_dim,
                            num_layers=lstm_layers, bias=True, batch_first=False, dropout=lstm_dropout)
        # initialize LSTM forget gate bias to be 1 as recommanded by http://proceedings.mlr.press/v37/jozefowicz15.pdf
        for names in self.lstm._all_weights:
            for name in filter(lambda n: "bias" in n, names):
                bias = getattr(self.lstm, name)
                n = bias.size(0)
                start, end = n // 4, n // 2
                bias.data[start:end].fill_(1.)
        self.relu = nn.ReLU()
        self.distribution_mu = nn.Linear(lstm_hidden_dim * lstm_layers, 1)
        self.distribution_presigma = nn.Linear(lstm_hidden_dim * lstm_layers, 1)
        self.distribution_sigma = nn.Softplus()

    def forward(self, x, idx, hidden, cell):
        onehot_embed = self.embedding(idx)
        lstm_input = torch.cat((x, onehot_embed), dim=2)
        output, (hidden, cell) = self.lstm(lstm_input, (hidden, cell))
        hidden_permute = hidden.permute(1, 2, 0).contiguous().view(hidden.shape[1], -1)
        pre_sigma = self.distribution_presigma(hidden_permute)
        mu = self.distribution_mu(hidden_permute)
        sigma = self.distribution_sigma(pre_sigma)
        return torch.squeeze(mu), torch.squeeze(sigma), hidden, cell

    def init_hidden(self, input_size):
        return torch.zeros(self.lstm_layers, input_size, self.lstm_hidden_dim)

    def init_cell(self, input_size):
        return torch.zeros(self.lstm_layers, input_size, self.lstm_hidden_dim)


def loss_fn(mu, sigma, labels):
    zero_index = (labels != 0)
    distribution = torch.distributions.normal.Normal(mu[zero_index], sigma[zero_index])
    likelihood = distribution.log_prob(labels[zero_index])
    return -torch.mean(likelihood)


# data: 4 series with a daily cycle, covariates = (hour of day, age) standardised, windows of 16 + 8
num_series, T, pred_start, n_cov = 4, 24, 16, 2
hours = np.arange(T) % 12
raw = np.stack([(s + 2) * (1.5 + np.sin(2 * np.pi * hours / 12)) + 0.3 * np.random.randn(T)
                for s in range(num_series)]).astype(np.float32)
covs = np.stack([(hours - hours.mean()) / hours.std(), (np.arange(T) - T / 2) / T], axis=1).astype(np.float32)
v = raw[:, :pred_start].mean(1, keepdims=True) + 1
print(raw.shape, np.round(v.ravel(), 4), covs.shape)
x_np = np.zeros((num_series, T, 1 + n_cov), dtype=np.float32)
x_np[:, 1:, 0] = raw[:, :-1] / v
x_np[:, :, 1:] = covs
train_batch = torch.from_numpy(x_np).permute(1, 0, 2).to(torch.float32)
labels_batch = torch.from_numpy(raw / v).permute(1, 0)
idx = torch.arange(num_series).unsqueeze(0)
print(train_batch.shape, labels_batch.shape, idx.dtype, train_batch[1, 0])

model = Net(num_class=num_series, embedding_dim=3, cov_dim=n_cov, lstm_hidden_dim=10, lstm_layers=2,
            lstm_dropout=0.1)
print(model)
print(model.lstm._all_weights)
print(model.lstm.bias_ih_l0.data[8:22])
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)

for epoch in range(3):
    model.train()
    optimizer.zero_grad()
    batch_size = train_batch.shape[1]
    loss = torch.zeros(1)
    hidden = model.init_hidden(batch_size)
    cell = model.init_cell(batch_size)
    mu = torch.zeros(batch_size)
    for t in range(T):
        zero_index = (train_batch[t, :, 0] == 0)
        if t > 0 and torch.sum(zero_index) > 0:
            train_batch[t, zero_index, 0] = mu[zero_index]
        mu, sigma, hidden, cell = model(train_batch[t].unsqueeze_(0).clone(), idx, hidden, cell)
        loss += loss_fn(mu, sigma, labels_batch[t])
    loss.backward()
    optimizer.step()
    print("epoch", epoch, "loss", f"{loss.item() / T:.5f}", loss.shape, loss.grad_fn.name())

# ancestral sampling over the horizon
model.eval()
sample_times = 12
batch_size = train_batch.shape[1]
with torch.no_grad():
    hidden, cell = model.init_hidden(batch_size), model.init_cell(batch_size)
    for t in range(pred_start):
        mu, sigma, hidden, cell = model(train_batch[t].unsqueeze(0), idx, hidden, cell)
    samples = torch.zeros(sample_times, batch_size, T - pred_start)
    for j in range(sample_times):
        decoder_hidden, decoder_cell = hidden, cell
        x_t = train_batch[pred_start].unsqueeze(0).clone()
        for t in range(T - pred_start):
            mu_de, sigma_de, decoder_hidden, decoder_cell = model(x_t, idx, decoder_hidden, decoder_cell)
            gaussian = torch.distributions.normal.Normal(mu_de, sigma_de)
            pred = gaussian.sample()
            samples[j, :, t] = pred * torch.from_numpy(v[:, 0])
            if t < (T - pred_start - 1):
                x_t = train_batch[pred_start + t + 1].unsqueeze(0).clone()
                x_t[0, :, 0] = pred
    sample_mu = torch.median(samples, dim=0)[0]
    sample_sigma = samples.std(dim=0)
print(samples.shape, sample_mu.shape, sample_mu[0], sample_sigma[1])
q = torch.quantile(samples, torch.tensor([0.1, 0.5, 0.9]), dim=0)
print(q.shape, q[:, 0, :3])

labels = torch.from_numpy(raw[:, pred_start:])
diff = torch.sum(torch.abs(sample_mu - labels)).item()
summation = torch.sum(torch.abs(labels)).item()
print("ND %.5f" % (diff / summation))
rmse = math.sqrt(torch.sum((sample_mu - labels) ** 2).item() / labels.numel()) / (summation / labels.numel())
print("RMSE %.5f" % rmse)
rou = 0.9
pred_samples = torch.quantile(samples, rou, dim=0)
abs_diff = labels - pred_samples
numerator = 2 * (torch.sum(rou * abs_diff[labels > pred_samples]) -
                 torch.sum((1 - rou) * abs_diff[labels <= pred_samples]))
print("rou90 %.5f" % (numerator.item() / summation))

# distribution heads as the library code writes them
mu, sigma = torch.tensor([0.5, -1.0, 2.0]), torch.tensor([1.0, 0.5, 2.0])
normal = D.Normal(mu, sigma)
print(normal, normal.batch_shape, normal.event_shape, normal.mean, normal.stddev, normal.variance)
print(normal.icdf(torch.tensor(0.9)), normal.cdf(torch.zeros(3)), normal.entropy())
print(normal.sample((2,)).shape, normal.rsample(torch.Size([5, 2])).shape)
print(D.Independent(normal, 1), D.Independent(normal, 1).log_prob(torch.zeros(3)))

df_raw = torch.randn(3, requires_grad=True)
loc = torch.randn(3, requires_grad=True)
scale_raw = torch.randn(3, requires_grad=True)
student = D.StudentT(df=2.0 + F.softplus(df_raw), loc=loc, scale=F.softplus(scale_raw))
y = torch.tensor([0.3, -2.0, 4.0])
nll = -student.log_prob(y).mean()
nll.backward()
print(student, f"{nll.item():.5f}", df_raw.grad, loc.grad, scale_raw.grad)
print(student.mean, student.variance, student.rsample((2,)).shape)

counts = torch.tensor([0., 3., 7., 12.])
h = torch.randn(4, 2, requires_grad=True)
mu_c = F.softplus(h[:, 0])
alpha = F.softplus(h[:, 1])
# DeepAR's negative binomial: mean mu and shape alpha, as total_count = 1/alpha, p = alpha*mu/(1+alpha*mu)
total_count = 1.0 / alpha
probs = alpha * mu_c / (1.0 + alpha * mu_c)
nb = D.NegativeBinomial(total_count=total_count, probs=probs)
ll = nb.log_prob(counts)
ll.sum().neg().backward()
print(nb, ll, h.grad)
print(nb.mean, mu_c, nb.variance, nb.sample().dtype, nb.sample((3,)).shape)
nb_logits = D.NegativeBinomial(total_count=torch.tensor(5.0), logits=torch.tensor([-1.0, 0.0, 1.0]))
print(nb_logits.probs, nb_logits.mean, nb_logits.log_prob(torch.tensor([2.0, 4.0, 9.0])))


# the sample-based CRPS of a forecast distribution, and reparameterised samples with gradients
def crps_from_samples(samples, y):
    term1 = (samples - y).abs().mean(0)
    term2 = (samples.unsqueeze(0) - samples.unsqueeze(1)).abs().mean((0, 1))
    return term1 - 0.5 * term2


loc = torch.zeros(2, requires_grad=True)
log_scale = torch.zeros(2, requires_grad=True)
dist = D.Normal(loc, log_scale.exp())
draws = dist.rsample((64,))
crps = crps_from_samples(draws, torch.tensor([0.5, -1.0]))
crps.sum().backward()
print(draws.shape, draws.requires_grad, crps, loc.grad, log_scale.grad)
print(D.Normal(0., 1.).log_prob(torch.tensor(0.5)), D.Normal(0., 1.).cdf(torch.tensor([-1.96, 1.96])))
