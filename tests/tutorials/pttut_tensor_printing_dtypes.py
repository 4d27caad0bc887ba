import tinygrad_rnn as torch
import math
# "Tensors" (PyTorch basics) and the torch.set_printoptions docs, as notebooks print things: tensors of
# every dtype and of odd shapes (empty, 0-d, one column, 4-d), values that switch torch's printer to
# scientific notation or integer style, nan/inf, summarised large tensors, the print options, the dtype
# limits (finfo/iinfo) and the reprs that carry grad_fn and requires_grad.
torch.manual_seed(0)

print("-- dtypes")
for dt in (torch.float32, torch.float64, torch.float16, torch.int8, torch.uint8, torch.int16,
           torch.int32, torch.int64, torch.bool):
    t = torch.tensor([0, 1, 2, 3], dtype=dt)
    print(dt, t.dtype.is_floating_point, t.element_size(), t)
print(torch.tensor([1.5, -2.25, 3.0], dtype=torch.float16))
print(torch.tensor([True, False]), torch.tensor([True, False]).int(), torch.tensor([[True], [False]]).long())
print(torch.tensor([-128, 0, 127], dtype=torch.int8), torch.tensor([255, 0], dtype=torch.uint8))

print("-- shapes")
print(torch.empty(0), torch.empty(0, 3), torch.zeros(2, 0, 4), torch.tensor([], dtype=torch.long))
print(torch.tensor(3.5), torch.tensor(7), torch.tensor(True), torch.tensor(-0.0))
print(torch.arange(6.).reshape(6, 1))
print(torch.arange(24).reshape(2, 3, 2, 2))
print(torch.randn(1, 1, 1, 3))
print(repr(torch.zeros(2, 0, 4).shape), torch.zeros(2, 0, 4).numel(), torch.empty(0).sum(), torch.empty(0, 3).mean(0))

print("-- value styles")
print(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([1.0, 2.5]), torch.tensor([100000.0, 1.0]))
print(torch.tensor([1e-5, 1.0]), torch.tensor([1e8, 1.0]), torch.tensor([123456789.0]))
print(torch.tensor([0.1, 0.01, 0.001]), torch.tensor([1e-10, 1e10]), torch.tensor([-1e-4, 5e-3]))
print(torch.tensor([float("nan"), 1.0, float("inf"), -float("inf")]))
print(torch.tensor([float("nan"), float("inf")]), torch.tensor([2.0, float("inf")]), torch.tensor([float("nan")]))
print(torch.tensor([1e20, 1e-20], dtype=torch.float64), torch.tensor([math.pi], dtype=torch.float64))
print(torch.tensor([12345678901234, -5]), torch.tensor([[1, -10], [100, -1000]]))
print(torch.tensor([0.5, 1.5], dtype=torch.float64) * 1e6)
print(torch.full((2, 3), 7.0), torch.full((2,), -0.0), torch.ones(2, dtype=torch.float64) / 3)

print("-- summarised")
big = torch.arange(2000.)
print(big)
print(torch.arange(1200).reshape(40, 30))
print(torch.randn(3, 400).shape, torch.randn(3, 400)[:, :2])
print(torch.linspace(0, 1, 1001)[-3:], torch.arange(1001)[::250])

print("-- set_printoptions")
x = torch.randn(3, 4) * 10
torch.set_printoptions(precision=2)
print(x, torch.tensor([1e-5, 1.0]))
torch.set_printoptions(sci_mode=True)
print(x[0])
torch.set_printoptions(sci_mode=False)
print(torch.tensor([1e-5, 1e5]))
torch.set_printoptions(linewidth=40)
print(torch.arange(20.) / 7)
torch.set_printoptions(threshold=10, edgeitems=2)
print(torch.arange(30.).reshape(5, 6))
torch.set_printoptions(profile="full")
print(torch.arange(12.).reshape(2, 6) / 3)
torch.set_printoptions(profile="short")
print(torch.randn(2, 3))
torch.set_printoptions(profile="default")
print(torch.arange(1005)[-2:], torch.randn(2, 3))

print("-- finfo / iinfo")
for dt in (torch.float32, torch.float64, torch.float16, torch.bfloat16):
    fi = torch.finfo(dt)
    print(dt, fi.bits, fi.eps, fi.max, fi.min, fi.tiny, fi.resolution)
for dt in (torch.int8, torch.uint8, torch.int32, torch.int64):
    ii = torch.iinfo(dt)
    print(dt, ii.bits, ii.min, ii.max)
print(torch.finfo().eps == torch.finfo(torch.float32).eps, torch.get_default_dtype())

print("-- reprs with autograd")
w = torch.randn(2, 3, requires_grad=True)
print(w)
y = (w * 2).sum(dim=1)
print(y, repr(y.grad_fn.name()))
print(w.double().mean(), w[0, 0] * 1, w.t().contiguous())
print(torch.randn(2, requires_grad=True).half())
with torch.no_grad():
    print(w * 2)
print(w.detach(), w.data.requires_grad, torch.zeros(3, dtype=torch.float64, requires_grad=True))
print(torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2, dtype=torch.long), requires_grad=False))
print(torch.tensor([1, 2], dtype=torch.int32) * 1.5, torch.tensor([1, 2]).float().requires_grad_())
print(str(torch.tensor([0.25])), f"{torch.tensor(0.123456):.3f}", "{}".format(torch.tensor([1, 2])))
print(torch.tensor(2.5).item(), torch.tensor([1, 2]).tolist(), torch.tensor([[1.5]]).numpy())
