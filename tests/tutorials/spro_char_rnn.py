import tinygrad_rnn as torch
# Sean Robertson's practical-pytorch: char-RNN classification (Variable-era idioms, nn.LogSoftmax() without dim,
# output.data.topk, a confusion matrix), char-RNN generation with a GRU and multinomial sampling at a temperature,
# and conditional generation (category + letter + hidden, dropout, unsqueeze_ of the target line).
# Far fewer iterations than the notebooks (100000 / 2000 / 100000): 120 / 16 (10-char chunks) / 80.
import random
import string
import unicodedata
import warnings
Variable = torch.autograd.Variable
nn = torch.nn

torch.manual_seed(0)
random.seed(0)
all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)


def unicodeToAscii(s):
    return ''.join(c for c in unicodedata.normalize('NFD', s)
                   if unicodedata.category(c) != 'Mn' and c in all_letters)


print(unicodeToAscii('Ślusàrski'), n_letters)
category_lines = {
    'Czech': ['Abl', 'Adsit', 'Bazant', 'Bruzek', 'Dvorak', 'Novak'],
    'Irish': ['Brady', 'Doherty', 'Kelly', "O'Brien", 'Ryan', 'Walsh'],
    'Japanese': ['Abe', 'Honda', 'Ito', 'Sato', 'Tanaka', 'Yamada'],
    'Polish': [unicodeToAscii('Wójcik'), unicodeToAscii('Kowalczyk'), 'Nowak', 'Lis', 'Mazur', 'Zielinski'],
}
all_categories = list(category_lines)
n_categories = len(all_categories)


def letter_to_index(letter):
    return all_letters.find(letter)


def letter_to_tensor(letter):
    tensor = torch.zeros(1, n_letters)
    tensor[0][letter_to_index(letter)] = 1
    return tensor


def line_to_tensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letter_to_index(letter)] = 1
    return tensor


print(letter_to_tensor('J').nonzero(), line_to_tensor('Jones').size())


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(input_size + hidden_size, output_size)
        self.softmax = nn.LogSoftmax()

    def forward(self, input, hidden):
        combined = torch.cat((input, hidden), 1)
        hidden = self.i2h(combined)
        output = self.i2o(combined)
        output = self.softmax(output)
        return output, hidden

    def init_hidden(self):
        return Variable(torch.zeros(1, self.hidden_size))


n_hidden = 32
rnn = RNN(n_letters, n_hidden, n_categories)
print(rnn)
input = Variable(letter_to_tensor('A'))
hidden = rnn.init_hidden()
output, next_hidden = rnn(input, hidden)
print('output.size =', output.size(), type(input).__name__, input.requires_grad)
input = Variable(line_to_tensor('Albert'))
output, next_hidden = rnn(input[0], hidden)
print(output, next_hidden.grad_fn)


def category_from_output(output):
    top_n, top_i = output.data.topk(1)  # Tensor out of Variable with .data
    category_i = top_i[0][0]
    return all_categories[category_i], category_i


print(category_from_output(output))


def random_training_pair():
    category = random.choice(all_categories)
    line = random.choice(category_lines[category])
    category_tensor = Variable(torch.LongTensor([all_categories.index(category)]))
    line_tensor = Variable(line_to_tensor(line))
    return category, line, category_tensor, line_tensor


for i in range(3):
    category, line, category_tensor, line_tensor = random_training_pair()
    print('category =', category, '/ line =', line, category_tensor)

learning_rate = 0.005
criterion = nn.NLLLoss()
optimizer = torch.optim.SGD(rnn.parameters(), lr=learning_rate)


def train(category_tensor, line_tensor):
    rnn.zero_grad()
    hidden = rnn.init_hidden()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    loss = criterion(output, category_tensor)
    loss.backward()
    optimizer.step()
    return output, loss


output, loss = train(category_tensor, line_tensor)
try:
    loss.data[0]  # the notebook's `return output, loss.data[0]`, from before 0-d tensors
except IndexError as e:
    print('IndexError:', e)
current_loss = 0
for epoch in range(1, 121):
    category, line, category_tensor, line_tensor = random_training_pair()
    output, loss = train(category_tensor, line_tensor)
    current_loss += loss.item()
    if epoch % 40 == 0:
        guess, guess_i = category_from_output(output)
        correct = '✓' if guess == category else '✗ (%s)' % category
        print('%d %d%% %.4f %s / %s %s' % (epoch, epoch / 120 * 100, loss.item(), line, guess, correct))
        print('avg %.4f' % (current_loss / 40))
        current_loss = 0

confusion = torch.zeros(n_categories, n_categories)


def evaluate(line_tensor):
    hidden = rnn.init_hidden()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    return output


for i in range(16):
    category, line, category_tensor, line_tensor = random_training_pair()
    output = evaluate(line_tensor)
    guess, guess_i = category_from_output(output)
    category_i = all_categories.index(category)
    confusion[category_i][guess_i] += 1
print(confusion)
for i in range(n_categories):
    confusion[i] = confusion[i] / confusion[i].sum()
print(confusion, confusion.numpy().dtype)


def predict(input_line, n_predictions=3):
    print('\n> %s' % input_line)
    output = evaluate(Variable(line_to_tensor(input_line), volatile=True))
    topv, topi = output.data.topk(n_predictions, 1, True)
    predictions = []
    for i in range(n_predictions):
        value = topv[0][i]
        category_index = topi[0][i]
        print('(%.2f) %s' % (value, all_categories[category_index]))
        predictions.append([value, all_categories[category_index]])
    return predictions


