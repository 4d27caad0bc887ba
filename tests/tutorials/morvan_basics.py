import tinygrad_rnn as torch
import numpy as np
Variable = torch.autograd.Variable
F = torch.nn.functional
# MorvanZhou's PyTorch-Tutorial, tutorial-contents 201-203: torch and numpy side by side, Variable,
# and the activation functions evaluated on a linspace.
np_data = np.arange(6).reshape((2, 3))
torch_data = torch.from_numpy(np_data)
tensor2array = torch_data.numpy()
print("\nnumpy array:", np_data, "\ntorch tensor:", torch_data, "\ntensor to array:", tensor2array)
data = [-1, -2, 1, 2]
tensor = torch.FloatTensor(data)
print("\nabs", "\nnumpy: ", np.abs(data), "\ntorch: ", torch.abs(tensor))
print("\nsin", "\nnumpy: ", np.sin(data), "\ntorch: ", torch.sin(tensor))
print("\nmean", "\nnumpy: ", np.mean(data), "\ntorch: ", torch.mean(tensor))
data = [[1, 2], [3, 4]]
tensor = torch.FloatTensor(data)
print("\nmatrix multiplication (matmul)", "\nnumpy: ", np.matmul(data, data), "\ntorch: ", torch.mm(tensor, tensor))
data = np.array(data)
print("\nmatrix multiplication (dot)", "\nnumpy: ", data.dot(data))
try:
    print(tensor.dot(tensor))
except RuntimeError as e:
    print("RuntimeError:", e)
print(torch.dot(torch.FloatTensor([1, 2]), torch.FloatTensor([3, 4])))
print(torch.tensor(data).dtype, torch.from_numpy(data).dtype, torch.IntTensor(data), torch.LongTensor([1, 2]).dtype)
print(torch.FloatTensor(2, 3).shape, torch.FloatTensor(torch.Size([2])).shape, torch.FloatTensor().shape)
print(torch.from_numpy(np.float32([1.5, 2])), torch.from_numpy(np.array([True, False])))
print(torch.from_numpy(np.arange(4, dtype=np.uint8)), torch.from_numpy(np.ones(2, dtype=np.int16)).dtype)
# 202 variable
tensor = torch.FloatTensor([[1, 2], [3, 4]])
variable = Variable(tensor, requires_grad=True)
print(tensor)
print(variable)
t_out = torch.mean(tensor * tensor)
v_out = torch.mean(variable * variable)
print(t_out)
print(v_out)
v_out.backward()
print(variable.grad)
print(variable)
print(variable.data)
print(variable.data.numpy())
print(type(variable).__name__, isinstance(variable, torch.Tensor), Variable(tensor).requires_grad, v_out.grad_fn)
v = Variable(torch.ones(2))
print(v, v.is_leaf, v_out.is_leaf, v_out.requires_grad)
# 203 activation
x = torch.linspace(-5, 5, 200)
x = Variable(x)
x_np = x.data.numpy()
y_relu = torch.relu(x).data.numpy()
y_sigmoid = torch.sigmoid(x).data.numpy()
y_tanh = torch.tanh(x).data.numpy()
y_softplus = F.softplus(x).data.numpy()
print(x_np[:4], x_np.dtype, x_np.shape)
for name, y in (("relu", y_relu), ("sigmoid", y_sigmoid), ("tanh", y_tanh), ("softplus", y_softplus)):
    print(name, y[::40].round(5).tolist(), y.dtype, round(float(y.sum()), 3))
print(F.relu(x)[98:102], F.sigmoid(x)[:2], F.tanh(x)[-2:], F.softmax(x[:4], dim=0))
print(F.softplus(x[:3], beta=2, threshold=1), F.leaky_relu(x[:3]), F.elu(x[:3]), F.relu6(x[-3:] + 2))
# 502 GPU, on a machine without one: every .cuda() call of the lesson refuses
x = torch.ones(2)
try:
    x.cuda()
except AssertionError as e:
    print("AssertionError:", e)
try:
    torch.cuda.FloatTensor([1.0])
except TypeError as e:
    print("TypeError:", e)
try:
    x.type(torch.cuda.FloatTensor)
except RuntimeError as e:
    print("RuntimeError:", str(e)[:44])
print(torch.cuda.FloatTensor.__name__, isinstance(x, torch.FloatTensor), x.type(), torch.typename(x))
print(torch.Tensor(torch.LongTensor([1, 2])), torch.ShortTensor([1, -2]), torch.CharTensor(2).dtype)
try:
    torch.ByteTensor([1, 256])
except RuntimeError as e:
    print("RuntimeError:", e)
