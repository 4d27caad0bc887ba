import tinygrad_rnn as torch
import numpy as np
Dataset = torch.utils.data.Dataset

# IBM's "Deep Neural Networks with PyTorch" (Coursera), module 1 labs: 1-D and 2-D tensors (types,
# conversions, numpy bridges, slicing, element-wise ops, dot and mm), derivatives and partial
# derivatives with backward(), a custom autograd Function, and Dataset classes with transform
# callables composed by hand (torchvision's Compose written out).

# 1-D tensors
ints_to_tensor = torch.tensor([0, 1, 2, 3, 4])
print("The dtype of tensor object after converting it to tensor: ", ints_to_tensor.dtype)
print("The type of tensor object after converting it to tensor: ", ints_to_tensor.type())
print(type(ints_to_tensor))
floats_to_tensor = torch.tensor([0.0, 1.0, 2.0, 3.0, 4.0])
print("The dtype of tensor object after converting it to tensor: ", floats_to_tensor.dtype)
print("The type of tensor object after converting it to tensor: ", floats_to_tensor.type())
list_floats = [0.0, 1.0, 2.0, 3.0, 4.0]
floats_int_tensor = torch.tensor(list_floats, dtype=torch.int64)
print("The dtype of tensor object is: ", floats_int_tensor.dtype)
print("The type of tensor object is: ", floats_int_tensor.type())
new_float_tensor = torch.FloatTensor([0, 1, 2, 3, 4])
print("The type of the new_float_tensor:", new_float_tensor.type())
old_int_tensor = torch.tensor([0, 1, 2, 3, 4])
new_float_tensor = old_int_tensor.type(torch.FloatTensor)
print("The type of the new_float_tensor:", new_float_tensor.type(), new_float_tensor)
print(old_int_tensor.type(torch.DoubleTensor).dtype, old_int_tensor.type("torch.ShortTensor"))
print(old_int_tensor.type(torch.float16), new_float_tensor.type(torch.LongTensor).type())
print("The size of the new_float_tensor: ", new_float_tensor.size())
print("The dimension of the new_float_tensor: ", new_float_tensor.ndimension())
twoD_float_tensor = new_float_tensor.view(5, 1)
print("Original Size: ", new_float_tensor)
print("Size after view method", twoD_float_tensor)
twoD_float_tensor = new_float_tensor.view(-1, 1)
print(twoD_float_tensor.shape, twoD_float_tensor.ndimension())
numpy_array = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
new_tensor = torch.from_numpy(numpy_array)
print("The dtype of new tensor: ", new_tensor.dtype)
print("The type of new tensor: ", new_tensor.type())
back_to_numpy = new_tensor.numpy()
print("The numpy array from tensor: ", back_to_numpy)
print("The dtype of numpy array: ", back_to_numpy.dtype)
numpy_array[:] = 0
print("The new tensor points to numpy_array : ", new_tensor)
print("and back to numpy array points to the tensor: ", back_to_numpy)
this_tensor = torch.tensor([0, 1, 2, 3])
print("the first item is given by", this_tensor[0].item(), "the first tensor value is given by ", this_tensor[0])
torch_to_list = this_tensor.tolist()
print("tensor:", this_tensor, "\nlist:", torch_to_list)
index_tensor = torch.tensor([0, 1, 2, 3, 4])
print("The value on index 0:", index_tensor[0])
tensor_sample = torch.tensor([20, 1, 2, 3, 4])
tensor_sample[0] = 100
tensor_sample[4] = 0
print("Modified tensor:", tensor_sample)
subset_tensor_sample = tensor_sample[1:4]
print("Original tensor sample: ", tensor_sample)
print("The subset of tensor sample:", subset_tensor_sample)
selected_indexes = [3, 4]
subset_tensor_sample = tensor_sample[selected_indexes]
print("The subset of tensor_sample with the values on index 3 and 4: ", subset_tensor_sample)
tensor_sample[selected_indexes] = 100000
print("Modified tensor with one value: ", tensor_sample)
math_tensor = torch.tensor([1.0, -1.0, 1, -1])
print("Tensor example: ", math_tensor)
print("The mean of math_tensor: ", math_tensor.mean())
print("The standard deviation of math_tensor: ", math_tensor.std())
max_min_tensor = torch.tensor([1, 1, 3, 5, 5])
print("Maximum number in the tensor: ", max_min_tensor.max())
print("Minimum number in the tensor: ", max_min_tensor.min())
pi_tensor = torch.tensor([0, np.pi / 2, np.pi])
sin = torch.sin(pi_tensor)
print("The sin result of pi_tensor: ", sin)
len_5_tensor = torch.linspace(-2, 2, steps=5)
print("First Try on linspace", len_5_tensor)
len_9_tensor = torch.linspace(-2, 2, steps=9)
print("Second Try on linspace", len_9_tensor)
pi_tensor = torch.linspace(0, 2 * np.pi, 100)
sin_result = torch.sin(pi_tensor)
print(sin_result.numpy()[::25], pi_tensor.dtype)
u = torch.tensor([1, 0])
v = torch.tensor([0, 1])
w = u + v
print("The result tensor: ", w)
w = u - v
print(w, u * v, 2 * u, u + 1)
y = torch.tensor([1, 2, 3])
print(y * torch.tensor([2, 3, 4]), y.type())
print(torch.dot(u, v), torch.dot(torch.tensor([1.0, 2.0]), torch.tensor([3.0, 4.0])))
u = torch.tensor([1, 2, 3, -1])
v = u + 1
print("Addition Result: ", v)
print(torch.tensor([1, 2]).type(torch.FloatTensor) + 0.5)

