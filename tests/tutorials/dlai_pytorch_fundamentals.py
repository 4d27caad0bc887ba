import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
optim = torch.optim

# DeepLearning.AI's PyTorch course, fundamentals: a single neuron fitted to delivery distances and times,
# a non-linear model on normalised data (with the predictions de-normalised), the tensor lab's creation,
# reshaping, indexing, masking and reductions, and an MNIST-like classifier trained with a train_epoch
# helper counting correct predictions from output.max(1). (The fits run 200 and 600 epochs, the course's 500 and 3000.)
torch.manual_seed(42)
distances = torch.tensor([[1.0], [2.0], [3.0], [4.0]], dtype=torch.float32)
times = torch.tensor([[6.96], [12.11], [16.77], [22.21]], dtype=torch.float32)
model = nn.Sequential(nn.Linear(1, 1))
loss_function = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)
for epoch in range(200):
    optimizer.zero_grad()
    outputs = model(distances)
    loss = loss_function(outputs, times)
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 50 == 0:
        print(f"Epoch {epoch + 1}: Loss = {loss.item()}")
with torch.no_grad():
    distance_to_predict = 7.0
    test_distance = torch.tensor([[distance_to_predict]], dtype=torch.float32)
    predicted_time = model(test_distance)
    print(f"Prediction for a {distance_to_predict}-mile delivery: {predicted_time.item():.1f} minutes")
    if predicted_time.item() > 30:
        print("Decision: Do NOT take the job. You will likely be late.")
    else:
        print("Decision: Take the job. You can make it!")
layer = model[0]
weights = layer.weight.data.numpy()
bias = layer.bias.data.numpy()
print(f"Weight: {weights}")
print(f"Bias: {bias}")
print(layer.weight.data, layer.bias.data.dtype, type(weights).__name__, weights.dtype)

# a curved relationship: normalise, fit a small ReLU network, de-normalise
distances = torch.tensor([[1.0], [1.5], [2.0], [2.5], [3.0], [3.5], [4.0], [4.5], [5.0], [5.5], [6.0], [6.5],
                          [7.0], [7.5], [8.0], [8.5], [9.0], [9.5], [10.0]], dtype=torch.float32)
times = 5 + 2.2 * distances + 0.35 * distances ** 2 + torch.randn(distances.shape) * 0.5
distances_mean = distances.mean()
distances_std = distances.std()
times_mean = times.mean()
times_std = times.std()
distances_norm = (distances - distances_mean) / distances_std
times_norm = (times - times_mean) / times_std
print(distances_mean, distances_std, times_mean, times_std)
torch.manual_seed(27)
model = nn.Sequential(nn.Linear(1, 3), nn.ReLU(), nn.Linear(3, 1))
loss_function = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)
for epoch in range(600):
    optimizer.zero_grad()
    outputs = model(distances_norm)
    loss = loss_function(outputs, times_norm)
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 200 == 0:
        print(f"Epoch {epoch + 1}: Loss = {loss.item():.6f}")
distance_to_predict = 5.1
with torch.no_grad():
    new_distance = torch.tensor([[distance_to_predict]], dtype=torch.float32)
    new_distance_norm = (new_distance - distances_mean) / distances_std
    predicted_time_norm = model(new_distance_norm)
    predicted_time_actual = (predicted_time_norm * times_std) + times_mean
    print(f"Prediction for a {distance_to_predict}-mile delivery: {predicted_time_actual.item():.1f} minutes")
print(model)
print({name: p.shape for name, p in model.named_parameters()})

