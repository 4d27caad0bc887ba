import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
# NYU Deep Learning (Canziani) transformer-encoder notebook: a hand-written MultiHeadAttention,
# attention on a toy key/value store, sinusoidal positional embeddings built in numpy, an encoder
# layer stack and a sentiment-style classifier, trained on made-up token sequences.
torch.manual_seed(0)
class MultiHeadAttention(nn.Module):
    def __init__(self, d_model, num_heads, p, d_input=None):
        super().__init__()
        self.num_heads = num_heads
        self.d_model = d_model
        if d_input is None:
            d_xq = d_xk = d_xv = d_model
        else:
            d_xq, d_xk, d_xv = d_input
        assert d_model % self.num_heads == 0
        self.d_k = d_model // self.num_heads
        self.W_q = nn.Linear(d_xq, d_model, bias=False)
        self.W_k = nn.Linear(d_xk, d_model, bias=False)
        self.W_v = nn.Linear(d_xv, d_model, bias=False)
        self.W_h = nn.Linear(d_model, d_model)
    def scaled_dot_product_attention(self, Q, K, V):
        batch_size = Q.size(0)
        k_length = K.size(-2)
        Q = Q / np.sqrt(self.d_k)
        scores = torch.matmul(Q, K.transpose(2, 3))
        A = nn.Softmax(dim=-1)(scores)
        H = torch.matmul(A, V)
        return H, A
    def split_heads(self, x, batch_size):
        return x.view(batch_size, -1, self.num_heads, self.d_k).transpose(1, 2)
    def group_heads(self, x, batch_size):
        return x.transpose(1, 2).contiguous().view(batch_size, -1, self.num_heads * self.d_k)
    def forward(self, X_q, X_k, X_v):
        batch_size, seq_length, dim = X_q.size()
        Q = self.split_heads(self.W_q(X_q), batch_size)
        K = self.split_heads(self.W_k(X_k), batch_size)
        V = self.split_heads(self.W_v(X_v), batch_size)
        H_cat, A = self.scaled_dot_product_attention(Q, K, V)
        H_cat = self.group_heads(H_cat, batch_size)
        H = self.W_h(H_cat)
        return H, A
temp_mha = MultiHeadAttention(d_model=512, num_heads=8, p=0)
def print_out(Q, K, V):
    temp_out, temp_attn = temp_mha.scaled_dot_product_attention(Q, K, V)
    print("Attention weights are:", temp_attn.squeeze())
    print("Output is:", temp_out.squeeze())
test_K = torch.tensor(
    [[10, 0, 0],
     [0, 10, 0],
     [0, 0, 10],
     [0, 0, 10]]
).float()[None, None]
test_V = torch.tensor(
    [[1, 0, 0],
     [10, 0, 0],
     [100, 5, 0],
     [1000, 6, 0]]
).float()[None, None]
test_Q = torch.tensor([[0, 10, 0]]).float()[None, None]
print_out(test_Q, test_K, test_V)
test_Q = torch.tensor([[0, 0, 10]]).float()[None, None]
print_out(test_Q, test_K, test_V)
test_Q = torch.tensor([[10, 10, 0]]).float()[None, None]
print_out(test_Q, test_K, test_V)
test_Q = torch.tensor([[0, 0, 10], [0, 10, 0], [10, 10, 0]]).float()[None, None]
print_out(test_Q, test_K, test_V)
print(test_Q.shape, test_K.transpose(2, 3).shape)

class CNN(nn.Module):
    def __init__(self, d_model, hidden_dim, p):
        super().__init__()
        self.k1convL1 = nn.Linear(d_model, hidden_dim)
        self.k1convL2 = nn.Linear(hidden_dim, d_model)
        self.activation = nn.ReLU()
    def forward(self, x):
        x = self.k1convL1(x)
        x = self.activation(x)
        x = self.k1convL2(x)
        return x
class EncoderLayer(nn.Module):
    def __init__(self, d_model, num_heads, conv_hidden_dim, p=0.1):
        super().__init__()
        self.mha = MultiHeadAttention(d_model, num_heads, p)
        self.cnn = CNN(d_model, conv_hidden_dim, p)
        self.layernorm1 = nn.LayerNorm(normalized_shape=d_model, eps=1e-6)
        self.layernorm2 = nn.LayerNorm(normalized_shape=d_model, eps=1e-6)
    def forward(self, x):
        attn_output, _ = self.mha(x, x, x)
        out1 = self.layernorm1(x + attn_output)
        cnn_output = self.cnn(out1)
        out2 = self.layernorm2(out1 + cnn_output)
        return out2
