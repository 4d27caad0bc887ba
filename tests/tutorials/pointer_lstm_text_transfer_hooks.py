import tinygrad_rnn as torch
import io
import math
import random
nn = torch.nn
F = torch.nn.functional

# In the manner of Ian Pointer's "Programming PyTorch for Deep Learning": an LSTM tweet classifier with a
# hand-built vocabulary (ch. 5), text augmentation by random deletion and swaps, pretrained embeddings frozen
# then thawed, the learning-rate finder and differential learning rates (ch. 4), and debugging with hooks (ch. 7).
random.seed(7)
torch.manual_seed(7)
positive = ["great flight thanks", "love the crew", "awesome service today", "thanks for the upgrade",
            "best airline ever", "friendly staff and great seats", "smooth landing love it", "quick boarding thanks"]
negative = ["flight delayed again", "lost my bag", "worst service ever", "cancelled flight no help",
            "rude staff and late", "delayed two hours", "seat broken and dirty", "no refund terrible"]
texts = positive + negative
labels = [1] * len(positive) + [0] * len(negative)


def random_deletion(words, p=0.3):
    if len(words) == 1:
        return words
    remaining = [w for w in words if random.uniform(0, 1) > p]
    return remaining if remaining else [random.choice(words)]


def random_swap(words, n=1):
    words = words.copy()
    for _ in range(n):
        i, j = random.sample(range(len(words)), 2)
        words[i], words[j] = words[j], words[i]
    return words


augmented = []
for text, label in zip(texts, labels):
    words = text.split()
    augmented.append((" ".join(random_deletion(words)), label))
    augmented.append((" ".join(random_swap(words)), label))
print(augmented[:3])
data = list(zip(texts, labels)) + augmented
random.shuffle(data)

vocab = {"<pad>": 0, "<unk>": 1}
for text, _ in data:
    for w in text.split():
        vocab.setdefault(w, len(vocab))
print("vocab size", len(vocab))


def encode(text, max_len=6):
    ids = [vocab.get(w, 1) for w in text.split()][:max_len]
    return ids + [0] * (max_len - len(ids))


X = torch.tensor([encode(t) for t, _ in data])
y = torch.tensor([l for _, l in data])
lengths = (X != 0).sum(dim=1)
print(X.shape, y.bincount(), lengths[:6])

# "pretrained" vectors: a fixed random table standing in for GloVe
pretrained = torch.randn(len(vocab), 10)
pretrained[0] = 0


class OurFirstLSTM(nn.Module):
    def __init__(self, hidden_size, embedding_weights):
        super().__init__()
        self.embedding = nn.Embedding.from_pretrained(embedding_weights, freeze=True, padding_idx=0)
        self.encoder = nn.LSTM(input_size=embedding_weights.shape[1], hidden_size=hidden_size, num_layers=1)
        self.predictor = nn.Linear(hidden_size, 2)

    def forward(self, seq):
        output, (hidden, _) = self.encoder(self.embedding(seq))
        preds = self.predictor(hidden.squeeze(0))
        return preds


model = OurFirstLSTM(12, pretrained)
print(model)
print(model.embedding.weight.requires_grad, model.embedding.padding_idx)
print([n for n, p in model.named_parameters() if p.requires_grad])


def find_lr(model, loss_fn, optimizer, inputs, targets, init_value=1e-6, final_value=10.0, beta=0.98):
    number_in_epoch = 16
    update_step = (final_value / init_value) ** (1 / number_in_epoch)
    lr = init_value
    optimizer.param_groups[0]["lr"] = lr
    best_loss, batch_num, avg_loss = 0.0, 0, 0.0
    losses, log_lrs = [], []
    for i in range(number_in_epoch):
        batch_num += 1
        idx = torch.randint(0, inputs.size(1), (8,))
        optimizer.zero_grad()
        outputs = model(inputs[:, idx])
        loss = loss_fn(outputs, targets[idx])
        avg_loss = beta * avg_loss + (1 - beta) * loss.item()
        smoothed_loss = avg_loss / (1 - beta ** batch_num)
        if batch_num > 1 and smoothed_loss > 4 * best_loss:
            return log_lrs, losses
        if smoothed_loss < best_loss or batch_num == 1:
            best_loss = smoothed_loss
        losses.append(smoothed_loss)
        log_lrs.append(math.log10(lr))
        loss.backward()
        optimizer.step()
        lr *= update_step
        optimizer.param_groups[0]["lr"] = lr
    return log_lrs, losses