# ---- the tensor lab
x = torch.tensor([1, 2, 3])
print("FROM PYTHON LISTS:", x, "\nTENSOR DATA TYPE:", x.dtype)
numpy_array = np.array([1, 2, 3])
torch_tensor_from_numpy = torch.from_numpy(numpy_array)
print("TENSOR FROM NUMPY:\n\n", torch_tensor_from_numpy)
zeros = torch.zeros(2, 3)
ones = torch.ones(2, 3)
random = torch.rand(2, 3)
range_tensor = torch.arange(0, 10, step=1)
print("ZEROS:\n", zeros, "\n\nONES:\n", ones, "\n\nRANDOM:\n", random, "\n\nRANGE:\n", range_tensor)
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
print("SHAPE:", x.shape, "\nNUMBER OF DIMENSIONS:", x.ndim, "DATA TYPE:", x.dtype)
x = torch.tensor([[1, 2, 3]])
expanded = x.unsqueeze(0)
print("ORIGINAL SHAPE:", x.shape, "\nAFTER UNSQUEEZE(0):", expanded.shape)
squeezed = expanded.squeeze()
print("AFTER SQUEEZE:", squeezed.shape)
x = torch.tensor([[1, 2, 3], [4, 5, 6]])
reshaped = x.reshape(3, 2)
print("AFTER RESHAPE(3, 2):\n\n", reshaped)
transposed = x.transpose(0, 1)
print("AFTER TRANSPOSE(0, 1):\n\n", transposed)
tensor_a = torch.tensor([[1, 2], [3, 4]])
tensor_b = torch.tensor([[5, 6], [7, 8]])
concatenated_tensors = torch.cat((tensor_a, tensor_b), dim=1)
print("CONCATENATED:\n", concatenated_tensors)
x = torch.tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
print("ELEMENT AT [1, 2]:", x[1, 2], "\nROW 1:", x[1], "\nLAST ROW:", x[-1])
print("COLUMN 2:", x[:, 2], "\nEVERY OTHER COLUMN:\n", x[:, ::2], "\nLAST COLUMN:", x[:, -1])
single_element_tensor = x[0, 0]
value = single_element_tensor.item()
print("VALUE:", value, type(value).__name__)
mask = x > 6
print("MASK:\n", mask, "\nVALUES > 6:", x[mask])
indices = torch.tensor([0, 2])
print("SELECTED ROWS:\n", x[indices])
combined_mask = (x > 2) & (x < 8)
print("COMBINED:", x[combined_mask])
a = torch.tensor([1, 2, 3])
b = torch.tensor([4, 5, 6])
print("A + B:", a + b, "\nA * B:", a * b, "\nDOT:", torch.matmul(a, b))
a = torch.tensor([1, 2, 3])
b = torch.tensor([[1], [2], [3]])
c = a + b
print("BROADCAST:\n", c, c.shape)
temperatures = torch.tensor([20, 35, 19, 35, 42])
is_hot = temperatures > 30
is_cool = temperatures <= 20
print(is_hot, is_cool, temperatures == 35)
data = torch.tensor([10.0, 20.0, 30.0, 40.0, 50.0])
print("MEAN:", data.mean(), "STD:", data.std(), "SUM:", data.sum(), "MAX:", data.max(), "ARGMAX:", data.argmax())
int_tensor = torch.tensor([1, 2, 3], dtype=torch.int32)
float_tensor = int_tensor.float()
print(int_tensor.dtype, float_tensor.dtype, int_tensor.to(torch.float64) / 2, int_tensor / 2, int_tensor // 2)
print(torch.where(data > 25, data, torch.zeros_like(data)), data.view(-1, 1).shape, torch.clamp(data, 15, 45))

# ---- an MNIST-like classifier
g = torch.Generator().manual_seed(0)
images = torch.rand(64, 1, 8, 8, generator=g)
targets = (images.mean(dim=(1, 2, 3)) * 40).long() % 10
images = (images - 0.1307) / 0.3081  # transforms.Normalize((0.1307,), (0.3081,))
train_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images[:48], targets[:48]), batch_size=16,
                                           shuffle=True)
test_loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images[48:], targets[48:]), batch_size=16)


class SimpleMNISTDNN(nn.Module):
    def __init__(self):
        super(SimpleMNISTDNN, self).__init__()
        self.flatten = nn.Flatten()
        self.layers = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))

    def forward(self, x):
        x = self.flatten(x)
        x = self.layers(x)
        return x


torch.manual_seed(1)
model = SimpleMNISTDNN()
loss_function = nn.CrossEntropyLoss()
optimizer = optim.Adam(model.parameters(), lr=0.001)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device, model)


def train_epoch(model, loss_function, optimizer, train_loader, device):
    model = model.to(device)
    model.train()
    epoch_loss, running_loss, num_correct_predictions, total_predictions = 0.0, 0.0, 0, 0
    for batch_idx, (inputs, targets) in enumerate(train_loader):
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        outputs = model(inputs)
        loss = loss_function(outputs, targets)
        loss.backward()
        optimizer.step()
        loss_value = loss.item()
        epoch_loss += loss_value
        running_loss += loss_value
        _, predicted_indices = outputs.max(1)
        correct_predictions = predicted_indices.eq(targets).sum().item()
        num_correct_predictions += correct_predictions
        total_predictions += targets.size(0)
        if (batch_idx + 1) % 2 == 0:
            avg_running_loss = running_loss / 2
            accuracy = 100. * correct_predictions / targets.size(0)
            print(f"\tStep {batch_idx + 1} - Train Loss: {avg_running_loss:.3f} | Train Acc: {accuracy:.2f}%")
            running_loss = 0.0
    avg_epoch_loss = epoch_loss / len(train_loader)
    avg_epoch_acc = 100. * num_correct_predictions / total_predictions
    return model, avg_epoch_loss, avg_epoch_acc


def evaluate(model, test_loader, device):
    model.eval()
    num_correct_predictions, total_predictions = 0, 0
    with torch.no_grad():
        for inputs, targets in test_loader:
            inputs, targets = inputs.to(device), targets.to(device)
            outputs = model(inputs)
            _, predicted_indices = torch.max(outputs, 1)
            total_predictions += targets.size(0)
            num_correct_predictions += (predicted_indices == targets).sum().item()
    accuracy = num_correct_predictions / total_predictions
    accuracy_percentage = 100 * accuracy
    print(f"\tTest Accuracy - {accuracy_percentage:.2f}%")
    return accuracy_percentage


train_loss, test_acc = [], []
for epoch in range(3):
    print(f"\n[Training] Epoch {epoch + 1}:")
    trained_model, loss, acc = train_epoch(model, loss_function, optimizer, train_loader, device)
    train_loss.append(loss)
    print(f"[Testing] Epoch {epoch + 1}:")
    accuracy = evaluate(trained_model, test_loader, device)
    test_acc.append(accuracy)
print([round(v, 4) for v in train_loss], test_acc)
sample = images[:3]
probabilities = torch.softmax(trained_model(sample), dim=1)
print(probabilities.argmax(dim=1), probabilities.max(dim=1), probabilities.sum(dim=1))
