import tinygrad_rnn as torch
import io
import numpy as np
nn = torch.nn
F = torch.nn.functional
data = torch.utils.data

# UvA Deep Learning course, tutorial 2 (Introduction to PyTorch), shrunk: tensor basics, the dynamic
# graph with its gradients, and the XOR classifier (data.Dataset, nn.Module, BCEWithLogitsLoss,
# training, saving/loading the state_dict, evaluation).
torch.manual_seed(42)

x = torch.Tensor(2, 3, 4)
print(x.shape, x.dtype)
x = torch.Tensor([[1, 2], [3, 4]])
print(x)
x = torch.rand(2, 3, 4)
print(x)
shape = x.shape
print("Shape:", x.shape)
size = x.size()
print("Size:", size)
dim1, dim2, dim3 = x.size()
print("Size:", dim1, dim2, dim3)

np_arr = np.array([[1, 2], [3, 4]])
tensor = torch.from_numpy(np_arr)
print("Numpy array:", np_arr)
print("PyTorch tensor:", tensor)
tensor = torch.arange(4)
np_arr = tensor.numpy()
print("PyTorch tensor:", tensor)
print("Numpy array:", np_arr)

x1 = torch.rand(2, 3)
x2 = torch.rand(2, 3)
y = x1 + x2
print("X1", x1)
print("X2", x2)
print("Y", y)
x1 = torch.rand(2, 3)
x2 = torch.rand(2, 3)
print("X1 (before)", x1)
print("X2 (before)", x2)
x2.add_(x1)
print("X1 (after)", x1)
print("X2 (after)", x2)

x = torch.arange(6)
print("X", x)
x = x.view(2, 3)
print("X", x)
x = x.permute(1, 0)  # Swapping dimension 0 and 1
print("X", x)
x = torch.arange(6)
x = x.view(2, 3)
print("X", x)
W = torch.arange(9).view(3, 3)  # We can also stack multiple operations in a single line
print("W", W)
h = torch.matmul(x, W)  # Verify the result by calculating it by hand too!
print("h", h)
print(x @ W)
A = torch.arange(2 * 2 * 3, dtype=torch.float32).view(2, 2, 3)
B = torch.arange(2 * 3 * 4, dtype=torch.float32).view(2, 3, 4)
print(torch.bmm(A, B))
print(torch.einsum("bij,bjk->bik", A, B).shape)

x = torch.arange(12).view(3, 4)
print("X", x)
print(x[:, 1])   # Second column
print(x[0])      # First row
print(x[:2, -1])  # First two rows, last column
print(x[1:3, :])  # Middle two rows

x = torch.ones((3,))
print(x.requires_grad)
x.requires_grad_(True)
print(x.requires_grad)
x = torch.arange(3, dtype=torch.float32, requires_grad=True)  # Only float tensors can have gradients
print("X", x)
a = x + 2
b = a ** 2
c = b + 3
y = c.mean()
print("Y", y)
y.backward()
print(x.grad)
print(y.grad_fn, c.grad_fn.next_functions[0][0].name(), b.grad_fn.name())

gpu_avail = torch.cuda.is_available()
print(f"Is the GPU available? {gpu_avail}")
device = torch.device("cuda") if torch.cuda.is_available() else torch.device("cpu")
print("Device", device)
x = torch.zeros(2, 3)
x = x.to(device)
print("X", x)
torch.manual_seed(42)
if torch.cuda.is_available():
    torch.cuda.manual_seed(42)
    torch.cuda.manual_seed_all(42)
torch.backends.cudnn.deterministic = True
torch.backends.cudnn.benchmark = False


