import tinygrad_rnn as torch
import math
from functools import partial
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
data = torch.utils.data

# UvA Deep Learning course, tutorial 6 (Transformers and Multi-Head Attention), shrunk: the
# scaled_dot_product function, MultiheadAttention with one qkv projection reshaped and permuted per
# head, EncoderBlock and TransformerEncoder with attention maps, PositionalEncoding kept in a
# non-persistent buffer, a CosineWarmupScheduler subclassing _LRScheduler, and the sequence-reversal
# task trained by a plain loop in place of Lightning.
torch.manual_seed(42)


def scaled_dot_product(q, k, v, mask=None):
    d_k = q.size()[-1]
    attn_logits = torch.matmul(q, k.transpose(-2, -1))
    attn_logits = attn_logits / math.sqrt(d_k)
    if mask is not None:
        attn_logits = attn_logits.masked_fill(mask == 0, -9e15)
    attention = F.softmax(attn_logits, dim=-1)
    values = torch.matmul(attention, v)
    return values, attention


seq_len, d_k = 3, 2
q = torch.randn(seq_len, d_k)
k = torch.randn(seq_len, d_k)
v = torch.randn(seq_len, d_k)
values, attention = scaled_dot_product(q, k, v)
print("Q\n", q)
print("K\n", k)
print("V\n", v)
print("Values\n", values)
print("Attention\n", attention)
mask = torch.tril(torch.ones(seq_len, seq_len))
values, attention = scaled_dot_product(q, k, v, mask=mask)
print("Masked attention\n", attention)


def expand_mask(mask):
    assert mask.ndim >= 2, "Mask must be at least 2-dimensional with seq_length x seq_length"
    if mask.ndim == 3:
        mask = mask.unsqueeze(1)
    while mask.ndim < 4:
        mask = mask.unsqueeze(0)
    return mask


class MultiheadAttention(nn.Module):
    def __init__(self, input_dim, embed_dim, num_heads):
        super().__init__()
        assert embed_dim % num_heads == 0, "Embedding dimension must be 0 modulo number of heads."
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.head_dim = embed_dim // num_heads
        self.qkv_proj = nn.Linear(input_dim, 3 * embed_dim)
        self.o_proj = nn.Linear(embed_dim, embed_dim)
        self._reset_parameters()

    def _reset_parameters(self):
        nn.init.xavier_uniform_(self.qkv_proj.weight)
        self.qkv_proj.bias.data.fill_(0)
        nn.init.xavier_uniform_(self.o_proj.weight)
        self.o_proj.bias.data.fill_(0)

    def forward(self, x, mask=None, return_attention=False):
        batch_size, seq_length, _ = x.size()
        if mask is not None:
            mask = expand_mask(mask)
        qkv = self.qkv_proj(x)
        qkv = qkv.reshape(batch_size, seq_length, self.num_heads, 3 * self.head_dim)
        qkv = qkv.permute(0, 2, 1, 3)  # [Batch, Head, SeqLen, Dims]
        q, k, v = qkv.chunk(3, dim=-1)
        values, attention = scaled_dot_product(q, k, v, mask=mask)
        values = values.permute(0, 2, 1, 3)  # [Batch, SeqLen, Head, Dims]
        values = values.reshape(batch_size, seq_length, self.embed_dim)
        o = self.o_proj(values)
        if return_attention:
            return o, attention
        else:
            return o


class EncoderBlock(nn.Module):
    def __init__(self, input_dim, num_heads, dim_feedforward, dropout=0.0):
        super().__init__()
        self.self_attn = MultiheadAttention(input_dim, input_dim, num_heads)
        self.linear_net = nn.Sequential(
            nn.Linear(input_dim, dim_feedforward),
            nn.Dropout(dropout),
            nn.ReLU(inplace=True),
            nn.Linear(dim_feedforward, input_dim),
        )
        self.norm1 = nn.LayerNorm(input_dim)
        self.norm2 = nn.LayerNorm(input_dim)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x, mask=None):
        attn_out = self.self_attn(x, mask=mask)
        x = x + self.dropout(attn_out)
        x = self.norm1(x)
        linear_out = self.linear_net(x)
        x = x + self.dropout(linear_out)
        x = self.norm2(x)
        return x


