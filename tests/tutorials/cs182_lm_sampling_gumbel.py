import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
D = torch.distributions
# Berkeley CS182 (Designing, Visualizing and Understanding Deep Neural Networks), the language-model and
# discrete-latent homework: a word-level LSTM language model with a registered causal mask buffer,
# weights initialised through model.apply, two optimizer param groups and a LambdaLR warm-up whose
# get_last_lr is printed; clip_grad_norm_'s returned norm; sampling with torch.distributions
# (Categorical after top-k filtering, log_prob and entropy of samples, multinomial with a torch.Generator);
# straight-through Gumbel-softmax with one_hot targets; perplexity; errors the notebooks trigger on purpose.
torch.manual_seed(182)
corpus = ("the cat sat on the mat . the dog sat on the log . a cat saw a dog . "
          "the dog saw the cat on the mat . a dog sat on a log .").split()
vocab = ["<pad>", "<unk>"] + sorted(set(corpus))
word2id = {w: i for i, w in enumerate(vocab)}
ids = torch.tensor([word2id[w] for w in corpus])
print(len(vocab), ids.shape, ids[:10])
one_hot = F.one_hot(ids[:6], num_classes=len(vocab))
print(one_hot.shape, one_hot.dtype, one_hot.argmax(dim=1))
print(F.one_hot(torch.tensor([[0, 2], [1, 3]])))
seq_len = 8
windows = ids.unfold(0, seq_len + 1, 2)
inputs, targets = windows[:, :-1], windows[:, 1:]
print(inputs.shape, targets.shape)
class LanguageModel(nn.Module):
    def __init__(self, vocab_size, d_model=16, hidden=24, max_len=16):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, d_model, padding_idx=0)
        self.lstm = nn.LSTM(d_model, hidden, batch_first=True)
        self.attn_proj = nn.Linear(hidden, hidden, bias=False)
        self.head = nn.Linear(2 * hidden, vocab_size)
        self.register_buffer("causal_mask", torch.triu(torch.ones(max_len, max_len, dtype=torch.bool), diagonal=1))
    def forward(self, x):
        h, _ = self.lstm(self.embedding(x))
        L = x.shape[1]
        scores = self.attn_proj(h) @ h.transpose(1, 2) / math.sqrt(h.shape[-1])
        scores = scores.masked_fill(self.causal_mask[:L, :L], float("-inf"))
        context = torch.softmax(scores, dim=-1) @ h
        return self.head(torch.cat([h, context], dim=-1))
def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.xavier_uniform_(m.weight)
        if m.bias is not None:
            nn.init.zeros_(m.bias)
    elif isinstance(m, nn.LSTM):
        for name, param in m.named_parameters():
            if "weight_hh" in name:
                nn.init.orthogonal_(param)
            elif "bias" in name:
                param.data.fill_(0.0)
                param.data[m.hidden_size:2 * m.hidden_size] = 1.0
model = LanguageModel(len(vocab))
print(model.apply(init_weights) is model)
for name, module in model.named_modules():
    print(repr(name), type(module).__name__)
print([name for name, _ in model.named_children()])
print([name for name, _ in model.named_buffers()], model.causal_mask.shape, model.causal_mask.requires_grad)
print(list(model.state_dict())[-3:])
print(model.lstm.bias_ih_l0[20:28])
print(model.embedding.weight[0].abs().sum().item())
no_decay = [p for n, p in model.named_parameters() if "bias" in n or "embedding" in n]
decay = [p for n, p in model.named_parameters() if not ("bias" in n or "embedding" in n)]
optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01},
                               {"params": no_decay, "weight_decay": 0.0, "lr": 5e-3}], lr=1e-2)
print([len(g["params"]) for g in optimizer.param_groups], [g["lr"] for g in optimizer.param_groups])
warmup = 5
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_lambda=lambda step: min(1.0, (step + 1) / warmup))
print(scheduler.get_last_lr())
for step in range(30):
    logits = model(inputs)
    loss = F.cross_entropy(logits.reshape(-1, len(vocab)), targets.reshape(-1), ignore_index=0)
    optimizer.zero_grad()
    loss.backward()
    total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
    scheduler.step()
    if step % 6 == 0:
        print(f"step {step:2d} loss {loss.item():.4f} ppl {math.exp(loss.item()):.3f} "
              f"grad norm {total_norm.item():.4f} lr {scheduler.get_last_lr()}")
print(type(total_norm).__name__, total_norm.dtype, total_norm.shape)
print(optimizer.state_dict()["param_groups"][1]["initial_lr"], scheduler.state_dict()["last_epoch"])
# sampling from the trained model
model.eval()
@torch.no_grad()
def sample(model, prompt, n_words, temperature=1.0, top_k=None):
    x = torch.tensor([[word2id[w] for w in prompt.split()]])
    for _ in range(n_words):
        logits = model(x)[:, -1, :] / temperature
        if top_k is not None:
            v, _ = torch.topk(logits, top_k)
            logits[logits < v[:, [-1]]] = -float("inf")
        dist = D.Categorical(logits=logits)
        next_id = dist.sample()
        x = torch.cat([x, next_id.unsqueeze(0)], dim=1)
    return " ".join(vocab[i] for i in x[0].tolist())
torch.manual_seed(0)
print(sample(model, "the cat", 6))
print(sample(model, "a dog", 6, temperature=0.5, top_k=3))
dist = D.Categorical(logits=model(inputs[:1])[0, -1].detach())
s = dist.sample((4,))
print(s, dist.log_prob(s), dist.entropy())
print(torch.allclose(dist.probs.sum(), torch.tensor(1.0)), dist.logits.logsumexp(-1).abs().item() < 1e-6)
g = torch.Generator().manual_seed(5)
print(torch.multinomial(dist.probs, 5, replacement=True, generator=g))
# straight-through Gumbel-softmax
torch.manual_seed(1)
logits = torch.randn(4, 5, requires_grad=True)
soft = F.gumbel_softmax(logits, tau=0.5)
print(soft.sum(dim=-1))
torch.manual_seed(1)
hard = F.gumbel_softmax(logits, tau=0.5, hard=True)
print(hard)
print(torch.equal(hard.argmax(-1), soft.argmax(-1)))
target = F.one_hot(torch.tensor([0, 1, 2, 3]), 5).float()
((hard - target) ** 2).sum().backward()
print(logits.grad)
relaxed = D.RelaxedOneHotCategorical(torch.tensor(0.5), logits=logits.detach())
torch.manual_seed(2)
print(relaxed.rsample().sum(-1))
for bad in [lambda: F.one_hot(torch.tensor([0, 5]), num_classes=5),
            lambda: F.one_hot(torch.tensor([0.0, 1.0])),
            lambda: D.Categorical(probs=torch.tensor([0.5, -0.5])),
            lambda: model.register_buffer("causal_mask", torch.ones(2)),
            lambda: model.register_buffer("a.b", torch.ones(2))]:
    try:
        bad()
    except Exception as e:
        print(type(e).__name__, e)
