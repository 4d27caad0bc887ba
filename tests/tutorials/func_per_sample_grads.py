import tinygrad_rnn as torch
nn = torch.nn
F = nn.functional
# "Per-sample gradients" (torch.func tutorial), with a small RNN classifier in place of the CNN
torch.manual_seed(0)


class SimpleRNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.i2h = nn.Linear(6, 8)
        self.h2h = nn.Linear(8, 8, bias=False)
        self.fc1 = nn.Linear(8, 16)
        self.fc2 = nn.Linear(16, 5)

    def forward(self, x):
        h = torch.zeros(x.shape[0], 8, dtype=x.dtype)
        for t in range(x.shape[1]):
            h = torch.tanh(self.i2h(x[:, t]) + self.h2h(h))
        x = F.relu(self.fc1(h))
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def loss_fn(predictions, targets):
    return F.nll_loss(predictions, targets)


device = 'cpu'
batch_size = 16
data = torch.randn(batch_size, 7, 6, device=device)
targets = torch.randint(5, (batch_size,), device=device)
model = SimpleRNN().to(device=device)
predictions = model(data)
loss = loss_fn(predictions, targets)
loss.backward()
print(loss, predictions.shape, predictions.grad_fn)


def compute_grad(sample, target):
    sample = sample.unsqueeze(0)  # prepend batch dimension for processing
    target = target.unsqueeze(0)
    prediction = model(sample)
    loss = loss_fn(prediction, target)
    return torch.autograd.grad(loss, list(model.parameters()))


def compute_sample_grads(data, targets):
    """ manually process each sample with per sample gradient """
    sample_grads = [compute_grad(data[i], targets[i]) for i in range(batch_size)]
    sample_grads = zip(*sample_grads)
    sample_grads = [torch.stack(shards) for shards in sample_grads]
    return sample_grads


per_sample_grads = compute_sample_grads(data, targets)
print(per_sample_grads[1].shape)
print([g.shape for g in per_sample_grads])
print(per_sample_grads[-1][:3])

functional_call, vmap, grad = torch.func.functional_call, torch.func.vmap, torch.func.grad

params = {k: v.detach() for k, v in model.named_parameters()}
buffers = {k: v.detach() for k, v in model.named_buffers()}
print(list(params), buffers)


def compute_loss(params, buffers, sample, target):
    batch = sample.unsqueeze(0)
    targets = target.unsqueeze(0)
    predictions = functional_call(model, (params, buffers), (batch,))
    loss = loss_fn(predictions, targets)
    return loss


ft_compute_grad = grad(compute_loss)
ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)
print(type(ft_per_sample_grads).__name__, list(ft_per_sample_grads.keys()))
for per_sample_grad, ft_per_sample_grad in zip(per_sample_grads, ft_per_sample_grads.values()):
    print(ft_per_sample_grad.shape, ft_per_sample_grad.requires_grad, ft_per_sample_grad.grad_fn)
    assert torch.allclose(per_sample_grad, ft_per_sample_grad, atol=3e-3, rtol=1e-5)
    print(torch.allclose(per_sample_grad, ft_per_sample_grad, atol=1e-6), (per_sample_grad - ft_per_sample_grad).abs().max() < 1e-5)
# the mean of the per-sample gradients is the batch gradient backward() left in .grad
for name, p in model.named_parameters():
    print(name, torch.allclose(ft_per_sample_grads[name].mean(0), p.grad, atol=1e-6))
# the same in float64, and with grad_and_value / has_aux
model64 = model.double()
params64 = {k: v.detach() for k, v in model64.named_parameters()}
loss_and_grads = vmap(torch.func.grad_and_value(compute_loss), in_dims=(None, None, 0, 0))
g64, l64 = loss_and_grads(params64, buffers, data.double(), targets)
print(l64.dtype, l64.shape, l64)
print(g64['fc2.bias'])
def compute_loss_aux(params, sample, target):
    predictions = functional_call(model64, params, (sample.unsqueeze(0),))
    return loss_fn(predictions, target.unsqueeze(0)), predictions.argmax(1)
g_aux, pred = vmap(grad(compute_loss_aux, has_aux=True), in_dims=(None, 0, 0))(params64, data.double(), targets)
print(pred, pred.dtype, torch.allclose(g_aux['h2h.weight'], g64['h2h.weight']))
print(torch.allclose(g64['fc1.weight'], ft_per_sample_grads['fc1.weight'].double(), atol=1e-5))
