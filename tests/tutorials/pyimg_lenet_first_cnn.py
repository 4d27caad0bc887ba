import tinygrad_rnn as torch
import io
from collections import OrderedDict
import numpy as np
nn = torch.nn

# In the manner of PyImageSearch's "Training your first neural network / first CNN with PyTorch": an MLP
# built from an OrderedDict on blob data, then LeNet on tiny synthetic images (a horizontal, vertical or
# diagonal bar), random_split with a seeded generator, a history dict H, per-class precision/recall by hand, a
# checkpoint dict saved and loaded.
np.random.seed(42)
torch.manual_seed(42)


def next_batch(inputs, targets, batchSize):
    for i in range(0, inputs.shape[0], batchSize):
        yield (inputs[i:i + batchSize], targets[i:i + batchSize])


def get_training_model(inFeatures=4, hiddenDim=8, nbClasses=3):
    mlpModel = nn.Sequential(OrderedDict([
        ("hidden_layer_1", nn.Linear(inFeatures, hiddenDim)),
        ("activation_1", nn.ReLU()),
        ("output_layer", nn.Linear(hiddenDim, nbClasses)),
    ]))
    return mlpModel


centers = np.array([[0, 0, 0, 0], [3, 3, 0, 0], [0, 3, 3, 3]], dtype=np.float64)
y_np = np.random.randint(0, 3, 120)
X_np = centers[y_np] + np.random.randn(120, 4)
trainX, testX = torch.from_numpy(X_np[:90]).float(), torch.from_numpy(X_np[90:]).float()
trainY, testY = torch.from_numpy(y_np[:90]).float(), torch.from_numpy(y_np[90:]).float()
mlp = get_training_model()
print(mlp)
print(mlp.hidden_layer_1, mlp[0] is mlp.hidden_layer_1)
opt = torch.optim.SGD(mlp.parameters(), lr=1e-2)
lossFunc = nn.CrossEntropyLoss()
trainTemplate = "epoch: {} test loss: {:.3f} test accuracy: {:.3f}"
for epoch in range(0, 10):
    trainLoss, trainAcc, samples = 0, 0, 0
    mlp.train()
    for (batchX, batchY) in next_batch(trainX, trainY, 16):
        predictions = mlp(batchX)
        loss = lossFunc(predictions, batchY.long())
        opt.zero_grad()
        loss.backward()
        opt.step()
        trainLoss += loss.item() * batchY.size(0)
        trainAcc += (predictions.max(1)[1] == batchY).sum().item()
        samples += batchY.size(0)
    if epoch % 3 == 0:
        print("epoch: {} train loss: {:.3f} train accuracy: {:.3f}".format(epoch + 1, trainLoss / samples,
                                                                            trainAcc / samples))
        testLoss, testAcc, samples = 0, 0, 0
        mlp.eval()
        with torch.no_grad():
            for (batchX, batchY) in next_batch(testX, testY, 16):
                predictions = mlp(batchX)
                loss = lossFunc(predictions, batchY.long())
                testLoss += loss.item() * batchY.size(0)
                testAcc += (predictions.max(1)[1] == batchY).sum().item()
                samples += batchY.size(0)
        print(trainTemplate.format(epoch + 1, testLoss / samples, testAcc / samples))


