import tinygrad_rnn as torch
autograd = torch.autograd
nn = torch.nn
F = torch.nn.functional
init = torch.nn.init
# suragnair/seqGAN (SeqGAN, Yu et al. 2017, in PyTorch): a GRU generator fed one token at a time
# (init_hidden, forward returning log_softmax, sample with torch.multinomial, batchNLLLoss for MLE
# pretraining, batchPGLoss = -log p(y_t) * reward), a 2-layer bidirectional GRU discriminator with
# BCELoss, prepare_generator_batch's shifted inputs, and the adversarial step. Around it the sampling
# code of the same posts: Thomas Wolf's top_k_top_p_filtering (1-D and the batched scatter form),
# temperature, a Categorical REINFORCE with a moving baseline and an entropy bonus, straight-through
# F.gumbel_softmax(hard=True), and teacher forcing against free running.
torch.manual_seed(11)
VOCAB_SIZE, MAX_SEQ_LEN, START_LETTER = 8, 6, 0
GEN_EMBEDDING_DIM, GEN_HIDDEN_DIM, DIS_EMBEDDING_DIM, DIS_HIDDEN_DIM = 6, 10, 6, 8


class Generator(nn.Module):
    def __init__(self, embedding_dim, hidden_dim, vocab_size, max_seq_len, gpu=False, oracle_init=False):
        super(Generator, self).__init__()
        self.hidden_dim = hidden_dim
        self.embedding_dim = embedding_dim
        self.max_seq_len = max_seq_len
        self.vocab_size = vocab_size
        self.gpu = gpu
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.gru = nn.GRU(embedding_dim, hidden_dim)
        self.gru2out = nn.Linear(hidden_dim, vocab_size)
        if oracle_init:
            for p in self.parameters():
                init.normal(p, 0, 1)

    def init_hidden(self, batch_size=1):
        h = autograd.Variable(torch.zeros(1, batch_size, self.hidden_dim))
        return h

    def forward(self, inp, hidden):
        emb = self.embeddings(inp)
        emb = emb.view(1, -1, self.embedding_dim)
        out, hidden = self.gru(emb, hidden)
        out = self.gru2out(out.view(-1, self.hidden_dim))
        out = F.log_softmax(out, dim=1)
        return out, hidden

    def sample(self, num_samples, start_letter=0):
        samples = torch.zeros(num_samples, self.max_seq_len).type(torch.LongTensor)
        h = self.init_hidden(num_samples)
        inp = autograd.Variable(torch.LongTensor([start_letter] * num_samples))
        for i in range(self.max_seq_len):
            out, h = self.forward(inp, h)
            out = torch.multinomial(torch.exp(out), 1)
            samples[:, i] = out.view(-1).data
            inp = out.view(-1)
        return samples

    def batchNLLLoss(self, inp, target):
        loss_fn = nn.NLLLoss()
        batch_size, seq_len = inp.size()
        inp = inp.permute(1, 0)
        target = target.permute(1, 0)
        h = self.init_hidden(batch_size)
        loss = 0
        for i in range(seq_len):
            out, h = self.forward(inp[i], h)
            loss += loss_fn(out, target[i])
        return loss

    def batchPGLoss(self, inp, target, reward):
        batch_size, seq_len = inp.size()
        inp = inp.permute(1, 0)
        target = target.permute(1, 0)
        h = self.init_hidden(batch_size)
        loss = 0
        for i in range(seq_len):
            out, h = self.forward(inp[i], h)
            for j in range(batch_size):
                loss += -out[j][target.data[i][j]] * reward[j]
        return loss / batch_size


