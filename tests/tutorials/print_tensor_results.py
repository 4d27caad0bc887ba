import tinygrad_rnn as torch
nn = torch.nn
# What notebooks print about tensors and the results of ops, as the PyTorch "Tensors" and "Autograd"
# tutorials, the torch.max / torch.sort / torch.linalg docs and course labs show it: format specs on
# scalars and 0-d tensors, `tolist()` and `item()` of each dtype, shape/stride/device/dtype objects, the
# named tuples of reductions and factorisations, PackedSequence, grad_fn of many ops, Parameters, print
# options that summarise, and the deprecation warnings of the old factorisation functions.
torch.manual_seed(0)

print("-- formatting scalars")
loss = torch.tensor(0.123456, requires_grad=True) * 2
acc = torch.tensor(0.875)
print(f"loss {loss.item():.4f} acc {acc:.2%} {acc:>10} {acc:e}", format(acc), f"{acc!r}")
print(f"{torch.tensor(7):03d} {torch.tensor(255, dtype=torch.uint8):x} {torch.tensor(2.0, dtype=torch.float64):.10f}")
print("%.3f | %d | %s" % (acc, torch.tensor(3), torch.tensor([1, 2])), "{:.2f}".format(torch.tensor(2.0)))
print(round(torch.tensor(2.567).item(), 2), int(torch.tensor(3.9)), float(torch.tensor(3)), bool(torch.tensor(0.0)))

print("-- tolist and item of each dtype")
for dtype in (torch.float32, torch.float64, torch.float16, torch.int64, torch.int32, torch.int8, torch.uint8, torch.bool):
    t = (torch.tensor([[1.0, 0.0], [2.0, 3.0]]) / 3).to(dtype)
    print(dtype, t.tolist(), t[0, 0].item(), type(t[1, 1].item()).__name__, t.dtype.is_floating_point, t.element_size())
    print(t.shape, t.size(), t.size(-1), t.stride(), t.t().stride(), t.device, t.layout, t.type(), t.ndim, t.numel())

print("-- Size, device, dtype and generator objects")
size = torch.ones(2, 3, 4).shape
print(size, size[1:], size + (5,), size.numel(), list(size), size == (2, 3, 4), torch.Size([]), str(torch.Size([1])))
print(torch.device("cpu"), repr(torch.device("cuda:1")), torch.device("cpu", 0), torch.device("cpu").type, torch.device("cpu").index)
print(torch.float, torch.double, torch.half, torch.long, repr(torch.int), str(torch.bool), torch.get_default_dtype())
print(torch.finfo(torch.float16), torch.iinfo(torch.int16), torch.finfo(torch.float32).eps, torch.iinfo(torch.uint8).max)
print(torch.promote_types(torch.int32, torch.float16), torch.float32.itemsize, torch.int8.is_signed)
generator = torch.Generator().manual_seed(3)
print(generator.initial_seed(), generator.device, torch.default_generator.initial_seed())

print("-- named tuples")
x = torch.tensor([[3.0, 1.0, 2.0], [0.0, 5.0, 4.0]], requires_grad=True)
counts = torch.tensor([[3, 1, 3], [0, 5, 0]])
A = torch.tensor([[2.0, 1.0], [1.0, 3.0]])
print(x.max(1), x.min(dim=0, keepdim=True), torch.max(x, 1, True))
print(x.sort(descending=True), x.topk(2), x.kthvalue(2, 1), counts.mode(1), x.median(1), x.cummax(1))
print(torch.var_mean(x, 1), torch.std_mean(x), torch.aminmax(x.detach(), dim=0), torch.frexp(x.detach()))
print(torch.linalg.svd(A), torch.linalg.qr(A), torch.linalg.slogdet(A), torch.linalg.eigh(A), torch.linalg.inv_ex(A))
print(torch.unique(counts, return_counts=True, return_inverse=True), torch.histogram(x.detach(), bins=3))
values, indices = x.max(1)
result = x.max(1)
print(type(result).__name__, result.values, result[1], len(result), list(result), str(result) == repr(result))
print(torch.return_types.max((torch.tensor(1), torch.tensor(2))), x.detach().chunk(2), torch.where(x > 2))

print("-- PackedSequence")
packed = nn.utils.rnn.pack_padded_sequence(torch.arange(12.0).reshape(4, 3), torch.tensor([4, 2, 1]), enforce_sorted=False)
print(packed)
print(packed.batch_sizes, packed.sorted_indices, type(packed), type(result), type(torch.device("cpu")))
print(nn.utils.rnn.pad_packed_sequence(nn.utils.rnn.pack_sequence([torch.tensor([1.0, 2, 3]), torch.tensor([4.0, 5])])))

print("-- grad_fn and Parameters")
w = torch.tensor([1.0, 2.0], requires_grad=True)
for y in (w + 1, w * 2, w / 2, w ** 2, w.exp(), w.sum(), w.mean(), w.view(2, 1), w[0], w[:1], w.unsqueeze(0) @ w.unsqueeze(1),
          w.softmax(0), w.norm(), w.expand(3, 2), w.clone(), torch.cat([w, w]), torch.stack([w, w]), w.relu(), w.clamp(0, 1),
          nn.functional.mse_loss(w, torch.zeros(2)), nn.functional.cross_entropy(w.unsqueeze(0), torch.tensor([1]))):
    print(y.grad_fn.name(), y)
print((w * 2).grad_fn.next_functions, w.grad_fn, w.is_leaf, w.grad)
print(nn.Parameter(torch.ones(2, dtype=torch.float64)), nn.Parameter(torch.tensor(2.0), requires_grad=False))
print(nn.Parameter(torch.empty(0, 3)), nn.Linear(2, 2).weight.T.shape, nn.Linear(2, 2).weight.data.requires_grad)
scale = nn.Parameter(torch.tensor(0.5))
print(f"scale {scale} | {scale.item():.3f} | {scale.data:.3f} | {scale * 2:.3f}")

print("-- print options")
big = torch.arange(2000.0).reshape(40, 50) / 7
print(big)
torch.set_printoptions(precision=2, edgeitems=2, linewidth=60)
print(big, torch.tensor([1e-5, 1.0]))
torch.set_printoptions(threshold=5, sci_mode=True)
print(torch.arange(8.0), torch.tensor(123.0))
torch.set_printoptions(profile="default")
print(torch.tensor([1e10, 1.0]), torch.tensor([float("inf"), -0.0, float("nan")]), torch.tensor(1e-20))

print("-- deprecated factorisations")
Q, R = torch.qr(A)
L = torch.cholesky(A)
print(Q, R, L)
