import tinygrad_rnn as torch
# Edward Raff, "Inside Deep Learning" (Manning), chapters 10 and 11: attention as a score function plus
# ApplyAttention (DotScore with bmm and 1/sqrt(H), GeneralScore through nn.Bilinear, AdditiveAttentionScore with
# tanh), masks found from padding (getMaskByFill) and applied by boolean indexing, a bag-of-vectors attention
# classifier, then a GRU encoder / GRUCell decoder seq2seq with attention and teacher forcing, trained with
# CrossEntropyLoss(ignore_index=...), greedy decoding. A made-up digit-reversal task stands in for the book's
# MNIST bags and English-French pairs.
import random

import numpy as np

nn, F = torch.nn, torch.nn.functional
torch.manual_seed(7)
np.random.seed(7)
random.seed(7)


class DotScore(nn.Module):
    def __init__(self, H):
        super(DotScore, self).__init__()

    def forward(self, states, context):
        H = states.size(2)
        scores = torch.bmm(states, context.unsqueeze(2)) / np.sqrt(H)
        return scores


class GeneralScore(nn.Module):
    def __init__(self, H):
        super(GeneralScore, self).__init__()
        self.w = nn.Bilinear(H, H, 1)

    def forward(self, states, context):
        T = states.size(1)
        context = torch.stack([context for _ in range(T)], dim=1)
        return self.w(states, context)


class AdditiveAttentionScore(nn.Module):
    def __init__(self, H):
        super().__init__()
        self.v = nn.Linear(H, 1)
        self.w = nn.Linear(2 * H, H)

    def forward(self, states, context):
        T = states.size(1)
        context = torch.stack([context for _ in range(T)], dim=1)
        state_context_combined = torch.cat((states, context), dim=2)
        return self.v(torch.tanh(self.w(state_context_combined)))


class ApplyAttention(nn.Module):
    def __init__(self):
        super(ApplyAttention, self).__init__()

    def forward(self, states, attention_scores, mask=None):
        if mask is not None:
            attention_scores[~mask] = -1000.0
        weights = F.softmax(attention_scores, dim=1)
        final_context = (states * weights).sum(dim=1)
        return final_context, weights


def getMaskByFill(x, time_dimension=1, fill=0):
    to_sum_over = list(range(1, len(x.shape)))
    if time_dimension in to_sum_over:
        to_sum_over.remove(time_dimension)
    with torch.no_grad():
        mask = torch.sum((x != fill), dim=to_sum_over) > 0
    return mask


# ---------------------------------------------------------------- the score functions side by side
B, T, H = 2, 4, 3
states = torch.randn(B, T, H)
states[1, 3:] = 0
context = states.mean(dim=1)
mask = getMaskByFill(states)
print("mask", mask, mask.dtype, mask.shape)
apply = ApplyAttention()
for score_cls in (DotScore, GeneralScore, AdditiveAttentionScore):
    torch.manual_seed(1)
    scorer = score_cls(H)
    scores = scorer(states, context)
    print(score_cls.__name__, scores.shape, [tuple(p.shape) for p in scorer.parameters()])
    ctx, weights = apply(states, scores.clone(), mask=mask.unsqueeze(2))
    print(" weights", weights.squeeze(2))
    print(" context", ctx)
    print(" masked weight", weights[1, 3].item() < 1e-6, weights.sum(dim=1).flatten())
print(nn.Bilinear(H, H, 1))

# ---------------------------------------------------------------- attention over a bag of vectors
bags = torch.randn(16, 5, 6)
lengths = torch.randint(2, 6, (16,))
for i, n in enumerate(lengths.tolist()):
    bags[i, n:] = 0
labels = (bags.sum(dim=(1, 2)) > 0).long()
print("lengths", lengths, "labels", labels)


class Flatten(nn.Module):
    def forward(self, x):
        return x.view(x.size(0), -1)


class SmarterAttentionNet(nn.Module):
    def __init__(self, input_size, hidden_size, out_size, score_net=None):
        super(SmarterAttentionNet, self).__init__()
        self.backbone = nn.Sequential(
            nn.Linear(input_size, hidden_size), nn.LeakyReLU(),
            nn.Linear(hidden_size, hidden_size), nn.LeakyReLU(),
        )
        self.score_net = AdditiveAttentionScore(hidden_size) if score_net is None else score_net
        self.apply_attn = ApplyAttention()
        self.prediction_net = nn.Sequential(nn.BatchNorm1d(hidden_size), nn.Linear(hidden_size, out_size))

    def forward(self, input):
        mask = getMaskByFill(input)
        h = self.backbone(input)
        h_context = (mask.unsqueeze(-1) * h).sum(dim=1)
        h_context = h_context / (mask.sum(dim=1).unsqueeze(-1) + 1e-10)
        scores = self.score_net(h, h_context)
        final_context, _ = self.apply_attn(h, scores, mask=mask)
        return self.prediction_net(final_context)


for score in ("dot", "general", "additive"):
    torch.manual_seed(3)
    net = SmarterAttentionNet(6, 8, 2, score_net={"dot": DotScore(8), "general": GeneralScore(8),
                                                  "additive": None}[score])
    opt = torch.optim.Adam(net.parameters(), lr=0.01)
    for step in range(10):
        loss = F.cross_entropy(net(bags), labels)
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        acc = (net(bags).argmax(dim=1) == labels).float().mean()
    print(score, round(loss.item(), 4), round(acc.item(), 4), list(net.state_dict().keys())[-5:])