# 2-D tensors
twoD_list = [[11, 12, 13], [21, 22, 23], [31, 32, 33]]
twoD_tensor = torch.tensor(twoD_list)
print("The New 2D Tensor: ", twoD_tensor)
print("The dimension of twoD_tensor: ", twoD_tensor.ndimension())
print("The shape of twoD_tensor: ", twoD_tensor.shape)
print("The shape of twoD_tensor: ", twoD_tensor.size())
print(type(twoD_tensor.size()), twoD_tensor.size, twoD_tensor.ndimension)
print("The number of elements in twoD_tensor: ", twoD_tensor.numel())
twoD_numpy = twoD_tensor.numpy()
print("Tensor -> Numpy Array:")
print("The numpy array after converting: ", twoD_numpy)
print("Type after converting: ", twoD_numpy.dtype)
new_twoD_tensor = torch.from_numpy(twoD_numpy)
print("Numpy Array -> Tensor:")
print("The tensor after converting:", new_twoD_tensor)
print("Type after converting: ", new_twoD_tensor.dtype)
columns = {"a": [11, 21, 31], "b": [12, 22, 32]}
table = np.array(list(columns.values()), dtype=np.float64).T
print("Pandas Dataframe to numpy: ", table)
print("Type BEFORE converting to tensor: ", table.dtype)
new_tensor = torch.from_numpy(table)
print("Tensor AFTER converting: ", new_tensor)
print("Type AFTER converting to tensor: ", new_tensor.dtype)
tensor_example = torch.tensor([[11, 12, 13], [21, 22, 23], [31, 32, 33]])
print("What is the value on 2nd-row 3rd-column? ", tensor_example[1, 2])
print("What is the value on 2nd-row 3rd-column? ", tensor_example[1][2])
print("What is the value on 1st-row first two columns? ", tensor_example[0, 0:2])
print("What is the value on 1st-row first two columns? ", tensor_example[0][0:2])
sliced_tensor_example = tensor_example[1:3]
print("1. Slicing step on tensor_example: ", sliced_tensor_example)
print("2. Pick an index on sliced_tensor_example: ", sliced_tensor_example[1])
print("3. Combine these step together:", tensor_example[1:3][1])
print("1. Slicing step on tensor_example: ", tensor_example[1:3][:, 2], tensor_example[1:3, 2])
X = torch.tensor([[1, 0], [0, 1]])
Y = torch.tensor([[2, 1], [1, 2]])
X_plus_Y = X + Y
print("The result of X + Y: ", X_plus_Y)
two_Y = 2 * Y
print("The result of 2Y: ", two_Y)
X_times_Y = X * Y
print("The result of X * Y: ", X_times_Y)
A = torch.tensor([[0, 1, 1], [1, 0, 1]])
B = torch.tensor([[1, 1], [1, 1], [-1, 1]])
A_times_B = torch.mm(A, B)
print("The result of A * B: ", A_times_B)

# Derivatives
x = torch.tensor(2.0, requires_grad=True)
print("The tensor x: ", x)
y = x ** 2
print("The result of y = x^2: ", y)
y.backward()
print("The dervative at x = 2: ", x.grad)
print('data:', x.data)
print('grad_fn:', x.grad_fn)
print('grad:', x.grad)
print("is_leaf:", x.is_leaf)
print("requires_grad:", x.requires_grad)
print('data:', y.data)
print('grad_fn:', y.grad_fn)
print('grad:', y.grad)
print("is_leaf:", y.is_leaf)
print("requires_grad:", y.requires_grad)
x = torch.tensor(2.0, requires_grad=True)
y = x ** 2 + 2 * x + 1
print("The result of y = x^2 + 2x + 1: ", y)
y.backward()
print("The dervative at x = 2: ", x.grad)