# the book's LSTM takes (seq_len, batch): transpose the token matrix
inputs = X.t()
state = io.BytesIO()
torch.save(model.state_dict(), state)
logs, losses = find_lr(model, nn.CrossEntropyLoss(), torch.optim.Adam(model.parameters()), inputs, y)
print([round(v, 2) for v in logs[:5]], [round(v, 4) for v in losses[:5]], len(losses))
state.seek(0)
print(model.load_state_dict(torch.load(state)))

# forward hooks to look at activations, a backward hook to look at gradients
activations = {}


def save_activation(name):
    def hook(module, inp, out):
        activations[name] = out[0].detach() if isinstance(out, tuple) else out.detach()
    return hook


handles = [model.encoder.register_forward_hook(save_activation("encoder")),
           model.predictor.register_forward_hook(save_activation("predictor"))]
grad_norms = []
handles.append(model.predictor.register_full_backward_hook(
    lambda module, grad_input, grad_output: grad_norms.append(round(grad_output[0].norm().item(), 4))))
emb_out = []
handles.append(model.embedding.register_forward_pre_hook(lambda module, args: emb_out.append(args[0].shape)))

optimizer = torch.optim.Adam([
    {"params": model.encoder.parameters(), "lr": 3e-2},
    {"params": model.predictor.parameters(), "lr": 5e-2},
])
print([g["lr"] for g in optimizer.param_groups], len(optimizer.param_groups[0]["params"]))
loss_fn = nn.CrossEntropyLoss()
for epoch in range(1, 9):
    model.train()
    optimizer.zero_grad()
    output = model(inputs)
    loss = loss_fn(output, y)
    loss.backward()
    optimizer.step()
    if epoch == 4:  # thaw the embeddings and hand them to the optimizer with a smaller rate
        model.embedding.weight.requires_grad = True
        optimizer.add_param_group({"params": model.embedding.parameters(), "lr": 1e-3})
        print("unfrozen:", [n for n, p in model.named_parameters() if p.requires_grad])
    correct = torch.eq(torch.max(F.softmax(output, dim=1), dim=1)[1], y).view(-1)
    print(f"Epoch {epoch}, loss {loss.item():.4f}, accuracy {correct.sum().item() / correct.shape[0]:.4f}")
print(activations["encoder"].shape, activations["predictor"].shape)
print(grad_norms[:3], len(emb_out), emb_out[0])
print(model.embedding.weight.grad[0], model.embedding.weight[0])
for h in handles:
    h.remove()
print(len(model.encoder._forward_hooks), len(model.predictor._backward_hooks))

# a tensor hook that doubles the gradient flowing back into the LSTM output
out, (h, c) = model.encoder(model.embedding(inputs[:, :2]))
h.register_hook(lambda grad: grad * 2)
model.predictor(h.squeeze(0)).sum().backward()
print(model.predictor.weight.grad.shape, model.encoder.weight_hh_l0.grad.abs().sum() > 0)


def predict(text):
    model.eval()
    with torch.no_grad():
        ids = torch.tensor(encode(text)).unsqueeze(1)
        probs = F.softmax(model(ids), dim=1)
    return ["negative", "positive"][probs.argmax().item()], probs.squeeze()


for sentence in ["thanks for the great crew", "my bag is lost and delayed"]:
    print(sentence, "->", *predict(sentence))

# transfer learning: freeze everything but the head, report what will train
for name, param in model.named_parameters():
    param.requires_grad = "predictor" in name
print({n: p.requires_grad for n, p in model.named_parameters()})
model.predictor = nn.Sequential(nn.Linear(12, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 3))
print(model.predictor)
print(sum(p.numel() for p in model.parameters() if p.requires_grad))
