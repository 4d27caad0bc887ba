import tinygrad_rnn as torch
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
data = torch.utils.data

# UvA Deep Learning course, tutorials 15 (Vision Transformers) and 17 (SimCLR), shrunk: img_to_patch with
# reshape/permute/flatten, the pre-LayerNorm AttentionBlock over nn.MultiheadAttention (sequence first),
# the VisionTransformer with a cls token and positional embedding; then SimCLR's contrastive views made
# by hand, its InfoNCE loss (cosine_similarity on a broadcast pair, masked_fill_ with -9e15, roll,
# logsumexp) with top-1/top-5 ranks, and a logistic regression on the frozen features.
torch.manual_seed(42)


def img_to_patch(x, patch_size, flatten_channels=True):
    B, C, H, W = x.shape
    x = x.reshape(B, C, H // patch_size, patch_size, W // patch_size, patch_size)
    x = x.permute(0, 2, 4, 1, 3, 5)  # [B, H', W', C, p_H, p_W]
    x = x.flatten(1, 2)  # [B, H'*W', C, p_H, p_W]
    if flatten_channels:
        x = x.flatten(2, 4)  # [B, H'*W', C*p_H*p_W]
    return x


imgs = torch.rand(4, 3, 8, 8)
img_patches = img_to_patch(imgs, patch_size=4, flatten_channels=False)
print(img_patches.shape, img_to_patch(imgs, 4).shape, img_to_patch(imgs, 4).is_contiguous())
print(torch.equal(img_patches[0, 1], imgs[0, :, :4, 4:]))


class AttentionBlock(nn.Module):
    def __init__(self, embed_dim, hidden_dim, num_heads, dropout=0.0):
        super().__init__()
        self.layer_norm_1 = nn.LayerNorm(embed_dim)
        self.attn = nn.MultiheadAttention(embed_dim, num_heads)
        self.layer_norm_2 = nn.LayerNorm(embed_dim)
        self.linear = nn.Sequential(
            nn.Linear(embed_dim, hidden_dim), nn.GELU(), nn.Dropout(dropout),
            nn.Linear(hidden_dim, embed_dim), nn.Dropout(dropout))

    def forward(self, x):
        inp_x = self.layer_norm_1(x)
        x = x + self.attn(inp_x, inp_x, inp_x)[0]
        x = x + self.linear(self.layer_norm_2(x))
        return x


class VisionTransformer(nn.Module):
    def __init__(self, embed_dim, hidden_dim, num_channels, num_heads, num_layers, num_classes, patch_size,
                 num_patches, dropout=0.0):
        super().__init__()
        self.patch_size = patch_size
        self.input_layer = nn.Linear(num_channels * (patch_size ** 2), embed_dim)
        self.transformer = nn.Sequential(
            *(AttentionBlock(embed_dim, hidden_dim, num_heads, dropout=dropout) for _ in range(num_layers)))
        self.mlp_head = nn.Sequential(nn.LayerNorm(embed_dim), nn.Linear(embed_dim, num_classes))
        self.dropout = nn.Dropout(dropout)
        self.cls_token = nn.Parameter(torch.randn(1, 1, embed_dim))
        self.pos_embedding = nn.Parameter(torch.randn(1, 1 + num_patches, embed_dim))

    def forward(self, x):
        x = img_to_patch(x, self.patch_size)
        B, T, _ = x.shape
        x = self.input_layer(x)
        cls_token = self.cls_token.repeat(B, 1, 1)
        x = torch.cat([cls_token, x], dim=1)
        x = x + self.pos_embedding[:, : T + 1]
        x = self.dropout(x)
        x = x.transpose(0, 1)
        x = self.transformer(x)
        cls = x[0]
        out = self.mlp_head(cls)
        return out


torch.manual_seed(42)
vit = VisionTransformer(embed_dim=16, hidden_dim=32, num_channels=3, num_heads=2, num_layers=2, num_classes=4,
                        patch_size=4, num_patches=4, dropout=0.1)
print(vit.transformer[0].attn, vit.transformer[0].attn.in_proj_weight.shape, vit.transformer[0].attn.batch_first)
print([n for n, _ in vit.named_parameters()][:6])
labels = torch.arange(4)
optimizer = optim.AdamW(vit.parameters(), lr=3e-3)
lr_scheduler = optim.lr_scheduler.MultiStepLR(optimizer, milestones=[2, 4], gamma=0.1)
for step in range(5):
    vit.train()
    preds = vit(imgs)
    loss = F.cross_entropy(preds, labels)
    acc = (preds.argmax(dim=-1) == labels).float().mean()
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    lr_scheduler.step()
    print(f"step {step}: loss {loss.item():.4f} acc {acc.item():.2f} lr {lr_scheduler.get_last_lr()[0]:.1e}")
print(vit.cls_token.grad[0, 0, :4], vit.pos_embedding.grad.shape)
vit.eval()
with torch.no_grad():
    out = vit(imgs)
    attn_out, attn_weights = vit.transformer[0].attn(*(vit.transformer[0].layer_norm_1(
        vit.input_layer(img_to_patch(imgs, 4)).transpose(0, 1)),) * 3)
print(out, attn_out.shape, attn_weights.shape, attn_weights.sum(dim=-1))

# ---- tutorial 17: SimCLR
g = torch.Generator().manual_seed(3)
base_images = torch.rand(8, 3, 8, 8, generator=g)


def contrast_transforms(img):
    if torch.rand(1) < 0.5:
        img = torch.flip(img, dims=[-1])  # RandomHorizontalFlip
    top, left = torch.randint(0, 3, (2,)).tolist()
    crop = img[:, top:top + 6, left:left + 6]  # RandomResizedCrop, back to 8x8
    img = F.interpolate(crop[None], size=(8, 8), mode="bilinear", align_corners=False)[0]
    brightness = 1 + (torch.rand(1) - 0.5) * 0.5  # a ColorJitter's brightness
    img = (img * brightness).clamp(0, 1)
    if torch.rand(1) < 0.2:  # RandomGrayscale
        img = (0.299 * img[0] + 0.587 * img[1] + 0.114 * img[2]).expand(3, -1, -1)
    return (img - 0.5) / 0.5


class ContrastiveTransformations:
    def __init__(self, base_transforms, n_views=2):
        self.base_transforms = base_transforms
        self.n_views = n_views

    def __call__(self, x):
        return [self.base_transforms(x) for i in range(self.n_views)]


class UnlabeledImages(data.Dataset):
    def __init__(self, images, transform):
        self.images, self.transform = images, transform

    def __len__(self):
        return len(self.images)

    def __getitem__(self, idx):
        return self.transform(self.images[idx]), -1


torch.manual_seed(42)
unlabeled_data = UnlabeledImages(base_images, ContrastiveTransformations(contrast_transforms, n_views=2))
views, label = unlabeled_data[0]
print(len(views), views[0].shape, label, views[0].mean(), views[1].mean())
loader = data.DataLoader(unlabeled_data, batch_size=4, shuffle=True, drop_last=True)
batch_views, batch_labels = next(iter(loader))
print(type(batch_views).__name__, len(batch_views), batch_views[0].shape, batch_labels)


class ResNetWithFc(nn.Module):
    """The convnet with the projection head under .fc, as torchvision's resnet18 keeps it."""

    def __init__(self, body, fc):
        super().__init__()
        self.body, self.fc = body, fc

    def forward(self, x):
        return self.fc(self.body(x))


class SimCLR(nn.Module):
    def __init__(self, hidden_dim, lr, temperature, weight_decay, max_epochs=500):
        super().__init__()
        self.hparams = dict(hidden_dim=hidden_dim, lr=lr, temperature=temperature, weight_decay=weight_decay,
                            max_epochs=max_epochs)
        assert self.hparams["temperature"] > 0.0, "The temperature must be a positive float!"
        body = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1, bias=False), nn.BatchNorm2d(8), nn.ReLU(inplace=True),
                             nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.convnet = ResNetWithFc(body, nn.Linear(8, 4 * hidden_dim))
        self.convnet.fc = nn.Sequential(self.convnet.fc, nn.ReLU(inplace=True),
                                        nn.Linear(4 * hidden_dim, hidden_dim))

    def configure_optimizers(self):
        optimizer = optim.AdamW(self.parameters(), lr=self.hparams["lr"], weight_decay=self.hparams["weight_decay"])
        lr_scheduler = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=self.hparams["max_epochs"],
                                                            eta_min=self.hparams["lr"] / 50)
        return optimizer, lr_scheduler

    def info_nce_loss(self, batch, mode="train"):
        imgs, _ = batch
        imgs = torch.cat(imgs, dim=0)
        feats = self.convnet(imgs)
        cos_sim = F.cosine_similarity(feats[:, None, :], feats[None, :, :], dim=-1)
        self_mask = torch.eye(cos_sim.shape[0], dtype=torch.bool, device=cos_sim.device)
        cos_sim.masked_fill_(self_mask, -9e15)
        pos_mask = self_mask.roll(shifts=cos_sim.shape[0] // 2, dims=0)
        cos_sim = cos_sim / self.hparams["temperature"]
        nll = -cos_sim[pos_mask] + torch.logsumexp(cos_sim, dim=-1)
        nll = nll.mean()
        comb_sim = torch.cat([cos_sim[pos_mask][:, None], cos_sim.masked_fill(pos_mask, -9e15)], dim=-1)
        sim_argsort = comb_sim.argsort(dim=-1, descending=True).argmin(dim=-1)
        metrics = {mode + "_loss": nll, mode + "_acc_top1": (sim_argsort == 0).float().mean(),
                   mode + "_acc_top5": (sim_argsort < 5).float().mean(),
                   mode + "_acc_mean_pos": 1 + sim_argsort.float().mean()}
        return nll, metrics


torch.manual_seed(42)
simclr = SimCLR(hidden_dim=16, lr=5e-3, temperature=0.07, weight_decay=1e-4, max_epochs=4)
print(simclr.convnet.fc)
loss, metrics = simclr.info_nce_loss((batch_views, batch_labels))
print(loss, loss.grad_fn.name(), {k: round(v.item(), 4) for k, v in metrics.items()})
feats = simclr.convnet(torch.cat(batch_views, dim=0))
pair_sim = F.cosine_similarity(feats[:, None, :], feats[None, :, :], dim=-1)
print(pair_sim.shape, pair_sim.diagonal(), pair_sim.grad_fn.name())
self_mask = torch.eye(pair_sim.shape[0], dtype=torch.bool)
print(self_mask.roll(shifts=pair_sim.shape[0] // 2, dims=0).nonzero()[:, 1])
masked = pair_sim.clone().masked_fill_(self_mask, -9e15)
print(masked[0], torch.logsumexp(masked / 0.07, dim=-1), masked.grad_fn.name())
optimizer, lr_scheduler = simclr.configure_optimizers()
for epoch in range(4):
    simclr.train()
    for batch in loader:
        loss, metrics = simclr.info_nce_loss(batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    lr_scheduler.step()
    print(f"epoch {epoch}: " + ", ".join(f"{k} {v.item():.4f}" for k, v in metrics.items()),
          f"lr {lr_scheduler.get_last_lr()[0]:.6f}")
print(simclr.convnet.body[0].weight.grad[0, 0], simclr.convnet.body[1].running_var)


@torch.no_grad()
def prepare_data_features(model, dataset):
    network = __import__("copy").deepcopy(model.convnet)
    network.fc = nn.Identity()
    network.eval()
    data_loader = data.DataLoader(dataset, batch_size=4, shuffle=False, drop_last=False)
    feats, labels = [], []
    for batch_imgs, batch_labels in data_loader:
        batch_feats = network(batch_imgs)
        feats.append(batch_feats.detach().cpu())
        labels.append(batch_labels)
    feats = torch.cat(feats, dim=0)
    labels = torch.cat(labels, dim=0)
    labels, idxs = labels.sort()
    feats = feats[idxs]
    return data.TensorDataset(feats, labels)


labelled = data.TensorDataset((base_images - 0.5) / 0.5, torch.tensor([3, 1, 0, 2, 1, 0, 3, 2]))
train_feats_simclr = prepare_data_features(simclr, labelled)
print(train_feats_simclr.tensors[0].shape, train_feats_simclr.tensors[1], train_feats_simclr.tensors[0].requires_grad)


class LogisticRegression(nn.Module):
    def __init__(self, feature_dim, num_classes, lr, weight_decay, max_epochs=100):
        super().__init__()
        self.model = nn.Linear(feature_dim, num_classes)
        self.optimizer = optim.AdamW(self.parameters(), lr=lr, weight_decay=weight_decay)
        self.lr_scheduler = optim.lr_scheduler.MultiStepLR(
            self.optimizer, milestones=[int(max_epochs * 0.6), int(max_epochs * 0.8)], gamma=0.1)

    def _calculate_loss(self, batch):
        feats, labels = batch
        preds = self.model(feats)
        loss = F.cross_entropy(preds, labels)
        acc = (preds.argmax(dim=-1) == labels).float().mean()
        return loss, acc


torch.manual_seed(42)
logreg = LogisticRegression(feature_dim=8, num_classes=4, lr=1e-2, weight_decay=1e-3, max_epochs=10)
for epoch in range(10):
    for batch in data.DataLoader(train_feats_simclr, batch_size=4, shuffle=True):
        loss, acc = logreg._calculate_loss(batch)
        logreg.optimizer.zero_grad()
        loss.backward()
        logreg.optimizer.step()
    logreg.lr_scheduler.step()
print(f"logreg loss {loss.item():.4f} acc {acc.item():.2f} lr {logreg.lr_scheduler.get_last_lr()}")
print(np.array([1, 2]).dtype == np.int64, logreg.model.weight.grad.norm())
