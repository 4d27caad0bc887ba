import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# Dive into Deep Learning chapters 20 and 21 (PyTorch edition): a GAN on 2-d Gaussian data (the
# discriminator and generator updates with BCEWithLogitsLoss, detach, and the book's loss sums), the
# DCGAN generator and discriminator blocks (ConvTranspose2d, BatchNorm2d, LeakyReLU), then
# recommender models on a made-up rating matrix: matrix factorization with biases, AutoRec, NeuMF
# with the BPR and hinge losses, and factorization machines / DeepFM.
torch.manual_seed(0)

# 20.1 GAN on Gaussian data
X = torch.normal(0.0, 1, (100, 2))
A = torch.tensor([[1, 2], [-0.1, 0.5]])
b = torch.tensor([1, 2])
data = torch.matmul(X, A) + b
print(f'The covariance matrix is\n{torch.matmul(A.T, A)}', data.dtype)
batch_size = 25
data_iter = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(data), batch_size, shuffle=False)
net_G = nn.Sequential(nn.Linear(2, 2))
net_D = nn.Sequential(nn.Linear(2, 5), nn.Tanh(), nn.Linear(5, 3), nn.Tanh(), nn.Linear(3, 1))


def update_D(X, Z, net_D, net_G, loss, trainer_D):
    """Update discriminator."""
    batch_size = X.shape[0]
    ones = torch.ones((batch_size,), device=X.device)
    zeros = torch.zeros((batch_size,), device=X.device)
    trainer_D.zero_grad()
    real_Y = net_D(X)
    fake_X = net_G(Z)
    # Do not need to compute gradient for `net_G`, detach it from
    # computing gradients.
    fake_Y = net_D(fake_X.detach())
    loss_D = (loss(real_Y, ones.reshape(real_Y.shape)) + loss(fake_Y, zeros.reshape(fake_Y.shape))) / 2
    loss_D.backward()
    trainer_D.step()
    return loss_D


def update_G(Z, net_D, net_G, loss, trainer_G):
    """Update generator."""
    batch_size = Z.shape[0]
    ones = torch.ones((batch_size,), device=Z.device)
    trainer_G.zero_grad()
    # We could reuse `fake_X` from `update_D` to save computation
    fake_X = net_G(Z)
    # Recomputing `fake_Y` is needed since `net_D` is changed
    fake_Y = net_D(fake_X)
    loss_G = loss(fake_Y, ones.reshape(fake_Y.shape))
    loss_G.backward()
    trainer_G.step()
    return loss_G


def train(net_D, net_G, data_iter, num_epochs, lr_D, lr_G, latent_dim, data):
    loss = nn.BCEWithLogitsLoss(reduction='sum')
    for w in net_D.parameters():
        nn.init.normal_(w, 0, 0.02)
    for w in net_G.parameters():
        nn.init.normal_(w, 0, 0.02)
    trainer_D = torch.optim.Adam(net_D.parameters(), lr=lr_D)
    trainer_G = torch.optim.Adam(net_G.parameters(), lr=lr_G)
    for epoch in range(num_epochs):
        # Train one epoch
        metric = [0.0, 0.0, 0]  # loss_D, loss_G, num_examples
        for (X,) in data_iter:
            batch_size = X.shape[0]
            Z = torch.normal(0, 1, size=(batch_size, latent_dim))
            metric[0] += update_D(X, Z, net_D, net_G, loss, trainer_D).item()
            metric[1] += update_G(Z, net_D, net_G, loss, trainer_G).item()
            metric[2] += batch_size
        # Visualize generated examples
        Z = torch.normal(0, 1, size=(5, latent_dim))
        fake_X = net_G(Z).detach().numpy()
        loss_D, loss_G = metric[0] / metric[2], metric[1] / metric[2]
        print(f'epoch {epoch + 1}, loss_D {loss_D:.4f}, loss_G {loss_G:.4f}', fake_X[0])


lr_D, lr_G, latent_dim, num_epochs = 0.05, 0.005, 2, 3
train(net_D, net_G, data_iter, num_epochs, lr_D, lr_G, latent_dim, data[:100].detach().numpy())
print(net_G[0].weight.data, net_D[0].weight.grad)


