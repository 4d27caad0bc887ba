import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
# Aladdin Persson's image_segmentation/semantic_segmentation_unet (DoubleConv, ConvTranspose2d up-steps,
# skip connections joined with torch.cat, a resize when shapes differ, pixel accuracy and dice score)
# and more_advanced/image_captioning (CNN features prepended to embedded captions for an LSTM, greedy
# caption_image); torchvision's resize is F.interpolate here and the CNN a small one.
torch.manual_seed(0)


class DoubleConv(nn.Module):
    def __init__(self, in_channels, out_channels):
        super(DoubleConv, self).__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 3, 1, 1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
            nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False),
            nn.BatchNorm2d(out_channels),
            nn.ReLU(inplace=True),
        )

    def forward(self, x):
        return self.conv(x)


class UNET(nn.Module):
    def __init__(self, in_channels=3, out_channels=1, features=[4, 8]):
        super(UNET, self).__init__()
        self.ups = nn.ModuleList()
        self.downs = nn.ModuleList()
        self.pool = nn.MaxPool2d(kernel_size=2, stride=2)
        for feature in features:
            self.downs.append(DoubleConv(in_channels, feature))
            in_channels = feature
        for feature in reversed(features):
            self.ups.append(nn.ConvTranspose2d(feature * 2, feature, kernel_size=2, stride=2))
            self.ups.append(DoubleConv(feature * 2, feature))
        self.bottleneck = DoubleConv(features[-1], features[-1] * 2)
        self.final_conv = nn.Conv2d(features[0], out_channels, kernel_size=1)

    def forward(self, x):
        skip_connections = []
        for down in self.downs:
            x = down(x)
            skip_connections.append(x)
            x = self.pool(x)
        x = self.bottleneck(x)
        skip_connections = skip_connections[::-1]
        for idx in range(0, len(self.ups), 2):
            x = self.ups[idx](x)
            skip_connection = skip_connections[idx // 2]
            if x.shape != skip_connection.shape:
                x = F.interpolate(x, size=skip_connection.shape[2:])
            concat_skip = torch.cat((skip_connection, x), dim=1)
            x = self.ups[idx + 1](concat_skip)
        return self.final_conv(x)


x = torch.randn((2, 1, 13, 13))
model = UNET(in_channels=1, out_channels=1)
preds = model(x)
print(preds.shape, x.shape, preds.shape == x.shape)
images = torch.rand(4, 3, 12, 12)
masks = (images.mean(1, keepdim=True) > 0.5).float()
model = UNET(in_channels=3, out_channels=1)
loss_fn = nn.BCEWithLogitsLoss()
optimizer = optim.Adam(model.parameters(), lr=1e-2)
for epoch in range(3):
    predictions = model(images)
    loss = loss_fn(predictions, masks)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    print(epoch, f"{loss.item():.4f}")


def check_accuracy(x, y, model):
    num_correct = 0
    num_pixels = 0
    dice_score = 0
    model.eval()
    with torch.no_grad():
        preds = torch.sigmoid(model(x))
        preds = (preds > 0.5).float()
        num_correct += (preds == y).sum()
        num_pixels += torch.numel(preds)
        dice_score += (2 * (preds * y).sum()) / ((preds + y).sum() + 1e-8)
    print(f"Got {num_correct}/{num_pixels} with acc {num_correct/num_pixels*100:.2f}")
    print(f"Dice score: {dice_score}", type(dice_score).__name__, type(num_correct).__name__)
    model.train()


check_accuracy(images, masks, model)
checkpoint = {"state_dict": model.state_dict(), "optimizer": optimizer.state_dict()}
model2 = UNET(in_channels=3, out_channels=1)
model2.load_state_dict(checkpoint["state_dict"])
print(torch.equal(model2.final_conv.weight, model.final_conv.weight), model2.ups[0])


class EncoderCNN(nn.Module):
    def __init__(self, embed_size, train_CNN=False):
        super(EncoderCNN, self).__init__()
        self.train_CNN = train_CNN
        self.cnn = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.fc = nn.Linear(8, embed_size)
        self.relu = nn.ReLU()
        self.dropout = nn.Dropout(0.5)
        for name, param in self.cnn.named_parameters():
            param.requires_grad = train_CNN

    def forward(self, images):
        features = self.fc(self.cnn(images))
        return self.dropout(self.relu(features))


class DecoderRNN(nn.Module):
    def __init__(self, embed_size, hidden_size, vocab_size, num_layers):
        super(DecoderRNN, self).__init__()
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = nn.LSTM(embed_size, hidden_size, num_layers)
        self.linear = nn.Linear(hidden_size, vocab_size)
        self.dropout = nn.Dropout(0.5)

    def forward(self, features, captions):
        embeddings = self.dropout(self.embed(captions))
        embeddings = torch.cat((features.unsqueeze(0), embeddings), dim=0)
        hiddens, _ = self.lstm(embeddings)
        outputs = self.linear(hiddens)
        return outputs


class CNNtoRNN(nn.Module):
    def __init__(self, embed_size, hidden_size, vocab_size, num_layers):
        super(CNNtoRNN, self).__init__()
        self.encoderCNN = EncoderCNN(embed_size)
        self.decoderRNN = DecoderRNN(embed_size, hidden_size, vocab_size, num_layers)

    def forward(self, images, captions):
        features = self.encoderCNN(images)
        outputs = self.decoderRNN(features, captions)
        return outputs

    def caption_image(self, image, vocabulary, max_length=8):
        result_caption = []
        with torch.no_grad():
            x = self.encoderCNN(image).unsqueeze(0)
            states = None
            for _ in range(max_length):
                hiddens, states = self.decoderRNN.lstm(x, states)
                output = self.decoderRNN.linear(hiddens.squeeze(0))
                predicted = output.argmax(1)
                result_caption.append(predicted.item())
                x = self.decoderRNN.embed(predicted).unsqueeze(0)
                if vocabulary.itos[predicted.item()] == "<EOS>":
                    break
        return [vocabulary.itos[idx] for idx in result_caption]


class Vocabulary:
    def __init__(self, words):
        self.itos = {0: "<PAD>", 1: "<SOS>", 2: "<EOS>", 3: "<UNK>"}
        self.itos.update({i + 4: w for i, w in enumerate(words)})
        self.stoi = {w: i for i, w in self.itos.items()}

    def __len__(self):
        return len(self.itos)

    def numericalize(self, text):
        return [self.stoi.get(token, self.stoi["<UNK>"]) for token in text.lower().split()]


vocab = Vocabulary(["a", "dog", "cat", "runs", "sits", "red", "blue"])
captions_text = ["a dog runs", "a cat sits", "a red cat runs", "a blue dog sits"]
captions = [torch.tensor([1] + vocab.numericalize(c) + [2]) for c in captions_text]
captions = nn.utils.rnn.pad_sequence(captions, batch_first=False, padding_value=vocab.stoi["<PAD>"])
imgs = torch.rand(4, 3, 8, 8)
print(captions.shape, captions[:, 2], len(vocab), vocab.numericalize("A green dog"))
model = CNNtoRNN(embed_size=16, hidden_size=16, vocab_size=len(vocab), num_layers=1)
criterion = nn.CrossEntropyLoss(ignore_index=vocab.stoi["<PAD>"])
optimizer = optim.Adam(model.parameters(), lr=3e-2)
print(sum(p.requires_grad for p in model.parameters()), len(list(model.parameters())))
model.train()
for step in range(8):
    outputs = model(imgs, captions[:-1])
    loss = criterion(outputs.reshape(-1, outputs.shape[2]), captions.reshape(-1))
    optimizer.zero_grad()
    loss.backward(loss)
    optimizer.step()
    if step % 3 == 0:
        print(step, outputs.shape, f"{loss.item():.4f}")
model.eval()
print(model.caption_image(imgs[0].unsqueeze(0), vocab))
print(model.encoderCNN.cnn[0].weight.grad, model.encoderCNN.fc.weight.grad.shape)