def create_sinusoidal_embeddings(nb_p, dim, E):
    theta = np.array([
        [p / np.power(10000, 2 * (j // 2) / dim) for j in range(dim)]
        for p in range(nb_p)
    ])
    E[:, 0::2] = torch.FloatTensor(np.sin(theta[:, 0::2]))
    E[:, 1::2] = torch.FloatTensor(np.cos(theta[:, 1::2]))
    E.detach_()
    E.requires_grad = False
    E = E.to(torch.device("cpu"))
class Embeddings(nn.Module):
    def __init__(self, d_model, vocab_size, max_position_embeddings, p):
        super().__init__()
        self.word_embeddings = nn.Embedding(vocab_size, d_model, padding_idx=1)
        self.position_embeddings = nn.Embedding(max_position_embeddings, d_model)
        try:  # the notebook's call, written for an older torch, now fails on the leaf parameter
            create_sinusoidal_embeddings(nb_p=max_position_embeddings, dim=d_model, E=self.position_embeddings.weight)
        except RuntimeError as e:
            print("RuntimeError:", e)
        with torch.no_grad():
            create_sinusoidal_embeddings(nb_p=max_position_embeddings, dim=d_model, E=self.position_embeddings.weight)
        self.LayerNorm = nn.LayerNorm(d_model, eps=1e-12)
    def forward(self, input_ids):
        seq_length = input_ids.size(1)
        position_ids = torch.arange(seq_length, dtype=torch.long, device=input_ids.device)
        position_ids = position_ids.unsqueeze(0).expand_as(input_ids)
        word_embeddings = self.word_embeddings(input_ids)
        position_embeddings = self.position_embeddings(position_ids)
        embeddings = word_embeddings + position_embeddings
        embeddings = self.LayerNorm(embeddings)
        return embeddings
class Encoder(nn.Module):
    def __init__(self, num_layers, d_model, num_heads, ff_hidden_dim, input_vocab_size,
                 maximum_position_encoding, p=0.1):
        super().__init__()
        self.d_model = d_model
        self.num_layers = num_layers
        self.embedding = Embeddings(d_model, input_vocab_size, maximum_position_encoding, p)
        self.enc_layers = nn.ModuleList()
        for _ in range(num_layers):
            self.enc_layers.append(EncoderLayer(d_model, num_heads, ff_hidden_dim, p))
    def forward(self, x):
        x = self.embedding(x)
        for i in range(self.num_layers):
            x = self.enc_layers[i](x)
        return x
class TransformerClassifier(nn.Module):
    def __init__(self, num_layers, d_model, num_heads, conv_hidden_dim, input_vocab_size, num_answers):
        super().__init__()
        self.encoder = Encoder(num_layers, d_model, num_heads, conv_hidden_dim, input_vocab_size,
                               maximum_position_encoding=1000)
        self.dense = nn.Linear(d_model, num_answers)
    def forward(self, x):
        x = self.encoder(x)
        x, _ = torch.max(x, dim=1)
        x = self.dense(x)
        return x
model = TransformerClassifier(num_layers=1, d_model=32, num_heads=2, conv_hidden_dim=64,
                              input_vocab_size=50, num_answers=2)
print(model)
pe = model.encoder.embedding.position_embeddings.weight
print(pe.shape, pe.requires_grad, pe[:3, :6], pe[999, -4:])
print(sum(p.numel() for p in model.parameters()), sum(p.numel() for p in model.parameters() if p.requires_grad))
# made-up "reviews": label 1 when token 7 appears more often than token 8
g = torch.Generator().manual_seed(3)
texts = torch.randint(2, 50, (64, 12), generator=g)
labels = ((texts == 7).sum(1) >= (texts == 8).sum(1)).long()
texts[::5, -3:] = 1  # padding
print(texts[:2], labels[:10], labels.float().mean())
optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
def train(train_loader, epochs):
    for epoch in range(epochs):
        train_acc = 0.0
        for i, (x, y) in enumerate(train_loader):
            optimizer.zero_grad()
            out = model(x)
            loss = F.cross_entropy(out, y)
            loss.backward()
            optimizer.step()
            predicted = torch.argmax(out, dim=1)
            train_acc += torch.sum(predicted == y).item()
        print(f"Training loss at epoch {epoch} is {loss.item():.4f}, accuracy {train_acc / 64:.4f}")
loader = [(texts[i:i + 16], labels[i:i + 16]) for i in range(0, 64, 16)]
train(loader, 3)
with torch.no_grad():
    out = model(texts[:4])
    print(out, out.argmax(1))
h, a = model.encoder.enc_layers[0].mha(torch.ones(1, 3, 32), torch.ones(1, 3, 32), torch.ones(1, 3, 32))
print(h.shape, a.shape, a.grad_fn, h.grad_fn, a.sum(-1))
# a padding mask as masked_fill on the scores
scores = torch.randn(2, 1, 4, 4)
mask = torch.tensor([[1, 1, 1, 0], [1, 1, 0, 0]]).bool()[:, None, None, :]
masked = scores.masked_fill(mask == 0, -1e9)
print(F.softmax(masked, dim=-1)[1, 0], masked.shape)
causal = torch.tril(torch.ones(4, 4)).view(1, 1, 4, 4)
print(scores.masked_fill(causal == 0, float("-inf")).softmax(-1)[0, 0])
