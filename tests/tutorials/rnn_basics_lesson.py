import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
torch.manual_seed(777)
# "RNN basics": one cell, then a sequence, then a batch
h = [1, 0, 0, 0]; e = [0, 1, 0, 0]; l = [0, 0, 1, 0]; o = [0, 0, 0, 1]
input_size, hidden_size = 4, 2
cell = nn.RNN(input_size=input_size, hidden_size=hidden_size, batch_first=True)
print(cell)
inputs = torch.Tensor([[h]])
print("input size", inputs.size())
out, hidden = cell(inputs)
print("out size", out.size(), "hidden size", hidden.size())
inputs = torch.Tensor([[h, e, l, l, o]])
out, hidden = cell(inputs)
print("sequence input size", inputs.size(), "out size", out.size())
inputs = torch.Tensor([[h, e, l, l, o], [e, o, l, l, l], [l, l, e, e, l]])
print("batch input size", inputs.size())
out, hidden = cell(inputs)
print("batch out size", out.size(), hidden.shape)
print(out.data.numpy().round(4))
for name, param in cell.named_parameters():
    print(name, param.size(), param.dtype, param.requires_grad)
print(sum(p.numel() for p in cell.parameters()))
cell2 = nn.RNN(4, 3, num_layers=2, nonlinearity='relu')
x = torch.randn(5, 3, 4)
h0 = torch.zeros(2, 3, 3)
y, hn = cell2(x, h0)
print(y.shape, hn.shape, y.grad_fn is not None)
print(torch.allclose(y[-1], hn[-1]))
lstm = nn.LSTM(4, 6, bidirectional=True)
y, (hn, cn) = lstm(x)
print(y.shape, hn.shape, cn.shape)
print(lstm.weight_ih_l0.shape, lstm.weight_hh_l0_reverse.shape, lstm.bias_ih_l0.shape)
print(lstm.state_dict().keys())
gru = nn.GRU(4, 5, batch_first=True)
y, hn = gru(x.transpose(0, 1))
print(y.shape, hn.shape, y[:, -1, :].shape, torch.allclose(y[:, -1, :], hn[0]))
rc = nn.RNNCell(4, 3)
hx = torch.randn(3, 3)
outs = []
for i in range(x.size(0)):
    hx = rc(x[i], hx)
    outs.append(hx)
print(torch.stack(outs).shape, outs[-1].grad_fn)
lc = nn.LSTMCell(4, 3)
hx, cx = torch.zeros(3, 3), torch.zeros(3, 3)
for i in range(x.size(0)):
    hx, cx = lc(x[i], (hx, cx))
print(hx.shape, cx.shape, round(hx.sum().item(), 4))
gc = nn.GRUCell(4, 3)
print(gc(x[0]).shape, gc)