predict('Dovesky')
predict('Jackson')
print(predict('Satoshi')[0])

# ---------------------------------------------------------------- generation with a GRU
all_characters = string.printable
n_characters = len(all_characters)
file = 'the quick brown fox jumps over the lazy dog. pack my box with five dozen liquor jugs. ' * 3
file_len = len(file)
chunk_len = 10


def random_chunk():
    start_index = random.randint(0, file_len - chunk_len)
    end_index = start_index + chunk_len + 1
    return file[start_index:end_index]


def char_tensor(string):
    tensor = torch.zeros(len(string)).long()
    for c in range(len(string)):
        tensor[c] = all_characters.index(string[c])
    return Variable(tensor)


print(char_tensor('abcDEF'))


class GenRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size, n_layers=1):
        super(GenRNN, self).__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.output_size = output_size
        self.n_layers = n_layers
        self.encoder = nn.Embedding(input_size, hidden_size)
        self.gru = nn.GRU(hidden_size, hidden_size, n_layers)
        self.decoder = nn.Linear(hidden_size, output_size)

    def forward(self, input, hidden):
        input = self.encoder(input.view(1, -1))
        output, hidden = self.gru(input.view(1, 1, -1), hidden)
        output = self.decoder(output.view(1, -1))
        return output, hidden

    def init_hidden(self):
        return Variable(torch.zeros(self.n_layers, 1, self.hidden_size))


def random_training_set():
    chunk = random_chunk()
    inp = char_tensor(chunk[:-1])
    target = char_tensor(chunk[1:])
    return inp, target


def evaluate_gen(prime_str='A', predict_len=30, temperature=0.8):
    hidden = decoder.init_hidden()
    prime_input = char_tensor(prime_str)
    predicted = prime_str
    for p in range(len(prime_str) - 1):  # use the priming string to "build up" hidden state
        _, hidden = decoder(prime_input[p], hidden)
    inp = prime_input[-1]
    for p in range(predict_len):
        output, hidden = decoder(inp, hidden)
        output_dist = output.data.view(-1).div(temperature).exp()
        top_i = torch.multinomial(output_dist, 1)[0]
        predicted_char = all_characters[top_i]
        predicted += predicted_char
        inp = char_tensor(predicted_char)
    return predicted


hidden_size = 24
decoder = GenRNN(n_characters, hidden_size, n_characters, 2)
decoder_optimizer = torch.optim.Adam(decoder.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss()
inp, target = random_training_set()
try:
    out, _ = decoder(inp[0], decoder.init_hidden())
    criterion(out, target[0])
except (ValueError, RuntimeError) as e:
    print(type(e).__name__, e)


def train_gen(inp, target):
    hidden = decoder.init_hidden()
    decoder.zero_grad()
    loss = 0
    for c in range(chunk_len):
        output, hidden = decoder(inp[c], hidden)
        loss += criterion(output, target[c].unsqueeze(0))
    loss.backward()
    decoder_optimizer.step()
    return loss.item() / chunk_len


for epoch in range(1, 17):
    loss = train_gen(*random_training_set())
    if epoch % 4 == 0:
        print('[%d %d%%] %.4f' % (epoch, epoch / 16 * 100, loss))
print(evaluate_gen('Th', 30), '|')
print(evaluate_gen('qu', 20, temperature=0.2), '|')
print(decoder.gru.weight_hh_l1.grad.shape, decoder.gru.all_weights[1][0].shape)

# ---------------------------------------------------------------- conditional generation
class CondRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(CondRNN, self).__init__()
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


n_letters = len(all_letters) + 1  # plus EOS


def categoryTensor(category):
    li = all_categories.index(category)
    tensor = torch.zeros(1, n_categories)
    tensor[0][li] = 1
    return tensor


def inputTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li in range(len(line)):
        letter = line[li]
        tensor[li][0][all_letters.find(letter)] = 1
    return tensor


def targetTensor(line):
    letter_indexes = [all_letters.find(line[li]) for li in range(1, len(line))]
    letter_indexes.append(n_letters - 1)  # EOS
    return torch.LongTensor(letter_indexes)


rnn = CondRNN(n_letters, 32, n_letters)
criterion = nn.NLLLoss()
learning_rate = 0.0005


def train_cond(category_tensor, input_line_tensor, target_line_tensor):
    target_line_tensor.unsqueeze_(-1)
    hidden = rnn.initHidden()
    rnn.zero_grad()
    loss = 0
    for i in range(input_line_tensor.size(0)):
        output, hidden = rnn(category_tensor, input_line_tensor[i], hidden)
        l = criterion(output, target_line_tensor[i])
        loss += l
    loss.backward()
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)
    return output, loss.item() / input_line_tensor.size(0)


t = targetTensor('Kelly')
print(t, t.unsqueeze_(-1).shape, t.shape, t[0])
total_loss = 0
for it in range(1, 81):
    category = random.choice(all_categories)
    line = random.choice(category_lines[category])
    output, loss = train_cond(categoryTensor(category), inputTensor(line), targetTensor(line))
    total_loss += loss
    if it % 20 == 0:
        print('%d %d%% %.4f' % (it, it / 80 * 100, total_loss / 20))
        total_loss = 0

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
for start in 'RUS':
    print(sample('Irish', start), sample('Japanese', start))
with warnings.catch_warnings():
    warnings.simplefilter('ignore')
    print(Variable(torch.ones(2), requires_grad=True).is_leaf, Variable(torch.ones(2), volatile=True).requires_grad)
