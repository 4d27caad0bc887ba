import tinygrad_rnn as torch
import io
import numpy as np
import warnings
# "Deep Learning with PyTorch" chapter 3: tensors, indexing, dtypes, storage, offsets and strides,
# transposes and contiguity, the numpy bridge, saving and loading.
a = [1.0, 2.0, 1.0]
print(a[0])
a[2] = 3.0
print(a)
a = torch.ones(3)
print(a)
print(a[1])
print(float(a[1]))
a[2] = 2.0
print(a)
points = torch.zeros(6)
points[0] = 4.0
points[1] = 1.0
points[2] = 5.0
points[3] = 3.0
points[4] = 2.0
points[5] = 1.0
print(points)
points = torch.tensor([4.0, 1.0, 5.0, 3.0, 2.0, 1.0])
print(points)
print(float(points[0]), float(points[1]))
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
print(points)
print(points.shape)
points = torch.zeros(3, 2)
print(points)
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
print(points[0, 1])
print(points[0])
print(points[1:])
print(points[1:, :])
print(points[1:, 0])
print(points[None])
print(points[None].shape)
# named dimensions by hand
torch.manual_seed(0)
img_t = torch.randn(3, 5, 5)
weights = torch.tensor([0.2126, 0.7152, 0.0722])
batch_t = torch.randn(2, 3, 5, 5)
img_gray_naive = img_t.mean(-3)
batch_gray_naive = batch_t.mean(-3)
print(img_gray_naive.shape, batch_gray_naive.shape)
unsqueezed_weights = weights.unsqueeze(-1).unsqueeze_(-1)
img_weights = (img_t * unsqueezed_weights)
batch_weights = (batch_t * unsqueezed_weights)
img_gray_weighted = img_weights.sum(-3)
batch_gray_weighted = batch_weights.sum(-3)
print(batch_weights.shape, batch_t.shape, unsqueezed_weights.shape)
img_gray_weighted_fancy = torch.einsum('...chw,c->...hw', img_t, weights)
batch_gray_weighted_fancy = torch.einsum('...chw,c->...hw', batch_t, weights)
print(batch_gray_weighted_fancy.shape)
print(torch.allclose(img_gray_weighted, img_gray_weighted_fancy), img_gray_weighted_fancy[0])
# dtypes
double_points = torch.ones(10, 2, dtype=torch.double)
short_points = torch.tensor([[1, 2], [3, 4]], dtype=torch.short)
print(short_points.dtype)
double_points = torch.zeros(10, 2).double()
short_points = torch.ones(10, 2).short()
print(double_points.dtype, short_points.dtype)
double_points = torch.zeros(10, 2).to(torch.double)
short_points = torch.ones(10, 2).to(dtype=torch.short)
print(double_points.dtype, short_points.dtype)
points_64 = torch.rand(5, dtype=torch.double)
points_short = points_64.to(torch.short)
print(points_64 * points_short)
print((points_64 * points_short).dtype)
print(torch.tensor([1, 2]).dtype, torch.tensor([1.0, 2]).dtype, torch.tensor([True]).dtype,
      torch.tensor([1, 2], dtype=torch.uint8) + 300, torch.tensor([1.5, -2.7]).int(), torch.tensor([1.5]).long().dtype,
      torch.tensor([0.0, 2.0]).bool(), torch.tensor([1, 2]).half(), torch.tensor([1.0]).byte().dtype)
# the tensor API
a = torch.ones(3, 2)
a_t = torch.transpose(a, 0, 1)
print(a.shape, a_t.shape)
a = torch.ones(3, 2)
a_t = a.transpose(0, 1)
print(a.shape, a_t.shape)
# storage
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print(points.storage())
    points_storage = points.storage()
    print(points_storage[0])
    print(points.storage()[1])
    points_storage[0] = 2.0
    print(points)
    print(len(points_storage), points_storage.size(), points_storage.dtype, type(points_storage).__name__)
    print(points.untyped_storage().nbytes(), points.untyped_storage().size())
a = torch.ones(3, 2)
a.zero_()
print(a)
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
second_point = points[1]
print(second_point.storage_offset())
print(second_point.size())
print(second_point.shape)
print(points.stride())
print(second_point.stride())
second_point = points[1]
second_point[0] = 10.0
print(points)
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
second_point = points[1].clone()
second_point[0] = 10.0
print(points)
points_t = points.t()
print(points_t)
print(id(points.untyped_storage()) == id(points_t.untyped_storage()) or True,
      points.untyped_storage().data_ptr() == points_t.untyped_storage().data_ptr())
print(points.stride(), points_t.stride())
some_t = torch.ones(3, 4, 5)
transpose_t = some_t.transpose(0, 2)
print(some_t.shape, transpose_t.shape, some_t.stride(), transpose_t.stride())
print(points.is_contiguous(), points_t.is_contiguous())
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
points_t = points.t()
print(points_t)
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print(points_t.storage())
print(points_t.stride())
points_t_cont = points_t.contiguous()
print(points_t_cont)
print(points_t_cont.stride())
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print(points_t_cont.storage())
try:
    points_t.view(6)
except RuntimeError as e:
    print("RuntimeError:", e)
print(points_t.reshape(6), points_t_cont.view(6), points[1:].storage_offset(), points[:, 1].stride())
print(points[1:, 1].storage_offset(), points[2].data_ptr() - points.data_ptr(), points.element_size(), points.nelement())
# devices
points_cpu = points.to(device='cpu')
print(points_cpu.device, points.cpu() is points, points.to('cpu') is points, points.to(torch.float32) is points)
# numpy interop
points = torch.ones(3, 4)
points_np = points.numpy()
print(points_np, points_np.dtype)
points = torch.from_numpy(points_np)
points_np[0, 0] = 7.0
print(points[0])
print(torch.from_numpy(np.arange(4)).dtype, torch.from_numpy(np.ones(2)).dtype, torch.tensor(np.ones(2)).dtype,
      torch.as_tensor(np.ones(2, dtype=np.float32)).dtype)
# serializing
points = torch.tensor([[4.0, 1.0], [5.0, 3.0], [2.0, 1.0]])
buffer = io.BytesIO()
torch.save(points, buffer)
buffer.seek(0)
points2 = torch.load(buffer)
print(points2, points2.dtype, torch.equal(points, points2))
buffer = io.BytesIO()
torch.save({"points": points, "t": points.t(), "idx": torch.arange(3)}, buffer)
buffer.seek(0)
loaded = torch.load(buffer, weights_only=True)
print(loaded["t"], loaded["t"].stride(), loaded["t"].is_contiguous(), loaded["idx"].dtype)
loaded["points"][0, 0] = 100.0
print(loaded["t"][0, 0])
# exercises
a = torch.tensor(list(range(9)))
print(a.size(), a.storage_offset(), a.stride())
b = a.view(3, 3)
print(b, b[1, 1])
c = b[1:, 1:]
print(c, c.size(), c.storage_offset(), c.stride())
print(torch.cos(a.float()), torch.sqrt(a.float()))
try:
    torch.cos(a)
    print("cos of long ok:", torch.cos(a).dtype)
except RuntimeError as e:
    print(e)
x = a.float()
print(x.cos_(), x.sqrt_())
try:
    a.sqrt_()
except RuntimeError as e:
    print("RuntimeError:", e)
