import tinygrad_rnn as torch
import io
import random
from pathlib import Path
from typing import Dict, List, Tuple
import numpy as np
nn = torch.nn
Dataset, DataLoader = torch.utils.data.Dataset, torch.utils.data.DataLoader

# Zero to Mastery "Learn PyTorch for Deep Learning", 04 (custom datasets) and 05 (going modular): a
# Dataset subclass over made-up "pizza/steak/sushi" images with find_classes and class_to_idx, the
# transforms done by hand on tensors (resize by pooling, random horizontal flip, a TrivialAugment-like
# brightness change), TinyVGG, engine.train returning a results dict, utils.save_model to a buffer.
random.seed(42)
torch.manual_seed(42)
image_path = Path("data") / "pizza_steak_sushi"
classes_on_disk = ["sushi", "pizza", "steak"]
rng = np.random.default_rng(7)
# "files": path -> an HWC uint8 image, as PIL would give after np.asarray
files = {}
for split, count in (("train", 12), ("test", 6)):
    for i in range(count):
        cls = classes_on_disk[i % 3]
        base = np.array({"pizza": [200, 80, 40], "steak": [120, 50, 40], "sushi": [230, 230, 220]}[cls])
        img = np.clip(base + rng.normal(0, 40, (24, 24, 3)), 0, 255).astype(np.uint8)
        files[image_path / split / cls / f"{i}.jpg"] = img
train_dir, test_dir = image_path / "train", image_path / "test"
print(train_dir, test_dir, len(files))


def find_classes(directory: Path) -> Tuple[List[str], Dict[str, int]]:
    classes = sorted({p.parent.name for p in files if p.parent.parent == directory})
    if not classes:
        raise FileNotFoundError(f"Couldn't find any classes in {directory}.")
    class_to_idx = {cls_name: i for i, cls_name in enumerate(classes)}
    return classes, class_to_idx


print(find_classes(train_dir))


def to_tensor(img: np.ndarray) -> torch.Tensor:
    """transforms.ToTensor by hand: HWC uint8 -> CHW float in [0, 1]."""
    return torch.from_numpy(img).permute(2, 0, 1).float().div(255)


def resize(img: torch.Tensor, size: int) -> torch.Tensor:
    return torch.nn.functional.interpolate(img.unsqueeze(0), size=(size, size), mode="bilinear",
                                           align_corners=False).squeeze(0)


def random_horizontal_flip(img: torch.Tensor, p: float = 0.5) -> torch.Tensor:
    if torch.rand(1) < p:
        return torch.flip(img, dims=[-1])
    return img


def trivial_augment(img: torch.Tensor, num_magnitude_bins: int = 31) -> torch.Tensor:
    magnitudes = torch.linspace(0.0, 0.99, num_magnitude_bins)
    magnitude = float(magnitudes[torch.randint(num_magnitude_bins, (1,))].item())
    if torch.randint(2, (1,)):
        magnitude *= -1.0
    return (img * (1.0 + magnitude)).clamp(0, 1)


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, img):
        for t in self.transforms:
            img = t(img)
        return img


train_transform = Compose([to_tensor, lambda t: resize(t, 16), random_horizontal_flip, trivial_augment])
test_transform = Compose([to_tensor, lambda t: resize(t, 16)])


class ImageFolderCustom(Dataset):
    def __init__(self, targ_dir: Path, transform=None) -> None:
        self.paths = sorted(p for p in files if p.parent.parent == targ_dir)
        self.transform = transform
        self.classes, self.class_to_idx = find_classes(targ_dir)

    def load_image(self, index: int) -> np.ndarray:
        return files[self.paths[index]]

    def __len__(self) -> int:
        return len(self.paths)

    def __getitem__(self, index: int) -> Tuple[torch.Tensor, int]:
        img = self.load_image(index)
        class_name = self.paths[index].parent.name
        class_idx = self.class_to_idx[class_name]
        if self.transform:
            return self.transform(img), class_idx
        return to_tensor(img), class_idx


train_data_custom = ImageFolderCustom(targ_dir=train_dir, transform=train_transform)
test_data_custom = ImageFolderCustom(targ_dir=test_dir, transform=test_transform)
print(len(train_data_custom), len(test_data_custom), train_data_custom.classes, train_data_custom.class_to_idx)
img, label = train_data_custom[0]
print(f"Image tensor:\n{img[:, :2, :3]}")
print(f"Image shape: {img.shape}")
print(f"Image datatype: {img.dtype}")
print(f"Image label: {label}")
print(f"Label datatype: {type(label)}")
img_permute = img.permute(1, 2, 0)
print(f"Original shape: {img.shape} -> [color_channels, height, width]")
print(f"Image permute shape: {img_permute.shape} -> [height, width, color_channels]")
random_samples_idx = random.sample(range(len(train_data_custom)), k=3)
print(random_samples_idx)
raw = files[train_data_custom.paths[0]]
print(raw.shape, raw.dtype, to_tensor(raw).shape, to_tensor(raw).max())
flipped = torch.flip(to_tensor(raw), dims=[2])
print(torch.equal(flipped[:, :, 0], to_tensor(raw)[:, :, -1]))

