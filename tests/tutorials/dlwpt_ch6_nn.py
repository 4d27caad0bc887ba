import tinygrad_rnn as torch
from collections import OrderedDict
nn = torch.nn
optim = torch.optim
torch.set_printoptions(edgeitems=2, linewidth=75)
# "Deep Learning with PyTorch" chapter 6: the thermometer fitted with nn.Linear on unsqueeze(1) data,
# then with nn.Sequential (plain and with an OrderedDict), named_parameters, and a hand-made MSE.
# Each training loop runs 400 epochs (the book's 3000-5000), printing every 100.
t_c = [0.5, 14.0, 15.0, 28.0, 11.0, 8.0, 3.0, -4.0, 6.0, 13.0, 21.0]
t_u = [35.7, 55.9, 58.2, 81.9, 56.3, 48.9, 33.9, 21.8, 48.4, 60.4, 68.4]
t_c = torch.tensor(t_c).unsqueeze(1)
t_u = torch.tensor(t_u).unsqueeze(1)
print(t_u.shape)
torch.manual_seed(0)
n_samples = t_u.shape[0]
n_val = int(0.2 * n_samples)
shuffled_indices = torch.randperm(n_samples)
train_indices = shuffled_indices[:-n_val]
val_indices = shuffled_indices[-n_val:]
print(train_indices, val_indices)
t_u_train = t_u[train_indices]
t_c_train = t_c[train_indices]
t_u_val = t_u[val_indices]
t_c_val = t_c[val_indices]
t_un_train = 0.1 * t_u_train
t_un_val = 0.1 * t_u_val
linear_model = nn.Linear(1, 1)
print(linear_model(t_un_val))
print(linear_model.weight)
print(linear_model.bias)
x = torch.ones(1)
print(linear_model(x))
x = torch.ones(10, 1)
print(linear_model(x))
linear_model = nn.Linear(1, 1)
optimizer = optim.SGD(linear_model.parameters(), lr=1e-2)
print(linear_model.parameters())
print(list(linear_model.parameters()))
def training_loop(n_epochs, optimizer, model, loss_fn, t_u_train, t_u_val, t_c_train, t_c_val):
    for epoch in range(1, n_epochs + 1):
        t_p_train = model(t_u_train)
        loss_train = loss_fn(t_p_train, t_c_train)
        t_p_val = model(t_u_val)
        loss_val = loss_fn(t_p_val, t_c_val)
        optimizer.zero_grad()
        loss_train.backward()
        optimizer.step()
        if epoch == 1 or epoch % 100 == 0:
            print(f"Epoch {epoch}, Training loss {loss_train.item():.4f}, Validation loss {loss_val.item():.4f}")
def loss_fn(t_p, t_c):
    squared_diffs = (t_p - t_c)**2
    return squared_diffs.mean()
linear_model = nn.Linear(1, 1)
optimizer = optim.SGD(linear_model.parameters(), lr=1e-2)
training_loop(n_epochs=400, optimizer=optimizer, model=linear_model, loss_fn=loss_fn, t_u_train=t_un_train,
              t_u_val=t_un_val, t_c_train=t_c_train, t_c_val=t_c_val)
print()
print(linear_model.weight)
print(linear_model.bias)
linear_model = nn.Linear(1, 1)
optimizer = optim.SGD(linear_model.parameters(), lr=1e-2)
training_loop(n_epochs=400, optimizer=optimizer, model=linear_model, loss_fn=nn.MSELoss(), t_u_train=t_un_train,
              t_u_val=t_un_val, t_c_train=t_c_train, t_c_val=t_c_val)
print()
print(linear_model.weight)
print(linear_model.bias)
seq_model = nn.Sequential(nn.Linear(1, 13), nn.Tanh(), nn.Linear(13, 1))
print(seq_model)
print([param.shape for param in seq_model.parameters()])
for name, param in seq_model.named_parameters():
    print(name, param.shape)
seq_model = nn.Sequential(OrderedDict([
    ('hidden_linear', nn.Linear(1, 8)),
    ('hidden_activation', nn.Tanh()),
    ('output_linear', nn.Linear(8, 1))
]))
print(seq_model)
for name, param in seq_model.named_parameters():
    print(name, param.shape)
print(seq_model.output_linear.bias)
optimizer = optim.SGD(seq_model.parameters(), lr=1e-3)
training_loop(n_epochs=400, optimizer=optimizer, model=seq_model, loss_fn=nn.MSELoss(), t_u_train=t_un_train,
              t_u_val=t_un_val, t_c_train=t_c_train, t_c_val=t_c_val)
print('output', seq_model(t_un_val))
print('answer', t_c_val)
print('hidden', seq_model.hidden_linear.weight.grad.shape)
t_range = torch.arange(20., 90.).unsqueeze(1)
print(seq_model(0.1 * t_range).detach()[::10].squeeze())
neuron_count = 20
seq_model = nn.Sequential(OrderedDict([
    ('hidden_linear', nn.Linear(1, neuron_count)),
    ('hidden_activation', nn.Tanh()),
    ('output_linear', nn.Linear(neuron_count, 1))
]))
optimizer = optim.SGD(seq_model.parameters(), lr=1e-4)
training_loop(n_epochs=400, optimizer=optimizer, model=seq_model, loss_fn=nn.MSELoss(), t_u_train=t_un_train,
              t_u_val=t_un_val, t_c_train=t_c_train, t_c_val=t_c_val)
print(seq_model.state_dict().keys(), seq_model[0], seq_model[-1].weight.shape, len(seq_model))
print(nn.Linear(1, 1).weight.dtype, nn.Linear(1, 1, bias=False).bias, nn.MSELoss(reduction='sum'))
