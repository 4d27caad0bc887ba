import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
t = torch
# Oreshkin et al.'s N-BEATS as ElementAI's reference code (github.com/ElementAI/N-BEATS, models/nbeats.py
# and common/torch/losses.py) writes it: NBeatsBlock (a stack of Linear+ReLU and one Linear to theta),
# GenericBasis, TrendBasis (polynomials of np.arange / forecast_size, power, stacked into frozen
# nn.Parameters), SeasonalityBasis (cos/sin of 2*pi*i*t), residual backcast subtraction with a flipped
# input and input_mask, the sMAPE / MAPE / MASE losses with divide_no_nan; then the philipperemy
# n-beats style blocks built from torch.linspace, pow and torch.cat, and a short training run.
torch.manual_seed(0)
np.random.seed(0)


class NBeatsBlock(t.nn.Module):
    def __init__(self, input_size, theta_size: int, basis_function: t.nn.Module, layers: int, layer_size: int):
        super().__init__()
        self.layers = t.nn.ModuleList([t.nn.Linear(in_features=input_size, out_features=layer_size)] +
                                      [t.nn.Linear(in_features=layer_size, out_features=layer_size)
                                       for _ in range(layers - 1)])
        self.basis_parameters = t.nn.Linear(in_features=layer_size, out_features=theta_size)
        self.basis_function = basis_function

    def forward(self, x: t.Tensor):
        block_input = x
        for layer in self.layers:
            block_input = t.relu(layer(block_input))
        basis_parameters = self.basis_parameters(block_input)
        return self.basis_function(basis_parameters)


class NBeats(t.nn.Module):
    def __init__(self, blocks: t.nn.ModuleList):
        super().__init__()
        self.blocks = blocks

    def forward(self, x: t.Tensor, input_mask: t.Tensor) -> t.Tensor:
        residuals = x.flip(dims=(1,))
        input_mask = input_mask.flip(dims=(1,))
        forecast = x[:, -1:]
        for i, block in enumerate(self.blocks):
            backcast, block_forecast = block(residuals)
            residuals = (residuals - backcast) * input_mask
            forecast = forecast + block_forecast
        return forecast


class GenericBasis(t.nn.Module):
    def __init__(self, backcast_size: int, forecast_size: int):
        super().__init__()
        self.backcast_size, self.forecast_size = backcast_size, forecast_size

    def forward(self, theta: t.Tensor):
        return theta[:, :self.backcast_size], theta[:, -self.forecast_size:]


class TrendBasis(t.nn.Module):
    def __init__(self, degree_of_polynomial: int, backcast_size: int, forecast_size: int):
        super().__init__()
        self.polynomial_size = degree_of_polynomial + 1
        self.backcast_time = t.nn.Parameter(
            t.tensor(np.concatenate([np.power(np.arange(backcast_size, dtype=np.float64) / backcast_size, i)[None, :]
                                     for i in range(self.polynomial_size)]), dtype=t.float32),
            requires_grad=False)
        self.forecast_time = t.nn.Parameter(
            t.tensor(np.concatenate([np.power(np.arange(forecast_size, dtype=np.float64) / forecast_size, i)[None, :]
                                     for i in range(self.polynomial_size)]), dtype=t.float32), requires_grad=False)

    def forward(self, theta: t.Tensor):
        backcast = t.einsum('bp,pt->bt', theta[:, self.polynomial_size:], self.backcast_time)
        forecast = t.einsum('bp,pt->bt', theta[:, :self.polynomial_size], self.forecast_time)
        return backcast, forecast