BATCH_SIZE, NUM_WORKERS = 4, 0
train_dataloader_custom = DataLoader(dataset=train_data_custom, batch_size=BATCH_SIZE, num_workers=NUM_WORKERS,
                                     shuffle=True)
test_dataloader_custom = DataLoader(dataset=test_data_custom, batch_size=BATCH_SIZE, num_workers=NUM_WORKERS,
                                    shuffle=False)
img_custom, label_custom = next(iter(train_dataloader_custom))
print(f"Image shape: {img_custom.shape} -> [batch_size, color_channels, height, width]")
print(f"Label shape: {label_custom.shape}", label_custom, label_custom.dtype)


# ---- going_modular/model_builder.py
class TinyVGG(nn.Module):
    def __init__(self, input_shape: int, hidden_units: int, output_shape: int) -> None:
        super().__init__()
        self.conv_block_1 = nn.Sequential(
            nn.Conv2d(in_channels=input_shape, out_channels=hidden_units, kernel_size=3, stride=1, padding=0),
            nn.ReLU(),
            nn.Conv2d(in_channels=hidden_units, out_channels=hidden_units, kernel_size=3, stride=1, padding=0),
            nn.ReLU(),
            nn.MaxPool2d(kernel_size=2, stride=2),
        )
        self.conv_block_2 = nn.Sequential(
            nn.Conv2d(hidden_units, hidden_units, kernel_size=3, padding=0),
            nn.ReLU(),
            nn.Conv2d(hidden_units, hidden_units, kernel_size=3, padding=0),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(in_features=hidden_units * 1 * 1, out_features=output_shape),
        )

    def forward(self, x: torch.Tensor):
        return self.classifier(self.conv_block_2(self.conv_block_1(x)))  # operator fusion


torch.manual_seed(42)
model_0 = TinyVGG(input_shape=3, hidden_units=5, output_shape=len(train_data_custom.classes))
print(model_0)
img_batch, label_batch = next(iter(train_dataloader_custom))
img_single, label_single = img_batch[0].unsqueeze(dim=0), label_batch[0]
print(f"Single image shape: {img_single.shape}\n")
model_0.eval()
with torch.inference_mode():
    pred = model_0(img_single)
print(f"Output logits:\n{pred}\n")
print(f"Output prediction probabilities:\n{torch.softmax(pred, dim=1)}\n")
print(f"Output prediction label:\n{torch.argmax(torch.softmax(pred, dim=1), dim=1)}\n")
print(f"Actual label:\n{label_single}")
print(sum(p.numel() for p in model_0.parameters()), sum(p.numel() for p in model_0.parameters() if p.requires_grad))


# ---- going_modular/engine.py
def train_step(model: torch.nn.Module, dataloader: torch.utils.data.DataLoader, loss_fn: torch.nn.Module,
               optimizer: torch.optim.Optimizer, device: torch.device) -> Tuple[float, float]:
    model.train()
    train_loss, train_acc = 0, 0
    for batch, (X, y) in enumerate(dataloader):
        X, y = X.to(device), y.to(device)
        y_pred = model(X)
        loss = loss_fn(y_pred, y)
        train_loss += loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        y_pred_class = torch.argmax(torch.softmax(y_pred, dim=1), dim=1)
        train_acc += (y_pred_class == y).sum().item() / len(y_pred)
    train_loss = train_loss / len(dataloader)
    train_acc = train_acc / len(dataloader)
    return train_loss, train_acc


def test_step(model: torch.nn.Module, dataloader: torch.utils.data.DataLoader, loss_fn: torch.nn.Module,
              device: torch.device) -> Tuple[float, float]:
    model.eval()
    test_loss, test_acc = 0, 0
    with torch.inference_mode():
        for batch, (X, y) in enumerate(dataloader):
            X, y = X.to(device), y.to(device)
            test_pred_logits = model(X)
            loss = loss_fn(test_pred_logits, y)
            test_loss += loss.item()
            test_pred_labels = test_pred_logits.argmax(dim=1)
            test_acc += ((test_pred_labels == y).sum().item() / len(test_pred_labels))
    test_loss = test_loss / len(dataloader)
    test_acc = test_acc / len(dataloader)
    return test_loss, test_acc


