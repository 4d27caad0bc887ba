import tinygrad_rnn as torch
nn = torch.nn
DataLoader, TensorDataset = torch.utils.data.DataLoader, torch.utils.data.TensorDataset
from timeit import default_timer as timer

# Zero to Mastery "Learn PyTorch for Deep Learning", 03: computer vision, on made-up 16x16 "FashionMNIST"
# images: a flat baseline, accuracy_fn, train_step/test_step/eval_model helpers, TinyVGG, predictions and
# a confusion matrix counted by hand.
torch.manual_seed(42)
class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress"]
n_train, n_test, size = 96, 32, 16


def make_images(n, generator):
    labels = torch.randint(0, len(class_names), (n,), generator=generator)
    rows = torch.arange(size).view(1, 1, size, 1)
    cols = torch.arange(size).view(1, 1, 1, size)
    images = torch.rand(n, 1, size, size, generator=generator) * 0.3
    stripes = ((rows + labels.view(-1, 1, 1, 1) * cols) % 4 == 0).float()  # each class a different pattern
    return (images + stripes * 0.7).clamp(0, 1), labels


g = torch.Generator().manual_seed(0)
train_images, train_labels = make_images(n_train, g)
test_images, test_labels = make_images(n_test, g)
train_data = TensorDataset(train_images, train_labels)
test_data = TensorDataset(test_images, test_labels)
image, label = train_data[0]
print(f"Image shape: {image.shape} -> [color_channels, height, width]")
print(f"Image label: {class_names[label]}", label, label.dtype, isinstance(label, torch.Tensor))
print(len(train_data), len(test_data), image.min(), image.max(), image.dtype)
class_to_idx = {name: i for i, name in enumerate(class_names)}
print(class_to_idx)

BATCH_SIZE = 32
train_dataloader = DataLoader(train_data, batch_size=BATCH_SIZE, shuffle=True)
test_dataloader = DataLoader(test_data, batch_size=BATCH_SIZE, shuffle=False)
print(f"Length of train dataloader: {len(train_dataloader)} batches of {BATCH_SIZE}")
train_features_batch, train_labels_batch = next(iter(train_dataloader))
print(train_features_batch.shape, train_labels_batch.shape, train_labels_batch)

flatten_model = nn.Flatten()
x = train_features_batch[0]
output = flatten_model(x)
print(f"Shape before flattening: {x.shape} -> [color_channels, height, width]")
print(f"Shape after flattening: {output.shape} -> [color_channels, height*width]")


class FashionMNISTModelV0(nn.Module):
    def __init__(self, input_shape: int, hidden_units: int, output_shape: int):
        super().__init__()
        self.layer_stack = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_features=input_shape, out_features=hidden_units),
            nn.Linear(in_features=hidden_units, out_features=output_shape),
        )

    def forward(self, x):
        return self.layer_stack(x)


torch.manual_seed(42)
model_0 = FashionMNISTModelV0(input_shape=size * size, hidden_units=10, output_shape=len(class_names))
model_0.to("cpu")
print(model_0)
dummy_x = torch.rand([1, 1, size, size])
print(model_0(dummy_x))
print(model_0.state_dict()["layer_stack.1.bias"])


def accuracy_fn(y_true, y_pred):
    correct = torch.eq(y_true, y_pred).sum().item()
    acc = (correct / len(y_pred)) * 100
    return acc


def print_train_time(start: float, end: float, device: torch.device = None):
    total_time = end - start
    return total_time


loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(params=model_0.parameters(), lr=0.1)
torch.manual_seed(42)
train_time_start_on_cpu = timer()
epochs = 2
for epoch in range(epochs):
    print(f"Epoch: {epoch}\n-------")
    train_loss = 0
    for batch, (X, y) in enumerate(train_dataloader):
        model_0.train()
        y_pred = model_0(X)
        loss = loss_fn(y_pred, y)
        train_loss += loss
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if batch % 2 == 0:
            print(f"Looked at {batch * len(X)}/{len(train_dataloader.dataset)} samples")
    train_loss /= len(train_dataloader)
    test_loss, test_acc = 0, 0
    model_0.eval()
    with torch.inference_mode():
        for X, y in test_dataloader:
            test_pred = model_0(X)
            test_loss += loss_fn(test_pred, y)
            test_acc += accuracy_fn(y_true=y, y_pred=test_pred.argmax(dim=1))
        test_loss /= len(test_dataloader)
        test_acc /= len(test_dataloader)
    print(f"\nTrain loss: {train_loss:.5f} | Test loss: {test_loss:.5f}, Test acc: {test_acc:.2f}%\n")
    print(isinstance(train_loss, torch.Tensor), train_loss.requires_grad, train_loss.grad_fn.name(), test_loss.requires_grad)
total_train_time_model_0 = print_train_time(train_time_start_on_cpu, timer(), device=str(next(model_0.parameters()).device))
print(next(model_0.parameters()).device, total_train_time_model_0 > 0)


def eval_model(model: torch.nn.Module, data_loader: torch.utils.data.DataLoader, loss_fn: torch.nn.Module,
               accuracy_fn):
    loss, acc = 0, 0
    model.eval()
    with torch.inference_mode():
        for X, y in data_loader:
            y_pred = model(X)
            loss += loss_fn(y_pred, y)
            acc += accuracy_fn(y_true=y, y_pred=y_pred.argmax(dim=1))
        loss /= len(data_loader)
        acc /= len(data_loader)
    return {"model_name": model.__class__.__name__, "model_loss": loss.item(), "model_acc": acc}


model_0_results = eval_model(model=model_0, data_loader=test_dataloader, loss_fn=loss_fn, accuracy_fn=accuracy_fn)
print(model_0_results)
device = "cuda" if torch.cuda.is_available() else "cpu"


class FashionMNISTModelV1(nn.Module):
    def __init__(self, input_shape: int, hidden_units: int, output_shape: int):
        super().__init__()
        self.layer_stack = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_features=input_shape, out_features=hidden_units),
            nn.ReLU(),
            nn.Linear(in_features=hidden_units, out_features=output_shape),
            nn.ReLU(),
        )

    def forward(self, x: torch.Tensor):
        return self.layer_stack(x)