class SeasonalityBasis(t.nn.Module):
    def __init__(self, harmonics: int, backcast_size: int, forecast_size: int):
        super().__init__()
        self.frequency = np.append(np.zeros(1, dtype=np.float32),
                                   np.arange(harmonics, harmonics / 2 * forecast_size,
                                             dtype=np.float32) / harmonics)[None, :]
        backcast_grid = -2 * np.pi * (
            np.arange(backcast_size, dtype=np.float32)[:, None] / forecast_size) * self.frequency
        forecast_grid = 2 * np.pi * (
            np.arange(forecast_size, dtype=np.float32)[:, None] / forecast_size) * self.frequency
        self.backcast_cos_template = t.nn.Parameter(t.tensor(np.transpose(np.cos(backcast_grid)), dtype=t.float32),
                                                    requires_grad=False)
        self.backcast_sin_template = t.nn.Parameter(t.tensor(np.transpose(np.sin(backcast_grid)), dtype=t.float32),
                                                    requires_grad=False)
        self.forecast_cos_template = t.nn.Parameter(t.tensor(np.transpose(np.cos(forecast_grid)), dtype=t.float32),
                                                    requires_grad=False)
        self.forecast_sin_template = t.nn.Parameter(t.tensor(np.transpose(np.sin(forecast_grid)), dtype=t.float32),
                                                    requires_grad=False)

    def forward(self, theta: t.Tensor):
        params_per_harmonic = theta.shape[1] // 4
        backcast_harmonics_cos = t.einsum('bp,pt->bt', theta[:, 2 * params_per_harmonic:3 * params_per_harmonic],
                                          self.backcast_cos_template)
        backcast_harmonics_sin = t.einsum('bp,pt->bt', theta[:, 3 * params_per_harmonic:], self.backcast_sin_template)
        backcast = backcast_harmonics_sin + backcast_harmonics_cos
        forecast_harmonics_cos = t.einsum('bp,pt->bt',
                                          theta[:, :params_per_harmonic], self.forecast_cos_template)
        forecast_harmonics_sin = t.einsum('bp,pt->bt', theta[:, params_per_harmonic:2 * params_per_harmonic],
                                          self.forecast_sin_template)
        forecast = forecast_harmonics_sin + forecast_harmonics_cos
        return backcast, forecast


def divide_no_nan(a, b):
    result = a / b
    result[result != result] = .0
    result[result == np.inf] = .0
    return result


def mape_loss(forecast, target, mask):
    weights = divide_no_nan(mask, target)
    return t.mean(t.abs((forecast - target) * weights))


def smape_2_loss(forecast, target, mask):
    return 200 * t.mean(divide_no_nan(t.abs(forecast - target),
                                      t.abs(forecast.data) + t.abs(target.data)) * mask)


def mase_loss(insample, freq, forecast, target, mask):
    masep = t.mean(t.abs(insample[:, freq:] - insample[:, :-freq]), dim=1)
    masked_masep_inv = divide_no_nan(mask, masep[:, None])
    return t.mean(t.abs(target - forecast) * masked_masep_inv)


H, L = 6, 18  # horizon, lookback = 3 * horizon
trend = TrendBasis(degree_of_polynomial=2, backcast_size=L, forecast_size=H)
season = SeasonalityBasis(harmonics=2, backcast_size=L, forecast_size=H)
print(trend.backcast_time.shape, trend.forecast_time[2], trend.backcast_time.requires_grad)
print(season.frequency, season.forecast_cos_template.shape, season.backcast_sin_template[1, :4])
print([n for n, _ in season.named_parameters()], len(list(season.parameters())))

interpretable = NBeats(t.nn.ModuleList(
    [NBeatsBlock(input_size=L, theta_size=2 * (2 + 1), basis_function=trend, layers=2, layer_size=16)
     for _ in range(2)] +
    [NBeatsBlock(input_size=L, theta_size=4 * int(np.ceil(2 / 2 * H) - (2 - 1)), basis_function=season,
                 layers=2, layer_size=16) for _ in range(2)]))
generic = NBeats(t.nn.ModuleList([NBeatsBlock(input_size=L, theta_size=L + H,
                                              basis_function=GenericBasis(backcast_size=L, forecast_size=H),
                                              layers=2, layer_size=16) for _ in range(3)]))
print(generic)
print(list(interpretable.state_dict().keys())[:12])
print(sum(p.numel() for p in interpretable.parameters() if p.requires_grad),
      sum(p.numel() for p in interpretable.parameters()))

