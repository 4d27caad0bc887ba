import tinygrad_rnn as torch
# Machine Learning Mastery's first PyTorch lessons: one- and two-dimensional tensors (types and
# .type(), size/ndimension/view, numpy round trips, slicing, arithmetic), derivatives with autograd
# (scalar, partial, over a linspace), the datasets lesson's toy Dataset, and the loss and activation
# functions lesson (MSE, BCE, cross-entropy, a hand-written loss; ReLU, sigmoid, tanh, leaky ReLU).
import numpy as np

nn = torch.nn
F = torch.nn.functional

int_to_tensor = torch.tensor([10, 11, 12, 13])
print("Tensor object type after conversion: ", int_to_tensor.dtype)
print("Tensor object type after conversion: ", int_to_tensor.type())
float_to_tensor = torch.tensor([10.0, 11.0, 12.0, 13.0])
print(float_to_tensor.dtype, float_to_tensor.type())
int_list_to_float_tensor = torch.FloatTensor([10, 11, 12, 13])
int_list_to_float_tensor.type(torch.int64)
print("Data type after conversion: ", int_list_to_float_tensor.dtype)
print(int_list_to_float_tensor.type(torch.int64).dtype, int_list_to_float_tensor.type(torch.IntTensor).type())
print(int_list_to_float_tensor.type("torch.DoubleTensor").dtype, torch.LongTensor([1, 2]).type())
print(int_to_tensor.size(), int_to_tensor.ndimension(), int_to_tensor.shape, int_to_tensor.dim())
reshaped = int_to_tensor.view(4, 1)
print(reshaped, reshaped.size(), reshaped.ndimension(), int_to_tensor.view(-1, 1).shape)
numpy_arr = np.array([10.0, 11.0, 12.0, 13.0])
from_numpy_to_tensor = torch.from_numpy(numpy_arr)
print("dtype of the tensor: ", from_numpy_to_tensor.dtype)
print("type of the tensor: ", from_numpy_to_tensor.type())
tensor_to_numpy = from_numpy_to_tensor.numpy()
print("back to numpy from tensor: ", tensor_to_numpy, "dtype of converted array: ", tensor_to_numpy.dtype)
numpy_arr[0] = 99
print(from_numpy_to_tensor, tensor_to_numpy[0])
print(torch.tensor([1, 2, 3]).tolist(), torch.tensor([5.0])[0].item(), torch.tensor([[1]]).item())
example_tensor = torch.tensor([50, 11, 22, 33, 44])
print("Accessing element at index 1: ", example_tensor[1], example_tensor[1].item())
print("Accessing elements with slicing: ", example_tensor[1:4], example_tensor[-1], example_tensor[1:-1:2])
print(example_tensor.max(), example_tensor.min(), example_tensor.float().mean(), example_tensor.float().std())
print(torch.linspace(-2, 2, steps=5), torch.sin(torch.linspace(0, np.pi, 3)))
a, b = torch.tensor([1, 1]), torch.tensor([2, 2])
print(a + b, a * b, torch.dot(a, b), a * 2, a + 10, torch.add(a, b), torch.mul(a, b))
print(torch.tensor([1.0, 2.0]).dot(torch.tensor([3.0, 4.0])), (a * b).sum())

example_2D_list = [[5, 10, 15, 20], [25, 30, 35, 40], [45, 50, 55, 60]]
list_to_tensor = torch.tensor(example_2D_list)
print("Our New 2D Tensor from 2D List is: ", list_to_tensor)
print(list_to_tensor.shape, list_to_tensor.ndim, list_to_tensor.numel(), list_to_tensor.size(0), list_to_tensor.size(-1))
print(list_to_tensor[1][2], list_to_tensor[1, 2], list_to_tensor[1:, :2], list_to_tensor[0, 1:3], list_to_tensor[:, 3])
print(torch.from_numpy(np.array(example_2D_list)).dtype, torch.tensor(np.array(example_2D_list, dtype=np.float32)).dtype)
A = torch.tensor([[5, 10], [50, 60], [100, 200]])
B = torch.tensor([[10, 20], [60, 70], [200, 300]])
print(A + B, 3 * B, A * B, A - B)
C = torch.tensor([[3, 2], [1, 2]])
D = torch.tensor([[1, 2], [3, 4]])
print(torch.mm(C, D), C @ D, torch.matmul(C, D), C.mm(D).dtype)
print(torch.tensor([[1.0, 2.0], [3.0, 4.0]]).inverse(), torch.inverse(torch.tensor([[2.0, 0.0], [0.0, 4.0]])))