# 20.2 DCGAN blocks
class G_block(nn.Module):
    def __init__(self, out_channels, in_channels=3, kernel_size=4, strides=2, padding=1, **kwargs):
        super(G_block, self).__init__(**kwargs)
        self.conv2d_trans = nn.ConvTranspose2d(in_channels, out_channels, kernel_size, strides, padding,
                                               bias=False)
        self.batch_norm = nn.BatchNorm2d(out_channels)
        self.activation = nn.ReLU()

    def forward(self, X):
        return self.activation(self.batch_norm(self.conv2d_trans(X)))


x = torch.zeros((2, 3, 16, 16))
g_blk = G_block(20)
print(g_blk(x).shape)
x = torch.zeros((2, 3, 1, 1))
g_blk = G_block(20, strides=1, padding=0)
print(g_blk(x).shape)
n_G = 8
net_G = nn.Sequential(
    G_block(in_channels=10, out_channels=n_G * 4, strides=1, padding=0),  # Output: (32, 4, 4)
    G_block(in_channels=n_G * 4, out_channels=n_G * 2),  # Output: (16, 8, 8)
    G_block(in_channels=n_G * 2, out_channels=n_G),  # Output: (8, 16, 16)
    nn.ConvTranspose2d(in_channels=n_G, out_channels=3, kernel_size=4, stride=2, padding=1, bias=False),
    nn.Tanh())  # Output: (3, 32, 32)
x = torch.zeros((1, 10, 1, 1))
print(net_G(x).shape)
alphas = [0, .2, .4, .6, .8, 1]
x = torch.arange(-2, 1, 0.1)
Y = [nn.LeakyReLU(alpha)(x).detach().numpy() for alpha in alphas]
print([y[:3] for y in Y], nn.LeakyReLU(0.2))


class D_block(nn.Module):
    def __init__(self, out_channels, in_channels=3, kernel_size=4, strides=2, padding=1, alpha=0.2, **kwargs):
        super(D_block, self).__init__(**kwargs)
        self.conv2d = nn.Conv2d(in_channels, out_channels, kernel_size, strides, padding, bias=False)
        self.batch_norm = nn.BatchNorm2d(out_channels)
        self.activation = nn.LeakyReLU(alpha, inplace=True)

    def forward(self, X):
        return self.activation(self.batch_norm(self.conv2d(X)))


x = torch.zeros((2, 3, 16, 16))
d_blk = D_block(20)
print(d_blk(x).shape)
n_D = 8
net_D = nn.Sequential(
    D_block(n_D),  # Output: (8, 16, 16)
    D_block(in_channels=n_D, out_channels=n_D * 2),  # Output: (16, 8, 8)
    D_block(in_channels=n_D * 2, out_channels=n_D * 4),  # Output: (32, 4, 4)
    nn.Conv2d(in_channels=n_D * 4, out_channels=1, kernel_size=4, bias=False))  # Output: (1, 1, 1)
x = torch.zeros((1, 3, 32, 32))
print(net_D(x).shape)
torch.manual_seed(1)
for net in (net_D, net_G):
    for w in net.parameters():
        nn.init.normal_(w, 0, 0.02)
loss = nn.BCEWithLogitsLoss(reduction='sum')
trainer_hp = {'lr': 0.005, 'betas': [0.5, 0.999]}
trainer_D = torch.optim.Adam(net_D.parameters(), **trainer_hp)
trainer_G = torch.optim.Adam(net_G.parameters(), **trainer_hp)
X = torch.rand(4, 3, 32, 32) * 2 - 1
Z = torch.normal(0, 1, size=(4, 10, 1, 1))
for step in range(2):
    l_D = update_D(X, Z, net_D, net_G, loss, trainer_D)
    l_G = update_G(Z, net_D, net_G, loss, trainer_G)
    print(step, l_D.item(), l_G.item(), l_D.grad_fn)
print(net_G[0].batch_norm.running_mean[:4], net_D[0].conv2d.weight.grad[0, 0, 0])

# 21.3 matrix factorization on a made-up rating matrix
num_users, num_items = 6, 5
users = torch.tensor([0, 0, 1, 1, 2, 3, 3, 4, 5, 5, 2, 4])
items = torch.tensor([0, 1, 1, 2, 3, 0, 4, 2, 1, 3, 4, 0])
ratings = torch.tensor([5.0, 3.0, 4.0, 2.0, 1.0, 4.0, 5.0, 3.0, 2.0, 4.0, 3.0, 5.0])


