import tinygrad_rnn as torch
nn = torch.nn
import random

# The text-classification tutorial (AG_NEWS with nn.EmbeddingBag), on a small embedded corpus:
# a tokenizer and vocabulary by hand, a collate_batch that builds offsets, random_split,
# StepLR, clip_grad_norm_, and accuracy as (argmax == label).sum().item().
DataLoader = torch.utils.data.DataLoader
random_split = torch.utils.data.random_split
to_map_style_dataset = list

topics = {
    0: ["the team won the match", "a late goal won the cup", "the coach praised the players",
        "fans cheered the striker", "the league season ended"],
    1: ["shares fell on the market", "the bank raised interest rates", "profits rose this quarter",
        "investors sold the stock", "the company reported earnings"],
    2: ["the new chip is faster", "a phone with a better camera", "the software update fixed bugs",
        "researchers built a robot", "the laptop has more memory"],
}
random.seed(0)
train_iter = []
for _ in range(12):
    for label, lines in topics.items():
        words = random.choice(lines).split() + random.choice(lines).split()[:3]
        train_iter.append((label + 1, " ".join(words)))
random.shuffle(train_iter)


def tokenizer(line):
    return line.lower().split()


counts = {}
for _, text in train_iter:
    for token in tokenizer(text):
        counts[token] = counts.get(token, 0) + 1
itos = ["<unk>"] + sorted(counts, key=lambda t: (-counts[t], t))
stoi = {t: i for i, t in enumerate(itos)}


def vocab(tokens):
    return [stoi.get(t, 0) for t in tokens]


text_pipeline = lambda x: vocab(tokenizer(x))
label_pipeline = lambda x: int(x) - 1
print(text_pipeline("the team won the cup"), label_pipeline("3"))


def collate_batch(batch):
    label_list, text_list, offsets = [], [], [0]
    for _label, _text in batch:
        label_list.append(label_pipeline(_label))
        processed_text = torch.tensor(text_pipeline(_text), dtype=torch.int64)
        text_list.append(processed_text)
        offsets.append(processed_text.size(0))
    label_list = torch.tensor(label_list, dtype=torch.int64)
    offsets = torch.tensor(offsets[:-1]).cumsum(dim=0)
    text_list = torch.cat(text_list)
    return label_list, text_list, offsets


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super(TextClassificationModel, self).__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        embedded = self.embedding(text, offsets)
        return self.fc(embedded)


torch.manual_seed(0)
num_class = len(set([label for (label, text) in train_iter]))
vocab_size = len(itos)
emsize = 16
model = TextClassificationModel(vocab_size, emsize, num_class)


def train(dataloader):
    model.train()
    total_acc, total_count = 0, 0
    for idx, (label, text, offsets) in enumerate(dataloader):
        optimizer.zero_grad()
        predicted_label = model(text, offsets)
        loss = criterion(predicted_label, label)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.1)
        optimizer.step()
        total_acc += (predicted_label.argmax(1) == label).sum().item()
        total_count += label.size(0)
    return total_acc / total_count


def evaluate(dataloader):
    model.eval()
    total_acc, total_count = 0, 0
    with torch.no_grad():
        for idx, (label, text, offsets) in enumerate(dataloader):
            predicted_label = model(text, offsets)
            loss = criterion(predicted_label, label)
            total_acc += (predicted_label.argmax(1) == label).sum().item()
            total_count += label.size(0)
    return total_acc / total_count


EPOCHS = 6
LR = 5
BATCH_SIZE = 8
criterion = torch.nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=LR)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, 1.0, gamma=0.1)
total_accu = None
train_dataset = to_map_style_dataset(train_iter)
num_train = int(len(train_dataset) * 0.8)
split_train_, split_valid_ = random_split(train_dataset, [num_train, len(train_dataset) - num_train])
train_dataloader = DataLoader(split_train_, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_batch)
valid_dataloader = DataLoader(split_valid_, batch_size=BATCH_SIZE, shuffle=True, collate_fn=collate_batch)
for epoch in range(1, EPOCHS + 1):
    accu_train = train(train_dataloader)
    accu_val = evaluate(valid_dataloader)
    if total_accu is not None and total_accu > accu_val:
        scheduler.step()
    else:
        total_accu = accu_val
    print("| end of epoch {:3d} | train accuracy {:8.3f} | valid accuracy {:8.3f} | lr {:.5f}".format(
        epoch, accu_train, accu_val, scheduler.get_last_lr()[0]))

news_label = {1: "Sports", 2: "Business", 3: "Sci/Tec"}


def predict(text, text_pipeline):
    with torch.no_grad():
        text = torch.tensor(text_pipeline(text))
        output = model(text, torch.tensor([0]))
        return output.argmax(1).item() + 1


for line in ["the striker scored a goal", "the bank reported profits", "a faster phone chip"]:
    print("%s -> %s" % (line, news_label[predict(line, text_pipeline)]))
