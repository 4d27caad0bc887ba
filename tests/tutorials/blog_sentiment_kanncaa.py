import tinygrad_rnn as torch
import numpy as np
from collections import Counter
nn = torch.nn
Variable = torch.autograd.Variable
TensorDataset, DataLoader = torch.utils.data.TensorDataset, torch.utils.data.DataLoader

# Blog-style sentiment LSTM (the Udacity/Kaggle pattern: word counts to ints, left-padded features,
# nn.Embedding + nn.LSTM, hidden = tuple([each.data for each in hidden]), clip_grad_norm_,
# output.squeeze(), torch.round for predictions) and kanncaa1's "Pytorch Tutorial for Deep Learning
# Lovers" Kaggle kernel (Variable, numpy bridges, logistic regression, ANN, an RNN over images read
# row by row with images.view(-1, seq_dim, input_dim), torch.max(outputs.data, 1)[1] and a
# (predicted == labels).sum() accuracy). Reviews and images are generated.
torch.manual_seed(1)
random_words = "good great fun love best bad awful boring worst hate movie plot actor film the a was is".split()
positive, negative = set(random_words[:5]), set(random_words[5:10])
rng = np.random.RandomState(3)
reviews, labels = [], []
for n in range(64):
    words = list(rng.choice(random_words, size=rng.randint(3, 12)))
    score = sum(w in positive for w in words) - sum(w in negative for w in words)
    reviews.append(" ".join(words))
    labels.append(1 if score > 0 or (score == 0 and n % 2) else 0)
print(reviews[:2], labels[:8])
all_text = " ".join(reviews)
words = all_text.split()
counts = Counter(words)
vocab = sorted(counts, key=counts.get, reverse=True)
vocab_to_int = {word: ii for ii, word in enumerate(vocab, 1)}
reviews_ints = [[vocab_to_int[word] for word in review.split()] for review in reviews]
print('Unique words: ', len((vocab_to_int)))
print('Tokenized review: \n', reviews_ints[:1])
encoded_labels = np.array(labels)
review_lens = Counter([len(x) for x in reviews_ints])
print("Zero-length reviews: {}".format(review_lens[0]))
print("Maximum review length: {}".format(max(review_lens)))


def pad_features(reviews_ints, seq_length):
    features = np.zeros((len(reviews_ints), seq_length), dtype=int)
    for i, row in enumerate(reviews_ints):
        features[i, -len(row):] = np.array(row)[:seq_length]
    return features


seq_length = 10
features = pad_features(reviews_ints, seq_length=seq_length)
print(features[:3, :10], features.dtype)
split_idx = int(len(features) * 0.75)
train_x, remaining_x = features[:split_idx], features[split_idx:]
train_y, remaining_y = encoded_labels[:split_idx], encoded_labels[split_idx:]
print("\t\t\tFeature Shapes:")
print("Train set: \t\t{}".format(train_x.shape), "\nTest set: \t\t{}".format(remaining_x.shape))
train_data = TensorDataset(torch.from_numpy(train_x), torch.from_numpy(train_y))
valid_data = TensorDataset(torch.from_numpy(remaining_x), torch.from_numpy(remaining_y))
batch_size = 8
train_loader = DataLoader(train_data, shuffle=True, batch_size=batch_size)
valid_loader = DataLoader(valid_data, shuffle=True, batch_size=batch_size)
dataiter = iter(train_loader)
sample_x, sample_y = next(dataiter)
print('Sample input size: ', sample_x.size())
print('Sample input: \n', sample_x)
print('Sample label: \n', sample_y, sample_y.dtype)


class SentimentRNN(nn.Module):
    def __init__(self, vocab_size, output_size, embedding_dim, hidden_dim, n_layers, drop_prob=0.5):
        super(SentimentRNN, self).__init__()
        self.output_size = output_size
        self.n_layers = n_layers
        self.hidden_dim = hidden_dim
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, n_layers, dropout=drop_prob, batch_first=True)
        self.dropout = nn.Dropout(0.3)
        self.fc = nn.Linear(hidden_dim, output_size)
        self.sig = nn.Sigmoid()

    def forward(self, x, hidden):
        batch_size = x.size(0)
        x = x.long()
        embeds = self.embedding(x)
        lstm_out, hidden = self.lstm(embeds, hidden)
        lstm_out = lstm_out.contiguous().view(-1, self.hidden_dim)
        out = self.dropout(lstm_out)
        out = self.fc(out)
        sig_out = self.sig(out)
        sig_out = sig_out.view(batch_size, -1)
        sig_out = sig_out[:, -1]
        return sig_out, hidden

    def init_hidden(self, batch_size):
        weight = next(self.parameters()).data
        hidden = (weight.new(self.n_layers, batch_size, self.hidden_dim).zero_(),
                  weight.new(self.n_layers, batch_size, self.hidden_dim).zero_())
        return hidden