class MF(nn.Module):
    def __init__(self, num_factors, num_users, num_items, **kwargs):
        super(MF, self).__init__(**kwargs)
        self.P = nn.Embedding(num_embeddings=num_users, embedding_dim=num_factors)
        self.Q = nn.Embedding(num_embeddings=num_items, embedding_dim=num_factors)
        self.user_bias = nn.Embedding(num_users, 1)
        self.item_bias = nn.Embedding(num_items, 1)

    def forward(self, user_id, item_id):
        P_u = self.P(user_id)
        Q_i = self.Q(item_id)
        b_u = self.user_bias(user_id)
        b_i = self.item_bias(item_id)
        outputs = (P_u * Q_i).sum(axis=1) + torch.squeeze(b_u) + torch.squeeze(b_i)
        return outputs.flatten()


torch.manual_seed(2)
net = MF(3, num_users, num_items)
for p in net.parameters():
    nn.init.normal_(p, std=0.01)
loss = nn.MSELoss()
trainer = torch.optim.Adam(net.parameters(), lr=0.05, weight_decay=1e-5)
for epoch in range(4):
    trainer.zero_grad()
    preds = net(users, items)
    l = loss(preds, ratings)
    l.backward()
    trainer.step()
    rmse = torch.sqrt(torch.mean(torch.square(preds - ratings)))
    print(epoch, f'{l.item():.5f}', f'{rmse.item():.5f}')
print(net(torch.tensor([2]), torch.tensor([0])))


# 21.4 AutoRec
class AutoRec(nn.Module):
    def __init__(self, num_hidden, num_users, dropout=0.05):
        super(AutoRec, self).__init__()
        self.encoder = nn.Linear(num_users, num_hidden, bias=True)
        self.decoder = nn.Linear(num_hidden, num_users, bias=True)
        self.dropout = nn.Dropout(dropout)

    def forward(self, input):
        hidden = self.dropout(torch.sigmoid(self.encoder(input)))
        pred = self.decoder(hidden)
        if self.training:  # Mask the gradient during training
            return pred * torch.sign(input)
        else:
            return pred


inter = torch.zeros(num_items, num_users)
inter[items, users] = ratings
print(inter, torch.sign(inter)[0])
torch.manual_seed(3)
net = AutoRec(4, num_users)
trainer = torch.optim.Adam(net.parameters(), lr=0.02, weight_decay=1e-5)
loss = nn.MSELoss()
for epoch in range(3):
    net.train()
    trainer.zero_grad()
    l = loss(net(inter), inter)
    l.backward()
    trainer.step()
    print(epoch, l.item())
net.eval()
scores = net(inter)
print(torch.sqrt(torch.sum(torch.square(inter - torch.sign(inter) * scores)) / torch.sum(torch.sign(inter))))


# 21.5/21.6 personalized ranking: BPR and hinge losses, NeuMF
class BPRLoss(nn.Module):
    def __init__(self, **kwargs):
        super(BPRLoss, self).__init__(**kwargs)

    def forward(self, positive, negative):
        distances = positive - negative
        loss = - torch.sum(torch.log(torch.sigmoid(distances)), 0, keepdim=True)
        return loss


class HingeLossbRec(nn.Module):
    def __init__(self, **kwargs):
        super(HingeLossbRec, self).__init__(**kwargs)

    def forward(self, positive, negative, margin=1):
        distances = positive - negative
        loss = torch.sum(torch.maximum(- distances + margin, torch.tensor(0)))
        return loss


class NeuMF(nn.Module):
    def __init__(self, num_factors, num_users, num_items, nums_hiddens, **kwargs):
        super(NeuMF, self).__init__(**kwargs)
        self.P = nn.Embedding(num_users, num_factors)
        self.Q = nn.Embedding(num_items, num_factors)
        self.U = nn.Embedding(num_users, num_factors)
        self.V = nn.Embedding(num_items, num_factors)
        layers = []
        in_features = num_factors * 2
        for num_hiddens in nums_hiddens:
            layers.append(nn.Linear(in_features, num_hiddens, bias=True))
            layers.append(nn.ReLU())
            in_features = num_hiddens
        self.mlp = nn.Sequential(*layers)
        self.prediction_layer = nn.Linear(num_factors + in_features, 1, bias=False)

    def forward(self, user_id, item_id):
        p_mf = self.P(user_id)
        q_mf = self.Q(item_id)
        gmf = p_mf * q_mf
        p_mlp = self.U(user_id)
        q_mlp = self.V(item_id)
        mlp = self.mlp(torch.cat([p_mlp, q_mlp], dim=1))
        con_res = torch.cat([gmf, mlp], dim=1)
        return torch.sigmoid(self.prediction_layer(con_res))


