import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
SGD, Adam = torch.optim.SGD, torch.optim.Adam

# StatQuest's PyTorch and LSTM videos: a tiny net with hand-set weights (the dosage example), one bias
# trained with SGD; the LSTM written by hand as scalar Parameters unrolled over four days of a
# company's stock, then nn.LSTM on the same days; a word embedding made from nn.Linear and reused by
# nn.Embedding.from_pretrained. Lightning's Trainer is replaced by a plain loop; the LSTMs and the embedding
# train 30, 15 and 20 epochs (the videos' 2000-5000, 300 and 100).


class BasicNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.w00 = nn.Parameter(torch.tensor(1.7), requires_grad=False)
        self.b00 = nn.Parameter(torch.tensor(-0.85), requires_grad=False)
        self.w01 = nn.Parameter(torch.tensor(-40.8), requires_grad=False)
        self.w10 = nn.Parameter(torch.tensor(12.6), requires_grad=False)
        self.b10 = nn.Parameter(torch.tensor(0.0), requires_grad=False)
        self.w11 = nn.Parameter(torch.tensor(2.7), requires_grad=False)
        self.final_bias = nn.Parameter(torch.tensor(-16.), requires_grad=False)

    def forward(self, input):
        input_to_top_relu = input * self.w00 + self.b00
        top_relu_output = F.relu(input_to_top_relu)
        scaled_top_relu_output = top_relu_output * self.w01
        input_to_bottom_relu = input * self.w10 + self.b10
        bottom_relu_output = F.relu(input_to_bottom_relu)
        scaled_bottom_relu_output = bottom_relu_output * self.w11
        input_to_final_relu = scaled_top_relu_output + scaled_bottom_relu_output + self.final_bias
        output = F.relu(input_to_final_relu)
        return output


class BasicNN_train(BasicNN):
    def __init__(self):
        super().__init__()
        self.final_bias = nn.Parameter(torch.tensor(0.), requires_grad=True)


input_doses = torch.linspace(start=0, end=1, steps=11)
print(input_doses)
print(input_doses.dtype, input_doses.shape, input_doses.type())
model = BasicNN()
output_values = model(input_doses)
print(output_values)
print(output_values.requires_grad, output_values.grad_fn)
print(model.w00, model.w00.requires_grad, model.w00.shape, model.w00.dim())
print([name for name, _ in model.named_parameters()])
print(model.state_dict()["final_bias"])
print(output_values.detach().numpy().round(4).tolist())

model = BasicNN_train()
output_values = model(input_doses)
print(output_values.grad_fn.name())
inputs = torch.tensor([0., 0.5, 1.])
labels = torch.tensor([0., 1., 0.])
optimizer = SGD(model.parameters(), lr=0.1)
print("Final bias, before optimization: " + str(model.final_bias.data) + "\n")
for epoch in range(100):
    total_loss = 0
    for iteration in range(len(inputs)):
        input_i = inputs[iteration]
        label_i = labels[iteration]
        output_i = model(input_i)
        loss = (output_i - label_i) ** 2
        loss.backward()
        total_loss += loss.item()  # (float(loss) warns once per process: which run warns would depend on test order)
    if total_loss < 0.0001:
        print("Num steps: " + str(epoch))
        break
    optimizer.step()
    optimizer.zero_grad()
    if epoch % 5 == 0:
        print("Step: " + str(epoch) + " Final Bias: " + str(model.final_bias.data) + "\n")
print("Total loss: " + str(total_loss))
print("Final bias, after optimization: " + str(model.final_bias.data))
print(model.final_bias, model.final_bias.grad)
output_values = model(input_doses)
print(output_values)


class LSTMbyHand(nn.Module):
    def __init__(self):
        super().__init__()
        mean = torch.tensor(0.0)
        std = torch.tensor(1.0)
        self.wlr1 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.wlr2 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.blr1 = nn.Parameter(torch.tensor(0.), requires_grad=True)
        self.wpr1 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.wpr2 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.bpr1 = nn.Parameter(torch.tensor(0.), requires_grad=True)
        self.wp1 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.wp2 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.bp1 = nn.Parameter(torch.tensor(0.), requires_grad=True)
        self.wo1 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.wo2 = nn.Parameter(torch.normal(mean=mean, std=std), requires_grad=True)
        self.bo1 = nn.Parameter(torch.tensor(0.), requires_grad=True)

    def lstm_unit(self, input_value, long_memory, short_memory):
        long_remember_percent = torch.sigmoid((short_memory * self.wlr1) + (input_value * self.wlr2) + self.blr1)
        potential_remember_percent = torch.sigmoid((short_memory * self.wpr1) + (input_value * self.wpr2) + self.bpr1)
        potential_memory = torch.tanh((short_memory * self.wp1) + (input_value * self.wp2) + self.bp1)
        updated_long_memory = ((long_memory * long_remember_percent) + (potential_remember_percent * potential_memory))
        output_percent = torch.sigmoid((short_memory * self.wo1) + (input_value * self.wo2) + self.bo1)
        updated_short_memory = torch.tanh(updated_long_memory) * output_percent
        return ([updated_long_memory, updated_short_memory])

    def forward(self, input):
        long_memory = 0
        short_memory = 0
        day1 = input[0]
        day2 = input[1]
        day3 = input[2]
        day4 = input[3]
        long_memory, short_memory = self.lstm_unit(day1, long_memory, short_memory)
        long_memory, short_memory = self.lstm_unit(day2, long_memory, short_memory)
        long_memory, short_memory = self.lstm_unit(day3, long_memory, short_memory)
        long_memory, short_memory = self.lstm_unit(day4, long_memory, short_memory)
        return short_memory