class SQ(torch.autograd.Function):
    @staticmethod
    def forward(ctx, i):
        result = i ** 2
        ctx.save_for_backward(i)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        i, = ctx.saved_tensors
        grad_output = 2 * i
        return grad_output


x = torch.tensor(2.0, requires_grad=True)
sq = SQ.apply
y = sq(x)
print(y, y.grad_fn)
y.backward()
print(x.grad)
x = torch.linspace(-10, 10, 10, requires_grad=True)
Y = x ** 2
y = torch.sum(x ** 2)
y.backward()
print(x.grad, Y.detach().numpy()[:3])
x = torch.linspace(-10, 10, 1000, requires_grad=True)
Y = torch.relu(x)
y = Y.sum()
y.backward()
print(x.grad[495:505], Y.grad_fn, y.grad_fn)
u = torch.tensor(1.0, requires_grad=True)
v = torch.tensor(2.0, requires_grad=True)
f = u * v + u ** 2
print("The result of v * u + u^2: ", f)
f.backward()
print("The partial derivative with respect to u: ", u.grad)
print("The partial derivative with respect to v: ", v.grad)
x = torch.tensor(1.0, requires_grad=True)
y = x ** 3
y.backward()
x.grad.data.zero_()
y = 2 * x
y.backward()
print(x.grad, x.grad.data)


# Datasets with transforms
torch.manual_seed(1)


class toy_set(Dataset):
    def __init__(self, length=100, transform=None):
        self.len = length
        self.x = 2 * torch.ones(length, 2)
        self.y = torch.ones(length, 1)
        self.transform = transform

    def __getitem__(self, index):
        sample = self.x[index], self.y[index]
        if self.transform:
            sample = self.transform(sample)
        return sample

    def __len__(self):
        return self.len


our_dataset = toy_set()
print("Our toy_set object: ", our_dataset)
print("Value on index 0 of our toy_set object: ", our_dataset[0])
print("Our toy_set length: ", len(our_dataset))
for i in range(3):
    x, y = our_dataset[i]
    print("index: ", i, '; x:', x, '; y:', y)
for x, y in our_dataset:
    pass
print(x, y)


class add_mult(object):
    def __init__(self, addx=1, muly=2):
        self.addx = addx
        self.muly = muly

    def __call__(self, sample):
        x = sample[0]
        y = sample[1]
        x = x + self.addx
        y = y * self.muly
        sample = x, y
        return sample


class mult(object):
    def __init__(self, mult=100):
        self.mult = mult

    def __call__(self, sample):
        x = sample[0]
        y = sample[1]
        x = x * self.mult
        y = y * self.mult
        sample = x, y
        return sample


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, sample):
        for t in self.transforms:
            sample = t(sample)
        return sample


a_m = add_mult()
data_set = toy_set()
for i in range(2):
    x, y = data_set[i]
    print('Index: ', i, 'Original x: ', x, 'Original y: ', y)
    x_, y_ = a_m(data_set[i])
    print('Index: ', i, 'Transformed x_:', x_, 'Transformed y_:', y_)
cust_data_set = toy_set(transform=a_m)
print(cust_data_set[0])
data_transform = Compose([add_mult(), mult()])
x, y = data_set[0]
x_, y_ = data_transform(data_set[0])
print('Original x: ', x, 'Original y: ', y)
print('Transformed x_:', x_, 'Transformed y_:', y_)
compose_data_set = toy_set(transform=data_transform)
print(compose_data_set[1], len(compose_data_set))
loader = torch.utils.data.DataLoader(dataset=compose_data_set, batch_size=40)
for x, y in loader:
    print(x.shape, y.shape, x[0], y.sum())


class LinearData(Dataset):
    def __init__(self):
        self.x = torch.arange(-3, 3, 0.1).view(-1, 1)
        self.y = -3 * self.x + 1
        self.len = self.x.shape[0]

    def __getitem__(self, index):
        return self.x[index], self.y[index]

    def __len__(self):
        return self.len


dataset = LinearData()
print("The length of dataset: ", len(dataset))
x, y = dataset[0]
print("The first data: ", x, y)
x, y = dataset[0:3]
print("The first three data: ", x, y)
print(dataset.x.dtype, dataset.x.shape, dataset.x[-1])
