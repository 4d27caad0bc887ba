import tinygrad_rnn as torch
import os
import tempfile
import numpy as np
nn = torch.nn

# "Build a Large Language Model (From Scratch)" bonus material, shrunk: a GPT with a KV cache
# (register_buffer(..., None, persistent=False), torch.cat onto the cache, a position pointer),
# "pretrained" numpy weights copied in with an assign() helper (np.split of c_attn, transposes,
# weight tying), checkpoints written to a file and read back with map_location and weights_only.
torch.manual_seed(123)
cfg = {"vocab_size": 30, "context_length": 12, "emb_dim": 8, "n_heads": 2, "n_layers": 2, "drop_rate": 0.0,
       "qkv_bias": True}


class MultiHeadAttention(nn.Module):
    def __init__(self, d_in, d_out, dropout, num_heads, qkv_bias=False):
        super().__init__()
        self.d_out, self.num_heads, self.head_dim = d_out, num_heads, d_out // num_heads
        self.W_query = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_key = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.W_value = nn.Linear(d_in, d_out, bias=qkv_bias)
        self.out_proj = nn.Linear(d_out, d_out)
        self.dropout = nn.Dropout(dropout)
        self.register_buffer("cache_k", None, persistent=False)
        self.register_buffer("cache_v", None, persistent=False)
        self.ptr_current_pos = 0

    def forward(self, x, use_cache=False):
        b, num_tokens, d_in = x.shape
        keys_new = self.W_key(x).view(b, num_tokens, self.num_heads, self.head_dim)
        values_new = self.W_value(x).view(b, num_tokens, self.num_heads, self.head_dim)
        queries = self.W_query(x).view(b, num_tokens, self.num_heads, self.head_dim)
        if use_cache:
            if self.cache_k is None:
                self.cache_k, self.cache_v = keys_new, values_new
            else:
                self.cache_k = torch.cat([self.cache_k, keys_new], dim=1)
                self.cache_v = torch.cat([self.cache_v, values_new], dim=1)
            keys, values = self.cache_k, self.cache_v
        else:
            keys, values = keys_new, values_new
        keys, queries, values = keys.transpose(1, 2), queries.transpose(1, 2), values.transpose(1, 2)
        attn_scores = queries @ keys.transpose(2, 3)
        num_tokens_Q, num_tokens_K = queries.shape[-2], keys.shape[-2]
        if use_cache:
            q_positions = torch.arange(self.ptr_current_pos, self.ptr_current_pos + num_tokens_Q, device=x.device,
                                       dtype=torch.long)
            self.ptr_current_pos += num_tokens_Q
        else:
            q_positions = torch.arange(num_tokens_Q, device=x.device, dtype=torch.long)
            self.ptr_current_pos = 0
        k_positions = torch.arange(num_tokens_K, device=x.device, dtype=torch.long)
        mask_bool = q_positions.unsqueeze(-1) < k_positions.unsqueeze(0)
        attn_scores.masked_fill_(mask_bool, -torch.inf)
        attn_weights = self.dropout(torch.softmax(attn_scores / keys.shape[-1]**0.5, dim=-1))
        context_vec = (attn_weights @ values).transpose(1, 2).contiguous().view(b, num_tokens, self.d_out)
        return self.out_proj(context_vec)

    def reset_cache(self):
        self.cache_k, self.cache_v = None, None
        self.ptr_current_pos = 0


class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.att = MultiHeadAttention(cfg["emb_dim"], cfg["emb_dim"], cfg["drop_rate"], cfg["n_heads"], cfg["qkv_bias"])
        self.ff = nn.Sequential(nn.Linear(cfg["emb_dim"], 4 * cfg["emb_dim"]), nn.GELU(approximate="tanh"),
                                nn.Linear(4 * cfg["emb_dim"], cfg["emb_dim"]))
        self.norm1 = nn.LayerNorm(cfg["emb_dim"])
        self.norm2 = nn.LayerNorm(cfg["emb_dim"])

    def forward(self, x, use_cache=False):
        x = x + self.att(self.norm1(x), use_cache=use_cache)
        return x + self.ff(self.norm2(x))


class GPTModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.tok_emb = nn.Embedding(cfg["vocab_size"], cfg["emb_dim"])
        self.pos_emb = nn.Embedding(cfg["context_length"], cfg["emb_dim"])
        self.trf_blocks = nn.ModuleList([TransformerBlock(cfg) for _ in range(cfg["n_layers"])])
        self.current_pos = 0
        self.final_norm = nn.LayerNorm(cfg["emb_dim"])
        self.out_head = nn.Linear(cfg["emb_dim"], cfg["vocab_size"], bias=False)

    def forward(self, in_idx, use_cache=False):
        batch_size, seq_len = in_idx.shape
        tok_embeds = self.tok_emb(in_idx)
        if use_cache:
            pos_ids = torch.arange(self.current_pos, self.current_pos + seq_len, device=in_idx.device, dtype=torch.long)
            self.current_pos += seq_len
        else:
            pos_ids = torch.arange(0, seq_len, device=in_idx.device, dtype=torch.long)
        x = tok_embeds + self.pos_emb(pos_ids).unsqueeze(0)
        for blk in self.trf_blocks:
            x = blk(x, use_cache=use_cache)
        return self.out_head(self.final_norm(x))

    def reset_kv_cache(self):
        for blk in self.trf_blocks:
            blk.att.reset_cache()
        self.current_pos = 0