class MyModule(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        pass


class SimpleClassifier(nn.Module):
    def __init__(self, num_inputs, num_hidden, num_outputs):
        super().__init__()
        self.linear1 = nn.Linear(num_inputs, num_hidden)
        self.act_fn = nn.Tanh()
        self.linear2 = nn.Linear(num_hidden, num_outputs)

    def forward(self, x):
        x = self.linear1(x)
        x = self.act_fn(x)
        x = self.linear2(x)
        return x


model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
print(model)
for name, param in model.named_parameters():
    print(f"Parameter {name}, shape {param.shape}")


class XORDataset(data.Dataset):
    def __init__(self, size, std=0.1):
        super().__init__()
        self.size = size
        self.std = std
        self.generate_continuous_xor()

    def generate_continuous_xor(self):
        data = torch.randint(low=0, high=2, size=(self.size, 2), dtype=torch.float32)
        label = (data.sum(dim=1) == 1).to(torch.long)
        data += self.std * torch.randn(data.shape)
        self.data = data
        self.label = label

    def __len__(self):
        return self.size

    def __getitem__(self, idx):
        data_point = self.data[idx]
        data_label = self.label[idx]
        return data_point, data_label


dataset = XORDataset(size=200)
print("Size of dataset:", len(dataset))
print("Data point 0:", dataset[0])
data_loader = data.DataLoader(dataset, batch_size=8, shuffle=True)
data_inputs, data_labels = next(iter(data_loader))
print("Data inputs", data_inputs.shape, "\n", data_inputs)
print("Data labels", data_labels.shape, "\n", data_labels)

loss_module = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
train_dataset = XORDataset(size=250)
train_data_loader = data.DataLoader(train_dataset, batch_size=32, shuffle=True)
model.to(device)


def train_model(model, optimizer, data_loader, loss_module, num_epochs=100):
    model.train()
    for epoch in range(num_epochs):
        for data_inputs, data_labels in data_loader:
            data_inputs = data_inputs.to(device)
            data_labels = data_labels.to(device)
            preds = model(data_inputs)
            preds = preds.squeeze(dim=1)  # Output is [Batch size, 1], but we want [Batch size]
            loss = loss_module(preds, data_labels.float())
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if epoch % 10 == 0:
            print(epoch, loss.item())


train_model(model, optimizer, train_data_loader, loss_module, num_epochs=30)
state_dict = model.state_dict()
print(state_dict)
buffer = io.BytesIO()
torch.save(state_dict, buffer)
buffer.seek(0)
state_dict = torch.load(buffer)
new_model = SimpleClassifier(num_inputs=2, num_hidden=4, num_outputs=1)
print(new_model.load_state_dict(state_dict))
print("Original model\n", model.state_dict())
print("\nLoaded model\n", new_model.state_dict())

test_dataset = XORDataset(size=100)
test_data_loader = data.DataLoader(test_dataset, batch_size=64, shuffle=False, drop_last=False)


def eval_model(model, data_loader):
    model.eval()  # Set model to eval mode
    true_preds, num_preds = 0.0, 0.0
    with torch.no_grad():  # Deactivate gradients for the following code
        for data_inputs, data_labels in data_loader:
            data_inputs, data_labels = data_inputs.to(device), data_labels.to(device)
            preds = model(data_inputs)
            preds = preds.squeeze(dim=1)
            preds = torch.sigmoid(preds)  # Sigmoid to map predictions between 0 and 1
            pred_labels = (preds >= 0.5).long()  # Binarize predictions to 0 and 1
            true_preds += (pred_labels == data_labels).sum()
            num_preds += data_labels.shape[0]
    acc = true_preds / num_preds
    print(f"Accuracy of the model: {100.0*acc:4.2f}%")
    print(type(true_preds).__name__, true_preds, acc)


eval_model(model, test_data_loader)


@torch.no_grad()  # Decorator, same effect as "with torch.no_grad(): ..." over the whole function.
def visualize_classification(model, data, label):
    if isinstance(data, torch.Tensor):
        data = data.cpu().numpy()
    if isinstance(label, torch.Tensor):
        label = label.cpu().numpy()
    data_0 = data[label == 0]
    data_1 = data[label == 1]
    print(data_0.shape, data_1.shape)
    c0 = torch.Tensor([0.0, 0.0, 0.0])
    c1 = torch.Tensor([1.0, 1.0, 1.0])
    x1 = torch.arange(-0.5, 1.5, step=0.5, device=device)
    x2 = torch.arange(-0.5, 1.5, step=0.5, device=device)
    xx1, xx2 = torch.meshgrid(x1, x2, indexing="ij")  # Meshgrid function as in numpy
    model_inputs = torch.stack([xx1, xx2], dim=-1)
    preds = model(model_inputs)
    preds = torch.sigmoid(preds)
    output_image = (1 - preds) * c0[None, None] + preds * c1[None, None]
    output_image = output_image.cpu().numpy()
    print(output_image.shape, output_image[0, :, 0].round(4))


visualize_classification(model, dataset.data, dataset.label)
