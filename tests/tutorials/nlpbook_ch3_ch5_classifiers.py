import tinygrad_rnn as torch
import numpy as np
from collections import Counter
nn, F, optim = torch.nn, torch.nn.functional, torch.optim
Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader
# Rao and McMahan, "Natural Language Processing with PyTorch", chapters 3 to 5: a perceptron review classifier
# (one-hot vectorizer, generate_batches yielding dicts, BCEWithLogitsLoss, compute_accuracy from sigmoid > 0.5),
# the surname MLP (apply_softmax flag, class weights in CrossEntropyLoss, ReduceLROnPlateau on the val loss),
# the surname CNN on one-hot matrices (Conv1d stack with ELU, squeeze(dim=2)), and the CBOW / news CNN on
# embeddings (padding_idx=0, pretrained weights through `_weight`, avg_pool1d, dropout). Made-up reviews,
# surnames and headlines replace Yelp, the surnames dataset and AG News.
torch.manual_seed(1337)
np.random.seed(1337)


def generate_batches(dataset, batch_size, shuffle=True, drop_last=True, device="cpu"):
    dataloader = DataLoader(dataset=dataset, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)
    for data_dict in dataloader:
        out_data_dict = {}
        for name, tensor in data_dict.items():
            out_data_dict[name] = data_dict[name].to(device)
        yield out_data_dict


# ---------------------------------------------------------------- chapter 3: perceptron on reviews
reviews = [("the food was great and the staff friendly", 1), ("terrible service and cold food", 0),
           ("great place , friendly people", 1), ("cold , bland and terrible", 0), ("loved the great food", 1),
           ("the staff was rude and the food bland", 0), ("friendly staff great prices", 1),
           ("rude people terrible place", 0)] * 4


class ReviewVectorizer:
    def __init__(self, texts):
        words = Counter(w for t in texts for w in t.split(" ") if w not in ",.")
        self.vocab = {w: i for i, w in enumerate(sorted(words))}

    def vectorize(self, review):
        one_hot = np.zeros(len(self.vocab), dtype=np.float32)
        for token in review.split(" "):
            if token in self.vocab:
                one_hot[self.vocab[token]] = 1
        return one_hot


class ReviewDataset(Dataset):
    def __init__(self, pairs, vectorizer):
        self.pairs, self._vectorizer = pairs, vectorizer

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, index):
        text, rating = self.pairs[index]
        return {"x_data": self._vectorizer.vectorize(text), "y_target": rating}


class ReviewClassifier(nn.Module):
    def __init__(self, num_features):
        super(ReviewClassifier, self).__init__()
        self.fc1 = nn.Linear(in_features=num_features, out_features=1)

    def forward(self, x_in, apply_sigmoid=False):
        y_out = self.fc1(x_in).squeeze()
        if apply_sigmoid:
            y_out = torch.sigmoid(y_out)
        return y_out


def compute_accuracy(y_pred, y_target):
    y_target = y_target.cpu()
    y_pred_indices = (torch.sigmoid(y_pred) > 0.5).cpu().long()
    n_correct = torch.eq(y_pred_indices, y_target).sum().item()
    return n_correct / len(y_pred_indices) * 100


vectorizer = ReviewVectorizer([t for t, _ in reviews])
dataset = ReviewDataset(reviews, vectorizer)
classifier = ReviewClassifier(num_features=len(vectorizer.vocab))
loss_func = nn.BCEWithLogitsLoss()
optimizer = optim.Adam(classifier.parameters(), lr=0.01)
for epoch_index in range(4):
    running_loss, running_acc = 0.0, 0.0
    classifier.train()
    for batch_index, batch_dict in enumerate(generate_batches(dataset, batch_size=8)):
        optimizer.zero_grad()
        y_pred = classifier(x_in=batch_dict["x_data"].float())
        loss = loss_func(y_pred, batch_dict["y_target"].float())
        loss_t = loss.item()
        running_loss += (loss_t - running_loss) / (batch_index + 1)
        loss.backward()
        optimizer.step()
        acc_t = compute_accuracy(y_pred, batch_dict["y_target"])
        running_acc += (acc_t - running_acc) / (batch_index + 1)
    print(f"epoch {epoch_index}: loss {running_loss:.4f} acc {running_acc:.2f}")
