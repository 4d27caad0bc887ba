import tinygrad_rnn as torch
import math
nn = torch.nn
# Dive into Deep Learning chapter 22 (appendix, mathematics for deep learning, PyTorch edition):
# geometry and linear algebra (angles, inverses, determinants, einsum), eigendecompositions (eigh)
# and the norm growth of random matrix products, single- and
# multivariable calculus (finite differences, gradients, Hessian-vector checks), distributions
# (Bernoulli, binomial, Poisson, normal sampling and pdfs), statistics (bias, variance, confidence
# intervals) and information theory (self-information, entropy, joint and conditional entropy,
# mutual information, KL divergence, cross-entropy against nn.NLLLoss).
torch.manual_seed(8675309)


# 22.1 geometry and linear algebraic operations
def angle(v, w):
    return torch.acos(v.dot(w) / (torch.norm(v) * torch.norm(w)))


print(angle(torch.tensor([0, 1, 2], dtype=torch.float32), torch.tensor([2.0, 3, 4])))
M = torch.tensor([[1, 2], [1, 4]], dtype=torch.float32)
M_inv = torch.tensor([[2, -1], [-0.5, 0.5]])
print(M_inv @ M, torch.inverse(M), torch.det(torch.tensor([[1, -1], [2, 3]], dtype=torch.float32)))
v = torch.tensor([1, 2])
A = torch.tensor([[1, 2], [3, 4]])
print(torch.einsum("ij, j -> i", A, v), A @ v)
B = torch.tensor([[[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[11, 12, 13], [14, 15, 16], [17, 18, 19]],
                  [[21, 22, 23], [24, 25, 26], [27, 28, 29]]])
A = torch.tensor([[1, 2], [3, 4], [5, 6]])
v = torch.tensor([1, 2, 3])
print(torch.einsum("ijk, il, j -> kl", B, A, v))
print(torch.einsum(B, [0, 1, 2], A, [0, 3], v, [1], [2, 3]))
print(torch.linalg.norm(torch.tensor([3.0, 4.0])), torch.linalg.norm(M), torch.linalg.matrix_rank(M))

# 22.2 eigendecompositions (torch.linalg.eig returns complex tensors, which tinygrad_rnn lacks: the
# symmetric forms eigh / eigvalsh stand in)
eigenvalues, eigenvectors = torch.linalg.eigh(torch.tensor([[2, 1], [1, 3]], dtype=torch.float64))
print(eigenvalues, eigenvalues.dtype)
print(eigenvectors.abs())
A = torch.tensor([[1.0, 0.1, 0.1, 0.1], [0.1, 3.0, 0.2, 0.3], [0.1, 0.2, 5.0, 0.5], [0.1, 0.3, 0.5, 9.0]])
w, Q = torch.linalg.eigh(A)
print(w, torch.linalg.eigvalsh(A), (Q @ torch.diag(w) @ Q.T - A).abs().max() < 1e-5)
k = 5
A = torch.randn(k, k, dtype=torch.float64)
A = (A + A.T) / 2
print(A)
# Calculate the sequence of norms after repeatedly applying `A`
v_in = torch.randn(k, 1, dtype=torch.float64)
norm_list = [torch.norm(v_in).item()]
for i in range(1, 100):
    v_in = A @ v_in
    norm_list.append(torch.norm(v_in).item())
norm_ratio_list = []
for i in range(1, 100):
    norm_ratio_list.append(norm_list[i] / norm_list[i - 1])
print([f'{x:.6g}' for x in norm_list[:5]], f'{norm_ratio_list[-1]:.6f}')
eigs = torch.linalg.eigvalsh(A).tolist()
norm_eigs = [torch.abs(torch.tensor(x)) for x in eigs]
norm_eigs.sort()
print(f'norms of eigenvalues: {norm_eigs}')
v_in = torch.randn(k, 1, dtype=torch.float64)
norm_list = [torch.norm(v_in).item()]
for i in range(1, 100):
    v_in = A @ v_in / norm_eigs[-1]
    norm_list.append(torch.norm(v_in).item())
print(f'{norm_list[-1] / norm_list[-2]:.6f}', torch.linalg.svdvals(A))

# 22.3/22.4 calculus
f = lambda x: torch.sin(x ** x)
x_big = torch.arange(0.01, 3.01, 0.01)
print(x_big.shape, f(x_big)[:3], f(x_big)[-3:])
f = lambda x: torch.log(x)
for h in [0.1, 0.001, 0.0001, 0.00001]:
    print(f'h={h:.5f} => {float((f(torch.tensor(1.0 + h)) - f(torch.tensor(1.0))) / h):.5f}')


def f(x, y):
    return torch.log(torch.exp(x) + torch.exp(y))


def grad_f(x, y):
    return torch.tensor([torch.exp(x) / (torch.exp(x) + torch.exp(y)), torch.exp(y) / (torch.exp(x) + torch.exp(y))])


epsilon = torch.tensor([0.01, -0.03])
grad_approx = f(torch.tensor([0.]), torch.log(torch.tensor([2.]))) + epsilon.dot(
    grad_f(torch.tensor([0.]), torch.log(torch.tensor(2.))))
true_value = f(torch.tensor([0.]) + epsilon[0], torch.log(torch.tensor([2.])) + epsilon[1])
print(f'approximation: {grad_approx}, true Value: {true_value}')
# Initialize as ndarrays, then attach gradients
w = torch.tensor([-1.], requires_grad=True)
x = torch.tensor([0.], requires_grad=True)
y = torch.tensor([-2.], requires_grad=True)
z = torch.tensor([1.], requires_grad=True)
# Do the computation like usual, tracking gradients
a, b = (w + x + y + z) ** 2, (w + x - y - z) ** 2
u, v = (a + b) ** 2, (a - b) ** 2
f = (u + v) ** 2
# Execute backward pass
f.backward()
print(f'df/dw at {w.data.item()}, {x.data.item()}, {y.data.item()}, {z.data.item()} is {w.grad.data.item()}')
print(f'df/dx at {w.data.item()}, {x.data.item()}, {y.data.item()}, {z.data.item()} is {x.grad.data.item()}')
print(f'df/dy at {w.data.item()}, {x.data.item()}, {y.data.item()}, {z.data.item()} is {y.grad.data.item()}')
print(f'df/dz at {w.data.item()}, {x.data.item()}, {y.data.item()}, {z.data.item()} is {z.grad.data.item()}')
H = torch.autograd.functional.hessian(lambda p: (p[0] ** 2 * p[1] + torch.sin(p[1])).sum(), torch.tensor([1.0, 2.0]))
print(H)
epsilon = 0.01
x = torch.arange(-2, 2, epsilon)
print(f'approximation: {torch.sum(epsilon * torch.exp(-x ** 2 / 2) / math.sqrt(2 * math.pi)):.6f}')
print(torch.trapezoid(torch.exp(-x ** 2 / 2), x), torch.cumsum(x, 0)[-1])

# 22.6 random variables and 22.8 distributions
p = 0.3
print(1 * (torch.rand(10, 10) < p))
x = torch.arange(-1, 2, 0.01)


def F(x):
    return 0 if x < 0 else 1 if x > 1 else 1 - p


print([F(y) for y in x[::50]])
n, p = 10, 0.2
# Compute binomial coefficient
def binom(n, k):
    comb = 1
    for i in range(min(k, n - k)):
        comb = comb * (n - i) // (i + 1)
    return comb


pmf = torch.tensor([p**i * (1 - p)**(n - i) * binom(n, i) for i in range(n + 1)])
print(pmf, pmf.sum())
m = torch.distributions.binomial.Binomial(n, p)
print(m.sample(sample_shape=(10, 10)).shape, m.log_prob(torch.tensor(2.0)).exp(), m.mean, m.variance)
lam = 5.0
xs = [i for i in range(20)]
pmf = torch.tensor([torch.exp(torch.tensor(-lam)) * lam**k / factorial for k, factorial in
                    enumerate([math.factorial(k) for k in xs])])
print(pmf[:6])
m = torch.distributions.poisson.Poisson(lam)
print(m.sample((10, 10)).shape, m.log_prob(torch.tensor(3.0)).exp(), m.sample((3,)).dtype)
mu, sigma = 0, 1
x = torch.arange(-3, 3, 0.01)
p = 1 / math.sqrt(2 * math.pi * sigma**2) * torch.exp(-(x - mu)**2 / (2 * sigma**2))
print(p[::100], torch.distributions.normal.Normal(mu, sigma).log_prob(x[::100]).exp())
print(torch.distributions.bernoulli.Bernoulli(0.3).sample((2, 5)), torch.distributions.Uniform(1, 3).sample((4,)))
print(torch.distributions.Categorical(torch.tensor([0.2, 0.3, 0.5])).sample((8,)),
      torch.distributions.multinomial.Multinomial(10, torch.tensor([0.5, 0.5])).sample())
m = torch.distributions.MultivariateNormal(torch.zeros(2), torch.tensor([[2.0, 0.5], [0.5, 1.0]]))
print(m.sample((3,)), m.log_prob(torch.tensor([0.5, -0.5])), m.entropy())

# 22.9 statistics
theta_true = 1
sigma = 4
sample_len = 10000
samples = torch.normal(theta_true, sigma, size=(sample_len, 1))
theta_est = torch.mean(samples)
print(theta_est)


def stat_bias(true_theta, est_theta):
    return (torch.mean(est_theta) - true_theta)


def mse(data, true_theta):
    return (torch.mean(torch.square(data - true_theta)))


print(mse(samples, theta_true), stat_bias(theta_true, theta_est), torch.square(samples.std(unbiased=False)))
N = 1000
samples = torch.normal(0, 1, size=(N,))
# Lower confidence bound
c_lower = torch.tensor(theta_true - 1.96 / math.sqrt(N))
print(c_lower, samples.mean(), samples.std(), samples.var(correction=0), torch.quantile(samples, 0.975))


# 22.11 information theory
def self_information(p):
    return -torch.log2(torch.tensor(p)).item()


print(self_information(1 / 64))


def entropy(p):
    entropy = - p * torch.log2(p)
    # Operator `nansum` will sum up the non-nan number
    out = nansum(entropy)
    return out


def nansum(x):
    # Define nansum, as pytorch does not offer it inbuilt.
    return x[~torch.isnan(x)].sum()


print(entropy(torch.tensor([0.1, 0.5, 0.1, 0.3])), torch.nansum(torch.tensor([1.0, float('nan'), 2.0])))


def joint_entropy(p_xy):
    joint_ent = -p_xy * torch.log2(p_xy)
    # nansum will sum up the non-nan number
    out = nansum(joint_ent)
    return out


print(joint_entropy(torch.tensor([[0.1, 0.5], [0.1, 0.3]])))


def conditional_entropy(p_xy, p_x):
    p_y_given_x = p_xy / p_x
    cond_ent = -p_xy * torch.log2(p_y_given_x)
    # nansum will sum up the non-nan number
    out = nansum(cond_ent)
    return out


print(conditional_entropy(torch.tensor([[0.1, 0.5], [0.2, 0.3]]), torch.tensor([0.2, 0.8])))


def mutual_information(p_xy, p_x, p_y):
    p = p_xy / (p_x * p_y)
    mutual = p_xy * torch.log2(p)
    # Operator `nansum` will sum up the non-nan number
    out = nansum(mutual)
    return out


print(mutual_information(torch.tensor([[0.1, 0.5], [0.1, 0.3]]), torch.tensor([0.2, 0.8]),
                         torch.tensor([[0.75, 0.25]])))


def kl_divergence(p, q):
    kl = p * torch.log2(p / q)
    out = nansum(kl)
    return out.abs().item()


torch.manual_seed(1)
tensor_len = 10000
p = torch.normal(0, 1, (tensor_len, ))
q1 = torch.normal(-1, 1, (tensor_len, ))
q2 = torch.normal(1, 1, (tensor_len, ))
p = torch.sort(p)[0]
q1 = torch.sort(q1)[0]
q2 = torch.sort(q2)[0]
kl_pq1 = kl_divergence(p, q1)
kl_pq2 = kl_divergence(p, q2)
similar_percentage = abs(kl_pq1 - kl_pq2) / ((kl_pq1 + kl_pq2) / 2) * 100
print(f'{kl_pq1:.4f} {kl_pq2:.4f} {similar_percentage:.4f}')


def cross_entropy(y_hat, y):
    ce = -torch.log(y_hat[range(len(y_hat)), y])
    return ce.mean()


labels = torch.tensor([0, 2])
preds = torch.tensor([[0.3, 0.6, 0.1], [0.2, 0.3, 0.5]])
print(cross_entropy(preds, labels))
# Implementation of cross-entropy loss in PyTorch combines `nn.LogSoftmax()`
# and `nn.NLLLoss()`
nll_loss = nn.NLLLoss()
loss = nll_loss(torch.log(preds), labels)
print(loss, nn.functional.kl_div(torch.log(preds), torch.tensor([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]]),
                                 reduction='batchmean'))