class TransformerEncoder(nn.Module):
    def __init__(self, num_layers, **block_args):
        super().__init__()
        self.layers = nn.ModuleList([EncoderBlock(**block_args) for _ in range(num_layers)])

    def forward(self, x, mask=None):
        for layer in self.layers:
            x = layer(x, mask=mask)
        return x

    def get_attention_maps(self, x, mask=None):
        attention_maps = []
        for layer in self.layers:
            _, attn_map = layer.self_attn(x, mask=mask, return_attention=True)
            attention_maps.append(attn_map)
            x = layer(x)
        return attention_maps


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, max_len=5000):
        super().__init__()
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0)
        self.register_buffer("pe", pe, persistent=False)

    def forward(self, x):
        x = x + self.pe[:, : x.size(1)]
        return x


encod_block = PositionalEncoding(d_model=8, max_len=16)
pe = encod_block.pe.squeeze().T.cpu().numpy()
print(pe.shape, encod_block.pe.shape, list(encod_block.state_dict().keys()), [n for n, _ in encod_block.named_buffers()])
print(encod_block.pe[0, 3])


class CosineWarmupScheduler(optim.lr_scheduler._LRScheduler):
    def __init__(self, optimizer, warmup, max_iters):
        self.warmup = warmup
        self.max_num_iters = max_iters
        super().__init__(optimizer)

    def get_lr(self):
        lr_factor = self.get_lr_factor(epoch=self.last_epoch)
        return [base_lr * lr_factor for base_lr in self.base_lrs]

    def get_lr_factor(self, epoch):
        lr_factor = 0.5 * (1 + np.cos(np.pi * epoch / self.max_num_iters))
        if epoch <= self.warmup:
            lr_factor *= epoch * 1.0 / self.warmup
        return lr_factor


p = nn.Parameter(torch.empty(4, 4))
optimizer = optim.Adam([p], lr=1e-3)
lr_scheduler = CosineWarmupScheduler(optimizer=optimizer, warmup=10, max_iters=200)
epochs = list(range(0, 200, 25))
print([round(float(lr_scheduler.get_lr_factor(e)), 5) for e in epochs])
print(optimizer.param_groups[0]["lr"], lr_scheduler.last_epoch, lr_scheduler.base_lrs)
for _ in range(3):
    optimizer.step()
    lr_scheduler.step()
print(optimizer.param_groups[0]["lr"], lr_scheduler.get_last_lr(), lr_scheduler.last_epoch)
print(type(optimizer.param_groups[0]["lr"]).__name__)


class ReverseDataset(data.Dataset):
    def __init__(self, num_categories, seq_len, size):
        super().__init__()
        self.num_categories = num_categories
        self.seq_len = seq_len
        self.size = size
        self.data = torch.randint(self.num_categories, size=(self.size, self.seq_len))

    def __len__(self):
        return self.size

    def __getitem__(self, idx):
        inp_data = self.data[idx]
        labels = torch.flip(inp_data, dims=(0,))
        return inp_data, labels


dataset = partial(ReverseDataset, 5, 6)
train_loader = data.DataLoader(dataset(256), batch_size=32, shuffle=True, drop_last=True, pin_memory=True)
val_loader = data.DataLoader(dataset(64), batch_size=32)
inp_data, labels = train_loader.dataset[0]
print("Input data:", inp_data)
print("Labels:    ", labels)


