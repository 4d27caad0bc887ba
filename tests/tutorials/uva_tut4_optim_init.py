import tinygrad_rnn as torch
import math
import copy
nn = torch.nn
F = torch.nn.functional
data = torch.utils.data

# UvA Deep Learning course, tutorial 4 (Optimization and Initialization), shrunk: a deep linear
# network whose weight, gradient and activation statistics are printed per layer under constant,
# constant-variance, Xavier and Kaiming initialization; then SGD, SGD with momentum and Adam written
# as subclasses of a hand-made optimizer base, compared on a pathological curvature.
torch.manual_seed(42)


class Identity(nn.Module):
    def forward(self, x):
        return x


class BaseNetwork(nn.Module):
    def __init__(self, act_fn, input_size=16, num_classes=4, hidden_sizes=[16, 16, 16, 16]):
        super().__init__()
        layers = []
        layer_sizes = [input_size] + hidden_sizes
        for layer_index in range(1, len(layer_sizes)):
            layers += [nn.Linear(layer_sizes[layer_index - 1], layer_sizes[layer_index]), act_fn]
        layers += [nn.Linear(layer_sizes[-1], num_classes)]
        self.layers = nn.ModuleList(layers)
        self.config = {"act_fn": act_fn.__class__.__name__, "input_size": input_size,
                       "num_classes": num_classes, "hidden_sizes": hidden_sizes}

    def forward(self, x):
        x = x.view(x.size(0), -1)
        for layer in self.layers:
            x = layer(x)
        return x


images = torch.randn(96, 1, 4, 4)
labels = (images.sum(dim=(1, 2, 3)) > 0).long() + 2 * (images[:, 0, 1, 1] > 0).long()
train_set = data.TensorDataset(images, labels)
train_loader = data.DataLoader(train_set, batch_size=32, shuffle=True, drop_last=False)
print("Mean", images.mean().item())
print("Std", images.std().item())
imgs, _ = next(iter(train_loader))
print(f"Mean: {imgs.mean().item():5.3f}")
print(f"Standard deviation: {imgs.std().item():5.3f}")
print(f"Maximum: {imgs.max().item():5.3f}")
print(f"Minimum: {imgs.min().item():5.3f}")


def visualize_weight_distribution(model):
    weights = {}
    for name, param in model.named_parameters():
        if name.endswith(".bias"):
            continue
        key_name = f"Layer {name.split('.')[1]}"
        weights[key_name] = param.detach().view(-1).cpu().numpy()
    for key in weights:
        print(f"  weights {key}: std {weights[key].std():.4f}")


def visualize_gradients(model):
    model.train()
    small_loader = data.DataLoader(train_set, batch_size=32, shuffle=False)
    imgs, labels = next(iter(small_loader))
    model.zero_grad()
    preds = model(imgs)
    loss = F.cross_entropy(preds, labels)
    loss.backward()
    grads = {name: params.grad.view(-1).cpu().clone().numpy()
             for name, params in model.named_parameters() if "weight" in name}
    model.zero_grad()
    for key in grads:
        print(f"  grads {key}: std {grads[key].std():.4e}")


def visualize_activations(model, print_variance=False):
    model.eval()
    small_loader = data.DataLoader(train_set, batch_size=32, shuffle=False)
    imgs, labels = next(iter(small_loader))
    feats = imgs.view(imgs.shape[0], -1)
    activations = {}
    with torch.no_grad():
        for layer_index, layer in enumerate(model.layers):
            feats = layer(feats)
            if isinstance(layer, nn.Linear):
                activations[f"Layer {layer_index}"] = feats.view(-1).detach().cpu().numpy()
    if print_variance:
        for key in sorted(activations.keys()):
            print(f"{key} - Variance: {np.var(activations[key]):.4f}")


import numpy as np

model = BaseNetwork(act_fn=Identity())


def const_init(model, fill=0.0):
    for name, param in model.named_parameters():
        param.data.fill_(fill)


const_init(model, fill=0.005)
visualize_gradients(model)
visualize_activations(model, print_variance=True)


def const_variance_init(model, std=0.01):
    for name, param in model.named_parameters():
        param.data.normal_(mean=0.0, std=std)


const_variance_init(model, std=0.01)
visualize_activations(model, print_variance=True)
const_variance_init(model, std=0.1)
visualize_activations(model, print_variance=True)


