import tinygrad_rnn as torch
# Neural Turing machine style read/write heads (the addressing from "Attention and Augmented Recurrent
# Neural Networks" and the NTM paper): content addressing with cosine similarity and a key strength,
# interpolation with the previous weighting, a circular-convolution shift written with torch.roll,
# sharpening, then erase/add writes and a small LSTM controller trained 6 steps on a copy task.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)

N, M = 8, 6  # memory slots, slot width
memory = torch.randn(N, M)
key = memory[3] + 0.1 * torch.randn(M)


def content_address(memory, key, beta):
    similarity = F.cosine_similarity(memory, key.unsqueeze(0), dim=-1, eps=1e-16)
    return F.softmax(beta * similarity, dim=-1)


w_c = content_address(memory, key, torch.tensor(5.0))
print("similarity argmax:", w_c.argmax().item(), "weights sum:", round(w_c.sum().item(), 5))
print("content weights:", w_c)
print("cosine_similarity broadcast:", F.cosine_similarity(memory[:2], key, dim=1))
counts = torch.tensor([[2, 0, 1], [0, 3, 1]])  # integer bag-of-words counts against a float query
print("int vs float cosine:", F.cosine_similarity(counts, torch.tensor([1.0, 0.5, 0.0]), dim=1))
try:
    F.cosine_similarity(counts, counts)
except RuntimeError as e:
    print("RuntimeError:", e)
print("CosineSimilarity module:", nn.CosineSimilarity(dim=0)(memory[0], memory[1]))


def interpolate(w_content, w_prev, gate):
    return gate * w_content + (1 - gate) * w_prev


def circular_shift(w, shift):
    # shift is a distribution over the offsets (-1, 0, +1)
    rolled = torch.stack([torch.roll(w, offset, dims=-1) for offset in (-1, 0, 1)], dim=-1)
    return (rolled * shift.unsqueeze(-2)).sum(-1)


def sharpen(w, gamma):
    w = w ** gamma
    return w / (w.sum(-1, keepdim=True) + 1e-16)


w_prev = F.one_hot(torch.tensor(0), N).float()
w_g = interpolate(w_c, w_prev, torch.tensor(0.7))
w_s = circular_shift(w_g, torch.tensor([0.1, 0.2, 0.7]))
w = sharpen(w_s, torch.tensor(2.5))
print("interpolated:", w_g)
print("shifted:", w_s)
print("sharpened:", w)
print("roll 2d:", torch.roll(torch.arange(6).view(2, 3), shifts=(1, -1), dims=(0, 1)))
print("roll flat:", torch.roll(torch.arange(6).view(2, 3), 2))

# Write: erase then add, the outer products of the weighting with the erase and add vectors.
erase = torch.sigmoid(torch.randn(M))
add = torch.tanh(torch.randn(M))
new_memory = memory * (1 - torch.outer(w, erase)) + torch.ger(w, add)
read = w @ new_memory
print("read vector:", read)
print("memory change norm:", (new_memory - memory).norm().item())
print("einsum read batch:", torch.einsum("bn,nm->bm", torch.stack([w, w_c]), memory).shape)


class NTMHead(nn.Module):
    def __init__(self, controller_size, N, M):
        super().__init__()
        self.N, self.M = N, M
        # key (M), beta, gate, shift (3), gamma, erase (M), add (M)
        self.fc = nn.Linear(controller_size, M + 1 + 1 + 3 + 1 + M + M)

    def address(self, h, memory, w_prev):
        k, beta, g, s, gamma, e, a = torch.split(self.fc(h), [self.M, 1, 1, 3, 1, self.M, self.M], dim=-1)
        beta = F.softplus(beta)
        g = torch.sigmoid(g)
        s = F.softmax(s, dim=-1)
        gamma = 1 + F.softplus(gamma)
        sim = F.cosine_similarity(memory, k.unsqueeze(1), dim=-1, eps=1e-8)
        w = F.softmax(beta * sim, dim=-1)
        w = interpolate(w, w_prev, g)
        w = circular_shift(w, s)
        return sharpen(w, gamma), torch.sigmoid(e), torch.tanh(a)


class NTM(nn.Module):
    def __init__(self, n_in, n_out, hidden, N, M):
        super().__init__()
        self.N, self.M, self.hidden = N, M, hidden
        self.controller = nn.LSTMCell(n_in + M, hidden)
        self.head = NTMHead(hidden, N, M)
        self.out = nn.Linear(hidden + M, n_out)
        self.register_buffer("mem_bias", torch.full((N, M), 1e-6))

    def forward(self, x):
        B, T, _ = x.shape
        memory = self.mem_bias.expand(B, -1, -1).clone()
        h = x.new_zeros(B, self.hidden)
        c = x.new_zeros(B, self.hidden)
        read = x.new_zeros(B, self.M)
        w = x.new_zeros(B, self.N)
        w[:, 0] = 1.0
        outputs = []
        for t in range(T):
            h, c = self.controller(torch.cat([x[:, t], read], dim=1), (h, c))
            w, e, a = self.head.address(h, memory, w)
            memory = memory * (1 - w.unsqueeze(-1) * e.unsqueeze(1)) + w.unsqueeze(-1) * a.unsqueeze(1)
            read = torch.bmm(w.unsqueeze(1), memory).squeeze(1)
            outputs.append(self.out(torch.cat([h, read], dim=1)))
        return torch.stack(outputs, dim=1)


def copy_batch(batch, seq_len, width):
    bits = torch.randint(0, 2, (batch, seq_len, width)).float()
    delimiter = torch.zeros(batch, 1, width + 1)
    delimiter[:, :, -1] = 1
    inp = torch.cat([F.pad(bits, (0, 1)), delimiter, torch.zeros(batch, seq_len, width + 1)], dim=1)
    return inp, bits


model = NTM(n_in=5, n_out=4, hidden=16, N=N, M=M)
print(model)
print("parameters:", sum(p.numel() for p in model.parameters()))
print("buffers:", [name for name, _ in model.named_buffers()])
optimizer = torch.optim.RMSprop(model.parameters(), lr=3e-3, momentum=0.9, alpha=0.95)
criterion = nn.BCEWithLogitsLoss()
for step in range(1, 7):
    inp, target = copy_batch(4, 3, 4)
    logits = model(inp)[:, -3:]
    loss = criterion(logits, target)
    optimizer.zero_grad()
    loss.backward()
    nn.utils.clip_grad_value_(model.parameters(), 10)
    optimizer.step()
    if step % 2 == 0:
        bit_errors = ((logits.sigmoid() > 0.5).float() != target).sum().item()
        print(f"step {step:3d} loss {loss.item():.4f} bit errors {bit_errors:.0f}")

with torch.no_grad():
    inp, target = copy_batch(1, 3, 4)
    print("input bits:\n", target[0])
    print("predicted:\n", model(inp)[0, -3:].sigmoid().round())