vocab_size = len(vocab_to_int) + 1
net = SentimentRNN(vocab_size, 1, 12, 16, 2)
print(net)
lr = 0.01
criterion = nn.BCELoss()
optimizer = torch.optim.Adam(net.parameters(), lr=lr)
epochs = 2
counter = 0
print_every = 4
clip = 5
net.train()
for e in range(epochs):
    h = net.init_hidden(batch_size)
    for inputs, labels in train_loader:
        counter += 1
        h = tuple([each.data for each in h])
        net.zero_grad()
        output, h = net(inputs, h)
        loss = criterion(output.squeeze(), labels.float())
        loss.backward()
        norm = nn.utils.clip_grad_norm_(net.parameters(), clip)
        optimizer.step()
        if counter % print_every == 0:
            val_h = net.init_hidden(batch_size)
            val_losses = []
            net.eval()
            for inputs, labels in valid_loader:
                val_h = tuple([each.data for each in val_h])
                output, val_h = net(inputs, val_h)
                val_loss = criterion(output.squeeze(), labels.float())
                val_losses.append(val_loss.item())
            net.train()
            print("Epoch: {}/{}...".format(e + 1, epochs), "Step: {}...".format(counter),
                  "Loss: {:.6f}...".format(loss.item()), "Val Loss: {:.6f}".format(np.mean(val_losses)))
print(norm, norm.dtype, h[0].shape, h[0].requires_grad, h[0].grad_fn)
test_losses = []
num_correct = 0
h = net.init_hidden(batch_size)
net.eval()
for inputs, labels in valid_loader:
    h = tuple([each.data for each in h])
    output, h = net(inputs, h)
    test_loss = criterion(output.squeeze(), labels.float())
    test_losses.append(test_loss.item())
    pred = torch.round(output.squeeze())
    correct_tensor = pred.eq(labels.float().view_as(pred))
    correct = np.squeeze(correct_tensor.numpy())
    num_correct += np.sum(correct)
print(pred, correct_tensor, correct)
print("Test loss: {:.3f}".format(np.mean(test_losses)))
test_acc = num_correct / len(valid_loader.dataset)
print("Test accuracy: {:.3f}".format(test_acc), type(num_correct))


def predict(net, test_review, sequence_length=10):
    net.eval()
    test_ints = [[vocab_to_int.get(word, 0) for word in test_review.lower().split()]]
    features = pad_features(test_ints, sequence_length)
    feature_tensor = torch.from_numpy(features)
    batch_size = feature_tensor.size(0)
    h = net.init_hidden(batch_size)
    output, h = net(feature_tensor, h)
    pred = torch.round(output.squeeze())
    print('Prediction value, pre-rounding: {:.6f}'.format(output.item()))
    if pred.item() == 1:
        print("Positive review detected!")
    else:
        print("Negative review detected.")
    return pred


print(predict(net, "The movie was great fun best"), predict(net, "awful boring worst plot"))

# kanncaa1: basics of tensors and Variables
array = [[1, 2, 3], [4, 5, 6]]
first_array = np.array(array)
print("Array Type: {}".format(type(first_array)))
print("Array Shape: {}".format(np.shape(first_array)))
print(first_array)
tensor = torch.Tensor(array)
print("Array Type: {}".format(tensor.type))
print("Array Shape: {}".format(tensor.shape))
print(tensor)
print("Numpy {}\n".format(np.ones((2, 3))))
print(torch.ones((2, 3)))
print("Numpy {}\n".format(np.random.rand(2, 3)))
print(torch.rand(2, 3).shape)
array = np.random.rand(2, 2)
print("{} {}\n".format(type(array), array))
from_numpy_to_tensor = torch.from_numpy(array)
print("{}\n".format(from_numpy_to_tensor))
tensor = from_numpy_to_tensor
from_tensor_to_numpy = tensor.numpy()
print("{} {}\n".format(type(from_tensor_to_numpy), from_tensor_to_numpy))
tensor = torch.ones(3, 3)
print("\n", tensor)
print("{}{}\n".format(tensor.view(9).shape, tensor.view(9)))
print("Addition: {}\n".format(torch.add(tensor, tensor)))
print("Subtraction: {}\n".format(tensor.sub(tensor)))
print("Element wise multiplication: {}\n".format(torch.mul(tensor, tensor)))
print("Element wise division: {}\n".format(torch.div(tensor, tensor)))
tensor = torch.Tensor([1, 2, 3, 4, 5])
print("Mean: {}".format(tensor.mean()))
print("std: {}".format(tensor.std()))
var = Variable(torch.ones(3), requires_grad=True)
print(var)
array = [2, 4]
tensor = torch.Tensor(array)
x = Variable(tensor, requires_grad=True)
y = x ** 2
print(" y =  ", y)
o = (1 / 2) * sum(y)
print(" o =  ", o)
o.backward()
print("gradients: ", x.grad)

# Linear regression with Variables
car_prices_array = [3, 4, 5, 6, 7, 8, 9]
car_price_np = np.array(car_prices_array, dtype=np.float32)
car_price_np = car_price_np.reshape(-1, 1)
car_price_tensor = Variable(torch.from_numpy(car_price_np))
number_of_car_sell_array = [7.5, 7, 6.5, 6.0, 5.5, 5.0, 4.5]
number_of_car_sell_np = np.array(number_of_car_sell_array, dtype=np.float32)
number_of_car_sell_np = number_of_car_sell_np.reshape(-1, 1)
number_of_car_sell_tensor = Variable(torch.from_numpy(number_of_car_sell_np))


