import tinygrad_rnn as torch
import numpy as np
import math
nn = torch.nn
F = torch.nn.functional

# CS224n assignment 3 style: a feed-forward transition-based dependency parser.  Features are
# word/POS/label ids of the stack and buffer; embeddings come from a pretrained numpy matrix,
# the hidden layer is an explicit weight matrix initialised with xavier_uniform_, dropout is F.dropout.
np.random.seed(3)
torch.manual_seed(3)


class ParserModel(nn.Module):
    def __init__(self, embeddings, n_features=6, hidden_size=10, n_classes=3, dropout_prob=0.5):
        super(ParserModel, self).__init__()
        self.n_features = n_features
        self.n_classes = n_classes
        self.dropout_prob = dropout_prob
        self.embed_size = embeddings.shape[1]
        self.hidden_size = hidden_size
        self.embeddings = nn.Parameter(torch.tensor(embeddings))
        self.embed_to_hidden_weight = nn.Parameter(torch.empty(self.n_features * self.embed_size, self.hidden_size))
        nn.init.xavier_uniform_(self.embed_to_hidden_weight)
        self.embed_to_hidden_bias = nn.Parameter(torch.empty(self.hidden_size))
        nn.init.uniform_(self.embed_to_hidden_bias)
        self.dropout = nn.Dropout(p=self.dropout_prob)
        self.hidden_to_logits_weight = nn.Parameter(torch.empty(self.hidden_size, self.n_classes))
        nn.init.xavier_uniform_(self.hidden_to_logits_weight)
        self.hidden_to_logits_bias = nn.Parameter(torch.empty(self.n_classes))
        nn.init.uniform_(self.hidden_to_logits_bias)

    def embedding_lookup(self, w):
        x = torch.index_select(self.embeddings, 0, w.view(-1)).view(w.shape[0], -1)
        return x

    def forward(self, w):
        x = self.embedding_lookup(w)
        h = F.relu(torch.matmul(x, self.embed_to_hidden_weight) + self.embed_to_hidden_bias)
        logits = torch.matmul(self.dropout(h), self.hidden_to_logits_weight) + self.hidden_to_logits_bias
        return logits


embeddings = np.random.normal(0, 0.9, (20, 4)).astype('float32')
print(embeddings.dtype, embeddings[0])
model = ParserModel(embeddings)
print(model.embeddings.dtype, model.embeddings.shape, model.embed_to_hidden_weight.abs().max() <= math.sqrt(6 / (24 + 10)))
print([(n, tuple(p.shape)) for n, p in model.named_parameters()])
w = torch.randint(0, 20, (8, 6))
print(w, model.embedding_lookup(w).shape, model.embedding_lookup(w).grad_fn.name())
train_x = np.random.randint(0, 20, (32, 6))
train_y = np.random.randint(0, 3, (32,))
optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
loss_func = nn.CrossEntropyLoss()


def minibatches(x, y, batch_size):
    idx = np.arange(len(x))
    np.random.shuffle(idx)
    for s in range(0, len(x), batch_size):
        b = idx[s:s + batch_size]
        yield x[b], y[b]


for epoch in range(3):
    model.train()
    loss_meter = []
    for i, (train_x_b, train_y_b) in enumerate(minibatches(train_x, train_y, 8)):
        optimizer.zero_grad()
        loss = 0.
        train_x_b = torch.from_numpy(train_x_b).long()
        train_y_b = torch.from_numpy(train_y_b).long()
        logits = model(train_x_b)
        loss = loss_func(logits, train_y_b)
        loss.backward()
        optimizer.step()
        loss_meter.append(loss.item())
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(train_x).long()).argmax(-1)
        acc = (pred == torch.from_numpy(train_y)).float().mean().item()
    print(epoch, np.mean(loss_meter), acc, pred.dtype)
print(model.embeddings.grad[:2], model.hidden_to_logits_bias.grad)

# Using embeddings through nn.Embedding.from_pretrained instead of an explicit Parameter.
emb = nn.Embedding.from_pretrained(torch.from_numpy(embeddings), freeze=False)
frozen = nn.Embedding.from_pretrained(torch.from_numpy(embeddings))
print(emb.weight.requires_grad, frozen.weight.requires_grad, emb, frozen(torch.tensor([[1, 2]])).shape)
x = emb(torch.from_numpy(train_x[:4])).view(4, -1)
x = F.dropout(x, p=0.3, training=True)
print(x[0], x.grad_fn.name())
out = F.dropout(x, 0.3, training=False)
print(out is x, torch.equal(out, x))
h = torch.tensor([[1.0, -2.0, 3.0]])
print(F.relu(h), F.relu(h, inplace=False), h)
probs = F.softmax(model(w[:2]), dim=1)
print(probs.sum(1), torch.argmax(probs, dim=1))
legal = torch.tensor([[1, 0, 1], [0, 1, 1]])
print(torch.argmax(probs + 10000 * legal, 1), np.argmax(probs.detach().numpy() + 10000 * legal.numpy(), 1))