# derivatives
x = torch.tensor(3.0, requires_grad=True)
print("creating a tensor x: ", x)
y = 3 * x ** 2
print("Result of the equation is: ", y)
y.backward()
print("Dervative of the equation at x = 3 is: ", x.grad)
print("data attribute of the tensor:", x.data)
print("grad attribute of the tensor::", x.grad)
print("grad_fn attribute of the tensor::", x.grad_fn)
print("is_leaf attribute of the tensor::", x.is_leaf)
print("requires_grad attribute of the tensor::", x.requires_grad)
print("data attribute of y:", y.data, "grad_fn of y:", y.grad_fn.name(), "is_leaf of y:", y.is_leaf,
      "requires_grad of y:", y.requires_grad)
x = torch.tensor(3.0, requires_grad=True)
y = 6 * x ** 2 + 2 * x + 4
y.backward()
print("Derivative of the equation at x = 3 is: ", x.grad)
u = torch.tensor(3.0, requires_grad=True)
v = torch.tensor(4.0, requires_grad=True)
f = u ** 3 + v ** 2 + 4 * u * v
print(u, v, f)
f.backward()
print("Partial derivative with respect to u: ", u.grad)
print("Partial derivative with respect to v: ", v.grad)
x = torch.linspace(-20, 20, 20, requires_grad=True)
Y = x ** 2
y = torch.sum(Y)
y.backward()
print(x.grad[:4], x.grad.shape, y.grad_fn.name(), Y.grad_fn.name())
print(x.detach().numpy()[:3], Y.detach().numpy()[:3], x.grad.detach().numpy()[-2:])
try:
    x.numpy()
except RuntimeError as error:
    print(error)
try:
    Y.backward()
except RuntimeError as error:
    print(error)


# the datasets lesson: a Dataset class with __getitem__/__len__ and a transform
class SimpleDataset(torch.utils.data.Dataset):
    def __init__(self, data_length=20, transform=None):
        self.x = 3 * torch.eye(data_length, 2)
        self.y = torch.eye(data_length, 4)
        self.transform = transform
        self.data_length = data_length

    def __getitem__(self, idx):
        sample = self.x[idx], self.y[idx]
        if self.transform:
            sample = self.transform(sample)
        return sample

    def __len__(self):
        return self.data_length


class MultDivide:
    def __init__(self, mult_x=2, divide_y=3):
        self.mult_x, self.divide_y = mult_x, divide_y

    def __call__(self, sample):
        x, y = sample
        return x * self.mult_x, y / self.divide_y


dataset = SimpleDataset()
print("length of the SimpleDataset object: ", len(dataset))
print("accessing value at index 1 of the simple_dataset object: ", dataset[1])
for i in range(3):
    x, y = dataset[i]
    print(x, y)
transformed = SimpleDataset(transform=MultDivide())
print(transformed[0], transformed[1][1].dtype)

# loss functions
y_true = torch.tensor([1.0, 0.0, 1.0, 1.0])
y_pred = torch.tensor([0.9, 0.2, 0.6, 0.4], requires_grad=True)
print(nn.MSELoss()(y_pred, y_true), nn.L1Loss()(y_pred, y_true), nn.BCELoss()(y_pred, y_true))
print(F.mse_loss(y_pred, y_true, reduction="sum"), nn.BCELoss(reduction="none")(y_pred, y_true))
print(nn.BCEWithLogitsLoss()(y_pred, y_true), nn.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0]))(y_pred, y_true))
logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]], requires_grad=True)
target = torch.tensor([0, 1])
ce = nn.CrossEntropyLoss()(logits, target)
print(ce, F.nll_loss(F.log_softmax(logits, dim=1), target), nn.NLLLoss()(torch.log_softmax(logits, 1), target))
print(nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 0.5]))(logits, target), nn.KLDivLoss(reduction="batchmean")(
    F.log_softmax(logits, 1), F.softmax(torch.ones(2, 3), 1)))


def custom_mse(predicted, target):
    total_mse_loss = 0
    for i in range(len(predicted)):
        total_mse_loss += (target[i] - predicted[i]) ** 2
    return total_mse_loss / len(predicted)


loss = custom_mse(y_pred, y_true)
loss.backward()
print(loss, loss.grad_fn.name(), y_pred.grad)
ce.backward()
print(logits.grad)

# activation functions
z = torch.linspace(-3, 3, 7)
print(torch.relu(z), nn.ReLU()(z), torch.sigmoid(z), torch.tanh(z), nn.LeakyReLU(0.1)(z), F.leaky_relu(z, 0.2))
print(nn.Softmax(dim=0)(z), nn.ELU()(z), nn.SELU()(z)[:2], nn.Softplus()(z)[:3], nn.Hardtanh()(z), nn.ReLU6()(z * 3))
print(nn.LeakyReLU(), nn.Softmax(dim=1), nn.ELU(alpha=0.5), nn.PReLU(), nn.Threshold(0.1, 20))
