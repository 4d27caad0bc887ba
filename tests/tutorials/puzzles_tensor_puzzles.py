import tinygrad_rnn as torch
# Sasha Rush's Tensor Puzzles: each puzzle re-implements a numpy/torch function in one line using only
# arange, where, broadcasting, comparisons, indexing with tensors, @ and sum/cumsum. Each solution is
# checked against a plain-Python spec on small random inputs, the way the notebook's `test_*` helpers do.
import builtins
import itertools
import random

import numpy as np


def arange(i: int):
    "Use this function to replace a for-loop."
    return torch.tensor(range(i))


def where(q, a, b):
    "Use this function to replace an if-statement."
    return (q * a) + (~q) * b


print(arange(5), arange(5).dtype, arange(5)[:, None] - arange(3))
print(where(torch.tensor([True, False]), torch.tensor([1, 1]), torch.tensor([2, 2])))
print(where(arange(4) > 1, torch.tensor(7.5), arange(4)))


def ones_spec(out):
    for i in range(len(out)):
        out[i] = 1


def ones(i: int):
    return where(arange(i) > -1, 1, 0)


def sum_spec(a, out):
    out[0] = 0
    for i in range(len(a)):
        out[0] += a[i]


def sum(a):
    return ones(a.shape[0]) @ a[:, None]


def outer(a, b):
    return a[:, None] * b[None, :]


def diag(a):
    return a[arange(a.shape[0]), arange(a.shape[0])]


def eye(j: int):
    return where(arange(j)[:, None] == arange(j), 1, 0)


def triu(j: int):
    return where(arange(j)[:, None] <= arange(j), 1, 0)


def cumsum(a):
    return a @ triu(a.shape[0])


def diff(a, i: int):
    return a[arange(i)] - where(arange(i) > 0, a[arange(i) - 1], 0)


def vstack(a, b):
    return where(arange(2)[:, None] == 0, a, b)


def roll(a, i: int):
    return a[(arange(i) + 1) % i]


def flip(a, i: int):
    return a[i - arange(i) - 1]


def compress(g, v, i: int):
    return v @ where(g[:, None], arange(i) == (cumsum(1 * g) - 1)[:, None], 0)


def pad_to(a, i: int, j: int):
    return a @ (1 * (arange(i)[:, None] == arange(j)))


def sequence_mask(values, length):
    return where(length[:, None] > arange(values.shape[1]), values, 0)


def bincount(a, j: int):
    return ones(a.shape[0]) @ eye(j)[a]


def scatter_add(values, link, j: int):
    return values @ eye(j)[link]


