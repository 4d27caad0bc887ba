import tinygrad_rnn as torch
import math
import random
import numpy as np
nn = torch.nn
F = torch.nn.functional

# CS224n assignment 5 style, shrunk: a character-level span-corruption pretraining dataset, the older
# minGPT model (pos_emb as a Parameter, mask buffer filled with -1e10), rotary position embeddings
# written with real tensors (cos/sin cache from torch.outer), the token-counting learning-rate decay
# of the assignment's trainer (its token count becomes a tensor), and top-k sampling.
random.seed(0)
torch.manual_seed(0)
MASK_CHAR, PAD_CHAR = u"\u2047", u"\u25A1"
text = ("Khatchig Mouradian. Born in Lebanon\nJacob Henry Studer. Born in Columbus\n"
        "John Stephen. Born in Glasgow\nGeorgina Willis. Born in Australia\n") * 2


class CharCorruptionDataset(torch.utils.data.Dataset):
    def __init__(self, data, block_size):
        chars = list(sorted(list(set(data))))
        assert MASK_CHAR not in chars
        assert PAD_CHAR not in chars
        chars.insert(0, MASK_CHAR)
        chars.insert(0, PAD_CHAR)
        self.stoi = {ch: i for i, ch in enumerate(chars)}
        self.itos = {i: ch for i, ch in enumerate(chars)}
        data_size, vocab_size = len(data), len(chars)
        print('data has %d characters, %d unique.' % (data_size, vocab_size))
        self.block_size = block_size
        self.vocab_size = vocab_size
        self.data = data.strip().split('\n')

    def __len__(self):
        return len(self.data)

    def __getitem__(self, idx):
        document = self.data[idx]
        truncated_len = random.randint(4, min(len(document), int(self.block_size * 7 / 8)))
        truncated = document[:truncated_len]
        masked_len = max(1, int(random.gauss(truncated_len / 4, 1)))
        masked_len = min(masked_len, truncated_len - 2)
        start = random.randint(1, truncated_len - masked_len - 1)
        prefix, masked_content, suffix = truncated[:start], truncated[start:start + masked_len], truncated[start + masked_len:]
        masked_string = prefix + MASK_CHAR + suffix + MASK_CHAR + masked_content
        masked_string = masked_string + PAD_CHAR * (self.block_size + 1 - len(masked_string))
        x = torch.tensor([self.stoi[c] for c in masked_string[:-1]], dtype=torch.long)
        y = torch.tensor([self.stoi[c] for c in masked_string[1:]], dtype=torch.long)
        return x, y


block_size = 32
pretrain_dataset = CharCorruptionDataset(text, block_size)
x, y = pretrain_dataset[0]
print('x:', ''.join([pretrain_dataset.itos[int(c)] for c in x]))
print('y:', ''.join([pretrain_dataset.itos[int(c)] for c in y]), x.dtype, x.shape)


def precompute_rotary_emb(dim, max_positions):
    theta = 1.0 / (10000 ** (torch.arange(0, dim, 2).float() / dim))
    t = torch.arange(max_positions).float()
    freqs = torch.outer(t, theta)
    rope_cache = torch.stack([torch.cos(freqs), torch.sin(freqs)], dim=-1)
    return rope_cache