classifier.eval()
vectorized = torch.tensor(vectorizer.vectorize("great friendly food"))
result = classifier(vectorized.view(1, -1))
probability_value = torch.sigmoid(result).item()
print("review prediction:", "positive" if probability_value > 0.5 else "negative", round(probability_value, 4))
fc1_weights = classifier.fc1.weight.detach()[0]
_, indices = torch.sort(fc1_weights, dim=0, descending=True)
indices = indices.numpy().tolist()
words = {i: w for w, i in vectorizer.vocab.items()}
print("most positive:", [words[i] for i in indices[:4]])
print("most negative:", [words[i] for i in indices[-4:]])

# ---------------------------------------------------------------- chapter 4: surname MLP and CNN
surnames = [("smith", "English"), ("johnson", "English"), ("walker", "English"), ("taylor", "English"),
            ("müller", "German"), ("schmidt", "German"), ("schneider", "German"), ("fischer", "German"),
            ("rossi", "Italian"), ("russo", "Italian"), ("ferrari", "Italian"), ("esposito", "Italian"),
            ("nakamura", "Japanese"), ("tanaka", "Japanese"), ("suzuki", "Japanese")] * 2
letters = sorted({c for s, _ in surnames for c in s})
char_vocab = {c: i for i, c in enumerate(letters)}
nationalities = sorted({n for _, n in surnames})
nation_vocab = {n: i for i, n in enumerate(nationalities)}
max_surname_length = max(len(s) for s, _ in surnames)


class SurnameDataset(Dataset):
    def __init__(self, pairs, matrix):
        self.pairs, self.matrix = pairs, matrix

    def __len__(self):
        return len(self.pairs)

    def __getitem__(self, index):
        surname, nation = self.pairs[index]
        if self.matrix:  # one-hot matrix (letters x positions) for the CNN
            x = np.zeros((len(char_vocab), max_surname_length), dtype=np.float32)
            for position, c in enumerate(surname):
                x[char_vocab[c]][position] = 1
        else:  # collapsed one-hot for the MLP
            x = np.zeros(len(char_vocab), dtype=np.float32)
            for c in surname:
                x[char_vocab[c]] = 1
        return {"x_surname": x, "y_nationality": nation_vocab[nation]}


