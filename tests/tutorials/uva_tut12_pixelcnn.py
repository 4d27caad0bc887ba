import tinygrad_rnn as torch
import math
import numpy as np
nn = torch.nn
F = torch.nn.functional
optim = torch.optim
data = torch.utils.data

# UvA Deep Learning course, tutorial 12 (autoregressive image modelling), shrunk to 6x6 images with 4
# grey levels: MaskedConvolution with a registered mask buffer (and dilation), the vertical and
# horizontal stack convolutions, GatedMaskedConv with chunk/tanh/sigmoid, PixelCNN with its
# cross-entropy over a 5-d prediction and bits-per-dimension, the receptive field read from an input
# gradient, and pixel-by-pixel sampling with torch.multinomial under @torch.no_grad().
torch.manual_seed(42)
num_levels = 4


def discretize(sample):
    return (sample * (num_levels - 1)).round().long()


g = torch.Generator().manual_seed(0)
raw = torch.rand(24, 1, 6, 6, generator=g)
raw[:, :, :, :3] *= 0.3  # the left half darker: something to learn
train_imgs = discretize(raw)
print(train_imgs[0, 0], train_imgs.dtype, torch.bincount(train_imgs.flatten()))
train_loader = data.DataLoader(data.TensorDataset(train_imgs, torch.zeros(24, dtype=torch.long)), batch_size=8,
                               shuffle=True, drop_last=True)