torch.manual_seed(42)
model = LSTMbyHand()
print("Company A: Observed = 0, Predicted =", model(torch.tensor([0., 0.5, 0.25, 1.])).detach())
print("Company B: Observed = 1, Predicted =", model(torch.tensor([1., 0.5, 0.25, 1.])).detach())
out = model(torch.tensor([0., 0.5, 0.25, 1.]))
print(out, out.shape, out.dim(), out.grad_fn.name())
inputs = torch.tensor([[0., 0.5, 0.25, 1.], [1., 0.5, 0.25, 1.]])
labels = torch.tensor([0., 1.])
dataset = torch.utils.data.TensorDataset(inputs, labels)
dataloader = torch.utils.data.DataLoader(dataset)
optimizer = Adam(model.parameters(), lr=0.1)
for epoch in range(30):
    for batch_idx, batch in enumerate(dataloader):
        input_i, label_i = batch
        output_i = model(input_i[0])
        loss = (output_i - label_i) ** 2
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch % 10 == 0:
        print(epoch, loss, loss.shape, output_i.item())
print("Company A: Observed = 0, Predicted =", model(torch.tensor([0., 0.5, 0.25, 1.])).detach())
print("Company B: Observed = 1, Predicted =", model(torch.tensor([1., 0.5, 0.25, 1.])).detach())
for name, param in model.named_parameters():
    print(name, param.data, param.grad)


class LightningLSTM(nn.Module):
    def __init__(self):
        super().__init__()
        torch.manual_seed(42)
        self.lstm = nn.LSTM(input_size=1, hidden_size=1)

    def forward(self, input):
        input_trans = input.view(len(input), 1)
        lstm_out, temp = self.lstm(input_trans)
        prediction = lstm_out[-1]
        return prediction


model = LightningLSTM()
print(model)
for name, param in model.named_parameters():
    print(name, param.shape, param.data)
print("Company A: Observed = 0, Predicted =", model(torch.tensor([0., 0.5, 0.25, 1.])).detach())
out, (h, c) = model.lstm(torch.tensor([0., 0.5, 0.25, 1.]).view(4, 1))
print(out.shape, h.shape, c.shape, out.grad_fn.name(), h.grad_fn)
optimizer = Adam(model.parameters(), lr=0.1)
for epoch in range(15):
    for input_i, label_i in dataloader:
        output_i = model(input_i[0])
        loss = (output_i - label_i) ** 2
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch % 5 == 0:
        print(epoch, loss.item(), output_i)
print("Company A: Observed = 0, Predicted =", model(torch.tensor([0., 0.5, 0.25, 1.])).detach())
print("Company B: Observed = 1, Predicted =", model(torch.tensor([1., 0.5, 0.25, 1.])).detach())

# Word embedding: one-hot words through two weights per word into two activations, then back out.
inputs = torch.tensor([[1., 0., 0., 0.], [0., 1., 0., 0.], [0., 0., 1., 0.], [0., 0., 0., 1.]])
labels = torch.tensor([[0., 1., 0., 0.], [0., 0., 1., 0.], [0., 0., 0., 1.], [0., 1., 0., 0.]])
dataset = torch.utils.data.TensorDataset(inputs, labels)
dataloader = torch.utils.data.DataLoader(dataset)


class WordEmbeddingWithLinear(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_to_hidden = nn.Linear(in_features=4, out_features=2, bias=False)
        self.hidden_to_output = nn.Linear(in_features=2, out_features=4, bias=False)
        self.loss = nn.CrossEntropyLoss()

    def forward(self, input):
        hidden = self.input_to_hidden(input)
        output_values = self.hidden_to_output(hidden)
        return output_values


torch.manual_seed(0)
model = WordEmbeddingWithLinear()
print(model.input_to_hidden.weight)
optimizer = Adam(model.parameters(), lr=0.1)
for epoch in range(20):
    for input_i, label_i in dataloader:
        output_i = model(input_i)
        loss = model.loss(output_i, label_i[0].unsqueeze(0))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    if epoch % 10 == 0:
        print(epoch, loss, output_i.shape)
print(model.input_to_hidden.weight)
data = {"w1": model.input_to_hidden.weight.detach()[0].numpy(),
        "w2": model.input_to_hidden.weight.detach()[1].numpy(),
        "token": ["Troll2", "is", "great", "Gymkata"]}
print(data["w1"].round(3), data["w2"].round(3), data["token"])
softmax = nn.Softmax(dim=0)
print(torch.round(softmax(model(torch.tensor([1., 0., 0., 0.]))), decimals=2))
print(torch.round(softmax(model(torch.tensor([0., 1., 0., 0.]))), decimals=2))
print(model.input_to_hidden.weight.T)
word_embeddings = nn.Embedding.from_pretrained(model.input_to_hidden.weight.T)
print(word_embeddings)
print(word_embeddings.weight)
print(word_embeddings.weight.requires_grad, word_embeddings.freeze if hasattr(word_embeddings, "freeze") else None)
print(word_embeddings(torch.tensor(0)))
print(word_embeddings(torch.tensor([0, 3])))
vocab = {"Troll2": 0, "is": 1, "great": 2, "Gymkata": 3}
print(word_embeddings(torch.tensor(vocab["Troll2"])))
print(model.hidden_to_output(word_embeddings(torch.tensor(vocab["Troll2"]))))
unfrozen = nn.Embedding.from_pretrained(model.input_to_hidden.weight.T, freeze=False)
print(unfrozen.weight.requires_grad, unfrozen.weight.is_leaf, unfrozen(torch.tensor([1])).grad_fn)
