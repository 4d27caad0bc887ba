import tinygrad_rnn as torch
import io
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
# PyTorch's "Saving and Loading Models" tutorial and its recipes: state_dict of a model and an
# optimizer, saving for inference, a general checkpoint, the whole model object, several models in
# one file, warm-starting another model with strict=False, and map_location.
class TheModelClass(nn.Module):
    def __init__(self):
        super(TheModelClass, self).__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = x.view(-1, 16 * 5 * 5)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x
torch.manual_seed(0)
model = TheModelClass()
optimizer = optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])
x = torch.randn(2, 3, 32, 32)
loss = F.cross_entropy(model(x), torch.tensor([1, 7]))
optimizer.zero_grad()
loss.backward()
optimizer.step()
print(loss.item())
state = optimizer.state_dict()
print(list(state["state"].keys()), sorted(state["state"][0].keys()), state["state"][0]["momentum_buffer"].shape)
print(state["param_groups"])
print(type(model.state_dict()), list(model.state_dict().keys())[:3], model.state_dict()["fc3.bias"])
print(model.state_dict()["fc3.bias"].requires_grad, model.state_dict(keep_vars=True)["fc3.bias"].requires_grad)
# save/load state_dict for inference
PATH = io.BytesIO()
torch.save(model.state_dict(), PATH)
PATH.seek(0)
model2 = TheModelClass()
print(model2.load_state_dict(torch.load(PATH, weights_only=True)))
model2.eval()
print(model2.training, model2.conv1.training, torch.equal(model2(x), model(x)))
# a general checkpoint
epoch = 5
PATH = io.BytesIO()
torch.save({
    "epoch": epoch,
    "model_state_dict": model.state_dict(),
    "optimizer_state_dict": optimizer.state_dict(),
    "loss": loss,
}, PATH)
PATH.seek(0)
model3 = TheModelClass()
optimizer3 = optim.SGD(model3.parameters(), lr=0.5, momentum=0.1)
checkpoint = torch.load(PATH, weights_only=True)
model3.load_state_dict(checkpoint["model_state_dict"])
optimizer3.load_state_dict(checkpoint["optimizer_state_dict"])
epoch = checkpoint["epoch"]
loss = checkpoint["loss"]
print(epoch, loss, sorted(checkpoint.keys()), loss.requires_grad)
print(optimizer3.state_dict()["param_groups"][0]["lr"], optimizer3.param_groups[0]["momentum"])
print(torch.equal(optimizer3.state[model3.fc3.bias]["momentum_buffer"], optimizer.state[model.fc3.bias]["momentum_buffer"]))
model3.train()
out = model3(x)
print(out.shape, torch.allclose(out, model(x)))
# several models in one file
modelA = TheModelClass()
modelB = TheModelClass()
optimizerA = optim.SGD(modelA.parameters(), lr=0.001, momentum=0.9)
optimizerB = optim.Adam(modelB.parameters(), lr=0.001)
buffer = io.BytesIO()
torch.save({
    "modelA_state_dict": modelA.state_dict(),
    "modelB_state_dict": modelB.state_dict(),
    "optimizerA_state_dict": optimizerA.state_dict(),
    "optimizerB_state_dict": optimizerB.state_dict(),
}, buffer)
buffer.seek(0)
checkpoint = torch.load(buffer, weights_only=True)
print(checkpoint["optimizerB_state_dict"]["param_groups"][0]["betas"], checkpoint["optimizerB_state_dict"]["state"])
print(modelA.load_state_dict(checkpoint["modelA_state_dict"]), modelB.load_state_dict(checkpoint["modelB_state_dict"]))
# warm-starting a different model: strict=False reports the keys that did not fit
class NetA(nn.Module):
    def __init__(self):
        super(NetA, self).__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 3)
        self.bn = nn.BatchNorm1d(8)
class NetB(nn.Module):
    def __init__(self):
        super(NetB, self).__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc3 = nn.Linear(8, 2)
        self.bn = nn.BatchNorm1d(8)
netA = NetA()
netB = NetB()
buffer = io.BytesIO()
torch.save(netA.state_dict(), buffer)
buffer.seek(0)
result = netB.load_state_dict(torch.load(buffer, weights_only=True), strict=False)
print(result)
print(result.missing_keys, result.unexpected_keys, type(result).__name__)
print(torch.equal(netA.fc1.weight, netB.fc1.weight), list(netA.state_dict().keys()))
try:
    netB.load_state_dict(netA.state_dict())
except RuntimeError as e:
    print("RuntimeError:", e)
bad = netA.state_dict()
bad["fc1.weight"] = torch.zeros(8, 5)
try:
    netA.load_state_dict(bad)
except RuntimeError as e:
    print("RuntimeError:", e)
# map_location and the whole model object
buffer = io.BytesIO()
torch.save(netA.state_dict(), buffer)
buffer.seek(0)
device = torch.device("cpu")
state = torch.load(buffer, map_location=device, weights_only=True)
print(state["bn.running_mean"].device, state["bn.num_batches_tracked"], state["bn.num_batches_tracked"].dtype)
buffer.seek(0)
state = torch.load(buffer, map_location="cpu")
print(sorted(state.keys()))
whole = io.BytesIO()
torch.save(model.fc3, whole)
whole.seek(0)
fc3 = torch.load(whole, weights_only=False)
print(fc3, type(fc3).__name__, torch.equal(fc3.weight, model.fc3.weight), fc3.weight.requires_grad)
whole.seek(0)
try:
    torch.load(whole, weights_only=True)
except Exception as e:
    print(type(e).__name__, str(e).splitlines()[0][:60])
    print(str(e).splitlines()[4][:120])
seq = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
whole = io.BytesIO()
torch.save(seq, whole)
whole.seek(0)
loaded = torch.load(whole, weights_only=False)
loaded.eval()
print(loaded, loaded.training, torch.equal(loaded(torch.ones(2, 3)), seq(torch.ones(2, 3))))
whole.seek(0)
try:
    torch.load(whole)
except Exception as e:
    print(type(e).__name__, e)
class SmallNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(2, 1)
try:
    torch.save(SmallNet(), io.BytesIO())
except Exception as e:
    print(type(e).__name__, e)
t = torch.arange(10.0)
buffer = io.BytesIO()
torch.save([t[:3], t[5:], {"step": 1}], buffer)
buffer.seek(0)
a, b, extra = torch.load(buffer)
print(a, b, extra, a.is_contiguous())
