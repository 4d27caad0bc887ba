import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
data = torch.utils.data

# UvA Deep Learning course, tutorial 3 (Activation Functions), shrunk: activation modules written by
# hand with a config dict, their gradients through backward on x, a small MLP trained with each on
# generated "images", the gradient magnitudes per layer and the dead neurons of ReLU.
torch.manual_seed(42)


class ActivationFunction(nn.Module):
    def __init__(self):
        super().__init__()
        self.name = self.__class__.__name__
        self.config = {"name": self.name}


class Sigmoid(ActivationFunction):
    def forward(self, x):
        return 1 / (1 + torch.exp(-x))


class Tanh(ActivationFunction):
    def forward(self, x):
        x_exp, neg_x_exp = torch.exp(x), torch.exp(-x)
        return (x_exp - neg_x_exp) / (x_exp + neg_x_exp)


class ReLU(ActivationFunction):
    def forward(self, x):
        return x * (x > 0).float()


class LeakyReLU(ActivationFunction):
    def __init__(self, alpha=0.1):
        super().__init__()
        self.config["alpha"] = alpha

    def forward(self, x):
        return torch.where(x > 0, x, self.config["alpha"] * x)


class ELU(ActivationFunction):
    def forward(self, x):
        return torch.where(x > 0, x, torch.exp(x) - 1)


class Swish(ActivationFunction):
    def forward(self, x):
        return x * torch.sigmoid(x)


act_fn_by_name = {"sigmoid": Sigmoid, "tanh": Tanh, "relu": ReLU, "leakyrelu": LeakyReLU, "elu": ELU, "swish": Swish}


def get_grads(act_fn, x):
    x = x.clone().requires_grad_()  # Mark the input as tensor for which we want to store gradients
    out = act_fn(x)
    out.sum().backward()  # Summing results in an equal gradient flow to each element in x
    return x.grad  # Accessing the gradients of x by "x.grad"


x = torch.linspace(-5, 5, 11)
for name, act_cls in act_fn_by_name.items():
    act_fn = act_cls()
    y = act_fn(x)
    y_grads = get_grads(act_fn, x)
    x, y, y_grads = x.cpu().numpy(), y.cpu().numpy(), y_grads.cpu().numpy()
    print(act_fn.name, act_fn.config, [round(float(v), 4) for v in y], [round(float(v), 4) for v in y_grads])
    x = torch.from_numpy(x)
print(get_grads(nn.GELU(), torch.linspace(-2, 2, 5)))
print(get_grads(nn.SiLU(), torch.linspace(-2, 2, 5)), get_grads(nn.Softplus(), torch.linspace(-2, 2, 5)))
print(get_grads(nn.ELU(), torch.linspace(-2, 2, 5)), get_grads(nn.LeakyReLU(0.1), torch.linspace(-2, 2, 5)))


class BaseNetwork(nn.Module):
    def __init__(self, act_fn, input_size=16, num_classes=4, hidden_sizes=[12, 8, 8]):
        super().__init__()
        layers = []
        layer_sizes = [input_size] + hidden_sizes
        for layer_index in range(1, len(layer_sizes)):
            layers += [nn.Linear(layer_sizes[layer_index - 1], layer_sizes[layer_index]), act_fn]
        layers += [nn.Linear(layer_sizes[-1], num_classes)]
        self.layers = nn.Sequential(*layers)
        self.config = {"act_fn": act_fn.config, "input_size": input_size, "num_classes": num_classes,
                       "hidden_sizes": hidden_sizes}

    def forward(self, x):
        x = x.view(x.size(0), -1)
        out = self.layers(x)
        return out


net = BaseNetwork(act_fn=Tanh())
print(net)
print(net.config)
images = torch.randn(64, 1, 4, 4)
labels = (images.mean(dim=(1, 2, 3)) > 0).long() + 2 * (images[:, 0, 0, 0] > 0).long()
train_set = data.TensorDataset(images[:48], labels[:48])
test_set = data.TensorDataset(images[48:], labels[48:])
print(len(train_set), train_set[0][0].shape, train_set[0][1])
train_loader = data.DataLoader(train_set, batch_size=16, shuffle=True, drop_last=False)
test_loader = data.DataLoader(test_set, batch_size=16, shuffle=False, drop_last=False)