class MaskedConvolution(nn.Module):
    def __init__(self, c_in, c_out, mask, **kwargs):
        super().__init__()
        kernel_size = (mask.shape[0], mask.shape[1])
        dilation = 1 if "dilation" not in kwargs else kwargs["dilation"]
        padding = tuple(dilation * (kernel_size[i] - 1) // 2 for i in range(2))
        self.conv = nn.Conv2d(c_in, c_out, kernel_size, padding=padding, **kwargs)
        self.register_buffer("mask", mask[None, None])

    def forward(self, x):
        self.conv.weight.data *= self.mask  # ensures zero's at masked positions
        return self.conv(x)


class VerticalStackConvolution(MaskedConvolution):
    def __init__(self, c_in, c_out, kernel_size=3, mask_center=False, **kwargs):
        mask = torch.ones(kernel_size, kernel_size)
        mask[kernel_size // 2 + 1:, :] = 0
        if mask_center:
            mask[kernel_size // 2, :] = 0
        super().__init__(c_in, c_out, mask, **kwargs)


class HorizontalStackConvolution(MaskedConvolution):
    def __init__(self, c_in, c_out, kernel_size=3, mask_center=False, **kwargs):
        mask = torch.ones(1, kernel_size)
        mask[0, kernel_size // 2 + 1:] = 0
        if mask_center:
            mask[0, kernel_size // 2] = 0
        super().__init__(c_in, c_out, mask, **kwargs)


v = VerticalStackConvolution(1, 1, mask_center=True)
h = HorizontalStackConvolution(1, 1, mask_center=True)
print(v.mask, h.mask.shape, [n for n, _ in v.named_buffers()], list(v.state_dict()))

# receptive field: the gradient of one output pixel with respect to the input image
inp_img = torch.zeros(1, 1, 7, 7)
inp_img.requires_grad_()


def show_center_recep_field(img, out):
    loss = out[0, :, 3, 3].sum()
    loss.backward(retain_graph=True)
    img_grads = img.grad.abs()
    img.grad.fill_(0)
    img = (img_grads.squeeze() > 0).long()
    print(img)
    return img


horiz_conv = HorizontalStackConvolution(c_in=1, c_out=1, kernel_size=3, mask_center=True)
horiz_conv.conv.weight.data.fill_(1)
horiz_conv.conv.bias.data.fill_(0)
horiz_img = horiz_conv(inp_img)
show_center_recep_field(inp_img, horiz_img)
vert_conv = VerticalStackConvolution(c_in=1, c_out=1, kernel_size=3, mask_center=True)
vert_conv.conv.weight.data.fill_(1)
vert_conv.conv.bias.data.fill_(0)
vert_img = vert_conv(inp_img)
show_center_recep_field(inp_img, vert_img)
horiz_img = vert_img + horiz_img
show_center_recep_field(inp_img, horiz_img)
horiz_conv = HorizontalStackConvolution(c_in=1, c_out=1, kernel_size=3, mask_center=False)
horiz_conv.conv.weight.data.fill_(1)
horiz_conv.conv.bias.data.fill_(0)
vert_conv = VerticalStackConvolution(c_in=1, c_out=1, kernel_size=3, mask_center=False)
vert_conv.conv.weight.data.fill_(1)
vert_conv.conv.bias.data.fill_(0)
for layer_count in range(2, 4):
    vert_img = vert_conv(vert_img)
    horiz_img = horiz_conv(horiz_img) + vert_img
    print(f"Layer {layer_count}")
    show_center_recep_field(inp_img, horiz_img)
print(inp_img.grad.sum(), vert_img.grad_fn.name(), horiz_img.grad_fn.name())


class GatedMaskedConv(nn.Module):
    def __init__(self, c_in, **kwargs):
        super().__init__()
        self.conv_vert = VerticalStackConvolution(c_in, c_out=2 * c_in, **kwargs)
        self.conv_horiz = HorizontalStackConvolution(c_in, c_out=2 * c_in, **kwargs)
        self.conv_vert_to_horiz = nn.Conv2d(2 * c_in, 2 * c_in, kernel_size=1, padding=0)
        self.conv_horiz_1x1 = nn.Conv2d(c_in, c_in, kernel_size=1, padding=0)

    def forward(self, v_stack, h_stack):
        v_stack_feat = self.conv_vert(v_stack)
        v_val, v_gate = v_stack_feat.chunk(2, dim=1)
        v_stack_out = torch.tanh(v_val) * torch.sigmoid(v_gate)
        h_stack_feat = self.conv_horiz(h_stack)
        h_stack_feat = h_stack_feat + self.conv_vert_to_horiz(v_stack_feat)
        h_val, h_gate = h_stack_feat.chunk(2, dim=1)
        h_stack_feat = torch.tanh(h_val) * torch.sigmoid(h_gate)
        h_stack_out = self.conv_horiz_1x1(h_stack_feat)
        h_stack_out = h_stack_out + h_stack
        return v_stack_out, h_stack_out


class PixelCNN(nn.Module):
    def __init__(self, c_in, c_hidden):
        super().__init__()
        self.conv_vstack = VerticalStackConvolution(c_in, c_hidden, mask_center=True)
        self.conv_hstack = HorizontalStackConvolution(c_in, c_hidden, mask_center=True)
        self.conv_layers = nn.ModuleList([
            GatedMaskedConv(c_hidden),
            GatedMaskedConv(c_hidden, dilation=2),
            GatedMaskedConv(c_hidden),
        ])
        self.conv_out = nn.Conv2d(c_hidden, c_in * num_levels, kernel_size=1, padding=0)

    def forward(self, x):
        x = (x.float() / (num_levels - 1)) * 2 - 1  # scale to [-1, 1]
        v_stack = self.conv_vstack(x)
        h_stack = self.conv_hstack(x)
        for layer in self.conv_layers:
            v_stack, h_stack = layer(v_stack, h_stack)
        out = self.conv_out(F.elu(h_stack))
        out = out.reshape(out.shape[0], num_levels, out.shape[1] // num_levels, out.shape[2], out.shape[3])
        return out

    def calc_likelihood(self, x):
        pred = self.forward(x)
        nll = F.cross_entropy(pred, x, reduction="none")
        bpd = nll.mean(dim=[1, 2, 3]) * np.log2(np.exp(1))
        return bpd.mean()

    @torch.no_grad()
    def sample(self, img_shape, img=None):
        if img is None:
            img = torch.zeros(img_shape, dtype=torch.long) - 1
        for h in range(img_shape[2]):
            for w in range(img_shape[3]):
                for c in range(img_shape[1]):
                    if (img[:, c, h, w] != -1).all().item():
                        continue
                    pred = self.forward(img[:, :, : h + 1, :])
                    probs = F.softmax(pred[:, :, c, h, w], dim=-1)
                    img[:, c, h, w] = torch.multinomial(probs, num_samples=1).squeeze(dim=-1)
        return img


torch.manual_seed(42)
model = PixelCNN(c_in=1, c_hidden=8)
print(model.conv_layers[1].conv_vert.conv, model.conv_layers[1].conv_horiz.conv.padding)
print(sum(p.numel() for p in model.parameters()), len(list(model.buffers())))
x0 = train_imgs[:2]
pred = model(x0)
print(pred.shape, pred.dtype, F.cross_entropy(pred, x0, reduction="none").shape)
print(F.cross_entropy(pred, x0), F.cross_entropy(pred, x0).grad_fn.name())
print(model.calc_likelihood(x0))
optimizer = optim.Adam(model.parameters(), lr=1e-2)
scheduler = optim.lr_scheduler.StepLR(optimizer, 1, gamma=0.99)
for epoch in range(3):
    for imgs, _ in train_loader:
        loss = model.calc_likelihood(imgs)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    scheduler.step()
    print(f"epoch {epoch}: bpd {loss.item():.4f} (a uniform model: {math.log2(num_levels):.1f})")
print(model.conv_vstack.conv.weight[0, 0], model.conv_vstack.conv.weight.grad[0, 0])
torch.manual_seed(1)
samples = model.sample(img_shape=(2, 1, 6, 6))
print(samples, samples.dtype, samples.requires_grad)
# autocompletion: the top half given, the rest sampled
img = train_imgs[:2].clone()
img[:, :, 3:] = -1
torch.manual_seed(2)
completed = model.sample(img_shape=img.shape, img=img)
print(completed[:, 0, 2:4], torch.equal(completed[:, :, :3], train_imgs[:2, :, :3]))
with torch.no_grad():
    test_bpd = model.calc_likelihood(train_imgs[16:])
print(f"Test bits per dimension: {test_bpd:.3f}")
