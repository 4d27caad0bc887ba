import tinygrad_rnn as torch
import math
import numpy as np
nn = torch.nn
F = torch.nn.functional
# Three multivariate-forecasting pieces as their reference repositories write them:
# Lai et al.'s LSTNet (github.com/laiguokun/LSTNet, models/LSTNet.py): a Conv2d over (window, series),
# a GRU, a skip-GRU over period-strided hidden states (view/permute/contiguous), and the highway
# autoregressive part; with Data_utility-style normalisation and RSE / CORR metrics.
# Wu et al.'s Autoformer (github.com/thuml/Autoformer, layers/Autoformer_EncDec.py): moving_avg with
# repeat-padded ends and nn.AvgPool1d, series_decomp into seasonal + trend, my_Layernorm; and the
# time-delay aggregation with torch.topk, torch.roll and softmax over lag weights (the FFT part replaced by
# a direct autocorrelation, as some blog re-implementations do).
# Kim et al.'s RevIN (github.com/ts-kim/RevIN): instance normalisation with affine weights, denormalised
# afterwards; and a seq2seq GRU forecaster trained with teacher forcing, windows cut with Tensor.unfold,
# MAE / MAPE / SMAPE at the end.
torch.manual_seed(54321)
np.random.seed(54321)

# --------------------------------------------------------------------------------------------- data
T_len, m = 120, 4
t_axis = np.arange(T_len)
rawdat = np.stack([10 + 3 * np.sin(2 * np.pi * t_axis / 12 + k) + 0.05 * k * t_axis + 0.3 * np.random.randn(T_len)
                   for k in range(m)], axis=1).astype(np.float32)
scale = np.max(np.abs(rawdat), axis=0)
dat = rawdat / scale
print(rawdat.shape, np.round(scale, 4), dat.dtype)


class Args:
    window, horizon, hidRNN, hidCNN, hidSkip, CNN_kernel, skip, highway_window, dropout = 24, 3, 8, 6, 4, 4, 6, 4, 0.1
    output_fun = 'sigmoid'


def batchify(idx_set, h, P):
    n = len(idx_set)
    X = torch.zeros((n, P, m))
    Y = torch.zeros((n, m))
    for i in range(n):
        end = idx_set[i] - h + 1
        start = end - P
        X[i, :, :] = torch.from_numpy(dat[start:end, :])
        Y[i, :] = torch.from_numpy(dat[idx_set[i], :])
    return [X, Y]


args = Args()
train_idx = range(args.window + args.horizon - 1, 90)
test_idx = range(90, T_len)
X_tr, Y_tr = batchify(train_idx, args.horizon, args.window)
X_te, Y_te = batchify(test_idx, args.horizon, args.window)
print(X_tr.shape, Y_tr.shape, X_te.shape)


class LSTNet(nn.Module):
    def __init__(self, args, data_m):
        super(LSTNet, self).__init__()
        self.P = args.window
        self.m = data_m
        self.hidR = args.hidRNN
        self.hidC = args.hidCNN
        self.hidS = args.hidSkip
        self.Ck = args.CNN_kernel
        self.skip = args.skip
        self.pt = (self.P - self.Ck) // self.skip
        self.hw = args.highway_window
        self.conv1 = nn.Conv2d(1, self.hidC, kernel_size=(self.Ck, self.m))
        self.GRU1 = nn.GRU(self.hidC, self.hidR)
        self.dropout = nn.Dropout(p=args.dropout)
        if self.skip > 0:
            self.GRUskip = nn.GRU(self.hidC, self.hidS)
            self.linear1 = nn.Linear(self.hidR + self.skip * self.hidS, self.m)
        else:
            self.linear1 = nn.Linear(self.hidR, self.m)
        if self.hw > 0:
            self.highway = nn.Linear(self.hw, 1)
        self.output = None
        if args.output_fun == 'sigmoid':
            self.output = torch.sigmoid
        if args.output_fun == 'tanh':
            self.output = torch.tanh

    def forward(self, x):
        batch_size = x.size(0)
        # CNN
        c = x.view(-1, 1, self.P, self.m)
        c = F.relu(self.conv1(c))
        c = self.dropout(c)
        c = torch.squeeze(c, 3)
        # RNN
        r = c.permute(2, 0, 1).contiguous()
        _, r = self.GRU1(r)
        r = self.dropout(torch.squeeze(r, 0))
        # skip-rnn
        if self.skip > 0:
            s = c[:, :, int(-self.pt * self.skip):].contiguous()
            s = s.view(batch_size, self.hidC, self.pt, self.skip)
            s = s.permute(2, 0, 3, 1).contiguous()
            s = s.view(self.pt, batch_size * self.skip, self.hidC)
            _, s = self.GRUskip(s)
            s = s.view(batch_size, self.skip * self.hidS)
            s = self.dropout(s)
            r = torch.cat((r, s), 1)
        res = self.linear1(r)
        # highway
        if self.hw > 0:
            z = x[:, -self.hw:, :]
            z = z.permute(0, 2, 1).contiguous().view(-1, self.hw)
            z = self.highway(z)
            z = z.view(-1, self.m)
            res = res + z
        if self.output:
            res = self.output(res)
        return res