class Discriminator(nn.Module):
    def __init__(self, embedding_dim, hidden_dim, vocab_size, max_seq_len, gpu=False, dropout=0.2):
        super(Discriminator, self).__init__()
        self.hidden_dim = hidden_dim
        self.embedding_dim = embedding_dim
        self.max_seq_len = max_seq_len
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.gru = nn.GRU(embedding_dim, hidden_dim, num_layers=2, bidirectional=True, dropout=dropout)
        self.gru2hidden = nn.Linear(2 * 2 * hidden_dim, hidden_dim)
        self.dropout_linear = nn.Dropout(p=dropout)
        self.hidden2out = nn.Linear(hidden_dim, 1)

    def init_hidden(self, batch_size):
        return autograd.Variable(torch.zeros(2 * 2 * 1, batch_size, self.hidden_dim))

    def forward(self, input, hidden):
        emb = self.embeddings(input)
        emb = emb.permute(1, 0, 2)
        _, hidden = self.gru(emb, hidden)
        hidden = hidden.permute(1, 0, 2).contiguous()
        out = self.gru2hidden(hidden.view(-1, 4 * self.hidden_dim))
        out = torch.tanh(out)
        out = self.dropout_linear(out)
        out = self.hidden2out(out)
        out = torch.sigmoid(out)
        return out

    def batchClassify(self, inp):
        h = self.init_hidden(inp.size()[0])
        out = self.forward(inp, h)
        return out.view(-1)

    def batchBCELoss(self, inp, target):
        loss_fn = nn.BCELoss()
        h = self.init_hidden(inp.size()[0])
        out = self.forward(inp, h)
        return loss_fn(out, target)


def prepare_generator_batch(samples, start_letter=0, gpu=False):
    batch_size, seq_len = samples.size()
    inp = torch.zeros(batch_size, seq_len)
    target = samples
    inp[:, 0] = start_letter
    inp[:, 1:] = target[:, :seq_len - 1]
    inp = autograd.Variable(inp).type(torch.LongTensor)
    target = autograd.Variable(target).type(torch.LongTensor)
    return inp, target


def prepare_discriminator_data(pos_samples, neg_samples, gpu=False):
    inp = torch.cat((pos_samples, neg_samples), 0).type(torch.LongTensor)
    target = torch.ones(pos_samples.size()[0] + neg_samples.size()[0])
    target[pos_samples.size()[0]:] = 0
    perm = torch.randperm(target.size()[0])
    target = target[perm]
    inp = inp[perm]
    return autograd.Variable(inp), autograd.Variable(target)


print("-- oracle and real data")
oracle = Generator(GEN_EMBEDDING_DIM, GEN_HIDDEN_DIM, VOCAB_SIZE, MAX_SEQ_LEN, oracle_init=True)
print(oracle)
print(oracle.gru2out.weight.std() > 0.5, oracle.init_hidden(3).shape)
with torch.no_grad():
    real = oracle.sample(12, START_LETTER)
print(real.dtype, real.shape)
print(real[:4])
inp, target = prepare_generator_batch(real[:4], START_LETTER)
print(inp, target.type(), inp.type())

print("-- MLE pretraining (teacher forcing)")
gen = Generator(GEN_EMBEDDING_DIM, GEN_HIDDEN_DIM, VOCAB_SIZE, MAX_SEQ_LEN)
gen_optimizer = torch.optim.Adam(gen.parameters(), lr=1e-2)
for epoch in range(3):
    inp, target = prepare_generator_batch(real, START_LETTER)
    gen_optimizer.zero_grad()
    loss = gen.batchNLLLoss(inp, target)
    loss.backward()
    gen_optimizer.step()
    print("epoch %d average_train_NLL = %.4f" % (epoch, loss.item() / MAX_SEQ_LEN))
with torch.no_grad():
    oracle_nll = oracle.batchNLLLoss(*prepare_generator_batch(gen.sample(6), START_LETTER))
print("oracle NLL of generator samples %.4f" % (oracle_nll.item() / MAX_SEQ_LEN))

