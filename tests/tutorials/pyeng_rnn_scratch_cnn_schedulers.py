import tinygrad_rnn as torch
import random
import string
nn = torch.nn
F = torch.nn.functional
lr_scheduler = torch.optim.lr_scheduler
# Patrick Loeber's PyTorch tutorials: the RNN-from-scratch name classifier (letter_to_tensor,
# line_to_tensor, an RNN cell of two Linear layers over cat(input, hidden)), the CIFAR-style CNN
# and the learning-rate scheduler lesson.
ALL_LETTERS = string.ascii_letters + " .,;'"
N_LETTERS = len(ALL_LETTERS)
category_lines = {
    "English": ["Smith", "Brown", "Taylor", "Wilson", "Walker", "Wright"],
    "French": ["Dubois", "Lefebvre", "Moreau", "Laurent", "Fournier", "Girard"],
    "Italian": ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"],
}
all_categories = list(category_lines)
def letter_to_index(letter):
    return ALL_LETTERS.find(letter)
def letter_to_tensor(letter):
    tensor = torch.zeros(1, N_LETTERS)
    tensor[0][letter_to_index(letter)] = 1
    return tensor
def line_to_tensor(line):
    tensor = torch.zeros(len(line), 1, N_LETTERS)
    for i, letter in enumerate(line):
        tensor[i][0][letter_to_index(letter)] = 1
    return tensor
def random_training_example(category_lines, all_categories):
    def random_choice(a):
        random_idx = random.randint(0, len(a) - 1)
        return a[random_idx]
    category = random_choice(all_categories)
    line = random_choice(category_lines[category])
    category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
    line_tensor = line_to_tensor(line)
    return category, line, category_tensor, line_tensor
print(N_LETTERS, letter_to_tensor("J"), letter_to_tensor("J").shape)
print(line_to_tensor("Jones").size(), line_to_tensor("Jones")[0].nonzero())
class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.i2h = nn.Linear(input_size + hidden_size, hidden_size)
        self.i2o = nn.Linear(input_size + hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)
    def forward(self, input_tensor, hidden_tensor):
        combined = torch.cat((input_tensor, hidden_tensor), 1)
        hidden = self.i2h(combined)
        output = self.i2o(combined)
        output = self.softmax(output)
        return output, hidden
    def init_hidden(self):
        return torch.zeros(1, self.hidden_size)
torch.manual_seed(0)
random.seed(0)
n_categories = len(all_categories)
n_hidden = 32
rnn = RNN(N_LETTERS, n_hidden, n_categories)
print(rnn)
input_tensor = letter_to_tensor("A")
hidden_tensor = rnn.init_hidden()
output, next_hidden = rnn(input_tensor, hidden_tensor)
print(output.size(), next_hidden.size(), output, output.grad_fn)
input_tensor = line_to_tensor("Albert")
hidden_tensor = rnn.init_hidden()
output, next_hidden = rnn(input_tensor[0], hidden_tensor)
def category_from_output(output):
    category_idx = torch.argmax(output).item()
    return all_categories[category_idx]
print(category_from_output(output))
criterion = nn.NLLLoss()
learning_rate = 0.005
optimizer = torch.optim.SGD(rnn.parameters(), lr=learning_rate)
def train(line_tensor, category_tensor):
    hidden = rnn.init_hidden()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    loss = criterion(output, category_tensor)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return output, loss.item()
current_loss = 0
all_losses = []
plot_steps, print_steps = 20, 40
n_iters = 120  # the lesson's 100000, shrunk for the test suite's time
for i in range(n_iters):
    category, line, category_tensor, line_tensor = random_training_example(category_lines, all_categories)
    output, loss = train(line_tensor, category_tensor)
    current_loss += loss
    if (i + 1) % plot_steps == 0:
        all_losses.append(current_loss / plot_steps)
        current_loss = 0
    if (i + 1) % print_steps == 0:
        guess = category_from_output(output)
        correct = "CORRECT" if guess == category else f"WRONG ({category})"
        print(f"{i + 1} {(i + 1) / n_iters * 100} {loss:.4f} {line} / {guess} {correct}")
