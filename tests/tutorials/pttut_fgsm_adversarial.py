import tinygrad_rnn as torch
import numpy as np

nn = torch.nn
F = torch.nn.functional

# "Adversarial Example Generation": a tiny LeNet on made-up 12x12 "digits", attacked with FGSM (12 images,
# each attacked once per epsilon; the tutorial's 10000 MNIST test images).
torch.manual_seed(0)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(8 * 4 * 4, 16)
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


# three classes: bright top, bright left, bright centre, plus noise
images, labels = [], []
for i in range(12):
    label = i % 3
    img = torch.rand(1, 12, 12) * 0.3
    if label == 0:
        img[:, :4, :] += 0.6
    elif label == 1:
        img[:, :, :4] += 0.6
    else:
        img[:, 4:8, 4:8] += 0.6
    images.append(img.clamp(0, 1))
    labels.append(label)
data_all = torch.stack(images)
target_all = torch.tensor(labels)

model = Net()
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
model.train()
for epoch in range(25):
    optimizer.zero_grad()
    loss = F.nll_loss(model(data_all), target_all)
    loss.backward()
    optimizer.step()
    if epoch % 5 == 0:
        print(epoch, round(loss.item(), 5))
model.eval()


def fgsm_attack(image, epsilon, data_grad):
    sign_data_grad = data_grad.sign()
    perturbed_image = image + epsilon * sign_data_grad
    perturbed_image = torch.clamp(perturbed_image, 0, 1)
    return perturbed_image


def denorm(batch, mean=[0.1307], std=[0.3081]):  # noqa: B006  (as the tutorial writes it)
    mean = torch.tensor(mean).view(1, -1, 1, 1)
    std = torch.tensor(std).view(1, -1, 1, 1)
    return batch * std + mean


def test(model, epsilon):
    correct = 0
    adv_examples = []
    for data, target in zip(data_all, target_all):
        data, target = data.unsqueeze(0), target.unsqueeze(0)
        data.requires_grad = True
        output = model(data)
        init_pred = output.max(1, keepdim=True)[1]
        if init_pred.item() != target.item():
            continue
        loss = F.nll_loss(output, target)
        model.zero_grad()
        loss.backward()
        data_grad = data.grad.data
        perturbed_data = fgsm_attack(data, epsilon, data_grad)
        output = model(perturbed_data)
        final_pred = output.max(1, keepdim=True)[1]
        if final_pred.item() == target.item():
            correct += 1
            if epsilon == 0 and len(adv_examples) < 2:
                adv_ex = perturbed_data.squeeze().detach().cpu().numpy()
                adv_examples.append((init_pred.item(), final_pred.item(), adv_ex))
        else:
            if len(adv_examples) < 2:
                adv_ex = perturbed_data.squeeze().detach().cpu().numpy()
                adv_examples.append((init_pred.item(), final_pred.item(), adv_ex))
    final_acc = correct / float(len(data_all))
    print(f"Epsilon: {epsilon}\tTest Accuracy = {correct} / {len(data_all)} = {final_acc}")
    return final_acc, adv_examples


accuracies, examples = [], []
for eps in [0, 0.05, 0.1, 0.2, 0.3]:
    acc, ex = test(model, eps)
    accuracies.append(acc)
    examples.append(ex)
print(accuracies)
for ex in examples:
    for orig, adv, img in ex:
        print(orig, adv, img.shape, img.dtype, np.round(img.sum(), 3), np.round(img[5, :4], 4))

x = data_all[:1].clone().requires_grad_(True)
out = model(denorm(x))
print(out, out.grad_fn)
F.nll_loss(out, target_all[:1]).backward()
print(x.grad.sign()[0, 0, :3, :6], x.grad.abs().max())
