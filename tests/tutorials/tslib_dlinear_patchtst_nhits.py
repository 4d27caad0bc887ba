import tinygrad_rnn as torch
import io
import math
nn = torch.nn
F = torch.nn.functional
# Long-horizon forecasters as thuml's Time-Series-Library and the papers' own repositories write them:
# DLinear (Zeng et al., "Are Transformers Effective for Time Series Forecasting?": series_decomp, a Linear per
# channel in a ModuleList with weights set to 1/seq_len * ones), PatchTST (Nie et al.: ReplicationPad1d at the
# end, patches with Tensor.unfold, channel-independent reshape, a TransformerEncoder with batch_first,
# nn.Flatten(start_dim=-2) head, instance normalisation with unbiased=False), and N-HiTS (Challu et al.:
# MaxPool1d(ceil_mode=True) input pooling, knots interpolated with F.interpolate(mode='linear')), trained on a
# generated multivariate series for a few steps each; MSE/MAE as the library's metrics.py computes them, a
# state_dict round trip through torch.save / torch.load, and a causal Transformer with
# nn.Transformer.generate_square_subsequent_mask.
torch.manual_seed(2021)

L, H, C = 32, 8, 3
t_axis = torch.arange(200, dtype=torch.float32)
series = torch.stack([torch.sin(t_axis * 2 * math.pi / 24 + c) + 0.01 * c * t_axis for c in range(C)], dim=1)
series = series + 0.1 * torch.randn_like(series)
win = series.unfold(0, L + H, 4).permute(0, 2, 1)  # (n, L + H, C)
batch_x, batch_y = win[:, :L], win[:, L:]
print(series.shape, win.shape, batch_x.shape, batch_y.shape, win.is_contiguous())


def metric(pred, true):
    mae = torch.mean(torch.abs(pred - true))
    mse = torch.mean((pred - true) ** 2)
    rmse = torch.sqrt(mse)
    mspe = torch.mean(torch.square((pred - true) / true))
    return mae.item(), mse.item(), rmse.item(), mspe.item()