print("-- discriminator")
dis = Discriminator(DIS_EMBEDDING_DIM, DIS_HIDDEN_DIM, VOCAB_SIZE, MAX_SEQ_LEN)
print(dis.gru, [k for k in dis.state_dict() if "reverse" in k][:4])
dis_optimizer = torch.optim.Adagrad(dis.parameters())
print(dis_optimizer)
with torch.no_grad():
    fake = gen.sample(12)
d_inp, d_target = prepare_discriminator_data(real, fake)
print(d_inp.shape, d_target)
for step in range(2):
    dis_optimizer.zero_grad()
    out = dis.batchClassify(d_inp)
    loss_fn = nn.BCELoss()
    loss = loss_fn(out, d_target)
    loss.backward()
    dis_optimizer.step()
    acc = torch.sum((out > 0.5) == (d_target > 0.5)).data.item() / 24.0
    print("d-step %d loss = %.4f, train_acc = %.4f" % (step, loss.item(), acc))
print(dis.batchBCELoss(d_inp[:4], d_target[:4].unsqueeze(1)))

print("-- adversarial (policy gradient) step")
s = gen.sample(6)
inp, target = prepare_generator_batch(s, START_LETTER)
rewards = dis.batchClassify(target).detach()
print(rewards.shape, rewards.requires_grad)
gen_optimizer.zero_grad()
pg_loss = gen.batchPGLoss(inp, target, rewards)
print(pg_loss, pg_loss.grad_fn.name())
pg_loss.backward()
gen_optimizer.step()
print(gen.gru.weight_hh_l0.grad.norm() > 0)

print("-- top-k / top-p filtering")


def top_k_top_p_filtering(logits, top_k=0, top_p=0.0, filter_value=-float("Inf")):
    assert logits.dim() == 1
    top_k = min(top_k, logits.size(-1))
    if top_k > 0:
        indices_to_remove = logits < torch.topk(logits, top_k)[0][..., -1, None]
        logits[indices_to_remove] = filter_value
    if top_p > 0.0:
        sorted_logits, sorted_indices = torch.sort(logits, descending=True)
        cumulative_probs = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)
        sorted_indices_to_remove = cumulative_probs > top_p
        sorted_indices_to_remove[..., 1:] = sorted_indices_to_remove[..., :-1].clone()
        sorted_indices_to_remove[..., 0] = 0
        indices_to_remove = sorted_indices[sorted_indices_to_remove]
        logits[indices_to_remove] = filter_value
    return logits


logits = torch.tensor([2.0, 0.5, -1.0, 3.0, 0.0, 1.5, -0.5, 1.0])
print(torch.topk(logits, 3), torch.topk(logits, 3, largest=False).indices)
print(top_k_top_p_filtering(logits.clone(), top_k=3))
print(top_k_top_p_filtering(logits.clone(), top_p=0.9))
filtered = top_k_top_p_filtering(logits.clone(), top_k=5, top_p=0.8)
probs = F.softmax(filtered / 0.7, dim=-1)
print(filtered, probs)
g = torch.Generator().manual_seed(2019)
print(torch.multinomial(probs, 10, replacement=True, generator=g))
print(g.initial_seed(), g.get_state().shape)


def top_k_top_p_batched(logits, top_k=0, top_p=1.0, filter_value=-float("Inf"), min_tokens_to_keep=1):
    if top_k > 0:
        top_k = min(max(top_k, min_tokens_to_keep), logits.size(-1))
        indices_to_remove = logits < torch.topk(logits, top_k)[0][..., -1, None]
        logits = logits.masked_fill(indices_to_remove, filter_value)
    if top_p < 1.0:
        sorted_logits, sorted_indices = torch.sort(logits, descending=True)
        cumulative_probs = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)
        sorted_indices_to_remove = cumulative_probs > top_p
        if min_tokens_to_keep > 1:
            sorted_indices_to_remove[..., :min_tokens_to_keep] = 0
        sorted_indices_to_remove[..., 1:] = sorted_indices_to_remove[..., :-1].clone()
        sorted_indices_to_remove[..., 0] = 0
        indices_to_remove = sorted_indices_to_remove.scatter(1, sorted_indices, sorted_indices_to_remove)
        logits = logits.masked_fill(indices_to_remove, filter_value)
    return logits


