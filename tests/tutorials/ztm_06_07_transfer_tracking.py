import tinygrad_rnn as torch
from typing import Dict, List
nn = torch.nn

# Zero to Mastery "Learn PyTorch for Deep Learning", 06 (transfer learning) and 07 (experiment tracking):
# a small EfficientNet-like "pretrained" model (features / avgpool / classifier, MBConv blocks with
# depthwise convs, squeeze-excitation and SiLU), freezing the feature block's requires_grad, replacing
# the classifier head, a summary()-like table from forward hooks and parameter counts, set_seeds, and
# experiments over models and epochs tracked in a dict in place of SummaryWriter. 21 made-up 20x20
# images (16 to train on, in batches of 8) stand in for pizza_steak_sushi; training is 2 epochs (the course's 5).


def set_seeds(seed: int = 42):
    torch.manual_seed(seed)
    torch.cuda.manual_seed(seed)


class SqueezeExcitation(nn.Module):
    def __init__(self, input_channels, squeeze_channels):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(input_channels, squeeze_channels, 1)
        self.fc2 = nn.Conv2d(squeeze_channels, input_channels, 1)
        self.activation = nn.SiLU()
        self.scale_activation = nn.Sigmoid()

    def forward(self, x):
        scale = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x)))))
        return scale * x


class MBConv(nn.Module):
    def __init__(self, cin, cout, expand, stride):
        super().__init__()
        hidden = cin * expand
        self.use_res_connect = stride == 1 and cin == cout
        self.block = nn.Sequential(
            nn.Sequential(nn.Conv2d(cin, hidden, 1, bias=False), nn.BatchNorm2d(hidden, eps=1e-3), nn.SiLU(inplace=True)),
            nn.Sequential(nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=False),
                          nn.BatchNorm2d(hidden, eps=1e-3), nn.SiLU(inplace=True)),
            SqueezeExcitation(hidden, max(1, cin // 4)),
            nn.Sequential(nn.Conv2d(hidden, cout, 1, bias=False), nn.BatchNorm2d(cout, eps=1e-3)),
        )

    def forward(self, x):
        result = self.block(x)
        if self.use_res_connect:
            result = result + x
        return result


class EfficientNetTiny(nn.Module):
    def __init__(self, num_classes=1000, dropout=0.2):
        super().__init__()
        self.features = nn.Sequential(
            nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8, eps=1e-3), nn.SiLU(inplace=True)),
            nn.Sequential(MBConv(8, 8, 1, 1)),
            nn.Sequential(MBConv(8, 12, 2, 2), MBConv(12, 12, 2, 1)),
            nn.Sequential(nn.Conv2d(12, 32, 1, bias=False), nn.BatchNorm2d(32, eps=1e-3), nn.SiLU(inplace=True)),
        )
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(p=dropout, inplace=True), nn.Linear(32, num_classes))

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


# "pretrained weights": a model trained a few steps on something else, saved as a state_dict
set_seeds()
pretrained = EfficientNetTiny(num_classes=10)
opt = torch.optim.SGD(pretrained.parameters(), lr=0.05, momentum=0.9)
for _ in range(3):
    imgs = torch.rand(8, 3, 16, 16)
    loss = nn.functional.cross_entropy(pretrained(imgs), torch.randint(0, 10, (8,)))
    opt.zero_grad()
    loss.backward()
    opt.step()
print(f"pretraining loss: {loss.item():.4f}")
weights_state = pretrained.state_dict()
print(len(weights_state), list(weights_state)[:3], weights_state["features.0.1.num_batches_tracked"])

# weights.transforms(): resize, to [0, 1], normalise with ImageNet's mean and std
mean = torch.tensor([0.485, 0.456, 0.406]).view(3, 1, 1)
std = torch.tensor([0.229, 0.224, 0.225]).view(3, 1, 1)


def auto_transforms(img_uint8):
    img = img_uint8.float() / 255
    img = nn.functional.interpolate(img.unsqueeze(0), size=(16, 16), mode="bilinear", antialias=False,
                                    align_corners=False).squeeze(0)
    return (img - mean) / std


g = torch.Generator().manual_seed(3)
raw_images = torch.randint(0, 256, (21, 3, 20, 20), dtype=torch.uint8, generator=g)
labels = torch.arange(21) % 3
raw_images[labels == 0, 0] = raw_images[labels == 0, 0] // 2 + 128  # pizza: red
raw_images[labels == 1, 1] = raw_images[labels == 1, 1] // 4  # steak: no green
images = torch.stack([auto_transforms(img) for img in raw_images])
print(images.shape, images.dtype, images.mean().item(), images.std().item())
train_data = torch.utils.data.TensorDataset(images[:16], labels[:16])
test_data = torch.utils.data.TensorDataset(images[16:], labels[16:])
class_names = ["pizza", "steak", "sushi"]
train_dataloader = torch.utils.data.DataLoader(train_data, batch_size=8, shuffle=True)
test_dataloader = torch.utils.data.DataLoader(test_data, batch_size=8, shuffle=False)

device = "cuda" if torch.cuda.is_available() else "cpu"


def create_effnet(out_features=3):
    model = EfficientNetTiny(num_classes=10).to(device)
    model.load_state_dict(weights_state)
    for param in model.features.parameters():
        param.requires_grad = False
    set_seeds()
    model.classifier = torch.nn.Sequential(
        torch.nn.Dropout(p=0.2, inplace=True),
        torch.nn.Linear(in_features=32, out_features=out_features, bias=True)).to(device)
    return model


