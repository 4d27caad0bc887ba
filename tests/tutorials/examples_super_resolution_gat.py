import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
init = torch.nn.init
# pytorch/examples: super_resolution/model.py (sub-pixel convolution with nn.PixelShuffle, orthogonal init with
# calculate_gain) and gat/main.py (a graph attention layer on a dense adjacency matrix), trained a few steps.


class SuperResNet(nn.Module):
    def __init__(self, upscale_factor):
        super(SuperResNet, self).__init__()
        self.relu = nn.ReLU()
        self.conv1 = nn.Conv2d(1, 8, (5, 5), (1, 1), (2, 2))
        self.conv2 = nn.Conv2d(8, 8, (3, 3), (1, 1), (1, 1))
        self.conv3 = nn.Conv2d(8, 4, (3, 3), (1, 1), (1, 1))
        self.conv4 = nn.Conv2d(4, upscale_factor ** 2, (3, 3), (1, 1), (1, 1))
        self.pixel_shuffle = nn.PixelShuffle(upscale_factor)
        self._initialize_weights()

    def forward(self, x):
        x = self.relu(self.conv1(x))
        x = self.relu(self.conv2(x))
        x = self.relu(self.conv3(x))
        x = self.pixel_shuffle(self.conv4(x))
        return x

    def _initialize_weights(self):
        init.orthogonal_(self.conv1.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv2.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv3.weight, init.calculate_gain('relu'))
        init.orthogonal_(self.conv4.weight)


torch.manual_seed(123)
model = SuperResNet(upscale_factor=2)
print(model, init.calculate_gain('relu'), init.calculate_gain('leaky_relu', 0.2), init.calculate_gain('tanh'))
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
rng = np.random.RandomState(3)
target = torch.from_numpy(rng.rand(4, 1, 12, 12).astype(np.float32))
inp = F.avg_pool2d(target, 2)
for iteration in range(1, 6):
    optimizer.zero_grad()
    loss = criterion(model(inp), target)
    loss.backward()
    optimizer.step()
    psnr = 10 * np.log10(1 / loss.item())
    print("===> Iteration {}: Loss: {:.4f} PSNR {:.4f} dB".format(iteration, loss.item(), psnr))
out = model(inp)
print(out.shape, out.grad_fn, model.conv4.weight.grad.norm())
print(F.pixel_unshuffle(out, 2).shape, nn.PixelUnshuffle(2)(out).grad_fn, nn.PixelShuffle(3))


class GraphAttentionLayer(nn.Module):
    def __init__(self, in_features, out_features, n_heads, concat=False, dropout=0.4, leaky_relu_slope=0.2):
        super(GraphAttentionLayer, self).__init__()
        self.n_heads = n_heads
        self.concat = concat
        self.dropout = dropout
        if concat:
            self.out_features = out_features
            assert out_features % n_heads == 0
            self.n_hidden = out_features // n_heads
        else:
            self.n_hidden = out_features
        self.W = nn.Parameter(torch.empty(size=(in_features, self.n_hidden * n_heads)))
        self.a = nn.Parameter(torch.empty(size=(n_heads, 2 * self.n_hidden, 1)))
        self.leakyrelu = nn.LeakyReLU(leaky_relu_slope)
        self.softmax = nn.Softmax(dim=1)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.xavier_normal_(self.W)
        nn.init.xavier_normal_(self.a)

    def _get_attention_scores(self, h_transformed):
        source_scores = torch.matmul(h_transformed, self.a[:, :self.n_hidden, :])
        target_scores = torch.matmul(h_transformed, self.a[:, self.n_hidden:, :])
        e = source_scores + target_scores.mT
        return self.leakyrelu(e)

    def forward(self, h, adj_mat):
        n_nodes = h.shape[0]
        h_transformed = torch.mm(h, self.W)
        h_transformed = F.dropout(h_transformed, self.dropout, training=self.training)
        h_transformed = h_transformed.view(n_nodes, self.n_heads, self.n_hidden).permute(1, 0, 2)
        e = self._get_attention_scores(h_transformed)
        connectivity_mask = -9e16 * torch.ones_like(e)
        e = torch.where(adj_mat > 0, e, connectivity_mask)
        attention = F.softmax(e, dim=-1)
        attention = F.dropout(attention, self.dropout, training=self.training)
        h_prime = torch.matmul(attention, h_transformed)
        if self.concat:
            h_prime = h_prime.permute(1, 0, 2).contiguous().view(n_nodes, self.out_features)
        else:
            h_prime = h_prime.mean(dim=0)
        return h_prime


class GAT(nn.Module):
    def __init__(self, in_features, n_hidden, n_heads, num_classes, concat=False, dropout=0.4, leaky_relu_slope=0.2):
        super(GAT, self).__init__()
        self.gat1 = GraphAttentionLayer(in_features=in_features, out_features=n_hidden, n_heads=n_heads,
                                        concat=concat, dropout=dropout, leaky_relu_slope=leaky_relu_slope)
        self.gat2 = GraphAttentionLayer(in_features=n_hidden, out_features=num_classes, n_heads=1,
                                        concat=False, dropout=dropout, leaky_relu_slope=leaky_relu_slope)

    def forward(self, input_tensor, adj_mat):
        x = self.gat1(input_tensor, adj_mat)
        x = F.elu(x)
        x = self.gat2(x, adj_mat)
        return F.log_softmax(x, dim=1)


torch.manual_seed(13)
n_nodes, n_features, n_classes = 12, 6, 3
features = torch.from_numpy(rng.rand(n_nodes, n_features).astype(np.float32))
labels = torch.from_numpy(rng.randint(0, n_classes, size=n_nodes))
adj = torch.from_numpy((rng.rand(n_nodes, n_nodes) < 0.3).astype(np.float32))
adj = ((adj + adj.T + torch.eye(n_nodes)) > 0).float()
idx_train, idx_val = torch.arange(0, 8), torch.arange(8, 12)
gat_net = GAT(in_features=n_features, n_hidden=8, n_heads=4, num_classes=n_classes, concat=True)
optimizer = torch.optim.Adam(gat_net.parameters(), lr=0.005, weight_decay=5e-4)
criterion = nn.NLLLoss()
for epoch in range(6):
    gat_net.train()
    optimizer.zero_grad()
    y = gat_net(features, adj)
    loss = criterion(y[idx_train], labels[idx_train])
    loss.backward()
    optimizer.step()
    gat_net.eval()
    with torch.no_grad():
        output = gat_net(features, adj)
        val_loss = criterion(output[idx_val], labels[idx_val])
        val_acc = (output[idx_val].argmax(dim=1) == labels[idx_val]).float().mean()
    print(f'Epoch: {epoch:04d} loss_train: {loss.item():.4f} loss_val: {val_loss.item():.4f} acc_val: {val_acc:.4f}')
print(gat_net.gat1.a.grad.shape, gat_net.gat1.W.grad.abs().sum(), y.grad_fn)
