import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
np.random.seed(0); torch.manual_seed(0)
t = np.linspace(0, 20, 200); data = np.sin(t) + 0.1*np.random.randn(200)
def windows(a, w):
    X, Y = [], []
    for i in range(len(a)-w):
        X.append(a[i:i+w]); Y.append(a[i+w])
    return np.array(X), np.array(Y)
X, Y = windows(data, 10)
X = torch.FloatTensor(X).unsqueeze(-1); Y = torch.from_numpy(Y).float().view(-1, 1)
print(X.shape, Y.shape, X.dtype, Y.dtype, X.type())
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.GRU(input_size=1, hidden_size=16, num_layers=1, batch_first=True)
        self.fc = nn.Linear(16, 1)
    def forward(self, x):
        out, h = self.rnn(x)
        return self.fc(out[:, -1, :])
net = Net(); opt = torch.optim.Adam(net.parameters(), lr=1e-2); crit = nn.MSELoss()
for ep in range(30):
    opt.zero_grad(); pred = net(X); loss = crit(pred, Y); loss.backward(); opt.step()
    if ep % 10 == 0: print(ep, loss.item(), f'{loss:.5f}', loss)
net.eval()
with torch.no_grad():
    p = net(X[:5]).numpy().flatten()
print(np.round(p, 4).tolist())
print(torch.sum(torch.abs(net(X).detach() - Y) < 0.2).item(), len(Y))
print(torch.tensor(3.5) , torch.arange(0, 10, 2), torch.linspace(0,1,5), torch.eye(2), torch.ones(2,2).type(torch.LongTensor))
x = torch.randn(4, 3); print(x.mean(dim=0).shape, x.std().item() > 0, x.T.shape, x.numpy().dtype, torch.is_tensor(x))
print(torch.cuda.is_available(), torch.device('cuda' if torch.cuda.is_available() else 'cpu'))