batch_logits = torch.randn(3, VOCAB_SIZE)
out = top_k_top_p_batched(batch_logits, top_k=4, top_p=0.75, min_tokens_to_keep=2)
print(out)
print(torch.isinf(out).sum(dim=1), torch.isfinite(out).sum(-1))
print(torch.multinomial(F.softmax(out, dim=-1), num_samples=1, generator=g).squeeze(1))
for temperature in (0.5, 1.0, 2.0):
    p = torch.softmax(batch_logits[0] / temperature, dim=-1)
    print(temperature, p.max().item(), -(p * p.log()).sum().item())

print("-- REINFORCE with baseline and entropy")
baseline = 0.0
policy = Generator(GEN_EMBEDDING_DIM, GEN_HIDDEN_DIM, VOCAB_SIZE, MAX_SEQ_LEN)
opt = torch.optim.SGD(policy.parameters(), lr=0.1)
for it in range(3):
    h = policy.init_hidden(5)
    tok = torch.full((5,), START_LETTER, dtype=torch.long)
    log_probs, entropies, seq = [], [], []
    for t in range(MAX_SEQ_LEN):
        out, h = policy(tok, h)
        dist = torch.distributions.Categorical(logits=out)
        tok = dist.sample()
        log_probs.append(dist.log_prob(tok))
        entropies.append(dist.entropy())
        seq.append(tok)
    seq = torch.stack(seq, dim=1)
    reward = (seq == 3).float().mean(dim=1)
    baseline = 0.9 * baseline + 0.1 * reward.mean().item()
    advantage = reward - baseline
    log_prob = torch.stack(log_probs, dim=1).sum(dim=1)
    entropy = torch.stack(entropies, dim=1).mean()
    loss = -(log_prob * advantage).mean() - 0.01 * entropy
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(it, seq[0].tolist(), round(reward.mean().item(), 4), round(baseline, 5), loss.item(), entropy.item())
print(dist.probs.shape, dist.param_shape, dist.support)

print("-- Gumbel-softmax")
logits = torch.randn(4, VOCAB_SIZE, requires_grad=True)
soft = F.gumbel_softmax(logits, tau=0.5)
hard = F.gumbel_softmax(logits, tau=0.5, hard=True)
print(soft.sum(dim=-1), soft.grad_fn.name())
print(hard, hard.grad_fn.name())
emb = nn.Embedding(VOCAB_SIZE, 3)
mixed = hard @ emb.weight
print(torch.allclose(mixed, emb(hard.argmax(-1))))
mixed.sum().backward()
print(logits.grad.shape, logits.grad.abs().sum() > 0)
y_soft = (logits.detach() / 1.0).softmax(-1)
index = y_soft.max(-1, keepdim=True)[1]
y_hard = torch.zeros_like(logits).scatter_(-1, index, 1.0)
print(y_hard - y_soft.detach() + y_soft)
print(F.gumbel_softmax(torch.zeros(2, 3), hard=True, dim=0).sum(0))

print("-- teacher forcing vs free running")
seq = real[:3]
inp, target = prepare_generator_batch(seq, START_LETTER)
with torch.no_grad():
    tf_loss = gen.batchNLLLoss(inp, target) / MAX_SEQ_LEN
    h = gen.init_hidden(3)
    tok = inp[:, 0]
    free_nll = 0
    for t in range(MAX_SEQ_LEN):
        out, h = gen(tok, h)
        free_nll += F.nll_loss(out, target[:, t])
        tok = out.argmax(dim=1)
print("teacher forcing NLL %.4f, free running NLL %.4f" % (tf_loss.item(), free_nll.item() / MAX_SEQ_LEN))
