import tinygrad_rnn as torch
# Justin Johnson's "Learning PyTorch with Examples", the two-layer-net versions: backprop by hand on
# tensors (mm, clamp, t, masked assignment), autograd with manual SGD under torch.no_grad, a custom
# autograd.Function ReLU, nn.Sequential with a manual parameter update, optim.Adam, a custom Module,
# and the dynamic net that reuses one middle layer a random number of times (weight sharing). 50 steps
# each (the tutorial's 500), 30 for the custom Function.
import math
import random

dtype = torch.float
device = torch.device("cpu")
torch.manual_seed(0)

# N is batch size; D_in is input dimension; H is hidden dimension; D_out is output dimension.
N, D_in, H, D_out = 64, 100, 50, 10
x = torch.randn(N, D_in, device=device, dtype=dtype)
y = torch.randn(N, D_out, device=device, dtype=dtype)
print(x.shape, x.device, x.dtype, y[0, :4])

# --- tensors: forward and backward written out
w1 = torch.randn(D_in, H, device=device, dtype=dtype)
w2 = torch.randn(H, D_out, device=device, dtype=dtype)
learning_rate = 1e-6
for t in range(50):
    h = x.mm(w1)
    h_relu = h.clamp(min=0)
    y_pred = h_relu.mm(w2)
    loss = (y_pred - y).pow(2).sum().item()
    if t % 25 == 24:
        print(t, loss)
    grad_y_pred = 2.0 * (y_pred - y)
    grad_w2 = h_relu.t().mm(grad_y_pred)
    grad_h_relu = grad_y_pred.mm(w2.t())
    grad_h = grad_h_relu.clone()
    grad_h[h < 0] = 0
    grad_w1 = x.t().mm(grad_h)
    w1 -= learning_rate * grad_w1
    w2 -= learning_rate * grad_w2
print(type(loss).__name__, grad_h.shape, (grad_h == 0).sum(), w1.requires_grad, w1.is_leaf)
manual_w1, manual_w2 = w1.clone(), w2.clone()

# --- autograd: the same steps, with backward() computing both gradients
torch.manual_seed(0)
x = torch.randn(N, D_in, device=device, dtype=dtype)
y = torch.randn(N, D_out, device=device, dtype=dtype)
w1 = torch.randn(D_in, H, device=device, dtype=dtype, requires_grad=True)
w2 = torch.randn(H, D_out, device=device, dtype=dtype, requires_grad=True)
for t in range(50):
    y_pred = x.mm(w1).clamp(min=0).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if t % 25 == 24:
        print(t, loss.item(), loss.grad_fn.name(), y_pred.grad_fn.name())
    loss.backward()
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
print(w1.grad.abs().sum(), w1.requires_grad, w1.is_leaf, w1.grad_fn)
print("same as by hand:", torch.allclose(w1, manual_w1, rtol=1e-4, atol=1e-4), torch.allclose(w2, manual_w2, rtol=1e-4, atol=1e-4))


# --- a custom autograd Function
class MyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, input):
        ctx.save_for_backward(input)
        return input.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        input, = ctx.saved_tensors
        grad_input = grad_output.clone()
        grad_input[input < 0] = 0
        return grad_input


torch.manual_seed(0)
w1 = torch.randn(D_in, H, device=device, dtype=dtype, requires_grad=True)
w2 = torch.randn(H, D_out, device=device, dtype=dtype, requires_grad=True)
for t in range(30):
    relu = MyReLU.apply
    y_pred = relu(x.mm(w1)).mm(w2)
    loss = (y_pred - y).pow(2).sum()
    if t % 10 == 9:
        print(t, loss.item())
    loss.backward()
    with torch.no_grad():
        w1 -= learning_rate * w1.grad
        w2 -= learning_rate * w2.grad
        w1.grad.zero_()
        w2.grad.zero_()
hidden = relu(x.mm(w1))
print(hidden.grad_fn.name(), type(hidden.grad_fn).__name__, hidden.grad_fn.next_functions[0][0].name())
try:  # the tutorial's pre-0.4 form, `relu = MyReLU(); relu(x)`, is refused now
    MyReLU()(x.mm(w1))
except RuntimeError as error:
    print(type(error).__name__, str(error)[:60])
z = torch.tensor([-1.0, 0.0, 2.0], requires_grad=True)
MyReLU.apply(z).sum().backward()
print(z.grad, torch.autograd.gradcheck(MyReLU.apply, (torch.tensor([-1.5, 0.5, 2.0], dtype=torch.double, requires_grad=True),)))

# --- nn: Sequential, MSELoss(reduction='sum'), model.zero_grad() and a manual update
torch.manual_seed(0)
model = torch.nn.Sequential(
    torch.nn.Linear(D_in, H),
    torch.nn.ReLU(),
    torch.nn.Linear(H, D_out),
)
loss_fn = torch.nn.MSELoss(reduction="sum")
learning_rate = 1e-4
for t in range(50):
    y_pred = model(x)
    loss = loss_fn(y_pred, y)
    if t % 25 == 24:
        print(t, loss.item())
    model.zero_grad()
    loss.backward()
    with torch.no_grad():
        for param in model.parameters():
            param -= learning_rate * param.grad
print(model, [p.grad is None for p in model.parameters()], model[0].weight.grad.norm())
model.zero_grad()
print([p.grad for p in model.parameters()][:1])
model.zero_grad(set_to_none=False)

# --- optim: Adam does the update
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(D_in, H), torch.nn.ReLU(), torch.nn.Linear(H, D_out))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
for t in range(50):
    loss = loss_fn(model(x), y)
    if t % 25 == 24:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(optimizer)


# --- a custom Module
class TwoLayerNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super(TwoLayerNet, self).__init__()
        self.linear1 = torch.nn.Linear(D_in, H)
        self.linear2 = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.linear1(x).clamp(min=0)
        y_pred = self.linear2(h_relu)
        return y_pred


torch.manual_seed(0)
model = TwoLayerNet(D_in, H, D_out)
criterion = torch.nn.MSELoss(reduction="sum")
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4)
for t in range(50):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 25 == 24:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(model, y_pred.grad_fn.name())


# --- control flow and weight sharing: the middle layer runs 0 to 3 times, chosen per forward pass
class DynamicNet(torch.nn.Module):
    def __init__(self, D_in, H, D_out):
        super(DynamicNet, self).__init__()
        self.input_linear = torch.nn.Linear(D_in, H)
        self.middle_linear = torch.nn.Linear(H, H)
        self.output_linear = torch.nn.Linear(H, D_out)

    def forward(self, x):
        h_relu = self.input_linear(x).clamp(min=0)
        for _ in range(random.randint(0, 3)):
            h_relu = self.middle_linear(h_relu).clamp(min=0)
        y_pred = self.output_linear(h_relu)
        return y_pred


random.seed(0)
torch.manual_seed(0)
model = DynamicNet(D_in, H, D_out)
optimizer = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
for t in range(50):
    y_pred = model(x)
    loss = criterion(y_pred, y)
    if t % 25 == 24:
        print(t, loss.item())
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
print(len(list(model.parameters())), model.middle_linear.weight.grad.abs().sum() > 0)
# count how many times the shared layer appears in one graph
random.seed(3)
out = model(x)
node, seen = out.grad_fn, []
while node is not None:
    seen.append(node.name())
    node = next((f for f, _ in node.next_functions if f is not None and "AccumulateGrad" not in f.name() and
                 f.name() != "TBackward0"), None)
print(seen)
print(optimizer.state_dict()["param_groups"], sorted(optimizer.state_dict()["state"][0]))
print(math.isfinite(loss.item()))
