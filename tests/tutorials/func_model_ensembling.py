import tinygrad_rnn as torch
import copy
nn = torch.nn
F = torch.nn.functional
# "Model ensembling" (torch.func tutorial): stack_module_state + functional_call + vmap
torch.manual_seed(0)


class SimpleMLP(nn.Module):
    def __init__(self):
        super(SimpleMLP, self).__init__()
        self.fc1 = nn.Linear(48, 32)
        self.fc2 = nn.Linear(32, 32)
        self.fc3 = nn.Linear(32, 10)

    def forward(self, x):
        x = x.flatten(1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        x = F.relu(x)
        x = self.fc3(x)
        return x


device = 'cpu'
num_models = 5
data = torch.randn(20, 16, 1, 6, 8, device=device)
targets = torch.randint(10, (320,), device=device)
models = [SimpleMLP().to(device) for _ in range(num_models)]

# option 1: a different minibatch for each model
minibatches = data[:num_models]
predictions_diff_minibatch_loop = [model(minibatch) for model, minibatch in zip(models, minibatches)]
# option 2: the same minibatch
minibatch = data[0]
predictions2 = [model(minibatch) for model in models]
print(predictions2[0][:2])

stack_module_state = torch.func.stack_module_state
params, buffers = stack_module_state(models)
print({k: (v.shape, v.requires_grad, v.is_leaf) for k, v in params.items()}, buffers)

functional_call = torch.func.functional_call
# Construct a "stateless" version of one of the models. It is "stateless" in
# the sense that the parameters are meta Tensors and do not have storage.
base_model = copy.deepcopy(models[0])
base_model = base_model.to('meta')
print(base_model.fc1.weight.shape, base_model.fc1.weight.dtype, base_model.fc1.weight.requires_grad)
print(base_model)


def fmodel(params, buffers, x):
    return functional_call(base_model, (params, buffers), (x,))


print([p.size(0) for p in params.values()])  # show the leading 'num_models' dimension
assert minibatches.shape == (num_models, 16, 1, 6, 8)  # verify minibatch has leading dimension of size 'num_models'

vmap = torch.vmap
predictions1_vmap = vmap(fmodel)(params, buffers, minibatches)
# verify the vmap predictions match the loop
assert torch.allclose(predictions1_vmap, torch.stack(predictions_diff_minibatch_loop), atol=1e-3, rtol=1e-5)
print(predictions1_vmap.shape, predictions1_vmap.requires_grad, predictions1_vmap.grad_fn is not None)
print(torch.allclose(predictions1_vmap, torch.stack(predictions_diff_minibatch_loop), atol=1e-6))

predictions2_vmap = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)
assert torch.allclose(predictions2_vmap, torch.stack(predictions2), atol=1e-3, rtol=1e-5)
print(predictions2_vmap.shape, predictions2_vmap[1, :2])

# the stacked parameters are leaves that require grad: train the ensemble in one step
loss = F.cross_entropy(predictions2_vmap.flatten(0, 1), targets[:16].repeat(num_models))
loss.backward()
print(loss, params['fc3.bias'].grad)
opt = torch.optim.SGD(list(params.values()), lr=0.1)
opt.step()
print(fmodel(params, buffers, minibatch)[:1] if False else vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)[0, 0])

# models with buffers (BatchNorm) stack their buffers too
bn_models = [nn.Sequential(nn.Linear(4, 3), nn.BatchNorm1d(3)) for _ in range(3)]
bn_params, bn_buffers = stack_module_state(bn_models)
print(list(bn_buffers), bn_buffers['1.running_var'].shape, bn_buffers['1.num_batches_tracked'])
base = copy.deepcopy(bn_models[0]).to('meta').eval()
out = vmap(lambda p, b, x: functional_call(base, (p, b), (x,)), in_dims=(0, 0, None))(bn_params, bn_buffers, torch.randn(5, 4))
print(out.shape, out[0, 0])
print(torch.allclose(out[2], bn_models[2].eval()(torch.randn(5, 4)) * 0 + out[2]))
