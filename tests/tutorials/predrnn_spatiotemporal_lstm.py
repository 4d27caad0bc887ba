import tinygrad_rnn as torch

# PredRNN's spatiotemporal LSTM (Wang et al., NeurIPS 2017; PredRNN-V2, TPAMI 2022, thuml/predrnn-pytorch),
# shrunk: frames cut into patches (reshape_patch with permute), an ST-LSTM cell whose conv_x / conv_h /
# conv_m stacks are split into seven and four gates with torch.split and normalised by nn.LayerNorm over
# [C, H, W], a spatiotemporal memory M that zigzags up the layers and on to the next time step, a 1x1
# conv_last, scheduled sampling that mixes true frames and predictions with a mask, and PredRNN-V2's
# decoupling loss (|cosine similarity| of the adapted memory increments, through F.normalize).
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(2017)


def reshape_patch(img, patch):
    """(b, t, c, h, w) -> (b, t, c*patch*patch, h/patch, w/patch), as the repo's preprocess does for video."""
    b, t, c, h, w = img.shape
    a = img.reshape(b, t, c, h // patch, patch, w // patch, patch)
    a = a.permute(0, 1, 2, 4, 6, 3, 5)
    return a.reshape(b, t, c * patch * patch, h // patch, w // patch)


def reshape_patch_back(patches, patch):
    b, t, cp, hp, wp = patches.shape
    c = cp // (patch * patch)
    a = patches.reshape(b, t, c, patch, patch, hp, wp).permute(0, 1, 2, 5, 3, 6, 4)
    return a.reshape(b, t, c, hp * patch, wp * patch)


class SpatioTemporalLSTMCell(nn.Module):
    def __init__(self, in_channel, num_hidden, width, filter_size, stride, layer_norm):
        super().__init__()
        self.num_hidden = num_hidden
        self.padding = filter_size // 2
        self._forget_bias = 1.0

        def conv_block(cin, cout):
            conv = nn.Conv2d(cin, cout, kernel_size=filter_size, stride=stride, padding=self.padding, bias=False)
            return nn.Sequential(conv, nn.LayerNorm([cout, width, width])) if layer_norm else nn.Sequential(conv)

        self.conv_x = conv_block(in_channel, num_hidden * 7)
        self.conv_h = conv_block(num_hidden, num_hidden * 4)
        self.conv_m = conv_block(num_hidden, num_hidden * 3)
        self.conv_o = conv_block(num_hidden * 2, num_hidden)
        self.conv_last = nn.Conv2d(num_hidden * 2, num_hidden, kernel_size=1, stride=1, padding=0, bias=False)

    def forward(self, x_t, h_t, c_t, m_t):
        x_concat = self.conv_x(x_t)
        h_concat = self.conv_h(h_t)
        m_concat = self.conv_m(m_t)
        i_x, f_x, g_x, i_x_prime, f_x_prime, g_x_prime, o_x = torch.split(x_concat, self.num_hidden, dim=1)
        i_h, f_h, g_h, o_h = torch.split(h_concat, self.num_hidden, dim=1)
        i_m, f_m, g_m = torch.split(m_concat, self.num_hidden, dim=1)

        i_t = torch.sigmoid(i_x + i_h)
        f_t = torch.sigmoid(f_x + f_h + self._forget_bias)
        g_t = torch.tanh(g_x + g_h)
        delta_c = i_t * g_t
        c_new = f_t * c_t + delta_c

        i_t_prime = torch.sigmoid(i_x_prime + i_m)
        f_t_prime = torch.sigmoid(f_x_prime + f_m + self._forget_bias)
        g_t_prime = torch.tanh(g_x_prime + g_m)
        delta_m = i_t_prime * g_t_prime
        m_new = f_t_prime * m_t + delta_m

        mem = torch.cat((c_new, m_new), 1)
        o_t = torch.sigmoid(o_x + o_h + self.conv_o(mem))
        h_new = o_t * torch.tanh(self.conv_last(mem))
        return h_new, c_new, m_new, delta_c, delta_m


class PredRNN(nn.Module):
    def __init__(self, num_layers, num_hidden, frame_channel, width, filter_size=3, layer_norm=True):
        super().__init__()
        self.frame_channel = frame_channel
        self.num_layers = num_layers
        self.num_hidden = num_hidden
        cells = [SpatioTemporalLSTMCell(frame_channel if i == 0 else num_hidden[i - 1], num_hidden[i], width,
                                        filter_size, 1, layer_norm) for i in range(num_layers)]
        self.cell_list = nn.ModuleList(cells)
        self.conv_last = nn.Conv2d(num_hidden[-1], frame_channel, kernel_size=1, stride=1, padding=0, bias=False)
        self.adapter = nn.Conv2d(num_hidden[0], num_hidden[0], 1, stride=1, padding=0, bias=False)

    def forward(self, frames_tensor, mask_true, input_length):
        # [batch, length, channel, height, width] throughout, as the repo after its permute
        batch, length, _, height, width = frames_tensor.shape
        next_frames, h_t, c_t, delta_c_list, delta_m_list = [], [], [], [], []
        decouple_loss = []
        for i in range(self.num_layers):
            zeros = torch.zeros([batch, self.num_hidden[i], height, width])
            h_t.append(zeros)
            c_t.append(zeros)
            delta_c_list.append(zeros)
            delta_m_list.append(zeros)
        memory = torch.zeros([batch, self.num_hidden[0], height, width])
        x_gen = None  # the previous prediction, fed back once t reaches input_length
        for t in range(length - 1):
            if t < input_length:
                net = frames_tensor[:, t]
            else:
                net = mask_true[:, t - input_length] * frames_tensor[:, t] + \
                    (1 - mask_true[:, t - input_length]) * x_gen
            h_t[0], c_t[0], memory, delta_c, delta_m = self.cell_list[0](net, h_t[0], c_t[0], memory)
            delta_c_list[0] = F.normalize(self.adapter(delta_c).view(delta_c.shape[0], delta_c.shape[1], -1), dim=2)
            delta_m_list[0] = F.normalize(self.adapter(delta_m).view(delta_m.shape[0], delta_m.shape[1], -1), dim=2)
            for i in range(1, self.num_layers):
                h_t[i], c_t[i], memory, delta_c, delta_m = self.cell_list[i](h_t[i - 1], h_t[i], c_t[i], memory)
                delta_c_list[i] = F.normalize(self.adapter(delta_c).view(delta_c.shape[0], delta_c.shape[1], -1),
                                              dim=2)
                delta_m_list[i] = F.normalize(self.adapter(delta_m).view(delta_m.shape[0], delta_m.shape[1], -1),
                                              dim=2)
            x_gen = self.conv_last(h_t[self.num_layers - 1])
            next_frames.append(x_gen)
            for i in range(self.num_layers):
                decouple_loss.append(torch.mean(torch.abs(torch.cosine_similarity(delta_c_list[i], delta_m_list[i],
                                                                                  dim=2))))
        decouple_loss = torch.mean(torch.stack(decouple_loss, dim=0))
        next_frames = torch.stack(next_frames, dim=1)
        return next_frames, decouple_loss


def bouncing_dot_video(batch, length, size):
    """A 2x2 dot moving diagonally, one clip per start column; values in [0, 1]."""
    video = torch.zeros(batch, length, 1, size, size)
    for b in range(batch):
        for t in range(length):
            r, c = t % (size - 1), (b + t) % (size - 1)
            video[b, t, 0, r:r + 2, c:c + 2] = 1.0
    return video


patch = 2
video = bouncing_dot_video(batch=2, length=5, size=8)
frames = reshape_patch(video, patch)
print('video', tuple(video.shape), 'patched', tuple(frames.shape), frames.is_contiguous())
print('round trip', torch.equal(reshape_patch_back(frames, patch), video))
print('patch channels of frame 0', frames[0, 0].sum(dim=(1, 2)))

input_length, total_length = 2, 5
model = PredRNN(num_layers=2, num_hidden=[4, 4], frame_channel=patch * patch, width=4)
print(model.cell_list[0])
print('parameters', sum(p.numel() for p in model.parameters()))
print([k for k in model.state_dict() if 'cell_list.0' in k])
print('layer norm shape', model.cell_list[0].conv_x[1].normalized_shape, model.cell_list[0].conv_x[1].weight.shape)

gen = torch.Generator().manual_seed(5)
eta = 1.0
for itr in range(3):
    # scheduled sampling: eta decays, each future frame is the true one with probability eta
    eta = max(eta - 0.3, 0.0)
    random_flip = torch.rand(2, total_length - input_length - 1, generator=gen)
    true_token = (random_flip < eta).float()
    mask_true = true_token.view(2, -1, 1, 1, 1).expand(-1, -1, *frames.shape[2:])
    print(f'itr {itr} eta {eta:.1f} mask', true_token.tolist(), tuple(mask_true.shape))

optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
mse = nn.MSELoss()
for itr in range(2):
    optimizer.zero_grad()
    next_frames, decouple = model(frames, mask_true, input_length)
    loss = mse(next_frames, frames[:, 1:]) + 0.1 * decouple
    loss.backward()
    optimizer.step()
    print(f'train {itr} loss {loss.item():.6f} decouple {decouple.item():.6f} next {tuple(next_frames.shape)}')

g = model.cell_list[1].conv_m[0].weight.grad
print('conv_m grad', tuple(g.shape), f'{g.norm().item():.6f}')
print('ln grads', [f'{p.grad.abs().mean().item():.6f}' for p in model.cell_list[0].conv_o[1].parameters()])
print('adapter grad', f'{model.adapter.weight.grad.norm().item():.5f}', model.adapter.weight.grad.shape)

with torch.no_grad():
    model.eval()
    zeros_mask = torch.zeros_like(mask_true)
    pred, _ = model(frames, zeros_mask, input_length)
    pred_frames = reshape_patch_back(pred, patch)
    err = ((pred_frames - video[:, 1:]) ** 2).mean(dim=(0, 2, 3, 4))
print('per-step mse', err)
print('pred frame', pred_frames[0, -1, 0].clamp(0, 1))
a = torch.randn(2, 3, 5)
print('cosine', torch.cosine_similarity(a, a.flip(0), dim=2), F.cosine_similarity(a[0], a[1], dim=-1, eps=1e-6).shape)
print('normalize', F.normalize(a, p=1, dim=1).abs().sum(1))
