import tinygrad_rnn as torch
import string
import random
nn = torch.nn
torch.manual_seed(3)
random.seed(3)
all_letters = string.ascii_letters + " .,;'-"
n_letters = len(all_letters) + 1  # plus EOS marker
category_lines = {'Irish': ['Murphy', 'Kelly', 'Byrne', 'Ryan'], 'Italian': ['Rossi', 'Russo', 'Ferrari', 'Bianchi']}
all_categories = list(category_lines)
n_categories = len(all_categories)
class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(n_categories + input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(n_categories + input_size + hidden_size, output_size)
        self.o2o = nn.Linear(hidden_size + output_size, output_size)
        self.dropout = nn.Dropout(0.1)
        self.softmax = nn.LogSoftmax(dim=1)
    def forward(self, category, input, hidden):
        input_combined = torch.cat((category, input, hidden), 1)
        hidden = self.i2h(input_combined)
        output = self.i2o(input_combined)
        output_combined = torch.cat((hidden, output), 1)
        output = self.o2o(output_combined)
        output = self.dropout(output)
        output = self.softmax(output)
        return output, hidden
    def initHidden(self):
        return torch.zeros(1, self.hidden_size)
def categoryTensor(category):
    li = all_categories.index(category)
    tensor = torch.zeros(1, n_categories)
    tensor[0][li] = 1
    return tensor
def inputTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li in range(len(line)):
        tensor[li][0][all_letters.find(line[li])] = 1
    return tensor
def targetTensor(line):
    letter_indexes = [all_letters.find(line[li]) for li in range(1, len(line))]
    letter_indexes.append(n_letters - 1)
    return torch.LongTensor(letter_indexes)
criterion = nn.NLLLoss()
learning_rate = 0.0005
rnn = RNN(n_letters, 64, n_letters)
def train(category_tensor, input_line_tensor, target_line_tensor):
    target_line_tensor.unsqueeze_(-1)
    hidden = rnn.initHidden()
    rnn.zero_grad()
    loss = torch.Tensor([0])
    for i in range(input_line_tensor.size(0)):
        output, hidden = rnn(category_tensor, input_line_tensor[i], hidden)
        l = criterion(output, target_line_tensor[i])
        loss += l
    loss.backward()
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)
    return output, loss.item() / input_line_tensor.size(0)
total = 0
for it in range(1, 25):  # the tutorial's 100000
    category = random.choice(all_categories)
    line = random.choice(category_lines[category])
    output, loss = train(categoryTensor(category), inputTensor(line), targetTensor(line))
    total += loss
    if it % 8 == 0:
        print('%d %d%% %.4f' % (it, it / 24 * 100, total / 8))
        total = 0
max_length = 10
def sample(category, start_letter='A'):
    with torch.no_grad():
        category_tensor = categoryTensor(category)
        input = inputTensor(start_letter)
        hidden = rnn.initHidden()
        output_name = start_letter
        for i in range(max_length):
            output, hidden = rnn(category_tensor, input[0], hidden)
            topv, topi = output.topk(1)
            topi = topi[0][0]
            if topi == n_letters - 1:
                break
            else:
                letter = all_letters[topi]
                output_name += letter
            input = inputTensor(letter)
        return output_name
rnn.eval()
for c in 'RUS':
    print(sample('Italian', c), sample('Irish', c))
# sampling from the distribution instead of the argmax
with torch.no_grad():
    hidden = rnn.initHidden()
    inp = inputTensor('K')
    name = 'K'
    for i in range(6):
        output, hidden = rnn(categoryTensor('Irish'), inp[0], hidden)
        probs = output.exp().view(-1)
        idx = torch.multinomial(probs, 1)[0]
        print(idx.shape, idx.dtype, round(probs.sum().item(), 4))
        if idx.item() == n_letters - 1:
            break
        name += all_letters[idx.item()]
        inp = inputTensor(all_letters[idx.item()])
