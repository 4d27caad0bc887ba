import tinygrad_rnn as torch
nn = torch.nn
parametrize = torch.nn.utils.parametrize
# PyTorch's "Parametrizations Tutorial": a symmetric weight, a skew-symmetric one, an orthogonal
# one through the matrix exponential with a right_inverse, several parametrizations on one tensor,
# caching, removal with and without leave_parametrized, and the built-in orthogonal /
# spectral_norm / weight_norm on Linear and RNN weights.
torch.manual_seed(0)


def symmetric(X):
    return X.triu() + X.triu(1).transpose(-1, -2)


X = torch.rand(3, 3)
A = symmetric(X)
assert torch.allclose(A, A.T)
print(A)


class LinearSymmetric(nn.Module):
    def __init__(self, n_features):
        super().__init__()
        self.weight = nn.Parameter(torch.rand(n_features, n_features))

    def forward(self, x):
        A = symmetric(self.weight)
        return x @ A


layer = LinearSymmetric(3)
out = layer(torch.rand(8, 3))
print(out.shape)


class Symmetric(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)


layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())
A = layer.weight
assert torch.allclose(A, A.T)
print(A)
print(layer)
print(layer.parametrizations.weight.original)
print(dict(layer.named_parameters()).keys())
print(layer.state_dict().keys())
print(parametrize.is_parametrized(layer), parametrize.is_parametrized(layer, "bias"))
print(type(layer).__name__, parametrize.type_before_parametrizations(layer).__name__)


class Skew(nn.Module):
    def forward(self, X):
        A = X.triu(1)
        return A - A.transpose(-1, -2)


cnn = nn.Conv2d(in_channels=5, out_channels=8, kernel_size=3)
parametrize.register_parametrization(cnn, "weight", Skew())
print(cnn.weight[0, 1])
print(cnn.weight[2, 2])

# caching: the parametrization is computed once inside the block
layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())
with parametrize.cached():
    foo = layer.weight
    bar = layer.weight
    print(foo is bar)
print(layer.weight is layer.weight)


# several parametrizations on one tensor
class CayleyMap(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.register_buffer("Id", torch.eye(n))

    def forward(self, X):
        # (I + X)(I - X)^{-1}
        return torch.linalg.solve(self.Id - X, self.Id + X)


layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Skew())
parametrize.register_parametrization(layer, "weight", CayleyMap(3))
X = layer.weight
print(torch.dist(X.T @ X, torch.eye(3)) < 1e-5)
print(layer)
print(layer.state_dict().keys())


class MatrixExponential(nn.Module):
    def forward(self, X):
        return torch.matrix_exp(X)


layer_orthogonal = nn.Linear(3, 3)
parametrize.register_parametrization(layer_orthogonal, "weight", Skew())
parametrize.register_parametrization(layer_orthogonal, "weight", MatrixExponential())
X = layer_orthogonal.weight
print(torch.dist(X.T @ X, torch.eye(3)) < 1e-5)

layer_spd = nn.Linear(3, 3)
parametrize.register_parametrization(layer_spd, "weight", Symmetric())
parametrize.register_parametrization(layer_spd, "weight", MatrixExponential())
X = layer_spd.weight
print(torch.dist(X, X.T) < 1e-5, (torch.linalg.eigvalsh(X) > 0.).all())


# right_inverse: assigning to the parametrized tensor
class Symmetric2(nn.Module):
    def forward(self, X):
        return X.triu() + X.triu(1).transpose(-1, -2)

    def right_inverse(self, A):
        return A.triu()


m = nn.Linear(3, 3)
parametrize.register_parametrization(m, "weight", Symmetric2())
print(m.weight)
with torch.no_grad():
    m.weight = torch.eye(3)
print(m.parametrizations.weight.original)


class NoisyParametrization(nn.Module):
    def forward(self, X):
        return X

    def right_inverse(self, A):
        return A + 0.1 * torch.ones_like(A)


m = nn.Linear(3, 3)
parametrize.register_parametrization(m, "weight", NoisyParametrization())
with torch.no_grad():
    m.weight = torch.zeros(3, 3)
print(m.weight)
m = nn.Linear(3, 3)
parametrize.register_parametrization(m, "weight", NoisyParametrization(), unsafe=True)
print(m.parametrizations.weight.original.shape)

# training through the parametrization
layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Symmetric())
opt = torch.optim.SGD(layer.parameters(), lr=0.1)
x = torch.randn(5, 3)
for step in range(3):
    loss = (layer(x) ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()
    print(step, loss.item())
print(layer.parametrizations.weight.original.grad)

# removing parametrizations
layer = nn.Linear(3, 3)
print("Before:")
print(layer)
print(layer.weight)
parametrize.register_parametrization(layer, "weight", Skew())
print("\nParametrized:")
print(layer)
print(layer.weight)
parametrize.remove_parametrizations(layer, "weight")
print("\nAfter. Weight has skew-symmetric values but it is unconstrained:")
print(layer)
print(layer.weight)

layer = nn.Linear(3, 3)
parametrize.register_parametrization(layer, "weight", Skew())
parametrize.remove_parametrizations(layer, "weight", leave_parametrized=False)
print(layer)
print(layer.weight)

# the built-in parametrizations
P = torch.nn.utils.parametrizations
lin = P.orthogonal(nn.Linear(4, 3))
Q = lin.weight
print(torch.dist(Q @ Q.T, torch.eye(3)) < 1e-5, lin)
print(sorted(lin.state_dict().keys()))
lin = P.weight_norm(nn.Linear(4, 3))
print(lin)
print(lin.parametrizations.weight.original0.shape, lin.parametrizations.weight.original1.shape)
lin = P.spectral_norm(nn.Linear(4, 3))
print(lin)
print(sorted(lin.state_dict().keys()))
print(torch.linalg.matrix_norm(lin.weight, 2))

rnn = nn.LSTM(3, 4)
P.orthogonal(rnn, "weight_hh_l0")
P.weight_norm(rnn, "weight_ih_l0")
print(rnn)
out, (h, c) = rnn(torch.randn(5, 2, 3))
print(out.shape, h.sum(), c.sum())
W = rnn.weight_hh_l0
print(W.shape, torch.dist(W.T @ W, torch.eye(4)) < 1e-5)
print([n for n, _ in rnn.named_parameters()])
gru = nn.GRU(3, 4)
P.spectral_norm(gru, "weight_hh_l0")
out, h = gru(torch.randn(5, 2, 3))
print(out.shape, h.sum())