model = LSTNet(args, m)
print(model)
print(model.pt, [(k, tuple(v.shape)) for k, v in model.state_dict().items()][:6])
nParams = sum([p.nelement() for p in model.parameters()])
print('* number of parameters: %d' % nParams)
criterion = nn.L1Loss(reduction='sum')
evaluateL2 = nn.MSELoss(reduction='sum')
evaluateL1 = nn.L1Loss(reduction='sum')
optim = torch.optim.Adam(model.parameters(), lr=0.01)


def evaluate(X, Y):
    model.eval()
    with torch.no_grad():
        output = model(X)
    total_loss = evaluateL2(output, Y).item()
    total_loss_l1 = evaluateL1(output, Y).item()
    n_samples = output.size(0) * m
    rse_denom = math.sqrt(((Y - Y.mean()) ** 2).sum().item() / n_samples)
    rse = math.sqrt(total_loss / n_samples) / rse_denom
    rae = (total_loss_l1 / n_samples) / ((Y - Y.mean()).abs().mean().item())
    predict, Ytest = output.numpy(), Y.numpy()
    sigma_p = predict.std(axis=0)
    sigma_g = Ytest.std(axis=0)
    mean_p = predict.mean(axis=0)
    mean_g = Ytest.mean(axis=0)
    index = (sigma_g != 0)
    correlation = ((predict - mean_p) * (Ytest - mean_g)).mean(axis=0) / (sigma_p * sigma_g)
    correlation = (correlation[index]).mean()
    return rse, rae, correlation


for epoch in range(1, 4):
    model.train()
    total_loss, n_samples = 0, 0
    perm = torch.randperm(len(X_tr))
    for i in range(0, len(X_tr), 16):
        idx = perm[i:i + 16]
        X, Y = X_tr[idx], Y_tr[idx]
        model.zero_grad()
        output = model(X)
        loss = criterion(output * torch.from_numpy(scale), Y * torch.from_numpy(scale))
        loss.backward()
        grad_norm = nn.utils.clip_grad_norm_(model.parameters(), 10.)
        optim.step()
        total_loss += loss.item()
        n_samples += output.size(0) * m
    rse, rae, corr = evaluate(X_te, Y_te)
    print('| epoch {:3d} | train_loss {:5.4f} | grad {:5.3f} | valid rse {:5.4f} | valid rae {:5.4f} | valid corr {:5.4f}'
          .format(epoch, total_loss / n_samples, grad_norm.item(), rse, rae, corr))