class LinearRegression(nn.Module):
    def __init__(self, input_size, output_size):
        super(LinearRegression, self).__init__()
        self.linear = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        return self.linear(x)


input_dim = 1
output_dim = 1
model = LinearRegression(input_dim, output_dim)
mse = nn.MSELoss()
learning_rate = 0.02
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
loss_list = []
iteration_number = 101
for iteration in range(iteration_number):
    optimizer.zero_grad()
    results = model(car_price_tensor)
    loss = mse(results, number_of_car_sell_tensor)
    loss.backward()
    optimizer.step()
    loss_list.append(loss.data)
    if (iteration % 50 == 0):
        print('epoch {}, loss {}'.format(iteration, loss.data))
predicted = model(car_price_tensor).data.numpy()
print(predicted.ravel(), loss_list[-1])

# Images: 10 classes of 8x8 "digits", logistic regression, ANN and RNN
torch.manual_seed(2)
templates = torch.rand(10, 8, 8)
targets_numpy = np.arange(200) % 10
features_numpy = (templates[torch.from_numpy(targets_numpy)] + 0.5 * torch.randn(200, 8, 8)).clamp(0, 1)
features_numpy = features_numpy.view(200, -1).numpy() * 255 / 255
features_train, features_test = features_numpy[:160], features_numpy[160:]
targets_train, targets_test = targets_numpy[:160], targets_numpy[160:]
featuresTrain = torch.from_numpy(features_train)
targetsTrain = torch.from_numpy(targets_train).type(torch.LongTensor)
featuresTest = torch.from_numpy(features_test)
targetsTest = torch.from_numpy(targets_test).type(torch.LongTensor)
print(featuresTrain.type(), targetsTrain.type(), featuresTrain.shape)
batch_size = 40
n_iters = 30
num_epochs = n_iters / (len(features_train) / batch_size)
num_epochs = int(num_epochs)
print(num_epochs)
train = TensorDataset(featuresTrain, targetsTrain)
test = TensorDataset(featuresTest, targetsTest)
train_loader = DataLoader(train, batch_size=batch_size, shuffle=False)
test_loader = DataLoader(test, batch_size=batch_size, shuffle=False)


class ANNModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, output_dim):
        super(ANNModel, self).__init__()
        self.fc1 = nn.Linear(input_dim, hidden_dim)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(hidden_dim, hidden_dim)
        self.tanh2 = nn.Tanh()
        self.fc3 = nn.Linear(hidden_dim, hidden_dim)
        self.elu3 = nn.ELU()
        self.fc4 = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        out = self.fc1(x)
        out = self.relu1(out)
        out = self.fc2(out)
        out = self.tanh2(out)
        out = self.fc3(out)
        out = self.elu3(out)
        out = self.fc4(out)
        return out


class RNNModel(nn.Module):
    def __init__(self, input_dim, hidden_dim, layer_dim, output_dim):
        super(RNNModel, self).__init__()
        self.hidden_dim = hidden_dim
        self.layer_dim = layer_dim
        self.rnn = nn.RNN(input_dim, hidden_dim, layer_dim, batch_first=True, nonlinearity='relu')
        self.fc = nn.Linear(hidden_dim, output_dim)

    def forward(self, x):
        h0 = Variable(torch.zeros(self.layer_dim, x.size(0), self.hidden_dim))
        out, hn = self.rnn(x, h0)
        out = self.fc(out[:, -1, :])
        return out


seq_dim, input_dim = 8, 8
for name, model, view in [("logistic", nn.Linear(64, 10), (-1, 64)), ("ann", ANNModel(64, 20, 10), (-1, 64)),
                          ("rnn", RNNModel(input_dim, 20, 1, 10), (-1, seq_dim, input_dim))]:
    error = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
    count = 0
    loss_list = []
    iteration_list = []
    accuracy_list = []
    for epoch in range(num_epochs):
        for i, (images, labels) in enumerate(train_loader):
            train = Variable(images.view(*view))
            labels = Variable(labels)
            optimizer.zero_grad()
            outputs = model(train)
            loss = error(outputs, labels)
            loss.backward()
            optimizer.step()
            count += 1
            if count % 5 == 0:
                correct = 0
                total = 0
                for images, labels in test_loader:
                    test = Variable(images.view(*view))
                    outputs = model(test)
                    predicted = torch.max(outputs.data, 1)[1]
                    total += len(labels)
                    correct += (predicted == labels).sum()
                accuracy = 100 * correct / float(total)
                loss_list.append(loss.data)
                iteration_list.append(count)
                accuracy_list.append(accuracy)
                print('{} Iteration: {}  Loss: {}  Accuracy: {} %'.format(name, count, loss.data, accuracy))
    print(name, correct, type(correct), accuracy.dtype, predicted[:10], loss_list[-1].requires_grad)