def apply_rotary_emb(x, rope_cache):
    T = x.shape[-2]
    cos, sin = rope_cache[:T, :, 0], rope_cache[:T, :, 1]
    x1, x2 = x[..., 0::2], x[..., 1::2]
    rotated = torch.stack([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)
    return rotated.flatten(-2)


rope = precompute_rotary_emb(4, 6)
print(rope.shape, rope[2], apply_rotary_emb(torch.ones(1, 1, 3, 4), rope)[0, 0])


class GPTConfig:
    embd_pdrop = 0.1
    resid_pdrop = 0.1
    attn_pdrop = 0.1
    rope = False

    def __init__(self, vocab_size, block_size, **kwargs):
        self.vocab_size = vocab_size
        self.block_size = block_size
        for k, v in kwargs.items():
            setattr(self, k, v)


class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.key = nn.Linear(config.n_embd, config.n_embd)
        self.query = nn.Linear(config.n_embd, config.n_embd)
        self.value = nn.Linear(config.n_embd, config.n_embd)
        self.rope = config.rope
        if self.rope:
            assert (config.n_embd % config.n_head) % 2 == 0
            rope_cache = precompute_rotary_emb(config.n_embd // config.n_head, config.block_size)
            self.register_buffer("rope_cache", rope_cache)
        self.attn_drop = nn.Dropout(config.attn_pdrop)
        self.resid_drop = nn.Dropout(config.resid_pdrop)
        self.proj = nn.Linear(config.n_embd, config.n_embd)
        self.register_buffer("mask", torch.tril(torch.ones(config.block_size, config.block_size))
                             .view(1, 1, config.block_size, config.block_size))
        self.n_head = config.n_head

    def forward(self, x):
        B, T, C = x.size()
        k = self.key(x).view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = self.query(x).view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = self.value(x).view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        if self.rope:
            q = apply_rotary_emb(q, self.rope_cache)
            k = apply_rotary_emb(k, self.rope_cache)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, -1e10)
        att = F.softmax(att, dim=-1)
        att = self.attn_drop(att)
        y = att @ v
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        y = self.resid_drop(self.proj(y))
        return y


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln1 = nn.LayerNorm(config.n_embd)
        self.ln2 = nn.LayerNorm(config.n_embd)
        self.attn = CausalSelfAttention(config)
        self.mlp = nn.Sequential(
            nn.Linear(config.n_embd, 4 * config.n_embd),
            nn.GELU(),
            nn.Linear(4 * config.n_embd, config.n_embd),
            nn.Dropout(config.resid_pdrop),
        )

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        x = x + self.mlp(self.ln2(x))
        return x


class GPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.tok_emb = nn.Embedding(config.vocab_size, config.n_embd)
        self.rope = config.rope
        if not self.rope:
            self.pos_emb = nn.Parameter(torch.zeros(1, config.block_size, config.n_embd))
        self.drop = nn.Dropout(config.embd_pdrop)
        self.blocks = nn.Sequential(*[Block(config) for _ in range(config.n_layer)])
        self.ln_f = nn.LayerNorm(config.n_embd)
        self.head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.block_size = config.block_size
        self.apply(self._init_weights)
        print("number of parameters: {}".format(sum(p.numel() for p in self.parameters())))

    def _init_weights(self, module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            module.weight.data.normal_(mean=0.0, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                module.bias.data.zero_()
        elif isinstance(module, nn.LayerNorm):
            module.bias.data.zero_()
            module.weight.data.fill_(1.0)

    def get_block_size(self):
        return self.block_size

    def forward(self, idx, targets=None):
        b, t = idx.size()
        assert t <= self.block_size, "Cannot forward, model block size (%d, %d) is exhausted." % (t, self.block_size)
        token_embeddings = self.tok_emb(idx)
        if self.rope:
            x_input = token_embeddings
        else:
            position_embeddings = self.pos_emb[:, :t, :]
            x_input = token_embeddings + position_embeddings
        x = self.drop(x_input)
        x = self.blocks(x)
        x = self.ln_f(x)
        logits = self.head(x)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=0)
        return logits, loss


def top_k_logits(logits, k):
    v, ix = torch.topk(logits, k)
    out = logits.clone()
    out[out < v[:, [-1]]] = -float('Inf')
    return out


@torch.no_grad()
def sample(model, x, steps, temperature=1.0, sample=False, top_k=None):
    block_size = model.get_block_size()
    model.eval()
    for k in range(steps):
        x_cond = x if x.size(1) <= block_size else x[:, -block_size:]
        logits, _ = model(x_cond)
        logits = logits[:, -1, :] / temperature
        if top_k is not None:
            logits = top_k_logits(logits, top_k)
        probs = F.softmax(logits, dim=-1)
        if sample:
            ix = torch.multinomial(probs, num_samples=1)
        else:
            _, ix = torch.topk(probs, k=1, dim=-1)
        x = torch.cat((x, ix), dim=1)
    return x


class TrainerConfig:
    max_epochs, batch_size, learning_rate = 2, 4, 6e-3
    betas, grad_norm_clip, weight_decay = (0.9, 0.95), 1.0, 0.1
    lr_decay, warmup_tokens, final_tokens = True, 64, 2000

    def __init__(self, **kwargs):
        for k, v in kwargs.items():
            setattr(self, k, v)


def train(model, dataset, config):
    no_decay = ["bias", "LayerNorm.weight", "ln1.weight", "ln2.weight", "ln_f.weight"]
    params_decay = [p for n, p in model.named_parameters() if not any(nd in n for nd in no_decay)]
    params_nodecay = [p for n, p in model.named_parameters() if any(nd in n for nd in no_decay)]
    optim_groups = [
        {"params": params_decay, "weight_decay": config.weight_decay},
        {"params": params_nodecay, "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(optim_groups, lr=config.learning_rate, betas=config.betas)
    tokens = 0
    for epoch in range(config.max_epochs):
        model.train()
        loader = torch.utils.data.DataLoader(dataset, shuffle=True, pin_memory=True,
                                             batch_size=config.batch_size, num_workers=0)
        losses = []
        for it, (x, y) in enumerate(loader):
            with torch.set_grad_enabled(True):
                logits, loss = model(x, y)
                loss = loss.mean()
                losses.append(loss.item())
            model.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), config.grad_norm_clip)
            optimizer.step()
            if config.lr_decay:
                tokens += (y >= 0).sum()
                if tokens < config.warmup_tokens:
                    lr_mult = float(tokens) / float(max(1, config.warmup_tokens))
                else:
                    progress = float(tokens - config.warmup_tokens) / float(max(1, config.final_tokens - config.warmup_tokens))
                    lr_mult = max(0.1, 0.5 * (1.0 + math.cos(math.pi * progress)))
                lr = config.learning_rate * lr_mult
                for param_group in optimizer.param_groups:
                    param_group['lr'] = lr
            print(f"epoch {epoch + 1} iter {it}: train loss {loss.item():.5f}. lr {lr:e}", type(tokens).__name__, tokens)
        print('mean loss', float(np.mean(losses)))


for use_rope in (False, True):
    torch.manual_seed(0)
    mconf = GPTConfig(pretrain_dataset.vocab_size, pretrain_dataset.block_size, n_layer=2, n_head=2, n_embd=16,
                      rope=use_rope)
    model = GPT(mconf)
    print([n for n, _ in model.named_buffers()], hasattr(model, 'pos_emb'))
    train(model, pretrain_dataset, TrainerConfig())
    context = "Jacob Henry Studer. Born in" + MASK_CHAR
    x = torch.tensor([pretrain_dataset.stoi[s] for s in context], dtype=torch.long)[None, ...]
    pred = sample(model, x, 5, sample=False)[0]
    completion = ''.join([pretrain_dataset.itos[int(i)] for i in pred])
    print(completion.split(MASK_CHAR)[1], pred.shape)
    torch.manual_seed(3)
    pred = sample(model, x, 5, sample=True, top_k=5)[0]
    print(''.join([pretrain_dataset.itos[int(i)] for i in pred]).split(MASK_CHAR)[1])