def visualize_gradients(net, color="C0"):
    net.eval()
    small_loader = data.DataLoader(train_set, batch_size=16, shuffle=False)
    imgs, labels = next(iter(small_loader))
    net.zero_grad()
    preds = net(imgs)
    loss = F.cross_entropy(preds, labels)
    loss.backward()
    grads = {name: params.grad.data.view(-1).cpu().clone().numpy()
             for name, params in net.named_parameters() if "weight" in name}
    net.zero_grad()
    for key in grads:
        print(f"  {key}: std {grads[key].std():.3e}")


for i, act_fn_name in enumerate(act_fn_by_name):
    torch.manual_seed(42)
    act_fn = act_fn_by_name[act_fn_name]()
    net_actfn = BaseNetwork(act_fn=act_fn)
    print(act_fn_name)
    visualize_gradients(net_actfn, color=f"C{i}")


def test_model(net, data_loader):
    net.eval()
    true_preds, count = 0.0, 0
    for imgs, labels in data_loader:
        with torch.no_grad():
            preds = net(imgs).argmax(dim=-1)
            true_preds += (preds == labels).sum().item()
            count += labels.shape[0]
    test_acc = true_preds / count
    return test_acc


def train_model(net, max_epochs=5, batch_size=16):
    optimizer = torch.optim.SGD(net.parameters(), lr=1e-1, momentum=0.9)
    loss_module = nn.CrossEntropyLoss()
    best_val_epoch = -1
    val_scores = []
    for epoch in range(max_epochs):
        net.train()
        true_preds, count = 0.0, 0
        for imgs, labels in train_loader:
            optimizer.zero_grad()
            preds = net(imgs)
            loss = loss_module(preds, labels)
            loss.backward()
            optimizer.step()
            true_preds += (preds.argmax(dim=-1) == labels).sum()
            count += labels.shape[0]
        train_acc = true_preds / count
        val_acc = test_model(net, test_loader)
        val_scores.append(val_acc)
        print(f"[Epoch {epoch+1:2d}] Training accuracy: {train_acc*100.0:05.2f}%, Validation accuracy: {val_acc*100.0:05.2f}%")
        print("[Epoch %2i] Training accuracy: %05.2f%%" % (epoch + 1, train_acc * 100.0), type(train_acc).__name__)
        if len(val_scores) == 1 or val_acc > val_scores[best_val_epoch]:
            best_val_epoch = epoch
    return val_scores[best_val_epoch]


for act_fn_name in act_fn_by_name:
    torch.manual_seed(42)
    act_fn = act_fn_by_name[act_fn_name]()
    net_actfn = BaseNetwork(act_fn=act_fn)
    acc = train_model(net_actfn, max_epochs=3)
    print(f"{act_fn_name}: best validation accuracy {acc*100.0:4.2f}%")


def visualize_activations(net, color="C0"):
    activations = {}
    net.eval()
    small_loader = data.DataLoader(train_set, batch_size=32)
    imgs, labels = next(iter(small_loader))
    with torch.no_grad():
        layer_index = 0
        imgs = imgs.view(imgs.size(0), -1)
        for layer_index, layer in enumerate(net.layers[:-1]):
            imgs = layer(imgs)
            activations[layer_index] = imgs.view(-1).cpu().numpy()
    for key in activations:
        print(f"  layer {key} - {net.layers[key].__class__.__name__}: mean {activations[key].mean():.4f}")


torch.manual_seed(42)
visualize_activations(BaseNetwork(act_fn=ReLU()))


@torch.no_grad()
def measure_number_dead_neurons(net):
    neurons_dead = [torch.ones(layer.weight.shape[0], dtype=torch.bool) for layer in net.layers[:-1]
                    if isinstance(layer, nn.Linear)]
    net.eval()
    for imgs, labels in train_loader:
        layer_index = 0
        imgs = imgs.view(imgs.size(0), -1)
        for layer in net.layers[:-1]:
            imgs = layer(imgs)
            if isinstance(layer, ActivationFunction):
                neurons_dead[layer_index] = torch.logical_and(neurons_dead[layer_index], (imgs == 0).all(dim=0))
                layer_index += 1
    number_neurons_dead = [t.sum().item() for t in neurons_dead]
    print("Number of dead neurons:", number_neurons_dead)
    print("In percentage:", ", ".join([f"{(100.0 * num_dead / tens.shape[0]):4.2f}%"
                                       for tens, num_dead in zip(neurons_dead, number_neurons_dead)]))


torch.manual_seed(42)
net_relu = BaseNetwork(act_fn=ReLU(), hidden_sizes=[12, 8, 8, 8, 8, 8])
measure_number_dead_neurons(net_relu)