def flatten(a, i: int, j: int):
    return a[arange(i * j) // j, arange(i * j) % j]


def linspace(i, j, n: int):
    return i + (j - i) * arange(n) / max(1, n - 1)


def heaviside(a, b):
    return where(a == 0, b, a > 0)


def repeat(a, d: int):
    return ones(d)[:, None] @ a[None]


def bucketize(v, boundaries):
    return (1 * (v[:, None] >= boundaries)).sum(-1)


rng = random.Random(0)


def rand_ints(n, lo=-4, hi=5):
    return [rng.randint(lo, hi) for _ in range(n)]


def check(name, got, want):
    "The notebook's check: same values (and here, print the dtype each solution ends up with)."
    want = torch.tensor(want)
    ok = got.shape == want.shape and bool((got == want).all())
    print(f"{name:14s} {str(ok):5s} {got.dtype} {tuple(got.shape)} {got.tolist()}")


def spec_out(spec, size, *args):
    out = [0] * size
    spec(*args, out)
    return out


for trial in range(2):
    n = rng.randint(2, 6)
    a_list, b_list = rand_ints(n), rand_ints(n)
    a, b = torch.tensor(a_list), torch.tensor(b_list)
    print("trial", trial, "n", n, a, b)
    check("ones", ones(n), spec_out(lambda out: ones_spec(out), n))
    check("sum", sum(a), spec_out(sum_spec, 1, a_list))
    check("outer", outer(a, b), [[x * y for y in b_list] for x in a_list])
    m = outer(a, b)
    check("diag", diag(m), [m.tolist()[k][k] for k in range(n)])
    check("eye", eye(n), [[int(r == c) for c in range(n)] for r in range(n)])
    check("triu", triu(n), [[int(r <= c) for c in range(n)] for r in range(n)])
    check("cumsum", cumsum(a), list(itertools.accumulate(a_list)))
    check("diff", diff(a, n), [a_list[0]] + [a_list[k] - a_list[k - 1] for k in range(1, n)])
    check("vstack", vstack(a, b), [a_list, b_list])
    check("roll", roll(a, n), a_list[1:] + a_list[:1])
    check("flip", flip(a, n), a_list[::-1])
    g = torch.tensor([x > 0 for x in a_list])
    kept = [x for x in a_list if x > 0]
    check("compress", compress(g, a, n), kept + [0] * (n - len(kept)))
    check("pad_to", pad_to(a, n, n + 2), a_list + [0, 0])
    check("pad_to_cut", pad_to(a, n, 1), a_list[:1])
    values = torch.tensor([rand_ints(4) for _ in range(n)])
    length = torch.tensor([rng.randint(0, 4) for _ in range(n)])
    check("sequence_mask", sequence_mask(values, length),
          [[v if c < length[r].item() else 0 for c, v in enumerate(row)] for r, row in enumerate(values.tolist())])
    idx_list = [rng.randint(0, 4) for _ in range(n)]
    idx = torch.tensor(idx_list)
    check("bincount", bincount(idx, 5), [idx_list.count(k) for k in range(5)])
    check("scatter_add", scatter_add(a, idx, 5), [builtins.sum(x for x, k in zip(a_list, idx_list) if k == j)
                                                   for j in range(5)])
    grid = torch.tensor([rand_ints(3) for _ in range(n)])
    check("flatten", flatten(grid, n, 3), [v for row in grid.tolist() for v in row])
    check("heaviside", heaviside(a, b), [(bb if x == 0 else int(x > 0)) for x, bb in zip(a_list, b_list)])
    check("repeat", repeat(a, 3), [a_list] * 3)
    bounds = torch.tensor(sorted(set(rand_ints(3))))
    check("bucketize", bucketize(a, bounds), [len([q for q in bounds.tolist() if x >= q]) for x in a_list])
    print("torch.bucketize", torch.bucketize(a, bounds, right=True), torch.bincount(idx, minlength=5))

# the float puzzles: linspace and the float results where() gives when a or b is a float
ls = linspace(torch.tensor(0.0), torch.tensor(1.0), 5)
print("linspace", ls, ls.dtype, torch.linspace(0, 1, 5))
ls2 = linspace(2, 8, 4)
print(ls2, ls2.dtype, linspace(3, 3, 1), arange(4) / 3, (arange(4) / 3).dtype)
print(where(arange(4) > 1, 0.5, arange(4)), where(torch.tensor([True, False]), 1.5, 2))
print(torch.tensor([1, 2]) * True, (torch.tensor([True, False]) * 3).dtype, (~torch.tensor([True, False])).dtype)
print((torch.tensor([True]) * 0.5).dtype, (1 * torch.tensor([True, False])).dtype, torch.tensor([True, False]).sum())
x = torch.tensor([0.5, -1.0, 0.0, 2.0])
print(heaviside(x, torch.tensor(0.25)), torch.heaviside(x, torch.tensor([0.25])))
print(torch.arange(5)[:, None] >= torch.arange(5), (torch.arange(5)[:, None] >= torch.arange(5)).sum(0))
print(torch.arange(6).reshape(2, 3).cumsum(0), torch.arange(6).reshape(2, 3).cumsum(dim=1).dtype)
print(torch.arange(6).reshape(2, 3).sum(dim=-1, keepdim=True), torch.tensor([True, True, False]).cumsum(0))
print(torch.eye(3, dtype=torch.long)[torch.tensor([2, 0, 2])], torch.arange(10)[torch.tensor([[1, 2], [3, 4]])])
print(torch.tensor(range(3)), torch.tensor(range(0)).shape, torch.tensor(range(0)).dtype)
print(torch.arange(3) @ torch.arange(3), (torch.arange(3) @ torch.eye(3, dtype=torch.long)).dtype)
print(torch.arange(3.0) @ torch.ones(3), torch.outer(torch.arange(3), torch.arange(2)))
# the library forms the puzzles stand in for, with the scalar and dtype mixes the solutions lean on
c = torch.arange(4) > 1
print(torch.where(c, 1, 0), torch.where(c, 1.0, 0), torch.where(c, torch.arange(4), 0.5), torch.where(c))
print(~torch.arange(3), torch.arange(4)[torch.arange(4) - 1], torch.arange(4)[c], torch.arange(12).view(3, 4)[:, c])
print(torch.tril(torch.ones(3, 3, dtype=torch.long)), torch.triu(torch.arange(9).view(3, 3), diagonal=1))
print(torch.diff(torch.tensor([1, 4, 9, 16])), torch.roll(torch.arange(5), -1), torch.flip(torch.arange(4), [0]))
print(torch.vstack([torch.arange(2), torch.arange(2)]), torch.arange(6).flatten(), torch.arange(6).view(2, 3).flatten())
print(torch.zeros(5, dtype=torch.long).scatter_add(0, torch.tensor([0, 2, 2]), torch.tensor([5, 6, 7])))
print(torch.arange(3).repeat(2, 1), torch.arange(2).repeat_interleave(2), torch.arange(4) // 3, torch.arange(-3, 3) % 4)
print(torch.arange(4) / 2, torch.arange(4) // 2.0, torch.true_divide(torch.arange(3), 2), torch.arange(4).float().mean())


# the notebook's specs write into a zeros tensor element by element (chained indexing, += on an
# element), and its checker compares with np.allclose
def outer_spec(a, b, out):
    for i in range(len(out)):
        for j in range(len(out[0])):
            out[i][j] = a[i] * b[j]


def cumsum_spec(a, out):
    total = 0
    for i in range(len(out)):
        out[i] = total + a[i]
        total += a[i]


def bincount_spec(a, out):
    for i in range(len(a)):
        out[a[i]] += 1


a, b = torch.tensor([3, -1, 2]), torch.tensor([2, 5])
for name, spec, args, shape, mine in [("outer", outer_spec, (a, b), (3, 2), outer(a, b)),
                                      ("cumsum", cumsum_spec, (a,), (3,), cumsum(a)),
                                      ("bincount", bincount_spec, (torch.tensor([0, 2, 2]),), (4,),
                                       bincount(torch.tensor([0, 2, 2]), 4))]:
    out = torch.zeros(*shape, dtype=torch.long)
    spec(*args, out)
    print(name, out.tolist(), np.allclose(mine, out), np.array_equal(mine, out), type(out[0]).__name__)
half = torch.zeros(3)
for i in range(3):
    half[i] = a[i] / 2
print(half, half.dtype, np.allclose(half, a / 2))