def train(model: torch.nn.Module, train_dataloader: torch.utils.data.DataLoader,
          test_dataloader: torch.utils.data.DataLoader, optimizer: torch.optim.Optimizer,
          loss_fn: torch.nn.Module, epochs: int, device: torch.device) -> Dict[str, List]:
    results = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    model.to(device)
    for epoch in range(epochs):
        train_loss, train_acc = train_step(model=model, dataloader=train_dataloader, loss_fn=loss_fn,
                                           optimizer=optimizer, device=device)
        test_loss, test_acc = test_step(model=model, dataloader=test_dataloader, loss_fn=loss_fn, device=device)
        print(f"Epoch: {epoch + 1} | train_loss: {train_loss:.4f} | train_acc: {train_acc:.4f} | "
              f"test_loss: {test_loss:.4f} | test_acc: {test_acc:.4f}")
        results["train_loss"].append(train_loss)
        results["train_acc"].append(train_acc)
        results["test_loss"].append(test_loss)
        results["test_acc"].append(test_acc)
    return results


# ---- going_modular/utils.py
def save_model(model: torch.nn.Module, target_dir: str, model_name: str):
    target_dir_path = Path(target_dir)
    assert model_name.endswith(".pth") or model_name.endswith(".pt"), "model_name should end with '.pt' or '.pth'"
    model_save_path = target_dir_path / model_name
    print(f"[INFO] Saving model to: {model_save_path}")
    buffer = io.BytesIO()
    torch.save(obj=model.state_dict(), f=buffer)
    return buffer


# ---- going_modular/train.py
torch.manual_seed(42)
torch.cuda.manual_seed(42)
NUM_EPOCHS, HIDDEN_UNITS, LEARNING_RATE = 3, 5, 0.01
device = "cuda" if torch.cuda.is_available() else "cpu"
model_0 = TinyVGG(input_shape=3, hidden_units=HIDDEN_UNITS, output_shape=len(train_data_custom.classes)).to(device)
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(params=model_0.parameters(), lr=LEARNING_RATE)
model_0_results = train(model=model_0, train_dataloader=train_dataloader_custom,
                        test_dataloader=test_dataloader_custom, optimizer=optimizer, loss_fn=loss_fn,
                        epochs=NUM_EPOCHS, device=device)
print(model_0_results.keys())
print({k: [round(v, 4) for v in vals] for k, vals in model_0_results.items()})
epochs = range(len(model_0_results["train_loss"]))
print(list(epochs))
buffer = save_model(model=model_0, target_dir="models", model_name="05_going_modular_script_mode_tinyvgg_model.pth")
buffer.seek(0)
state = torch.load(buffer)
print(list(state.keys())[:4], state["classifier.1.weight"].shape)
print(optimizer.state_dict()["param_groups"][0]["lr"], optimizer.state_dict()["param_groups"][0]["betas"])
print(len(optimizer.state_dict()["state"]), optimizer.state_dict()["state"][0]["step"])

# predicting on a "custom image": a uint8 image read by torchvision.io.read_image, then scaled
custom_image_uint8 = torch.from_numpy(files[test_dir / "pizza" / "1.jpg"]).permute(2, 0, 1)
print(f"Custom image tensor:\n{custom_image_uint8[:, :1, :4]}\n")
print(f"Custom image shape: {custom_image_uint8.shape}\n")
print(f"Custom image dtype: {custom_image_uint8.dtype}")
try:
    model_0.eval()
    with torch.inference_mode():
        model_0(custom_image_uint8.unsqueeze(0))
except RuntimeError as e:
    print("RuntimeError:", str(e).split("\n")[0])
custom_image = custom_image_uint8.type(torch.float32) / 255.
custom_image_transformed = resize(custom_image, 16)
print(f"Original shape: {custom_image.shape}", f"New shape: {custom_image_transformed.shape}")
with torch.inference_mode():
    custom_image_pred = model_0(custom_image_transformed.unsqueeze(dim=0).to(device))
print(custom_image_pred)
custom_image_pred_probs = torch.softmax(custom_image_pred, dim=1)
print(f"Prediction probabilities: {custom_image_pred_probs}")
custom_image_pred_label = torch.argmax(custom_image_pred_probs, dim=1)
print(f"Prediction label: {custom_image_pred_label}", train_data_custom.classes[custom_image_pred_label.cpu()])
print(f"Pred: {train_data_custom.classes[custom_image_pred_label]} | Prob: {custom_image_pred_probs.max().cpu():.3f}")