class SurnameClassifier(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(SurnameClassifier, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, output_dim)

    def forward(self, x_in, apply_softmax=False):
        intermediate_vector = F.relu(self.fc1(x_in))
        prediction_vector = self.fc2(F.dropout(intermediate_vector, p=0.5))
        if apply_softmax:
            prediction_vector = F.softmax(prediction_vector, dim=1)
        return prediction_vector


class SurnameCNN(nn.Module):
    def __init__(self, initial_num_channels, num_classes, num_channels):
        super(SurnameCNN, self).__init__()
        self.convnet = nn.Sequential(
            nn.Conv1d(in_channels=initial_num_channels, out_channels=num_channels, kernel_size=3),
            nn.ELU(),
            nn.Conv1d(in_channels=num_channels, out_channels=num_channels, kernel_size=3, stride=2),
            nn.ELU(),
            nn.Conv1d(in_channels=num_channels, out_channels=num_channels, kernel_size=3),
            nn.ELU(),
        )
        self.fc = nn.Linear(num_channels, num_classes)

    def forward(self, x_surname, apply_softmax=False):
        features = self.convnet(x_surname)
        remaining = features.size(dim=2)
        features = F.max_pool1d(features, remaining).squeeze(dim=2)
        prediction_vector = self.fc(features)
        if apply_softmax:
            prediction_vector = F.softmax(prediction_vector, dim=1)
        return prediction_vector


def compute_multiclass_accuracy(y_pred, y_target):
    _, y_pred_indices = y_pred.max(dim=1)
    n_correct = torch.eq(y_pred_indices, y_target).sum().item()
    return n_correct / len(y_pred_indices) * 100


class_counts = Counter(n for _, n in surnames)
frequencies = [class_counts[n] for n in nationalities]
class_weights = 1.0 / torch.tensor(frequencies, dtype=torch.float32)
print("class weights:", class_weights)
for name, model, matrix in (("mlp", SurnameClassifier(len(char_vocab), 32, len(nationalities)), False),
                            ("cnn", SurnameCNN(len(char_vocab), len(nationalities), 16), True)):
    data = SurnameDataset(surnames, matrix)
    loss_func = nn.CrossEntropyLoss(class_weights)
    optimizer = optim.Adam(model.parameters(), lr=0.01)
    scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer=optimizer, mode="min", factor=0.5, patience=1)
    train_state = {"val_loss": [], "learning_rate": 0.01}
    for epoch_index in range(5):
        model.train()
        for batch_dict in generate_batches(data, batch_size=10, shuffle=True):
            optimizer.zero_grad()
            y_pred = model(batch_dict["x_surname"])
            loss = loss_func(y_pred, batch_dict["y_nationality"])
            loss.backward()
            optimizer.step()
        model.eval()
        running_loss, running_acc = 0.0, 0.0
        for batch_index, batch_dict in enumerate(generate_batches(data, batch_size=10, shuffle=False)):
            y_pred = model(batch_dict["x_surname"])
            loss_t = loss_func(y_pred, batch_dict["y_nationality"]).item()
            running_loss += (loss_t - running_loss) / (batch_index + 1)
            running_acc += (compute_multiclass_accuracy(y_pred, batch_dict["y_nationality"]) - running_acc) / (batch_index + 1)
        train_state["val_loss"].append(running_loss)
        scheduler.step(train_state["val_loss"][-1])
        print(f"{name} epoch {epoch_index}: val loss {running_loss:.4f} acc {running_acc:.2f} "
              f"lr {optimizer.param_groups[0]['lr']}")
    x = torch.tensor(data[0]["x_surname"]).unsqueeze(0)
    probability_values, indices = model(x, apply_softmax=True).topk(k=3)
    for p, i in zip(probability_values.detach().numpy()[0], indices.detach().numpy()[0]):
        print(f"  {surnames[0][0]} -> {nationalities[i]} (p={p:.4f})")

# ---------------------------------------------------------------- chapter 5: CBOW and the news CNN
corpus = ("the quick brown fox jumps over the lazy dog while the quick cat sleeps near the lazy fox").split()
vocab = {"<MASK>": 0}
for w in corpus:
    vocab.setdefault(w, len(vocab))
window = 2
contexts, targets = [], []
for i in range(window, len(corpus) - window):
    contexts.append([vocab[corpus[j]] for j in range(i - window, i + window + 1) if j != i])
    targets.append(vocab[corpus[i]])
contexts, targets = torch.tensor(contexts), torch.tensor(targets)


class CBOWClassifier(nn.Module):
    def __init__(self, vocabulary_size, embedding_size, padding_idx=0):
        super(CBOWClassifier, self).__init__()
        self.embedding = nn.Embedding(num_embeddings=vocabulary_size, embedding_dim=embedding_size,
                                      padding_idx=padding_idx)
        self.fc1 = nn.Linear(in_features=embedding_size, out_features=vocabulary_size)

    def forward(self, x_in, apply_softmax=False):
        x_embedded_sum = F.dropout(self.embedding(x_in).sum(dim=1), 0.3)
        y_out = self.fc1(x_embedded_sum)
        if apply_softmax:
            y_out = F.softmax(y_out, dim=1)
        return y_out


cbow = CBOWClassifier(len(vocab), 8)
optimizer = optim.Adam(cbow.parameters(), lr=0.05)
for epoch in range(30):
    optimizer.zero_grad()
    loss = F.cross_entropy(cbow(contexts), targets)
    loss.backward()
    optimizer.step()
    if epoch % 10 == 9:
        print(f"cbow epoch {epoch}: loss {loss.item():.4f}")