def equal_var_init(model):
    for name, param in model.named_parameters():
        if name.endswith(".bias"):
            param.data.fill_(0)
        else:
            param.data.normal_(std=1.0 / math.sqrt(param.shape[1]))


equal_var_init(model)
visualize_weight_distribution(model)
visualize_activations(model, print_variance=True)


def xavier_init(model):
    for name, param in model.named_parameters():
        if name.endswith(".bias"):
            param.data.fill_(0)
        else:
            bound = math.sqrt(6) / math.sqrt(param.shape[0] + param.shape[1])
            param.data.uniform_(-bound, bound)


xavier_init(model)
visualize_gradients(model)
visualize_activations(model, print_variance=True)
model = BaseNetwork(act_fn=nn.Tanh())
xavier_init(model)
visualize_gradients(model)
visualize_activations(model, print_variance=True)


def kaiming_init(model):
    for name, param in model.named_parameters():
        if name.endswith(".bias"):
            param.data.fill_(0.0)
        elif name.startswith("layers.0"):  # The first layer does not have ReLU applied on its input
            param.data.normal_(0, 1 / math.sqrt(param.shape[1]))
        else:
            param.data.normal_(0, math.sqrt(2) / math.sqrt(param.shape[1]))


model = BaseNetwork(act_fn=nn.ReLU())
kaiming_init(model)
visualize_gradients(model)
visualize_activations(model, print_variance=True)
for name, param in model.named_parameters():
    if name.endswith("weight"):
        nn.init.kaiming_normal_(param, nonlinearity="relu")
        print(name, f"{param.std().item():.4f}", nn.init.calculate_gain("relu"), nn.init.calculate_gain("tanh"))
        break
nn.init.xavier_uniform_(model.layers[2].weight, gain=nn.init.calculate_gain("tanh"))
nn.init.xavier_normal_(model.layers[4].weight)
nn.init.zeros_(model.layers[2].bias)
nn.init.constant_(model.layers[4].bias, 0.5)
print(model.layers[2].weight[0, :4], model.layers[4].bias[:3])


class OptimizerTemplate:
    def __init__(self, params, lr):
        self.params = list(params)
        self.lr = lr

    def zero_grad(self):
        for p in self.params:
            if p.grad is not None:
                p.grad.detach_()  # For second-order optimizers important
                p.grad.zero_()

    @torch.no_grad()
    def step(self):
        for p in self.params:
            if p.grad is None:  # We skip parameters without any gradients
                continue
            self.update_param(p)

    def update_param(self, p):
        raise NotImplementedError


class SGD(OptimizerTemplate):
    def __init__(self, params, lr):
        super().__init__(params, lr)

    def update_param(self, p):
        p_update = -self.lr * p.grad
        p.add_(p_update)  # In-place update => saves memory and does not create computation graph


class SGDMomentum(OptimizerTemplate):
    def __init__(self, params, lr, momentum=0.0):
        super().__init__(params, lr)
        self.momentum = momentum  # Corresponds to beta_1 in the equation above
        self.param_momentum = {p: torch.zeros_like(p.data) for p in self.params}  # Dict to store m_t

    def update_param(self, p):
        self.param_momentum[p] = (1 - self.momentum) * p.grad + self.momentum * self.param_momentum[p]
        p_update = -self.lr * self.param_momentum[p]
        p.add_(p_update)