# a monthly-ish series: level * trend * season + noise, windows sampled as the reference sampler does
n_series, length = 8, 60
time = np.arange(length)
levels = 10 + 5 * np.random.rand(n_series, 1)
data = levels * (1 + 0.01 * time) * (1 + 0.2 * np.sin(2 * np.pi * time / 12)) + np.random.randn(n_series, length)
data = data.astype(np.float32)
print(data.shape, data.dtype, np.round(data[0, :4], 3))


def sample_batch(batch_size):
    idx = np.random.randint(0, n_series, batch_size)
    cut = np.random.randint(L, length - H + 1, batch_size)
    x = np.stack([data[i, c - L:c] for i, c in zip(idx, cut)])
    y = np.stack([data[i, c:c + H] for i, c in zip(idx, cut)])
    return t.from_numpy(x), t.ones(batch_size, L), t.from_numpy(y), t.ones(batch_size, H)


x, x_mask, y, y_mask = sample_batch(4)
print(x.shape, y.shape, x_mask.dtype, y[0])
with t.no_grad():
    print(generic(x, x_mask).shape, interpretable(x, x_mask)[0])

for name, model, loss_fn in [("generic", generic, "SMAPE"), ("interpretable", interpretable, "MASE")]:
    optimizer = t.optim.Adam(model.parameters(), lr=1e-3)
    lr_decay_step = 10 // 3
    for i in range(1, 11):
        model.train()
        x, x_mask, y, y_mask = sample_batch(16)
        optimizer.zero_grad()
        forecast = model(x, x_mask)
        if loss_fn == "SMAPE":
            training_loss = smape_2_loss(forecast, y, y_mask)
        else:
            training_loss = mase_loss(x, 12, forecast, y, y_mask)
        if np.isnan(float(training_loss)):
            break
        training_loss.backward()
        t.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        for param_group in optimizer.param_groups:
            param_group["lr"] = 1e-3 * 0.5 ** (i // lr_decay_step)
        if i % 5 == 0:
            print(name, i, f"{training_loss.item():.5f}", optimizer.param_groups[0]["lr"])
    model.eval()
    with t.no_grad():
        x, x_mask, y, y_mask = sample_batch(8)
        f = model(x, x_mask)
        print(name, "sMAPE %.4f MAPE %.4f MASE %.4f" % (smape_2_loss(f, y, y_mask).item(),
                                                        mape_loss(f, y, y_mask).item(),
                                                        mase_loss(x, 12, f, y, y_mask).item()))

print(divide_no_nan(t.tensor([1.0, 0.0, 2.0]), t.tensor([0.0, 0.0, 4.0])))


# philipperemy/n-beats style: thetas through linspace-based bases, backcast and forecast out of each block
def linear_space(backcast_length, forecast_length, is_forecast=True):
    horizon = forecast_length if is_forecast else backcast_length
    return torch.linspace(0, 1, horizon + 1)[:-1] if is_forecast else torch.arange(horizon) / horizon


def trend_model(thetas, ts):
    p = thetas.size()[-1]
    assert p <= 4, 'thetas_dim is too big.'
    T = torch.tensor(np.array([ts.numpy() ** i for i in range(p)])).float()
    return thetas.mm(T)


def seasonality_model(thetas, ts):
    p = thetas.size()[-1]
    assert p <= thetas.shape[1], 'thetas_dim is too big.'
    p1, p2 = (p // 2, p // 2) if p % 2 == 0 else (p // 2, p // 2 + 1)
    s1 = torch.stack([torch.cos(2 * np.pi * i * ts) for i in range(p1)]).float()
    s2 = torch.stack([torch.sin(2 * np.pi * i * ts) for i in range(p2)]).float()
    S = torch.cat([s1, s2])
    return thetas.mm(S)


ts_f = linear_space(L, H)
ts_b = linear_space(L, H, is_forecast=False)
print(ts_f, ts_b.dtype, ts_b[:3])
theta = torch.randn(2, 4, requires_grad=True)
tr = trend_model(theta, ts_f)
se = seasonality_model(theta, ts_b)
print(tr, se.shape, se.grad_fn)
(tr.pow(2).sum() + se.abs().sum()).backward()
print(theta.grad)