print([round(x, 4) for x in all_losses])
def predict(input_line):
    print(f"\n> {input_line}")
    with torch.no_grad():
        line_tensor = line_to_tensor(input_line)
        hidden = rnn.init_hidden()
        for i in range(line_tensor.size()[0]):
            output, hidden = rnn(line_tensor[i], hidden)
        guess = category_from_output(output)
        print(guess, output)
predict("Rossini")
predict("Brownie")

# the CIFAR-10 CNN on made-up 32x32 colour images
class ConvNet(nn.Module):
    def __init__(self):
        super(ConvNet, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
images = torch.randn(8, 3, 32, 32)
labels = torch.randint(0, 10, (8,))
conv1 = nn.Conv2d(3, 6, 5)
pool = nn.MaxPool2d(2, 2)
conv2 = nn.Conv2d(6, 16, 5)
print(images.shape)
x = conv1(images)
print(x.shape)
x = pool(x)
print(x.shape)
x = conv2(x)
print(x.shape)
x = pool(x)
print(x.shape, pool)
model = ConvNet()
criterion = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
for epoch in range(3):
    outputs = model(images)
    loss = criterion(outputs, labels)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(f"Epoch [{epoch + 1}/3], Loss: {loss.item():.4f}")
with torch.no_grad():
    n_class_correct = [0 for i in range(10)]
    n_class_samples = [0 for i in range(10)]
    outputs = model(images)
    _, predicted = torch.max(outputs, 1)
    for i in range(8):
        label = labels[i]
        pred = predicted[i]
        if label == pred:
            n_class_correct[label] += 1
        n_class_samples[label] += 1
    print(predicted, n_class_correct, n_class_samples)

# learning-rate schedulers
lr = 0.1
model = nn.Linear(10, 1)
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
lambda1 = lambda epoch: epoch / 10
scheduler = lr_scheduler.LambdaLR(optimizer, lambda1)
print(optimizer.state_dict()["param_groups"][0]["lr"])
for epoch in range(5):
    optimizer.step()
    scheduler.step()
    print(optimizer.state_dict()["param_groups"][0]["lr"], scheduler.get_last_lr())
optimizer = torch.optim.Adam(model.parameters(), lr=lr)
lambda2 = lambda epoch: 0.95
scheduler = lr_scheduler.MultiplicativeLR(optimizer, lambda2)
for epoch in range(3):
    optimizer.step()
    scheduler.step()
    print(optimizer.state_dict()["param_groups"][0]["lr"])
optimizer = torch.optim.SGD(model.parameters(), lr=lr)
scheduler = lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)
for epoch in range(5):
    optimizer.step()
    scheduler.step()
    print(epoch, optimizer.param_groups[0]["lr"])
optimizer = torch.optim.SGD(model.parameters(), lr=lr)
scheduler = lr_scheduler.MultiStepLR(optimizer, milestones=[2, 4], gamma=0.1)
for epoch in range(5):
    optimizer.step()
    scheduler.step()
    print(epoch, optimizer.param_groups[0]["lr"])
optimizer = torch.optim.SGD(model.parameters(), lr=lr)
scheduler = lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
for epoch in range(3):
    optimizer.step()
    scheduler.step()
    print(epoch, scheduler.get_last_lr(), scheduler.state_dict())
optimizer = torch.optim.SGD(model.parameters(), lr=lr)
scheduler = lr_scheduler.ReduceLROnPlateau(optimizer, "min", patience=1)
for val_loss in [1.0, 0.9, 0.95, 0.97, 0.99, 0.98]:
    optimizer.step()
    scheduler.step(val_loss)
    print(optimizer.param_groups[0]["lr"], scheduler.num_bad_epochs, scheduler.best)
