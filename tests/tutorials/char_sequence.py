import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
optim = torch.optim
torch.manual_seed(0)
sample = " if you want you"
char_set = list(sorted(set(sample)))
char_dic = {c: i for i, c in enumerate(char_set)}
print(char_dic)
dic_size = len(char_dic)
hidden_size = len(char_dic)
learning_rate = 0.1
sample_idx = [char_dic[c] for c in sample]
x_data = [sample_idx[:-1]]
x_one_hot = [np.eye(dic_size)[x] for x in x_data]
y_data = [sample_idx[1:]]
X = torch.FloatTensor(np.array(x_one_hot))
Y = torch.LongTensor(y_data)
print(X.size(), Y.size(), X.dtype)
rnn = torch.nn.RNN(dic_size, hidden_size, batch_first=True)
criterion = torch.nn.CrossEntropyLoss()
optimizer = optim.Adam(rnn.parameters(), learning_rate)
for i in range(50):
    optimizer.zero_grad()
    outputs, _status = rnn(X)
    loss = criterion(outputs.view(-1, dic_size), Y.view(-1))
    loss.backward()
    optimizer.step()
    result = outputs.data.numpy().argmax(axis=2)
    result_str = ''.join([char_set[c] for c in np.squeeze(result)])
    if i % 10 == 0 or i == 49:
        print(i, "loss: ", f"{loss.item():.4f}", "prediction: ", result, "true Y: ", y_data, "prediction str: ", result_str)
# long sentence with a 2-layer net and a FC head
sentence = ("if you want to build a ship, don't drum up people together to "
            "collect wood and don't assign them tasks and work, but rather "
            "teach them to long for the endless immensity of the sea.")
char_set = list(sorted(set(sentence)))
char_dic = {c: i for i, c in enumerate(char_set)}
dic_size = len(char_dic)
sequence_length = 10
x_data, y_data = [], []
for i in range(0, len(sentence) - sequence_length):
    x_str = sentence[i:i + sequence_length]
    y_str = sentence[i + 1: i + sequence_length + 1]
    x_data.append([char_dic[c] for c in x_str])
    y_data.append([char_dic[c] for c in y_str])
x_one_hot = [np.eye(dic_size)[x] for x in x_data]
X = torch.FloatTensor(np.array(x_one_hot))
Y = torch.LongTensor(y_data)
print(X.shape, Y.shape)
class Net(torch.nn.Module):
    def __init__(self, input_dim, hidden_dim, layers):
        super(Net, self).__init__()
        self.rnn = torch.nn.RNN(input_dim, hidden_dim, num_layers=layers, batch_first=True)
        self.fc = torch.nn.Linear(hidden_dim, hidden_dim, bias=True)
    def forward(self, x):
        x, _status = self.rnn(x)
        x = self.fc(x)
        return x
net = Net(dic_size, dic_size, 2)
print(net)
criterion = torch.nn.CrossEntropyLoss()
optimizer = optim.Adam(net.parameters(), 0.1)
for i in range(8):  # few steps: Adam at lr 0.1 amplifies float32 rounding (x3 per step here)
    optimizer.zero_grad()
    outputs = net(X)
    loss = criterion(outputs.view(-1, dic_size), Y.view(-1))
    loss.backward()
    optimizer.step()
    results = outputs.argmax(dim=2)
    predict_str = ""
    for j, result in enumerate(results):
        if j == 0:
            predict_str += ''.join([char_set[t] for t in result])
        else:
            predict_str += char_set[result[-1]]
    if i % 4 == 3:
        print(i, round(loss.item(), 3), predict_str[:40])