# ------------------------------------------------------------------------------------- Autoformer
class moving_avg(nn.Module):
    def __init__(self, kernel_size, stride):
        super(moving_avg, self).__init__()
        self.kernel_size = kernel_size
        self.avg = nn.AvgPool1d(kernel_size=kernel_size, stride=stride, padding=0)

    def forward(self, x):
        front = x[:, 0:1, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        end = x[:, -1:, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        x = torch.cat([front, x, end], dim=1)
        x = self.avg(x.permute(0, 2, 1))
        x = x.permute(0, 2, 1)
        return x


class series_decomp(nn.Module):
    def __init__(self, kernel_size):
        super(series_decomp, self).__init__()
        self.moving_avg = moving_avg(kernel_size, stride=1)

    def forward(self, x):
        moving_mean = self.moving_avg(x)
        res = x - moving_mean
        return res, moving_mean


class my_Layernorm(nn.Module):
    def __init__(self, channels):
        super(my_Layernorm, self).__init__()
        self.layernorm = nn.LayerNorm(channels)

    def forward(self, x):
        x_hat = self.layernorm(x)
        bias = torch.mean(x_hat, dim=1).unsqueeze(1).repeat(1, x.shape[1], 1)
        return x_hat - bias


x_enc = torch.from_numpy(dat[:48]).unsqueeze(0).repeat(2, 1, 1)
x_enc[1] = x_enc[1].flip(0)
decomp = series_decomp(25)
seasonal, trend = decomp(x_enc)
print(decomp, seasonal.shape, trend.shape)
print(trend[0, :3], seasonal[1, -3:], (seasonal + trend - x_enc).abs().max())
print(my_Layernorm(m)(x_enc)[0, :2])

mean = torch.mean(x_enc, dim=1).unsqueeze(1).repeat(1, 12, 1)
zeros = torch.zeros([x_enc.shape[0], 12, x_enc.shape[2]], device=x_enc.device)
trend_init = torch.cat([trend[:, -24:, :], mean], dim=1)
seasonal_init = torch.cat([seasonal[:, -24:, :], zeros], dim=1)
print(trend_init.shape, seasonal_init[0, -13:-10], trend_init[1, -1])


def autocorrelation_direct(q, k):
    """corr[b, tau, c] = sum_t q[b, t, c] * k[b, t - tau, c] (circular), what irfft(rfft(q) * conj(rfft(k)))
    computes."""
    L = q.shape[1]
    return torch.stack([(q * torch.roll(k, shifts=tau, dims=1)).sum(1) for tau in range(L)], dim=1)


def time_delay_agg_training(values, corr, factor=1):
    head, channel, length = values.shape[1], values.shape[2], values.shape[3]
    top_k = int(factor * math.log(length))
    mean_value = torch.mean(torch.mean(corr, dim=1), dim=1)
    index = torch.topk(torch.mean(mean_value, dim=0), top_k, dim=-1)[1]
    weights = torch.stack([mean_value[:, index[i]] for i in range(top_k)], dim=-1)
    tmp_corr = torch.softmax(weights, dim=-1)
    tmp_values = values
    delays_agg = torch.zeros_like(values).float()
    for i in range(top_k):
        pattern = torch.roll(tmp_values, -int(index[i]), -1)
        delays_agg = delays_agg + pattern * \
            (tmp_corr[:, i].unsqueeze(1).unsqueeze(1).unsqueeze(1).repeat(1, head, channel, length))
    return delays_agg, index, tmp_corr


q = seasonal.permute(0, 2, 1).unsqueeze(1).requires_grad_()  # B, H=1, E, L
corr = autocorrelation_direct(q.permute(0, 1, 3, 2).reshape(2, 48, m), q.permute(0, 1, 3, 2).reshape(2, 48, m).detach())
corr = corr.permute(0, 2, 1).unsqueeze(1)  # B, H, E, L
agg, index, tmp_corr = time_delay_agg_training(q, corr)
print(corr.shape, index, tmp_corr)
agg.square().mean().backward()
print(agg.shape, agg.grad_fn.name(), q.grad.abs().sum(), q.grad[0, 0, 0, :4])


# ---------------------------------------------------------------------------------------------- RevIN
class RevIN(nn.Module):
    def __init__(self, num_features: int, eps=1e-5, affine=True):
        super(RevIN, self).__init__()
        self.num_features = num_features
        self.eps = eps
        self.affine = affine
        if self.affine:
            self._init_params()

    def forward(self, x, mode: str):
        if mode == 'norm':
            self._get_statistics(x)
            x = self._normalize(x)
        elif mode == 'denorm':
            x = self._denormalize(x)
        else:
            raise NotImplementedError
        return x

    def _init_params(self):
        self.affine_weight = nn.Parameter(torch.ones(self.num_features))
        self.affine_bias = nn.Parameter(torch.zeros(self.num_features))

    def _get_statistics(self, x):
        dim2reduce = tuple(range(1, x.ndim - 1))
        self.mean = torch.mean(x, dim=dim2reduce, keepdim=True).detach()
        self.stdev = torch.sqrt(torch.var(x, dim=dim2reduce, keepdim=True, unbiased=False) + self.eps).detach()

    def _normalize(self, x):
        x = x - self.mean
        x = x / self.stdev
        if self.affine:
            x = x * self.affine_weight
            x = x + self.affine_bias
        return x

    def _denormalize(self, x):
        if self.affine:
            x = x - self.affine_bias
            x = x / (self.affine_weight + self.eps * self.eps)
        x = x * self.stdev
        x = x + self.mean
        return x


class Seq2Seq(nn.Module):
    def __init__(self, n_features, hidden, horizon):
        super().__init__()
        self.revin = RevIN(n_features)
        self.encoder = nn.GRU(n_features, hidden, batch_first=True)
        self.decoder_cell = nn.GRUCell(n_features, hidden)
        self.proj = nn.Linear(hidden, n_features)
        self.horizon = horizon

    def forward(self, x, target=None, teacher_forcing_ratio=0.5):
        x = self.revin(x, 'norm')
        _, h = self.encoder(x)
        h = h.squeeze(0)
        dec_in = x[:, -1, :]
        outputs = []
        if target is not None:
            target = (target - self.revin.mean) / self.revin.stdev * self.revin.affine_weight + self.revin.affine_bias
        for t in range(self.horizon):
            h = self.decoder_cell(dec_in, h)
            out = self.proj(h)
            outputs.append(out)
            use_tf = target is not None and torch.rand(1).item() < teacher_forcing_ratio
            dec_in = target[:, t, :] if use_tf else out
        out = torch.stack(outputs, dim=1)
        return self.revin(out, 'denorm')


series = torch.from_numpy(rawdat)
windows = series.unfold(0, 30, 3)  # (n_windows, m, 30)
print(windows.shape, windows.stride(), windows.is_contiguous())
windows = windows.transpose(1, 2)
enc_x, dec_y = windows[:, :24, :], windows[:, 24:, :]
print(enc_x.shape, dec_y.shape, dec_y[0, 0])
s2s = Seq2Seq(m, 10, 6)
print(s2s)
print([n for n, _ in s2s.named_parameters()])
opt = torch.optim.AdamW(s2s.parameters(), lr=0.02, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
for epoch in range(6):
    s2s.train()
    pred = s2s(enc_x, dec_y, teacher_forcing_ratio=0.5 * (1 - epoch / 6))
    loss = F.smooth_l1_loss(pred, dec_y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    sched.step()
    print(epoch, f"{loss.item():.5f}", sched.get_last_lr())
print(s2s.revin.mean.shape, s2s.revin.stdev[0, 0], s2s.revin.affine_weight)

s2s.eval()
with torch.no_grad():
    pred = s2s(enc_x)
mae = torch.mean(torch.abs(pred - dec_y))
mape = torch.mean(torch.abs((dec_y - pred) / dec_y)) * 100
smape = 100 * torch.mean(2 * torch.abs(pred - dec_y) / (torch.abs(pred) + torch.abs(dec_y)))
print(f"MAE {mae:.4f} MAPE {mape:.3f}% SMAPE {smape:.3f}%")
print(pred[0, :2], torch.isclose(pred, dec_y, rtol=0.1).float().mean())