torch.manual_seed(4)
net = NeuMF(3, num_users, num_items, nums_hiddens=[4, 4])
for p in net.parameters():
    nn.init.normal_(p, std=0.01)
negatives = torch.tensor([4, 2, 0, 3, 0, 1, 1, 4, 0, 1, 2, 3])
trainer = torch.optim.Adam(net.parameters(), lr=0.05)
for name, loss in (('bpr', BPRLoss()), ('hinge', HingeLossbRec())):
    for step in range(2):
        trainer.zero_grad()
        p_pos = net(users, items)
        p_neg = net(users, negatives)
        l = loss(p_pos, p_neg)
        l.backward()
        trainer.step()
        print(name, step, l, l.shape)
scores = net(torch.tensor([0] * num_items), torch.arange(num_items)).flatten()
print(scores, torch.topk(scores, 2), torch.argsort(scores, descending=True))


# 21.9/21.10 factorization machines and DeepFM
class FM(nn.Module):
    def __init__(self, field_dims, num_factors):
        super(FM, self).__init__()
        num_inputs = int(sum(field_dims))
        self.embedding = nn.Embedding(num_inputs, num_factors)
        self.fc = nn.Embedding(num_inputs, 1)
        self.linear_layer = nn.Linear(1, 1, bias=True)

    def forward(self, x):
        square_of_sum = torch.sum(self.embedding(x), dim=1) ** 2
        sum_of_square = torch.sum(self.embedding(x) ** 2, dim=1)
        x = self.linear_layer(self.fc(x).sum(1)) + 0.5 * (square_of_sum - sum_of_square).sum(1, keepdims=True)
        x = torch.sigmoid(x)
        return x


class DeepFM(nn.Module):
    def __init__(self, field_dims, num_factors, mlp_dims, drop_rate=0.1):
        super(DeepFM, self).__init__()
        num_inputs = int(sum(field_dims))
        self.embedding = nn.Embedding(num_inputs, num_factors)
        self.fc = nn.Embedding(num_inputs, 1)
        self.linear_layer = nn.Linear(1, 1, bias=True)
        input_dim = self.embed_output_dim = len(field_dims) * num_factors
        self.mlp = nn.Sequential()
        for i, dim in enumerate(mlp_dims):
            self.mlp.add_module(f'linear{i}', nn.Linear(input_dim, dim, bias=True))
            self.mlp.add_module(f'relu{i}', nn.ReLU())
            self.mlp.add_module(f'dropout{i}', nn.Dropout(drop_rate))
            input_dim = dim
        self.mlp.add_module('output', nn.Linear(input_dim, 1))

    def forward(self, x):
        embed_x = self.embedding(x)
        square_of_sum = torch.sum(embed_x, axis=1) ** 2
        sum_of_square = torch.sum(embed_x ** 2, axis=1)
        inputs = torch.reshape(embed_x, (-1, self.embed_output_dim))
        x = self.linear_layer(self.fc(x).sum(1)) \
            + 0.5 * (square_of_sum - sum_of_square).sum(1, keepdims=True) + self.mlp(inputs)
        x = torch.sigmoid(x)
        return x


field_dims = [3, 4, 2]
offsets = torch.tensor([0, 3, 7])
raw = torch.tensor([[0, 1, 0], [2, 3, 1], [1, 0, 1], [0, 2, 0], [2, 1, 1], [1, 3, 0]])
x = raw + offsets
y = torch.tensor([1.0, 0.0, 1.0, 0.0, 1.0, 0.0])
for model in (FM(field_dims, 4), DeepFM(field_dims, 4, mlp_dims=[8, 4])):
    torch.manual_seed(5)
    for p in model.parameters():
        nn.init.xavier_normal_(p) if p.dim() > 1 else nn.init.zeros_(p)
    trainer = torch.optim.Adam(model.parameters(), lr=0.02)
    loss = nn.BCELoss()
    for step in range(3):
        model.train()
        trainer.zero_grad()
        pred = model(x).reshape(-1)
        l = loss(pred, y)
        l.backward()
        trainer.step()
        print(type(model).__name__, step, f'{l.item():.6f}', pred.grad_fn)
    model.eval()
    print(model(x).flatten(), [n for n, _ in model.named_parameters()][:5])