class LeNet(nn.Module):
    def __init__(self, numChannels, classes):
        super(LeNet, self).__init__()
        self.conv1 = nn.Conv2d(in_channels=numChannels, out_channels=6, kernel_size=(3, 3))
        self.relu1 = nn.ReLU()
        self.maxpool1 = nn.MaxPool2d(kernel_size=(2, 2), stride=(2, 2))
        self.conv2 = nn.Conv2d(in_channels=6, out_channels=8, kernel_size=(3, 3))
        self.relu2 = nn.ReLU()
        self.maxpool2 = nn.MaxPool2d(kernel_size=(2, 2), stride=(2, 2))
        self.fc1 = nn.Linear(in_features=8 * 2 * 2, out_features=16)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(in_features=16, out_features=classes)
        self.logSoftmax = nn.LogSoftmax(dim=1)

    def forward(self, x):
        x = self.maxpool1(self.relu1(self.conv1(x)))
        x = self.maxpool2(self.relu2(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = self.relu3(self.fc1(x))
        x = self.fc2(x)
        output = self.logSoftmax(x)
        return output


def bar_image(kind):
    img = np.random.rand(1, 14, 14) * 0.3
    k = np.random.randint(3, 11)
    if kind == 0:
        img[0, k, 2:12] = 1.0
    elif kind == 1:
        img[0, 2:12, k] = 1.0
    else:
        img[0, np.arange(2, 12), np.arange(2, 12)] = 1.0
    return img


kinds = np.random.randint(0, 3, 150)
images = torch.tensor(np.stack([bar_image(k) for k in kinds]), dtype=torch.float32)
targets = torch.tensor(kinds)
dataset = torch.utils.data.TensorDataset(images, targets)
classes = ["horizontal", "vertical", "diagonal"]
numTrainSamples = int(len(dataset) * 0.7)
numValSamples = int(len(dataset) * 0.15)
numTestSamples = len(dataset) - numTrainSamples - numValSamples
(trainData, valData, testData) = torch.utils.data.random_split(
    dataset, [numTrainSamples, numValSamples, numTestSamples], generator=torch.Generator().manual_seed(42))
print(len(trainData), len(valData), len(testData), trainData.indices[:5])
BATCH_SIZE = 16
trainDataLoader = torch.utils.data.DataLoader(trainData, shuffle=True, batch_size=BATCH_SIZE)
valDataLoader = torch.utils.data.DataLoader(valData, batch_size=BATCH_SIZE)
testDataLoader = torch.utils.data.DataLoader(testData, batch_size=BATCH_SIZE)
trainSteps = len(trainDataLoader.dataset) // BATCH_SIZE
valSteps = len(valDataLoader.dataset) // BATCH_SIZE
print(trainSteps, valSteps)

print("[INFO] initializing the LeNet model...")
model = LeNet(numChannels=1, classes=len(classes))
print(model)
opt = torch.optim.Adam(model.parameters(), lr=1e-2)
lossFn = nn.NLLLoss()
H = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
print("[INFO] training the network...")
for e in range(0, 5):
    model.train()
    totalTrainLoss, totalValLoss = 0, 0
    trainCorrect, valCorrect = 0, 0
    for (x, y) in trainDataLoader:
        pred = model(x)
        loss = lossFn(pred, y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        totalTrainLoss += loss
        trainCorrect += (pred.argmax(1) == y).type(torch.float).sum().item()
    with torch.no_grad():
        model.eval()
        for (x, y) in valDataLoader:
            pred = model(x)
            totalValLoss += lossFn(pred, y)
            valCorrect += (pred.argmax(1) == y).type(torch.float).sum().item()
    avgTrainLoss = totalTrainLoss / trainSteps
    avgValLoss = totalValLoss / valSteps
    trainCorrect = trainCorrect / len(trainDataLoader.dataset)
    valCorrect = valCorrect / len(valDataLoader.dataset)
    H["train_loss"].append(avgTrainLoss.cpu().detach().numpy())
    H["train_acc"].append(trainCorrect)
    H["val_loss"].append(avgValLoss.cpu().detach().numpy())
    H["val_acc"].append(valCorrect)
    print("[INFO] EPOCH: {}/{}".format(e + 1, 5))
    print("Train loss: {:.6f}, Train accuracy: {:.4f}".format(avgTrainLoss, trainCorrect))
    print("Val loss: {:.6f}, Val accuracy: {:.4f}\n".format(avgValLoss, valCorrect))
print(H["train_loss"][-1], type(H["train_loss"][-1]).__name__, H["train_loss"][-1].dtype)

print("[INFO] evaluating network...")
with torch.no_grad():
    model.eval()
    preds = []
    for (x, y) in testDataLoader:
        pred = model(x)
        preds.extend(pred.argmax(axis=1).cpu().numpy())
testTargets = np.array([testData[i][1].item() for i in range(len(testData))])
preds = np.array(preds)
print("{:>12s} {:>9s} {:>9s} {:>9s}".format("", "precision", "recall", "support"))
for c, name in enumerate(classes):
    tp = np.sum((preds == c) & (testTargets == c))
    precision = tp / max(np.sum(preds == c), 1)
    recall = tp / max(np.sum(testTargets == c), 1)
    print("{:>12s} {:>9.2f} {:>9.2f} {:>9d}".format(name, precision, recall, np.sum(testTargets == c)))

buffer = io.BytesIO()
torch.save({"model_state": model.state_dict(), "classes": classes, "H": H["val_acc"]}, buffer)
buffer.seek(0)
checkpoint = torch.load(buffer)
restored = LeNet(numChannels=1, classes=len(checkpoint["classes"]))
print(restored.load_state_dict(checkpoint["model_state"]), checkpoint["H"][-1])
restored.eval()
print(type(restored).__name__, restored.fc2)
sample = testData[0][0].unsqueeze(0)
print(torch.exp(restored(sample)).detach().round(decimals=3), classes[restored(sample).argmax().item()])