class Adam(OptimizerTemplate):
    def __init__(self, params, lr, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(params, lr)
        self.beta1 = beta1
        self.beta2 = beta2
        self.eps = eps
        self.param_step = {p: 0 for p in self.params}  # Remembers "t" for each parameter for bias correction
        self.param_momentum = {p: torch.zeros_like(p.data) for p in self.params}
        self.param_2nd_momentum = {p: torch.zeros_like(p.data) for p in self.params}

    def update_param(self, p):
        self.param_step[p] += 1
        self.param_momentum[p] = (1 - self.beta1) * p.grad + self.beta1 * self.param_momentum[p]
        self.param_2nd_momentum[p] = (1 - self.beta2) * (p.grad) ** 2 + self.beta2 * self.param_2nd_momentum[p]
        bias_correction_1 = 1 - self.beta1 ** self.param_step[p]
        bias_correction_2 = 1 - self.beta2 ** self.param_step[p]
        p_2nd_mom = self.param_2nd_momentum[p] / bias_correction_2
        p_mom = self.param_momentum[p] / bias_correction_1
        p_lr = self.lr / (torch.sqrt(p_2nd_mom) + self.eps)
        p_update = -p_lr * p_mom
        p.add_(p_update)


def train_model(net, optim_func, max_epochs=3):
    optimizer = optim_func(net.parameters())
    loss_module = nn.CrossEntropyLoss()
    for epoch in range(max_epochs):
        net.train()
        true_preds, count = 0.0, 0
        epoch_losses = []
        for imgs, labels in train_loader:
            optimizer.zero_grad()
            preds = net(imgs)
            loss = loss_module(preds, labels)
            loss.backward()
            optimizer.step()
            true_preds += (preds.argmax(dim=-1) == labels).sum().item()
            count += labels.shape[0]
            epoch_losses.append(loss.item())
        print(f"[Epoch {epoch+1:2d}] Training accuracy: {true_preds/count*100.0:05.2f}%, "
              f"loss {sum(epoch_losses)/len(epoch_losses):.4f}")
    return net


base_model = BaseNetwork(act_fn=nn.ReLU(), hidden_sizes=[32, 16, 16])
kaiming_init(base_model)
for name, optim_func in [("SGD", lambda params: SGD(params, lr=1e-1)),
                         ("SGDMomentum", lambda params: SGDMomentum(params, lr=1e-1, momentum=0.9)),
                         ("Adam", lambda params: Adam(params, lr=1e-2))]:
    model = copy.deepcopy(base_model)
    print(name)
    train_model(model, optim_func)
    print(model.layers[0].weight[0, :3])


def pathological_curve_loss(w1, w2):
    x1_loss = torch.tanh(w1) ** 2 + 0.01 * torch.abs(w1)
    x2_loss = torch.sigmoid(w2)
    return x1_loss + x2_loss


# 15 updates, not the course's 100: SGD at lr=10 is chaotic once w1 crosses 0, and an ulp of tanh (numpy's
# libm is not torch's) grows to whole units there
def train_curve(optimizer_func, curve_func=pathological_curve_loss, num_updates=15, init=[5, 5]):
    weights = nn.Parameter(torch.FloatTensor(init), requires_grad=True)
    optim = optimizer_func([weights])
    list_points = []
    for _ in range(num_updates):
        loss = curve_func(weights[0], weights[1])
        list_points.append(torch.cat([weights.data.detach(), loss.unsqueeze(dim=0).detach()], dim=0))
        optim.zero_grad()
        loss.backward()
        optim.step()
    points = torch.stack(list_points, dim=0).numpy()
    return points


SGD_points = train_curve(lambda params: SGD(params, lr=10))
SGDMom_points = train_curve(lambda params: SGDMomentum(params, lr=10, momentum=0.9))
Adam_points = train_curve(lambda params: Adam(params, lr=1))
for points in (SGD_points, SGDMom_points, Adam_points):
    print(points.shape, [round(float(v), 4) for v in points[-1]])
x = torch.arange(-2, 2, 0.5)
y = torch.arange(-2, 2, 0.5)
x, y = torch.meshgrid([x, y], indexing="xy")
z = pathological_curve_loss(x, y)
print(z.shape, z[0, :3])


def bivar_gaussian(w1, w2, x_mean=0.0, y_mean=0.0, x_sig=1.0, y_sig=1.0):
    norm = 1 / (2 * np.pi * x_sig * y_sig)
    x_exp = (-1 * (w1 - x_mean) ** 2) / (2 * x_sig**2)
    y_exp = (-1 * (w2 - y_mean) ** 2) / (2 * y_sig**2)
    return norm * torch.exp(x_exp + y_exp)


def comb_func(w1, w2):
    z = -bivar_gaussian(w1, w2, x_mean=1.0, y_mean=-0.5, x_sig=0.2, y_sig=0.2)
    z -= bivar_gaussian(w1, w2, x_mean=-1.0, y_mean=0.5, x_sig=0.2, y_sig=0.2)
    z -= bivar_gaussian(w1, w2, x_mean=-0.5, y_mean=-0.8, x_sig=0.2, y_sig=0.2)
    return z


SGD_points = train_curve(lambda params: SGD(params, lr=0.5), comb_func, init=[0, 0])
Adam_points = train_curve(lambda params: Adam(params, lr=0.2), comb_func, init=[0, 0])
print([round(float(v), 4) for v in SGD_points[-1]], [round(float(v), 4) for v in Adam_points[-1]])