def summary(model, input_size, col_names=("input_size", "output_size", "num_params", "trainable")):
    rows, hooks = [], []

    def hook(module, inputs, output):
        rows.append((module.__class__.__name__, list(inputs[0].shape), list(output.shape),
                     sum(p.numel() for p in module.parameters(recurse=False)),
                     any(p.requires_grad for p in module.parameters(recurse=False))))

    for name, module in model.named_modules():
        if name.count(".") <= 1 and name:
            hooks.append(module.register_forward_hook(hook))
    model(torch.zeros(input_size))
    for h in hooks:
        h.remove()
    for row in rows:
        print(f"{row[0]:<18}{str(row[1]):<18}{str(row[2]):<18}{row[3]:>8} {row[4]}")
    total = sum(p.numel() for p in model.parameters())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    print(f"Total params: {total:,}\nTrainable params: {trainable:,}\nNon-trainable params: {total - trainable:,}")


model = EfficientNetTiny(num_classes=10)
model.load_state_dict(weights_state)
print(model.classifier)
summary(model=model, input_size=(2, 3, 16, 16))
model = create_effnet()
summary(model, input_size=[2, 3, 16, 16])
print(model.features[0][0].weight.requires_grad, model.classifier[1].weight.requires_grad)
print([n for n, p in model.named_parameters() if p.requires_grad])


def train_step(model, dataloader, loss_fn, optimizer, device):
    model.train()
    train_loss, train_acc = 0, 0
    for X, y in dataloader:
        X, y = X.to(device), y.to(device)
        y_pred = model(X)
        loss = loss_fn(y_pred, y)
        train_loss += loss.item()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        y_pred_class = torch.argmax(torch.softmax(y_pred, dim=1), dim=1)
        train_acc += (y_pred_class == y).sum().item() / len(y_pred)
    return train_loss / len(dataloader), train_acc / len(dataloader)


def test_step(model, dataloader, loss_fn, device):
    model.eval()
    test_loss, test_acc = 0, 0
    with torch.inference_mode():
        for X, y in dataloader:
            X, y = X.to(device), y.to(device)
            test_pred_logits = model(X)
            test_loss += loss_fn(test_pred_logits, y).item()
            test_acc += (test_pred_logits.argmax(dim=1) == y).sum().item() / len(test_pred_logits)
    return test_loss / len(dataloader), test_acc / len(dataloader)


def train(model, train_dataloader, test_dataloader, optimizer, loss_fn, epochs, device, writer=None) -> Dict[str, List]:
    results = {"train_loss": [], "train_acc": [], "test_loss": [], "test_acc": []}
    for epoch in range(epochs):
        train_loss, train_acc = train_step(model, train_dataloader, loss_fn, optimizer, device)
        test_loss, test_acc = test_step(model, test_dataloader, loss_fn, device)
        print(f"Epoch: {epoch + 1} | train_loss: {train_loss:.4f} | train_acc: {train_acc:.4f} | "
              f"test_loss: {test_loss:.4f} | test_acc: {test_acc:.4f}")
        for k, v in zip(results, (train_loss, train_acc, test_loss, test_acc)):
            results[k].append(v)
        if writer is not None:
            writer.setdefault("Loss", []).append({"train_loss": train_loss, "test_loss": test_loss})
            writer.setdefault("Accuracy", []).append({"train_acc": train_acc, "test_acc": test_acc})
    return results


loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
print(len(optimizer.param_groups[0]["params"]))
set_seeds()
results = train(model=model, train_dataloader=train_dataloader, test_dataloader=test_dataloader,
                optimizer=optimizer, loss_fn=loss_fn, epochs=2, device=device)
print(model.features[0][1].running_mean[:3], model.features[0][1].num_batches_tracked)
print(model.features[0][0].weight.grad, model.classifier[1].weight.grad.shape)
print(torch.equal(model.features[0][0].weight, weights_state["features.0.0.weight"]))
print(torch.equal(model.features[0][1].running_mean, weights_state["features.0.1.running_mean"]))

# predicting on one image, as pred_and_plot_image does
model.eval()
with torch.inference_mode():
    target_image_pred = model(images[17].unsqueeze(dim=0).to(device))
target_image_pred_probs = torch.softmax(target_image_pred, dim=1)
target_image_pred_label = torch.argmax(target_image_pred_probs, dim=1)
print(f"Pred: {class_names[target_image_pred_label]} | Prob: {target_image_pred_probs.max():.3f}")

# 07: experiments over models and epoch counts, each with its own "writer"
num_epochs = [1, 2]
models = ["effnet_a", "effnet_b"]
experiments = {}
set_seeds(seed=42)
experiment_number = 0
for epochs in num_epochs:
    for model_name in models:
        experiment_number += 1
        print(f"[INFO] Experiment number: {experiment_number}")
        print(f"[INFO] Model: {model_name}")
        print(f"[INFO] Number of epochs: {epochs}")
        model = create_effnet() if model_name == "effnet_a" else create_effnet(out_features=3)
        if model_name == "effnet_b":
            for param in model.features[-1].parameters():
                param.requires_grad = True  # unfreeze the last block
        loss_fn = nn.CrossEntropyLoss()
        optimizer = torch.optim.Adam(params=model.parameters(), lr=0.001)
        writer = {}
        train(model=model, train_dataloader=train_dataloader, test_dataloader=test_dataloader, optimizer=optimizer,
              loss_fn=loss_fn, epochs=epochs, device=device, writer=writer)
        experiments[(model_name, epochs)] = writer["Loss"][-1]["test_loss"]
        print(sum(p.numel() for p in model.parameters() if p.requires_grad), "-" * 20)
print({k: round(v, 4) for k, v in experiments.items()})
best = min(experiments, key=experiments.get)
print(best)
