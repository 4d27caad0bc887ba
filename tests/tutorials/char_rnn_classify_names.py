import tinygrad_rnn as torch
nn = torch.nn
import string, random, math, time
all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)
def letterToIndex(letter): return all_letters.find(letter)
def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor
class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(input_size + hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)
    def forward(self, input, hidden):
        combined = torch.cat((input, hidden), 1)
        hidden = self.i2h(combined)
        output = self.i2o(combined)
        output = self.softmax(output)
        return output, hidden
    def initHidden(self):
        return torch.zeros(1, self.hidden_size)
torch.manual_seed(0)
n_hidden = 128
categories = ['English', 'French', 'Greek']
data = {'English': ['Smith', 'Brown', 'Jones'], 'French': ['Dubois', 'Moreau', 'Laurent'], 'Greek': ['Papadopoulos', 'Nikolaidis', 'Georgiou']}
rnn = RNN(n_letters, n_hidden, len(categories))
print(rnn)
criterion = nn.NLLLoss()
learning_rate = 0.005
def categoryFromOutput(output):
    top_n, top_i = output.topk(1)
    category_i = top_i[0].item()
    return categories[category_i], category_i
def train(category_tensor, line_tensor):
    hidden = rnn.initHidden()
    rnn.zero_grad()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    loss = criterion(output, category_tensor)
    loss.backward()
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)
    return output, loss.item()
random.seed(0)
for it in range(120):  # the tutorial's 100000 iterations, shrunk for the test suite's time
    c = random.choice(categories); line = random.choice(data[c])
    category_tensor = torch.tensor([categories.index(c)], dtype=torch.long)
    output, loss = train(category_tensor, lineToTensor(line))
    if it % 40 == 0: print(it, f"{loss:.4f}", categoryFromOutput(output))
with torch.no_grad():
    out, h = rnn(lineToTensor('Smith')[0], rnn.initHidden())
    print(out.shape, out)
