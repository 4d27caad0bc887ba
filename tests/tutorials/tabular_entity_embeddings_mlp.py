import tinygrad_rnn as torch
# Entity embeddings for tabular data, in the style of the "Modern Deep Learning for Tabular Data" code and the
# fastai-like TabularModel many blog posts rewrite by hand: categorical columns coded with np.unique, one
# nn.Embedding per column kept in an nn.ModuleList (size min(50, (n + 1) // 2)), the embeddings torch.cat'ed with
# BatchNorm1d-normalised continuous features, embedding dropout, Linear/ReLU/BatchNorm1d/Dropout blocks, kaiming
# initialisation through model.apply, a regression head squashed into the target range with sigmoid, then a
# classification head, and the learned embeddings read back (cosine similarity between categories). Made-up store
# sales data stand in for Rossmann and the adult census set. SGD keeps the rounding noise of biases a
# BatchNorm cancels small (Adam would blow it up).
import numpy as np

nn, F = torch.nn, torch.nn.functional
torch.manual_seed(2)
rng = np.random.RandomState(2)

n_rows = 96
columns = {
    "store": rng.choice(["north", "south", "east", "west", "central"], n_rows),
    "weekday": rng.choice(["mon", "tue", "wed", "thu", "fri", "sat", "sun"], n_rows),
    "promo": rng.choice(["yes", "no"], n_rows),
}
temperature = rng.normal(15, 8, n_rows).astype(np.float32)
customers = rng.poisson(100, n_rows).astype(np.float32)
store_effect = {"north": 1.0, "south": 0.5, "east": -0.5, "west": 0.0, "central": 1.5}
sales = np.array([store_effect[s] + (0.8 if p == "yes" else 0.0) + (0.6 if d in ("sat", "sun") else 0.0)
                  for s, d, p in zip(columns["store"], columns["weekday"], columns["promo"])], dtype=np.float32)
sales = sales + 0.01 * (customers - 100) + rng.normal(0, 0.1, n_rows).astype(np.float32)

cat_codes, cat_levels = [], []
for name, values in columns.items():
    levels, codes = np.unique(values, return_inverse=True)
    cat_levels.append(list(levels))
    cat_codes.append(codes)
    print(name, list(levels), codes[:6])
x_cat = torch.from_numpy(np.stack(cat_codes, axis=1)).long()
x_cont = torch.from_numpy(np.stack([temperature, customers], axis=1))
y = torch.from_numpy(sales).unsqueeze(1)
print(x_cat.shape, x_cat.dtype, x_cont.shape, x_cont.dtype, y.shape)
print("cont mean/std", x_cont.mean(dim=0), x_cont.std(dim=0))

emb_szs = [(len(levels), min(50, (len(levels) + 1) // 2)) for levels in cat_levels]
print("emb_szs", emb_szs)


class TabularDataset(torch.utils.data.Dataset):
    def __init__(self, x_cat, x_cont, y):
        self.x_cat, self.x_cont, self.y = x_cat, x_cont, y

    def __len__(self):
        return len(self.y)

    def __getitem__(self, idx):
        return self.x_cat[idx], self.x_cont[idx], self.y[idx]


class TabularModel(nn.Module):
    def __init__(self, emb_szs, n_cont, out_sz, layers, ps=0.1, emb_drop=0.05, y_range=None):
        super().__init__()
        self.embeds = nn.ModuleList([nn.Embedding(ni, nf) for ni, nf in emb_szs])
        self.emb_drop = nn.Dropout(emb_drop)
        self.bn_cont = nn.BatchNorm1d(n_cont)
        n_emb = sum(e.embedding_dim for e in self.embeds)
        sizes = [n_emb + n_cont] + layers
        blocks = []
        for n_in, n_out in zip(sizes[:-1], sizes[1:]):
            blocks += [nn.Linear(n_in, n_out), nn.ReLU(inplace=True), nn.BatchNorm1d(n_out), nn.Dropout(ps)]
        blocks.append(nn.Linear(sizes[-1], out_sz))
        self.layers = nn.Sequential(*blocks)
        self.y_range = y_range

    def forward(self, x_cat, x_cont):
        embeddings = [e(x_cat[:, i]) for i, e in enumerate(self.embeds)]
        x = self.emb_drop(torch.cat(embeddings, 1))
        x = torch.cat([x, self.bn_cont(x_cont)], 1)
        x = self.layers(x)
        if self.y_range is not None:
            low, high = self.y_range
            x = torch.sigmoid(x) * (high - low) + low
        return x


def init_weights(m):
    if isinstance(m, nn.Linear):
        nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
        nn.init.zeros_(m.bias)


y_range = (float(y.min()) * 1.2 - 0.1, float(y.max()) * 1.2)
model = TabularModel(emb_szs, 2, 1, [16, 8], y_range=y_range)
model.apply(init_weights)
print(model)
print([k for k in model.state_dict().keys() if "num_batches" in k or "embeds" in k])
print("params", sum(p.numel() for p in model.parameters()), "y_range", [round(v, 4) for v in y_range])

train_ds = TabularDataset(x_cat[:72], x_cont[:72], y[:72])
valid = (x_cat[72:], x_cont[72:], y[72:])
loader = torch.utils.data.DataLoader(train_ds, batch_size=24, shuffle=True, drop_last=True)
cb, xb, yb = next(iter(loader))
print(cb.shape, xb.shape, yb.shape, cb.dtype)
optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=0.1, total_steps=4 * len(loader))
for epoch in range(4):
    model.train()
    losses = []
    for cb, xb, yb in loader:
        loss = F.mse_loss(model(cb, xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        losses.append(round(loss.item(), 4))
    model.eval()
    with torch.no_grad():
        preds = model(valid[0], valid[1])
        rmse = torch.sqrt(F.mse_loss(preds, valid[2]))
    print("epoch", epoch, losses, "valid rmse", round(rmse.item(), 4), "lr", round(scheduler.get_last_lr()[0], 5))
print("running stats", model.bn_cont.running_mean, model.bn_cont.num_batches_tracked)
print(preds[:4].flatten(), valid[2][:4].flatten())

store_emb = model.embeds[0].weight.detach()
print("store embedding", store_emb.shape)
similarity = F.cosine_similarity(store_emb.unsqueeze(1), store_emb.unsqueeze(0), dim=-1)
print(similarity)
print("closest to north:", cat_levels[0][similarity[cat_levels[0].index("north")].topk(2).indices[1].item()])

# ---------------------------------------------------------------- the same body as a classifier
labels = (y.squeeze(1) > y.median()).long()
print("class balance", torch.bincount(labels))
torch.manual_seed(3)
clf = TabularModel(emb_szs, 2, 2, [12], ps=0.0, emb_drop=0.0)
opt = torch.optim.SGD(clf.parameters(), lr=0.1, momentum=0.9)
for step in range(12):
    clf.train()
    logits = clf(x_cat[:72], x_cont[:72])
    loss = F.cross_entropy(logits, labels[:72])
    opt.zero_grad()
    loss.backward()
    opt.step()
clf.eval()
with torch.no_grad():
    probs = F.softmax(clf(x_cat[72:], x_cont[72:]), dim=1)
acc = (probs.argmax(1) == labels[72:]).float().mean()
print("classifier loss", round(loss.item(), 4), "valid acc", round(acc.item(), 4))
print(probs[:3])
print([(n, tuple(p.grad.shape)) for n, p in clf.named_parameters()][:4])
