import tinygrad_rnn as torch
import numpy as np
import random
import string
import unicodedata

# The data side of the 2024 "NLP From Scratch" tutorials: the char-RNN classifier's NamesDataset
# (random_split by fractions with a device generator, batches from a shuffled index list), and the
# seq2seq tutorial's get_dataloader (LongTensor pairs in a TensorDataset, drawn by a RandomSampler).
nn = torch.nn
device = torch.device("cpu")
torch.set_default_device(device)
print(f"Using device = {torch.get_default_device()}")

allowed_characters = string.ascii_letters + " .,;'" + "_"
n_letters = len(allowed_characters)


def unicodeToAscii(s):
    return "".join(c for c in unicodedata.normalize("NFD", s)
                   if unicodedata.category(c) != "Mn" and c in allowed_characters)


def letterToIndex(letter):
    if letter not in allowed_characters:
        return allowed_characters.find("_")
    return allowed_characters.find(letter)


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


print(unicodeToAscii("Ślusàrski"), lineToTensor("Ab").shape)
NAMES = {
    "English": ["Smith", "Brown", "Jones", "Taylor", "Wilson", "Evans", "Walker"],
    "French": ["Dubois", "Moreau", "Laurent", "Lefèvre", "Girard", "Bonnet"],
    "Greek": ["Papadopoulos", "Nikolaidis", "Georgiou", "Pappas", "Karras"],
    "Japanese": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto"],
}


class NamesDataset(torch.utils.data.Dataset):
    def __init__(self, names_by_language):
        self.data = []
        self.data_tensors = []
        self.labels = []
        self.labels_tensors = []
        labels_set = set()
        for label, lines in names_by_language.items():
            labels_set.add(label)
            for name in lines:
                self.data.append(name)
                self.data_tensors.append(lineToTensor(name))
                self.labels.append(label)
        self.labels_uniq = sorted(labels_set)
        for idx in range(len(self.labels)):
            temp_tensor = torch.tensor([self.labels_uniq.index(self.labels[idx])], dtype=torch.long)
            self.labels_tensors.append(temp_tensor)

    def __len__(self):
        return len(self.data)

    def __getitem__(self, idx):
        data_item = self.data[idx]
        data_label = self.labels[idx]
        data_tensor = self.data_tensors[idx]
        label_tensor = self.labels_tensors[idx]
        return label_tensor, data_tensor, data_label, data_item


alldata = NamesDataset(NAMES)
print(f"loaded {len(alldata)} items of data")
print(f"example = {alldata[0]}")
train_set, test_set = torch.utils.data.random_split(alldata, [.85, .15],
                                                    generator=torch.Generator(device=device).manual_seed(2024))
print(f"train examples = {len(train_set)}, validation examples = {len(test_set)}")
print(train_set.indices, test_set.indices)


class CharRNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(CharRNN, self).__init__()
        self.rnn = nn.RNN(input_size, hidden_size)
        self.h2o = nn.Linear(hidden_size, output_size)
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, line_tensor):
        rnn_out, hidden = self.rnn(line_tensor)
        output = self.h2o(hidden[0])
        output = self.softmax(output)
        return output


torch.manual_seed(0)
rnn = CharRNN(n_letters, 32, len(alldata.labels_uniq))
print(rnn)


def label_from_output(output, output_labels):
    top_n, top_i = output.topk(1)
    label_i = top_i[0].item()
    return output_labels[label_i], label_i


print(label_from_output(rnn(lineToTensor("Albert")), alldata.labels_uniq))


def train(rnn, training_data, n_epoch=4, n_batch_size=8, report_every=1, learning_rate=0.2, criterion=nn.NLLLoss()):  # noqa: B008 - as the tutorial writes it
    current_loss = 0
    all_losses = []
    rnn.train()
    optimizer = torch.optim.SGD(rnn.parameters(), lr=learning_rate)
    print(f"training on data set with n = {len(training_data)}")
    for iter in range(1, n_epoch + 1):
        rnn.zero_grad()
        batches = list(range(len(training_data)))
        random.shuffle(batches)
        batches = np.array_split(batches, len(batches) // n_batch_size)
        for idx, batch in enumerate(batches):
            batch_loss = 0
            for i in batch:
                (label_tensor, text_tensor, label, text) = training_data[i]
                output = rnn.forward(text_tensor)
                loss = criterion(output, label_tensor)
                batch_loss += loss
            batch_loss.backward()
            nn.utils.clip_grad_norm_(rnn.parameters(), 3)
            optimizer.step()
            optimizer.zero_grad()
            current_loss += batch_loss.item() / len(batch)
        all_losses.append(current_loss / len(batches))
        if iter % report_every == 0:
            print(f"{iter} ({iter / n_epoch:.0%}): \t average batch loss = {all_losses[-1]:.6f}")
        current_loss = 0
    return all_losses


random.seed(1)
all_losses = train(rnn, train_set)
rnn.eval()
with torch.no_grad():
    for i in range(len(test_set)):
        (label_tensor, text_tensor, label, text) = test_set[i]
        output = rnn(text_tensor)
        guess, guess_i = label_from_output(output, alldata.labels_uniq)
        print(text, label, guess, f"{output.exp().max().item():.4f}")

# the seq2seq tutorial's get_dataloader: padded id arrays, a TensorDataset of LongTensors, a RandomSampler
MAX_LENGTH, EOS_token = 6, 1
pairs = [([4, 5, 6], [7, 8]), ([5, 9], [10, 11, 12]), ([6, 4, 9, 5], [8, 7]), ([9], [12]), ([4, 4], [7, 7, 7])]
n = len(pairs)
input_ids = np.zeros((n, MAX_LENGTH), dtype=np.int32)
target_ids = np.zeros((n, MAX_LENGTH), dtype=np.int32)
for idx, (inp_ids, tgt_ids) in enumerate(pairs):
    inp_ids = inp_ids + [EOS_token]
    tgt_ids = tgt_ids + [EOS_token]
    input_ids[idx, :len(inp_ids)] = inp_ids
    target_ids[idx, :len(tgt_ids)] = tgt_ids
train_data = torch.utils.data.TensorDataset(torch.LongTensor(input_ids).to(device), torch.LongTensor(target_ids).to(device))
train_sampler = torch.utils.data.RandomSampler(train_data)
train_dataloader = torch.utils.data.DataLoader(train_data, sampler=train_sampler, batch_size=2)
for epoch in range(2):
    for data in train_dataloader:
        input_tensor, target_tensor = data
        print(epoch, input_tensor.dtype, input_tensor.tolist(), target_tensor[:, 0].tolist())
torch.set_default_device(None)
