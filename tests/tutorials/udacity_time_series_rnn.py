import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
# Udacity deep-learning v2-pytorch "Simple RNN" time-series prediction: predict the next point of a
# sine wave, with r_out.view(-1, hidden_dim), hidden = hidden.data between steps.
torch.manual_seed(0)
seq_length = 20
time_steps = np.linspace(0, np.pi, seq_length + 1)
data = np.sin(time_steps)
data.resize((seq_length + 1, 1))
print(data.shape, data[:3].ravel())
x = data[:-1]
y = data[1:]
class RNN(nn.Module):
    def __init__(self, input_size, output_size, hidden_dim, n_layers):
        super(RNN, self).__init__()
        self.hidden_dim = hidden_dim
        self.rnn = nn.RNN(input_size, hidden_dim, n_layers, batch_first=True)
        self.fc = nn.Linear(hidden_dim, output_size)
    def forward(self, x, hidden):
        batch_size = x.size(0)
        r_out, hidden = self.rnn(x, hidden)
        r_out = r_out.view(-1, self.hidden_dim)
        output = self.fc(r_out)
        return output, hidden
test_rnn = RNN(input_size=1, output_size=1, hidden_dim=10, n_layers=2)
time_steps = np.linspace(0, np.pi, seq_length)
data = np.sin(time_steps)
data.resize((seq_length, 1))
test_input = torch.Tensor(data).unsqueeze(0)
print('Input size: ', test_input.size())
test_out, test_h = test_rnn(test_input, None)
print('Output size: ', test_out.size())
print('Hidden state size: ', test_h.size())
print(test_out[:3], test_h[:, :, :3])
input_size = 1
output_size = 1
hidden_dim = 16
n_layers = 1
rnn = RNN(input_size, output_size, hidden_dim, n_layers)
print(rnn)
criterion = nn.MSELoss()
optimizer = torch.optim.Adam(rnn.parameters(), lr=0.01)
def train(rnn, n_steps, print_every):
    hidden = None
    for batch_i, step in enumerate(range(n_steps)):
        time_steps = np.linspace(step * np.pi, (step + 1) * np.pi, seq_length + 1)
        data = np.sin(time_steps)
        data.resize((seq_length + 1, 1))
        x = data[:-1]
        y = data[1:]
        x_tensor = torch.Tensor(x).unsqueeze(0)
        y_tensor = torch.Tensor(y)
        prediction, hidden = rnn(x_tensor, hidden)
        hidden = hidden.data
        loss = criterion(prediction, y_tensor)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if batch_i % print_every == 0:
            print('Loss: ', loss.item())
            print(prediction.data.flatten()[:5])
    return rnn
trained_rnn = train(rnn, 40, 10)
print(hidden_dim, trained_rnn.rnn.weight_hh_l0.grad.norm())
x_tensor = torch.Tensor(x).unsqueeze(0)
with torch.no_grad():
    prediction, h = trained_rnn(x_tensor, None)
print(prediction.shape, h.shape, prediction.requires_grad, prediction.grad_fn)
print(prediction.squeeze()[:8])
print(torch.Tensor(x).dtype, torch.Tensor(np.arange(3)).dtype, torch.Tensor(3).shape, torch.Tensor([[1, 2]]).dtype)