# ------------------------------------------------------------------------------------------- DLinear
class moving_avg(nn.Module):
    def __init__(self, kernel_size, stride):
        super(moving_avg, self).__init__()
        self.kernel_size = kernel_size
        self.avg = nn.AvgPool1d(kernel_size=kernel_size, stride=stride, padding=0)

    def forward(self, x):
        front = x[:, 0:1, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        end = x[:, -1:, :].repeat(1, (self.kernel_size - 1) // 2, 1)
        x = torch.cat([front, x, end], dim=1)
        return self.avg(x.permute(0, 2, 1)).permute(0, 2, 1)


class series_decomp(nn.Module):
    def __init__(self, kernel_size):
        super(series_decomp, self).__init__()
        self.moving_avg = moving_avg(kernel_size, stride=1)

    def forward(self, x):
        moving_mean = self.moving_avg(x)
        return x - moving_mean, moving_mean


class DLinear(nn.Module):
    def __init__(self, seq_len, pred_len, enc_in, individual=True, moving_avg=25):
        super(DLinear, self).__init__()
        self.seq_len, self.pred_len = seq_len, pred_len
        self.decompsition = series_decomp(moving_avg)
        self.individual = individual
        self.channels = enc_in
        if self.individual:
            self.Linear_Seasonal = nn.ModuleList()
            self.Linear_Trend = nn.ModuleList()
            for i in range(self.channels):
                self.Linear_Seasonal.append(nn.Linear(self.seq_len, self.pred_len))
                self.Linear_Trend.append(nn.Linear(self.seq_len, self.pred_len))
                self.Linear_Seasonal[i].weight = nn.Parameter(
                    (1 / self.seq_len) * torch.ones([self.pred_len, self.seq_len]))
                self.Linear_Trend[i].weight = nn.Parameter(
                    (1 / self.seq_len) * torch.ones([self.pred_len, self.seq_len]))
        else:
            self.Linear_Seasonal = nn.Linear(self.seq_len, self.pred_len)
            self.Linear_Trend = nn.Linear(self.seq_len, self.pred_len)

    def forward(self, x):
        seasonal_init, trend_init = self.decompsition(x)
        seasonal_init, trend_init = seasonal_init.permute(0, 2, 1), trend_init.permute(0, 2, 1)
        if self.individual:
            seasonal_output = torch.zeros([seasonal_init.size(0), seasonal_init.size(1), self.pred_len],
                                          dtype=seasonal_init.dtype).to(seasonal_init.device)
            trend_output = torch.zeros([trend_init.size(0), trend_init.size(1), self.pred_len],
                                       dtype=trend_init.dtype).to(trend_init.device)
            for i in range(self.channels):
                seasonal_output[:, i, :] = self.Linear_Seasonal[i](seasonal_init[:, i, :])
                trend_output[:, i, :] = self.Linear_Trend[i](trend_init[:, i, :])
        else:
            seasonal_output = self.Linear_Seasonal(seasonal_init)
            trend_output = self.Linear_Trend(trend_init)
        x = seasonal_output + trend_output
        return x.permute(0, 2, 1)


dlinear = DLinear(L, H, C, individual=True, moving_avg=13)
print(dlinear)
print(dlinear.Linear_Seasonal[0].weight[0, :3], dlinear.Linear_Trend[2].bias.shape)
out = dlinear(batch_x)
print(out.shape, out.grad_fn.name(), out[0, 0])
opt = torch.optim.Adam(dlinear.parameters(), lr=0.005)
criterion = nn.MSELoss()
for it in range(4):
    opt.zero_grad()
    loss = criterion(dlinear(batch_x), batch_y)
    loss.backward()
    opt.step()
    print("dlinear", it, round(loss.item(), 6))
with torch.no_grad():
    print("dlinear metrics mae %.4f mse %.4f rmse %.4f mspe %.4f" % metric(dlinear(batch_x), batch_y))


# ------------------------------------------------------------------------------------------ PatchTST
class RevINLite(nn.Module):
    def forward(self, x, means=None, stdev=None):
        if means is None:
            means = x.mean(1, keepdim=True).detach()
            x = x - means
            stdev = torch.sqrt(torch.var(x, dim=1, keepdim=True, unbiased=False) + 1e-5)
            return x / stdev, means, stdev
        return x * stdev[:, 0, :].unsqueeze(1).repeat(1, H, 1) + means[:, 0, :].unsqueeze(1).repeat(1, H, 1)


class PatchEmbedding(nn.Module):
    def __init__(self, d_model, patch_len, stride, padding, dropout):
        super(PatchEmbedding, self).__init__()
        self.patch_len = patch_len
        self.stride = stride
        self.padding_patch_layer = nn.ReplicationPad1d((0, padding))
        self.value_embedding = nn.Linear(patch_len, d_model, bias=False)
        self.position_embedding = nn.Parameter(torch.randn(1, 64, d_model) * 0.02)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        n_vars = x.shape[1]
        x = self.padding_patch_layer(x)
        x = x.unfold(dimension=-1, size=self.patch_len, step=self.stride)
        x = torch.reshape(x, (x.shape[0] * x.shape[1], x.shape[2], x.shape[3]))
        x = self.value_embedding(x) + self.position_embedding[:, :x.size(1)]
        return self.dropout(x), n_vars


class FlattenHead(nn.Module):
    def __init__(self, nf, target_window, head_dropout=0):
        super().__init__()
        self.flatten = nn.Flatten(start_dim=-2)
        self.linear = nn.Linear(nf, target_window)
        self.dropout = nn.Dropout(head_dropout)

    def forward(self, x):
        return self.dropout(self.linear(self.flatten(x)))


class PatchTST(nn.Module):
    def __init__(self, d_model=16, patch_len=8, stride=4):
        super().__init__()
        padding = stride
        self.norm = RevINLite()
        self.patch_embedding = PatchEmbedding(d_model, patch_len, stride, padding, 0.0)
        layer = nn.TransformerEncoderLayer(d_model, nhead=2, dim_feedforward=32, dropout=0.0, batch_first=True,
                                           activation="gelu")
        self.encoder = nn.TransformerEncoder(layer, num_layers=1, norm=nn.LayerNorm(d_model),
                                             enable_nested_tensor=False)
        self.head_nf = d_model * int((L - patch_len) / stride + 2)
        self.head = FlattenHead(self.head_nf, H)

    def forward(self, x_enc):
        x_enc, means, stdev = self.norm(x_enc)
        x_enc = x_enc.permute(0, 2, 1)
        enc_out, n_vars = self.patch_embedding(x_enc)
        enc_out = self.encoder(enc_out)
        enc_out = torch.reshape(enc_out, (-1, n_vars, enc_out.shape[-2], enc_out.shape[-1]))
        enc_out = enc_out.permute(0, 1, 3, 2)
        dec_out = self.head(enc_out).permute(0, 2, 1)
        return self.norm(dec_out, means, stdev)


patchtst = PatchTST()
print(patchtst.head_nf, patchtst.head)
print(sum(p.numel() for p in patchtst.parameters()), [n for n, _ in patchtst.named_parameters()][:5])
emb, n_vars = patchtst.patch_embedding(batch_x[:2].permute(0, 2, 1))
print(emb.shape, n_vars)
opt = torch.optim.AdamW(patchtst.parameters(), lr=1e-3)
sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=1e-3, total_steps=4, pct_start=0.3)
for it in range(4):
    opt.zero_grad()
    pred = patchtst(batch_x)
    loss = F.mse_loss(pred, batch_y)
    loss.backward()
    opt.step()
    sched.step()
    print("patchtst", it, round(loss.item(), 5), ["%.3e" % lr for lr in sched.get_last_lr()])
with torch.no_grad():
    print("patchtst metrics mae %.4f mse %.4f rmse %.4f mspe %.4f" % metric(patchtst(batch_x), batch_y))


# -------------------------------------------------------------------------------------------- N-HiTS
class NHITSBlock(nn.Module):
    def __init__(self, input_size, h, n_pool_kernel_size, n_freq_downsample, hidden=32):
        super().__init__()
        pooled = int(math.ceil(input_size / n_pool_kernel_size))
        self.n_theta = input_size + max(h // n_freq_downsample, 1)
        self.pooling_layer = nn.MaxPool1d(kernel_size=n_pool_kernel_size, stride=n_pool_kernel_size, ceil_mode=True)
        self.layers = nn.Sequential(nn.Linear(pooled, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                    nn.Linear(hidden, self.n_theta))
        self.input_size, self.h = input_size, h

    def forward(self, insample_y):
        insample_y = insample_y.unsqueeze(1)
        insample_y = self.pooling_layer(insample_y)
        insample_y = insample_y.squeeze(1)
        theta = self.layers(insample_y)
        backcast = theta[:, :self.input_size]
        knots = theta[:, self.input_size:]
        knots = knots.reshape(len(knots), 1, -1)
        forecast = F.interpolate(knots, size=self.h, mode='linear')
        return backcast, forecast[:, 0, :]


class NHITS(nn.Module):
    def __init__(self, input_size, h):
        super().__init__()
        self.blocks = nn.ModuleList([NHITSBlock(input_size, h, k, f) for k, f in [(4, 4), (2, 2), (1, 1)]])

    def forward(self, insample_y):
        residuals = insample_y.flip(dims=(-1,))
        forecast = insample_y[:, -1:]
        block_forecasts = [forecast.repeat(1, H)]
        for block in self.blocks:
            backcast, block_forecast = block(residuals)
            residuals = residuals - backcast
            forecast = forecast + block_forecast
            block_forecasts.append(block_forecast)
        return forecast, torch.stack(block_forecasts, dim=-1)


nhits = NHITS(L, H)
print(nhits.blocks[0])
x_uni, y_uni = batch_x[..., 0], batch_y[..., 0]
f, parts = nhits(x_uni)
print(f.shape, parts.shape, [b.n_theta for b in nhits.blocks])
opt = torch.optim.Adam(nhits.parameters(), lr=1e-3)
for it in range(4):
    opt.zero_grad()
    f, _ = nhits(x_uni)
    loss = F.l1_loss(f, y_uni)
    loss.backward()
    opt.step()
    print("nhits", it, round(loss.item(), 5))

buffer = io.BytesIO()
torch.save({"model": nhits.state_dict(), "optimizer": opt.state_dict(), "epoch": 4}, buffer)
buffer.seek(0)
ckpt = torch.load(buffer, weights_only=True)
fresh = NHITS(L, H)
print(fresh.load_state_dict(ckpt["model"]), ckpt["epoch"], list(ckpt["optimizer"]["state"].keys())[:3])
with torch.no_grad():
    print(torch.allclose(fresh(x_uni)[0], nhits(x_uni)[0]), ckpt["optimizer"]["param_groups"][0]["lr"])


# ----------------------------------------------------------------------- a causal Transformer forecaster
class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=100):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.register_buffer('pe', pe.unsqueeze(0).transpose(0, 1))

    def forward(self, x):
        return x + self.pe[:x.size(0), :]


class TransAm(nn.Module):
    def __init__(self, feature_size=16, num_layers=1, dropout=0.0):
        super(TransAm, self).__init__()
        self.src_mask = None
        self.input_proj = nn.Linear(1, feature_size)
        self.pos_encoder = PositionalEncoding(feature_size)
        self.encoder_layer = nn.TransformerEncoderLayer(d_model=feature_size, nhead=4, dim_feedforward=32,
                                                        dropout=dropout)
        self.transformer_encoder = nn.TransformerEncoder(self.encoder_layer, num_layers=num_layers,
                                                         enable_nested_tensor=False)
        self.decoder = nn.Linear(feature_size, 1)
        self.decoder.bias.data.zero_()
        self.decoder.weight.data.uniform_(-0.1, 0.1)

    def forward(self, src):
        if self.src_mask is None or self.src_mask.size(0) != len(src):
            self.src_mask = nn.Transformer.generate_square_subsequent_mask(len(src))
        src = self.pos_encoder(self.input_proj(src))
        output = self.transformer_encoder(src, self.src_mask, is_causal=True)
        return self.decoder(output)


transam = TransAm()
src = x_uni[:4].t().unsqueeze(-1)  # (seq, batch, 1)
print(nn.Transformer.generate_square_subsequent_mask(4), transam.pos_encoder.pe.shape)
opt = torch.optim.SGD(transam.parameters(), lr=0.05, momentum=0.9)
for it in range(3):
    opt.zero_grad()
    out = transam(src[:-1])
    loss = F.mse_loss(out, src[1:])
    loss.backward()
    torch.nn.utils.clip_grad_norm_(transam.parameters(), 0.7)
    opt.step()
    print("transam", it, round(loss.item(), 5), out.shape)
print(transam.src_mask.dtype, transam.src_mask[1])