# ---------------------------------------------------------------- seq2seq with attention
SOS, EOS, PAD = 10, 11, 12
vocab = 13


def make_pair(n):
    digits = [random.randrange(10) for _ in range(n)]
    return digits + [EOS], list(reversed(digits)) + [EOS]


pairs = [make_pair(random.randint(2, 5)) for _ in range(16)]
print(pairs[:2])


def pad_batch(batch):
    xs = [torch.tensor(x, dtype=torch.int64) for x, _ in batch]
    ys = [torch.tensor(y, dtype=torch.int64) for _, y in batch]
    return (nn.utils.rnn.pad_sequence(xs, batch_first=True, padding_value=PAD),
            nn.utils.rnn.pad_sequence(ys, batch_first=True, padding_value=PAD))


class Seq2SeqAttention(nn.Module):
    def __init__(self, num_embeddings, embd_size, hidden_size, padding_idx=None, layers=1, max_decode_length=8):
        super(Seq2SeqAttention, self).__init__()
        self.padding_idx = padding_idx
        self.hidden_size = hidden_size
        self.embd = nn.Embedding(num_embeddings, embd_size, padding_idx=padding_idx)
        self.encode_layers = nn.GRU(input_size=embd_size, hidden_size=hidden_size // 2, num_layers=layers,
                                    bidirectional=True, batch_first=True)
        self.decode_layers = nn.ModuleList(
            [nn.GRUCell(embd_size * 2 if i == 0 else hidden_size, hidden_size) for i in range(layers)])
        self.score_net = DotScore(hidden_size)
        self.predict_word = nn.Sequential(
            nn.Linear(2 * hidden_size, hidden_size), nn.LeakyReLU(), nn.LayerNorm(hidden_size),
            nn.Linear(hidden_size, num_embeddings))
        self.max_decode_length = max_decode_length
        self.apply_attn = ApplyAttention()

    def forward(self, input, target=None, teacher_forcing=0.5):
        B, T = input.size(0), input.size(1)
        mask = input != self.padding_idx
        lengths = mask.sum(dim=1)
        x = self.embd(input)
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        h_encoded, h_last = self.encode_layers(packed)
        h_encoded, _ = nn.utils.rnn.pad_packed_sequence(h_encoded, batch_first=True, total_length=T)
        h_last = h_last.view(-1, 2, B, self.hidden_size // 2)[-1].permute(1, 0, 2).reshape(B, -1)
        h_prevs = [h_last for _ in range(len(self.decode_layers))]
        decode_steps = target.size(1) if target is not None else self.max_decode_length
        last_attn = torch.zeros(B, x.size(2))
        prev_tokens = torch.full((B,), SOS, dtype=torch.long)
        all_predictions = []
        for t in range(decode_steps):
            x_in = torch.cat((self.embd(prev_tokens), last_attn), dim=1)
            for layer, cell in enumerate(self.decode_layers):
                h_prevs[layer] = cell(x_in, h_prevs[layer])
                x_in = h_prevs[layer]
            h_decoder = x_in
            scores = self.score_net(h_encoded, h_decoder)
            context, weights = self.apply_attn(h_encoded, scores, mask=mask.unsqueeze(2))
            last_attn = context[:, :x.size(2)]
            word_pred = self.predict_word(torch.cat((context, h_decoder), dim=1))
            all_predictions.append(word_pred)
            with torch.no_grad():
                if self.training and target is not None and random.random() < teacher_forcing:
                    prev_tokens = target[:, t].squeeze()
                else:
                    prev_tokens = word_pred.argmax(dim=1)
        return torch.stack(all_predictions, dim=1)


torch.manual_seed(5)
model = Seq2SeqAttention(vocab, 8, 16, padding_idx=PAD, layers=2)
print(model)
print([(k, tuple(v.shape)) for k, v in model.state_dict().items()][:8])
print("embedding pad row", model.embd.weight[PAD])


def CrossEntLossTime(x, y):
    cel = nn.CrossEntropyLoss(ignore_index=PAD)
    T = min(x.size(1), y.size(1))
    loss = 0
    for t in range(T):
        loss += cel(x[:, t, :], y[:, t])
    return loss


loader = torch.utils.data.DataLoader(pairs, batch_size=8, shuffle=True, collate_fn=pad_batch)
optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
for epoch in range(3):
    model.train()
    total = []
    for src, tgt in loader:
        preds = model(src, target=tgt)
        loss = CrossEntLossTime(preds, tgt)
        optimizer.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        total.append(loss.item())
    print("epoch", epoch, [round(v, 4) for v in total])

model.eval()
src, tgt = pad_batch(pairs[:3])
with torch.no_grad():
    preds = model(src)
    flat = CrossEntropy = F.cross_entropy(preds[:, :tgt.size(1)].reshape(-1, vocab), tgt.reshape(-1),
                                          ignore_index=PAD, reduction="none")
print(preds.shape, preds.argmax(dim=2))
print(tgt)
print(flat.view(3, -1))
print(F.softmax(preds[0, :2], dim=-1).topk(3, dim=-1))