def train_step(model: torch.nn.Module, data_loader: torch.utils.data.DataLoader, loss_fn: torch.nn.Module,
               optimizer: torch.optim.Optimizer, accuracy_fn, device: torch.device = device):
    train_loss, train_acc = 0, 0
    model.to(device)
    for batch, (X, y) in enumerate(data_loader):
        X, y = X.to(device), y.to(device)
        y_pred = model(X)
        loss = loss_fn(y_pred, y)
        train_loss += loss
        train_acc += accuracy_fn(y_true=y, y_pred=y_pred.argmax(dim=1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    train_loss /= len(data_loader)
    train_acc /= len(data_loader)
    print(f"Train loss: {train_loss:.5f} | Train accuracy: {train_acc:.2f}%")


def test_step(data_loader: torch.utils.data.DataLoader, model: torch.nn.Module, loss_fn: torch.nn.Module,
              accuracy_fn, device: torch.device = device):
    test_loss, test_acc = 0, 0
    model.to(device)
    model.eval()
    with torch.inference_mode():
        for X, y in data_loader:
            X, y = X.to(device), y.to(device)
            test_pred = model(X)
            test_loss += loss_fn(test_pred, y)
            test_acc += accuracy_fn(y_true=y, y_pred=test_pred.argmax(dim=1))
        test_loss /= len(data_loader)
        test_acc /= len(data_loader)
        print(f"Test loss: {test_loss:.5f} | Test accuracy: {test_acc:.2f}%\n")


torch.manual_seed(42)
model_1 = FashionMNISTModelV1(input_shape=size * size, hidden_units=10, output_shape=len(class_names)).to(device)
print(next(model_1.parameters()).device)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(params=model_1.parameters(), lr=0.1)
for epoch in range(2):
    print(f"Epoch: {epoch}\n---------")
    train_step(data_loader=train_dataloader, model=model_1, loss_fn=loss_fn, optimizer=optimizer,
               accuracy_fn=accuracy_fn)
    test_step(data_loader=test_dataloader, model=model_1, loss_fn=loss_fn, accuracy_fn=accuracy_fn)
model_1_results = eval_model(model=model_1, data_loader=test_dataloader, loss_fn=loss_fn, accuracy_fn=accuracy_fn)
print(model_1_results)


class FashionMNISTModelV2(nn.Module):
    """Model architecture copying TinyVGG from the CNN Explainer website."""

    def __init__(self, input_shape: int, hidden_units: int, output_shape: int):
        super().__init__()
        self.block_1 = nn.Sequential(
            nn.Conv2d(in_channels=input_shape, out_channels=hidden_units, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.Conv2d(in_channels=hidden_units, out_channels=hidden_units, kernel_size=3, stride=1, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.block_2 = nn.Sequential(
            nn.Conv2d(hidden_units, hidden_units, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(hidden_units, hidden_units, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_features=hidden_units * 4 * 4, out_features=output_shape),
        )

    def forward(self, x: torch.Tensor):
        x = self.block_1(x)
        x = self.block_2(x)
        x = self.classifier(x)
        return x


torch.manual_seed(42)
model_2 = FashionMNISTModelV2(input_shape=1, hidden_units=6, output_shape=len(class_names)).to(device)
print(model_2)

# stepping through nn.Conv2d and nn.MaxPool2d
torch.manual_seed(42)
images = torch.randn(size=(32, 3, 16, 16))
test_image = images[0]
print(f"Image batch shape: {images.shape} -> [batch_size, color_channels, height, width]")
print(f"Single image shape: {test_image.shape} -> [color_channels, height, width]")
print(f"Single image pixel values:\n{test_image[0, :2, :4]}")
torch.manual_seed(42)
conv_layer = nn.Conv2d(in_channels=3, out_channels=10, kernel_size=3, stride=1, padding=0)
print(conv_layer(test_image).shape)
conv_layer_2 = nn.Conv2d(in_channels=3, out_channels=10, kernel_size=(5, 5), stride=2, padding=0)
print(conv_layer_2(test_image.unsqueeze(dim=0)).shape)
print(conv_layer_2.state_dict()["weight"].shape, conv_layer_2.bias)
print(f"conv_layer_2 weight shape: \n{conv_layer_2.weight.shape} -> [out_channels=10, in_channels=3, kernel_size=5, "
      f"kernel_size=5]")
test_image_through_conv = conv_layer(test_image.unsqueeze(dim=0))
print(f"Shape after going through conv_layer(): {test_image_through_conv.shape}")
max_pool_layer = nn.MaxPool2d(kernel_size=2)
test_image_through_conv_and_max_pool = max_pool_layer(test_image_through_conv)
print(f"Shape after going through conv_layer() and max_pool_layer(): {test_image_through_conv_and_max_pool.shape}")
torch.manual_seed(42)
random_tensor = torch.randn(size=(1, 1, 2, 2))
print(f"Random tensor:\n{random_tensor}")
max_pool_tensor = max_pool_layer(random_tensor)
print(f"\nMax pool tensor:\n{max_pool_tensor} <- this is the max_pool_layer() output")
print(f"Max pool tensor shape: {max_pool_tensor.shape}")

loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(params=model_2.parameters(), lr=0.1)
torch.manual_seed(42)
for epoch in range(2):
    print(f"Epoch: {epoch}\n---------")
    train_step(data_loader=train_dataloader, model=model_2, loss_fn=loss_fn, optimizer=optimizer,
               accuracy_fn=accuracy_fn, device=device)
    test_step(data_loader=test_dataloader, model=model_2, loss_fn=loss_fn, accuracy_fn=accuracy_fn, device=device)
model_2_results = eval_model(model=model_2, data_loader=test_dataloader, loss_fn=loss_fn, accuracy_fn=accuracy_fn)
print(model_2_results)
compare_results = [model_0_results, model_1_results, model_2_results]
for row in compare_results:
    print(f"{row['model_name']:>22} {row['model_loss']:.4f} {row['model_acc']:.2f}")


def make_predictions(model: torch.nn.Module, data: list, device: torch.device = device):
    pred_probs = []
    model.eval()
    with torch.inference_mode():
        for sample in data:
            sample = torch.unsqueeze(sample, dim=0).to(device)
            pred_logit = model(sample)
            pred_prob = torch.softmax(pred_logit.squeeze(), dim=0)
            pred_probs.append(pred_prob.cpu())
    return torch.stack(pred_probs)


test_samples, test_sample_labels = [], []
for sample, label in list(test_data)[:9]:
    test_samples.append(sample)
    test_sample_labels.append(label)
print(f"Test sample image shape: {test_samples[0].shape}\nTest sample label: {test_sample_labels[0]} "
      f"({class_names[test_sample_labels[0]]})")
pred_probs = make_predictions(model=model_2, data=test_samples)
print(pred_probs[:2])
pred_classes = pred_probs.argmax(dim=1)
print(pred_classes, test_sample_labels)
print(pred_probs.is_inference(), pred_probs.requires_grad)

# confusion matrix pieces, the way torchmetrics' ConfusionMatrix counts them
y_preds = []
model_2.eval()
with torch.inference_mode():
    for X, y in test_dataloader:
        X, y = X.to(device), y.to(device)
        y_logit = model_2(X)
        y_pred = torch.softmax(y_logit, dim=1).argmax(dim=1)
        y_preds.append(y_pred.cpu())
y_pred_tensor = torch.cat(y_preds)
print(y_pred_tensor[:10], y_pred_tensor.dtype, y_pred_tensor.shape)
num_classes = len(class_names)
confmat_tensor = torch.bincount(test_data.tensors[1] * num_classes + y_pred_tensor,
                                minlength=num_classes ** 2).reshape(num_classes, num_classes)
print(confmat_tensor)
confmat_loop = torch.zeros(num_classes, num_classes, dtype=torch.int64)
for t, p in zip(test_data.tensors[1], y_pred_tensor):
    confmat_loop[t, p] += 1
print(torch.equal(confmat_loop, confmat_tensor), confmat_tensor.numpy().diagonal())
print(confmat_tensor.diag().sum().item() / confmat_tensor.sum().item())
normalised = confmat_tensor / confmat_tensor.sum(dim=1, keepdim=True).clamp(min=1)
print(normalised)

from pathlib import Path
import io
MODEL_NAME = "03_pytorch_computer_vision_model_2.pth"
print(Path("models") / MODEL_NAME)
buffer = io.BytesIO()
torch.save(obj=model_2.state_dict(), f=buffer)
buffer.seek(0)
torch.manual_seed(42)
loaded_model_2 = FashionMNISTModelV2(input_shape=1, hidden_units=6, output_shape=len(class_names))
print(loaded_model_2.load_state_dict(torch.load(f=buffer)))
loaded_model_2 = loaded_model_2.to(device)
loaded_model_2_results = eval_model(model=loaded_model_2, data_loader=test_dataloader, loss_fn=loss_fn,
                                    accuracy_fn=accuracy_fn)
print(loaded_model_2_results)
print(torch.isclose(torch.tensor(model_2_results["model_loss"]), torch.tensor(loaded_model_2_results["model_loss"]),
                    atol=1e-08, rtol=0.0001))
