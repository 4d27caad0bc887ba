import tinygrad_rnn as torch
nn = torch.nn
optim = torch.optim
F = torch.nn.functional
# Aladdin Persson's pytorch_pretrain_finetune.py (freeze a "pretrained" net, swap its avgpool for an
# Identity and its classifier for a new head, train only the head) and more_advanced/neuralstyle
# (feature maps picked by layer number out of a VGG-like `features`, Gram matrices, the image as the
# only parameter). The "pretrained" VGG here is a small randomly initialised one.
torch.manual_seed(0)


class Identity(nn.Module):
    def __init__(self):
        super(Identity, self).__init__()

    def forward(self, x):
        return x


class TinyVGG(nn.Module):
    def __init__(self):
        super(TinyVGG, self).__init__()
        cfg = [8, 8, "M", 16, 16, "M"]
        layers, c = [], 3
        for v in cfg:
            if v == "M":
                layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            else:
                layers += [nn.Conv2d(c, v, kernel_size=3, padding=1), nn.ReLU(inplace=True)]
                c = v
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(nn.Linear(16 * 7 * 7, 32), nn.ReLU(True), nn.Dropout(), nn.Linear(32, 1000))

    def forward(self, x):
        x = self.features(x)
        x = self.avgpool(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


model = TinyVGG()
print(model(torch.randn(2, 3, 16, 16)).shape)
for param in model.parameters():
    param.requires_grad = False
model.avgpool = Identity()
model.classifier = nn.Sequential(nn.Linear(16 * 4 * 4, 16), nn.ReLU(), nn.Linear(16, 10))
print(model)
print([n for n, p in model.named_parameters() if p.requires_grad])
print(sum(p.numel() for p in model.parameters() if p.requires_grad), sum(p.numel() for p in model.parameters()))
optimizer = optim.Adam(model.parameters(), lr=1e-2)
criterion = nn.CrossEntropyLoss()
data = torch.randn(32, 3, 16, 16)
targets = torch.randint(0, 10, (32,))
for epoch in range(5):
    scores = model(data)
    loss = criterion(scores, targets)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(epoch, f"{loss.item():.4f}", model.features[0].weight.grad, model.classifier[0].weight.grad.shape)
print(len(optimizer.state), model.features[0].weight.requires_grad, model.features[0].weight.is_leaf)
model.features.requires_grad_(True)
print(sum(p.requires_grad for p in model.parameters()))
print(model.features[:3], list(model.features._modules.keys()))
for name, child in model.named_children():
    print(name, type(child).__name__)
# neural style


class VGG(nn.Module):
    def __init__(self):
        super(VGG, self).__init__()
        self.chosen_features = ["0", "2", "5"]
        self.model = TinyVGG().features[:8]

    def forward(self, x):
        features = []
        for layer_num, layer in enumerate(self.model):
            x = layer(x)
            if str(layer_num) in self.chosen_features:
                features.append(x)
        return features


model = VGG().eval()
original_img = torch.rand(1, 3, 12, 12)
style_img = torch.rand(1, 3, 12, 12)
generated = original_img.clone().requires_grad_(True)
total_steps = 6
learning_rate = 0.01
alpha = 1
beta = 0.01
optimizer = optim.Adam([generated], lr=learning_rate)
for step in range(total_steps):
    generated_features = model(generated)
    original_img_features = model(original_img)
    style_features = model(style_img)
    style_loss = original_loss = 0
    for gen_feature, orig_feature, style_feature in zip(generated_features, original_img_features, style_features):
        batch_size, channel, height, width = gen_feature.shape
        original_loss += torch.mean((gen_feature - orig_feature) ** 2)
        G = gen_feature.view(channel, height * width).mm(gen_feature.view(channel, height * width).t())
        A = style_feature.view(channel, height * width).mm(style_feature.view(channel, height * width).t())
        style_loss += torch.mean((G - A) ** 2)
    total_loss = alpha * original_loss + beta * style_loss
    optimizer.zero_grad()
    total_loss.backward()
    optimizer.step()
    if step % 2 == 0:
        print(step, f"{total_loss.item():.5f}", type(original_loss).__name__, G.shape, G.grad_fn.name())
print(generated.grad.abs().sum(), generated.is_leaf, (generated - original_img).abs().max())
print([f.shape for f in generated_features], model.model[0].weight.grad is None)