def generate_text_simple_cached(model, idx, max_new_tokens, context_size=None, use_cache=True):
    model.eval()
    ctx_len = context_size or model.pos_emb.num_embeddings
    with torch.no_grad():
        if use_cache:
            model.reset_kv_cache()
            logits = model(idx[:, -ctx_len:], use_cache=True)
            for _ in range(max_new_tokens):
                next_idx = logits[:, -1].argmax(dim=-1, keepdim=True)
                idx = torch.cat([idx, next_idx], dim=1)
                logits = model(next_idx, use_cache=True)
        else:
            for _ in range(max_new_tokens):
                logits = model(idx[:, -ctx_len:], use_cache=False)
                next_idx = logits[:, -1].argmax(dim=-1, keepdim=True)
                idx = torch.cat([idx, next_idx], dim=1)
    return idx


model = GPTModel(cfg)
print(sorted(model.state_dict().keys())[:6], len(model.state_dict()))
print([name for name, _ in model.named_buffers()], model.trf_blocks[0].att.cache_k)
start = torch.tensor([[1, 5, 7, 2]])
cached = generate_text_simple_cached(model, start, max_new_tokens=6)
plain = generate_text_simple_cached(model, start, max_new_tokens=6, use_cache=False)
print(cached, plain, torch.equal(cached, plain))
print(model.trf_blocks[0].att.cache_k.shape, model.trf_blocks[0].att.ptr_current_pos, model.current_pos)
print([name for name, b in model.named_buffers()])
model.reset_kv_cache()
print(model.trf_blocks[1].att.cache_v, [name for name, _ in model.named_buffers()])


def assign(left, right):
    if left.shape != right.shape:
        raise ValueError(f"Shape mismatch. Left: {left.shape}, Right: {right.shape}")
    return torch.nn.Parameter(torch.tensor(right))


rng = np.random.default_rng(0)
params = {"wpe": rng.standard_normal((12, 8)).astype(np.float32), "wte": rng.standard_normal((30, 8)).astype(np.float32),
          "blocks": [{"attn": {"c_attn": {"w": rng.standard_normal((8, 24)).astype(np.float32),
                                          "b": rng.standard_normal(24).astype(np.float32)}},
                      "ln_1": {"g": np.ones(8, np.float32), "b": np.zeros(8, np.float32)}} for _ in range(2)]}
model.pos_emb.weight = assign(model.pos_emb.weight, params["wpe"])
model.tok_emb.weight = assign(model.tok_emb.weight, params["wte"])
for b in range(2):
    q_w, k_w, v_w = np.split(params["blocks"][b]["attn"]["c_attn"]["w"], 3, axis=-1)
    model.trf_blocks[b].att.W_query.weight = assign(model.trf_blocks[b].att.W_query.weight, q_w.T)
    model.trf_blocks[b].att.W_key.weight = assign(model.trf_blocks[b].att.W_key.weight, k_w.T)
    model.trf_blocks[b].att.W_value.weight = assign(model.trf_blocks[b].att.W_value.weight, v_w.T)
    q_b, k_b, v_b = np.split(params["blocks"][b]["attn"]["c_attn"]["b"], 3, axis=-1)
    model.trf_blocks[b].att.W_query.bias = assign(model.trf_blocks[b].att.W_query.bias, q_b)
    model.trf_blocks[b].norm1.weight = assign(model.trf_blocks[b].norm1.weight, params["blocks"][b]["ln_1"]["g"])
model.out_head.weight = assign(model.out_head.weight, params["wte"])
print(model.trf_blocks[0].att.W_key.weight[:2], model.trf_blocks[0].att.W_query.bias)
print(model.out_head.weight is model.tok_emb.weight, torch.equal(model.out_head.weight, model.tok_emb.weight))
print(generate_text_simple_cached(model, start, max_new_tokens=5))
try:
    assign(model.pos_emb.weight, params["wte"])
except ValueError as e:
    print(e)

optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.1)
model.train()
for step in range(3):
    optimizer.zero_grad()
    logits = model(torch.tensor([[1, 5, 7, 2, 9, 3]]))
    loss = torch.nn.functional.cross_entropy(logits[:, :-1].flatten(0, 1), torch.tensor([5, 7, 2, 9, 3]))
    loss.backward()
    optimizer.step()
    print(step, loss.item(), model.trf_blocks[0].att.W_query.bias.grad[:3])
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "model_and_optimizer.pth")
    torch.save({"model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict()}, path)
    checkpoint = torch.load(path, map_location=torch.device("cpu"), weights_only=True)
    fresh = GPTModel(cfg)
    print(fresh.load_state_dict(checkpoint["model_state_dict"]))
    fresh_opt = torch.optim.AdamW(fresh.parameters(), lr=5e-4, weight_decay=0.1)
    fresh_opt.load_state_dict(checkpoint["optimizer_state_dict"])
    print(fresh_opt.param_groups[0]["lr"], len(fresh_opt.state), os.path.getsize(path) > 0)
    torch.save(fresh.state_dict(), path)
    weights = torch.load(path, weights_only=True)
    print(type(weights).__name__, list(weights)[:3], weights["pos_emb.weight"].dtype)
print(torch.equal(fresh.pos_emb.weight, model.pos_emb.weight), fresh.out_head.weight is fresh.tok_emb.weight)