print("padding row stays zero:", cbow.embedding.weight[0].abs().sum().item())
embeddings = cbow.embedding.weight.detach()
query = embeddings[vocab["fox"]]
distances = torch.norm(embeddings - query, dim=1)
print("nearest to fox:", [w for w, _ in sorted(vocab.items(), key=lambda kv: distances[kv[1]].item())[1:4]])

headlines = [("stocks rally as markets rise", 0), ("team wins the final match", 1), ("markets fall on rate fears", 0),
             ("striker scores twice in final", 1), ("rate cut lifts stocks", 0), ("coach praises team spirit", 1)] * 2
news_vocab = {"<MASK>": 0, "<UNK>": 1}
for text, _ in headlines:
    for w in text.split():
        news_vocab.setdefault(w, len(news_vocab))
max_len = max(len(t.split()) for t, _ in headlines) + 2


def vectorize(text):
    ids = [news_vocab.get(w, 1) for w in text.split()]
    return ids + [0] * (max_len - len(ids))


x_news = torch.tensor([vectorize(t) for t, _ in headlines])
y_news = torch.tensor([c for _, c in headlines])
pretrained_embeddings = torch.from_numpy(np.random.RandomState(0).uniform(-0.5, 0.5, (len(news_vocab), 12))
                                         .astype(np.float32))


class NewsClassifier(nn.Module):
    def __init__(self, embedding_size, num_embeddings, num_channels, hidden_dim, num_classes, dropout_p,
                 pretrained_embeddings=None, padding_idx=0):
        super(NewsClassifier, self).__init__()
        if pretrained_embeddings is None:
            self.emb = nn.Embedding(embedding_dim=embedding_size, num_embeddings=num_embeddings,
                                    padding_idx=padding_idx)
        else:
            self.emb = nn.Embedding(embedding_dim=embedding_size, num_embeddings=num_embeddings,
                                    padding_idx=padding_idx, _weight=pretrained_embeddings)
        self.convnet = nn.Sequential(
            nn.Conv1d(in_channels=embedding_size, out_channels=num_channels, kernel_size=3), nn.ELU(),
            nn.Conv1d(in_channels=num_channels, out_channels=num_channels, kernel_size=3, stride=1), nn.ELU())
        self._dropout_p = dropout_p
        self.fc1 = nn.Linear(num_channels, hidden_dim)
        self.fc2 = nn.Linear(hidden_dim, num_classes)

    def forward(self, x_in, apply_softmax=False):
        x_embedded = self.emb(x_in).permute(0, 2, 1)
        features = self.convnet(x_embedded)
        remaining_size = features.size(dim=2)
        features = F.avg_pool1d(features, remaining_size).squeeze(dim=2)
        features = F.dropout(features, p=self._dropout_p)
        intermediate_vector = F.relu(F.dropout(self.fc1(features), p=self._dropout_p))
        prediction_vector = self.fc2(intermediate_vector)
        if apply_softmax:
            prediction_vector = F.softmax(prediction_vector, dim=1)
        return prediction_vector


news = NewsClassifier(12, len(news_vocab), 10, 8, 2, 0.1, pretrained_embeddings=pretrained_embeddings)
print("pretrained weights shared:", news.emb.weight.data_ptr() == pretrained_embeddings.data_ptr(),
      news.emb.weight.requires_grad, type(news.emb.weight).__name__)
optimizer = optim.Adam(news.parameters(), lr=0.01)
for epoch in range(6):
    optimizer.zero_grad()
    y_pred = news(x_news)
    loss = F.cross_entropy(y_pred, y_news)
    loss.backward()
    optimizer.step()
    print(f"news epoch {epoch}: loss {loss.item():.4f} acc {compute_multiclass_accuracy(y_pred, y_news):.2f}")
news.eval()
print(news(torch.tensor([vectorize("stocks rise as team wins")]), apply_softmax=True))
