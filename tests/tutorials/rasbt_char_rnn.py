import tinygrad_rnn as torch
import random
import string
import time
# Sebastian Raschka's deeplearning-models, char-RNN notebook: an Embedding + nn.LSTMCell + Linear
# character model over string.printable, trained one character at a time on random portions of a
# text (here a short embedded one), the loss summed with `loss +=` and divided in place, and sampled
# with outputs.data.view(-1).div(temperature).exp() and torch.multinomial. (17 iterations, the notebook's 5000.)
torch.backends.cudnn.deterministic = True
RANDOM_SEED = 123
torch.manual_seed(RANDOM_SEED)
random.seed(RANDOM_SEED)
DEVICE = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
TEXT_PORTION_SIZE = 20
NUM_ITER = 17
LEARNING_RATE = 0.005
EMBEDDING_DIM = 16
HIDDEN_DIM = 24
textfile = ("It was the best of times, it was the worst of times, it was the age of wisdom, it was the age of "
            "foolishness, it was the epoch of belief, it was the epoch of incredulity, it was the season of Light, "
            "it was the season of Darkness, it was the spring of hope, it was the winter of despair.")
print(f'Number of characters in text: {len(textfile)}', len(string.printable))


def random_portion(textfile):
    start_index = random.randint(0, len(textfile) - TEXT_PORTION_SIZE)
    end_index = start_index + TEXT_PORTION_SIZE + 1
    return textfile[start_index:end_index]


print(random_portion(textfile))


def char_to_tensor(text):
    lst = [string.printable.index(c) for c in text]
    tensor = torch.tensor(lst).long()
    return tensor


print(char_to_tensor('abcDEF'))


def draw_random_sample(textfile):
    text_long = char_to_tensor(random_portion(textfile))
    inputs = text_long[:-1]
    targets = text_long[1:]
    return inputs, targets


print(draw_random_sample(textfile))


class RNN(torch.nn.Module):
    def __init__(self, input_size, embed_size, hidden_size, output_size):
        super().__init__()
        self.hidden_size = hidden_size
        self.embed = torch.nn.Embedding(num_embeddings=input_size, embedding_dim=embed_size)
        self.rnn = torch.nn.LSTMCell(input_size=embed_size, hidden_size=hidden_size)
        self.fc = torch.nn.Linear(hidden_size, output_size)

    def forward(self, character, hidden, cell_state):
        embedded = self.embed(character)
        (hidden, cell_state) = self.rnn(embedded, (hidden, cell_state))
        output = self.fc(hidden)
        return output, hidden, cell_state

    def init_zero_state(self):
        init_hidden = torch.zeros(1, self.hidden_size).to(DEVICE)
        init_cell = torch.zeros(1, self.hidden_size).to(DEVICE)
        return (init_hidden, init_cell)


model = RNN(len(string.printable), EMBEDDING_DIM, HIDDEN_DIM, len(string.printable))
model = model.to(DEVICE)
print(model, sum(p.numel() for p in model.parameters()))
optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)


def evaluate(model, prime_str='A', predict_len=100, temperature=0.8):
    (hidden, cell_state) = model.init_zero_state()
    prime_input = char_to_tensor(prime_str)
    predicted = prime_str
    for p in range(len(prime_str) - 1):
        inp = prime_input[p].unsqueeze(0)
        _, hidden, cell_state = model(inp.to(DEVICE), hidden, cell_state)
    inp = prime_input[-1].unsqueeze(0)
    for p in range(predict_len):
        outputs, hidden, cell_state = model(inp.to(DEVICE), hidden, cell_state)
        output_dist = outputs.data.view(-1).div(temperature).exp()
        top_i = torch.multinomial(output_dist, 1)[0]
        predicted_char = string.printable[top_i]
        predicted += predicted_char
        inp = char_to_tensor(predicted_char)
    return predicted


start_time = time.time()
loss_list = []
for iteration in range(NUM_ITER):
    hidden, cell_state = model.init_zero_state()
    optimizer.zero_grad()
    loss = 0.
    inputs, targets = draw_random_sample(textfile)
    inputs, targets = inputs.to(DEVICE), targets.to(DEVICE)
    for c in range(TEXT_PORTION_SIZE):
        outputs, hidden, cell_state = model(inputs[c].unsqueeze(0), hidden, cell_state)
        loss += torch.nn.functional.cross_entropy(outputs, targets[c].view(1))
    loss /= TEXT_PORTION_SIZE
    loss.backward()
    optimizer.step()
    loss_list.append(loss.item())
    with torch.set_grad_enabled(False):
        if iteration % 8 == 0:
            print(f'Iteration {iteration} | Loss {loss.item():.2f}', loss.grad_fn.name(), type(loss).__name__)
            print(evaluate(model, 'Th', 40), '\n')
            print(50*'=')
print(model.rnn.weight_hh.grad.norm(), model.fc.bias.grad[:4], model.embed.weight.grad.abs().sum(dim=1).nonzero().view(-1)[:8])
print(hidden.shape, cell_state.grad_fn.name(), outputs.data.view(-1).div(0.8).exp().shape)
print([round(v, 3) for v in loss_list[::4]])