class TransformerPredictor(nn.Module):
    def __init__(self, input_dim, model_dim, num_classes, num_heads, num_layers, lr, warmup, max_iters,
                 dropout=0.0, input_dropout=0.0):
        super().__init__()
        self.hparams = dict(input_dim=input_dim, model_dim=model_dim, num_classes=num_classes, num_heads=num_heads,
                            num_layers=num_layers, lr=lr, warmup=warmup, max_iters=max_iters, dropout=dropout,
                            input_dropout=input_dropout)
        self._create_model()

    def _create_model(self):
        hp = self.hparams
        self.input_net = nn.Sequential(nn.Dropout(hp["input_dropout"]), nn.Linear(hp["input_dim"], hp["model_dim"]))
        self.positional_encoding = PositionalEncoding(d_model=hp["model_dim"])
        self.transformer = TransformerEncoder(num_layers=hp["num_layers"], input_dim=hp["model_dim"],
                                              dim_feedforward=2 * hp["model_dim"], num_heads=hp["num_heads"],
                                              dropout=hp["dropout"])
        self.output_net = nn.Sequential(
            nn.Linear(hp["model_dim"], hp["model_dim"]),
            nn.LayerNorm(hp["model_dim"]),
            nn.ReLU(inplace=True),
            nn.Dropout(hp["dropout"]),
            nn.Linear(hp["model_dim"], hp["num_classes"]),
        )

    def forward(self, x, mask=None, add_positional_encoding=True):
        x = self.input_net(x)
        if add_positional_encoding:
            x = self.positional_encoding(x)
        x = self.transformer(x, mask=mask)
        x = self.output_net(x)
        return x

    @torch.no_grad()
    def get_attention_maps(self, x, mask=None, add_positional_encoding=True):
        x = self.input_net(x)
        if add_positional_encoding:
            x = self.positional_encoding(x)
        attention_maps = self.transformer.get_attention_maps(x, mask=mask)
        return attention_maps

    def configure_optimizers(self):
        optimizer = optim.Adam(self.parameters(), lr=self.hparams["lr"])
        self.lr_scheduler = CosineWarmupScheduler(optimizer, warmup=self.hparams["warmup"],
                                                  max_iters=self.hparams["max_iters"])
        return optimizer


class ReversePredictor(TransformerPredictor):
    def _calculate_loss(self, batch, mode="train"):
        inp_data, labels = batch
        inp_data = F.one_hot(inp_data, num_classes=self.hparams["num_classes"]).float()
        preds = self.forward(inp_data, add_positional_encoding=True)
        loss = F.cross_entropy(preds.view(-1, preds.size(-1)), labels.view(-1))
        acc = (preds.argmax(dim=-1) == labels).float().mean()
        return loss, acc


torch.manual_seed(42)
model = ReversePredictor(input_dim=5, model_dim=16, num_heads=2, num_classes=5, num_layers=1, dropout=0.0,
                         lr=5e-3, warmup=5, max_iters=40)
print(sum(p.numel() for p in model.parameters()), list(model.state_dict().keys())[:3])
print("positional_encoding.pe" in model.state_dict(), model.positional_encoding.pe.shape)
optimizer = model.configure_optimizers()
for epoch in range(3):
    model.train()
    for batch in train_loader:
        loss, acc = model._calculate_loss(batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        model.lr_scheduler.step()
    model.eval()
    with torch.no_grad():
        val = [model._calculate_loss(b, mode="val") for b in val_loader]
    print(f"epoch {epoch}: train loss {loss.item():.4f} acc {acc.item():.4f}, "
          f"val acc {sum(a for _, a in val).item() / len(val):.4f}, lr {model.lr_scheduler.get_last_lr()[0]:.6f}")

data_input, labels = next(iter(val_loader))
inp_data = F.one_hot(data_input, num_classes=5).float()
attention_maps = model.get_attention_maps(inp_data)
print(len(attention_maps), attention_maps[0].shape)
print(attention_maps[0][0, 0])
print(attention_maps[0].sum(dim=-1)[0, 0])
mask = torch.ones(6, 6)
out = model(inp_data[:2], mask=mask)
print(out.shape, out.grad_fn.name())
