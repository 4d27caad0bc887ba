import tinygrad_rnn as torch
nn = torch.nn
torch.manual_seed(1)
class AutoEncoder(nn.Module):
    def __init__(self):
        super(AutoEncoder, self).__init__()
        self.encoder = nn.Sequential(nn.Linear(20, 12), nn.ReLU(True), nn.Linear(12, 3))
        self.decoder = nn.Sequential(nn.Linear(3, 12), nn.ReLU(True), nn.Linear(12, 20), nn.Sigmoid())
    def forward(self, x):
        encoded = self.encoder(x)
        decoded = self.decoder(encoded)
        return encoded, decoded
autoencoder = AutoEncoder()
print(autoencoder)
data = torch.rand(64, 20)
optimizer = torch.optim.Adam(autoencoder.parameters(), lr=0.01)
loss_func = nn.MSELoss()
for epoch in range(40):
    perm = torch.randperm(data.size(0))
    for i in range(0, data.size(0), 16):
        b_x = data[perm[i:i + 16]]
        encoded, decoded = autoencoder(b_x)
        loss = loss_func(decoded, b_x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch % 10 == 0:
        print('Epoch: ', epoch, '| train loss: %.4f' % loss.data.numpy(), loss)
encoded, _ = autoencoder(data[:4])
print(encoded.shape, encoded.grad_fn.name())
print(optimizer)
sd = optimizer.state_dict()
print(sorted(sd.keys()), sd['param_groups'][0]['lr'], len(sd['state']), sorted(sd['state'][0].keys()))
bce = nn.BCELoss()
print(round(bce(decoded, b_x).item(), 4), bce(decoded, b_x).grad_fn.name())
l1 = nn.L1Loss()(decoded, b_x)
print(l1, nn.SmoothL1Loss()(decoded, b_x).grad_fn.name())
