import tinygrad_rnn as torch

# The widely copied ConvLSTM of ndrplz/ConvLSTM_pytorch (convlstm.py), rewritten small: a cell whose one
# nn.Conv2d reads torch.cat([x, h], dim=1) and whose four gates come from torch.split, init_hidden with
# torch.zeros(..., device=self.conv.weight.device), a multi-layer ConvLSTM that checks its kernel sizes,
# extends per-layer arguments to lists and returns (layer_output_list, last_state_list), with batch_first
# handled through permute. Plus a ConvGRU cell in the same style. Trained a few steps to predict the
# next frame of a synthetic moving-squares video with BCEWithLogitsLoss and scored with MSELoss.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(42)


class ConvLSTMCell(nn.Module):
    def __init__(self, input_dim, hidden_dim, kernel_size, bias):
        super().__init__()
        self.input_dim = input_dim
        self.hidden_dim = hidden_dim
        self.kernel_size = kernel_size
        self.padding = kernel_size[0] // 2, kernel_size[1] // 2
        self.bias = bias
        self.conv = nn.Conv2d(in_channels=self.input_dim + self.hidden_dim, out_channels=4 * self.hidden_dim,
                              kernel_size=self.kernel_size, padding=self.padding, bias=self.bias)

    def forward(self, input_tensor, cur_state):
        h_cur, c_cur = cur_state
        stacked = torch.cat([input_tensor, h_cur], dim=1)
        gates = self.conv(stacked)
        cc_i, cc_f, cc_o, cc_g = torch.split(gates, self.hidden_dim, dim=1)
        i = torch.sigmoid(cc_i)
        f = torch.sigmoid(cc_f)
        o = torch.sigmoid(cc_o)
        g = torch.tanh(cc_g)
        c_next = f * c_cur + i * g
        h_next = o * torch.tanh(c_next)
        return h_next, c_next

    def init_hidden(self, batch_size, image_size):
        height, width = image_size
        return (torch.zeros(batch_size, self.hidden_dim, height, width, device=self.conv.weight.device),
                torch.zeros(batch_size, self.hidden_dim, height, width, device=self.conv.weight.device))


class ConvLSTM(nn.Module):
    def __init__(self, input_dim, hidden_dim, kernel_size, num_layers,
                 batch_first=False, bias=True, return_all_layers=False):
        super().__init__()
        self._check_kernel_size_consistency(kernel_size)
        kernel_size = self._extend_for_multilayer(kernel_size, num_layers)
        hidden_dim = self._extend_for_multilayer(hidden_dim, num_layers)
        if not len(kernel_size) == len(hidden_dim) == num_layers:
            raise ValueError('Inconsistent list length.')
        self.input_dim = input_dim
        self.hidden_dim = hidden_dim
        self.kernel_size = kernel_size
        self.num_layers = num_layers
        self.batch_first = batch_first
        self.bias = bias
        self.return_all_layers = return_all_layers
        cells = []
        for layer in range(self.num_layers):
            layer_in = self.input_dim if layer == 0 else self.hidden_dim[layer - 1]
            cells.append(ConvLSTMCell(layer_in, self.hidden_dim[layer], self.kernel_size[layer], self.bias))
        self.cell_list = nn.ModuleList(cells)

    def forward(self, input_tensor, hidden_state=None):
        if not self.batch_first:
            # (t, b, c, h, w) -> (b, t, c, h, w)
            input_tensor = input_tensor.permute(1, 0, 2, 3, 4)
        b, _, _, h, w = input_tensor.size()
        if hidden_state is not None:
            raise NotImplementedError()
        hidden_state = self._init_hidden(batch_size=b, image_size=(h, w))
        layer_output_list, last_state_list = [], []
        seq_len = input_tensor.size(1)
        cur_layer_input = input_tensor
        for layer_idx in range(self.num_layers):
            h, c = hidden_state[layer_idx]
            output_inner = []
            for t in range(seq_len):
                h, c = self.cell_list[layer_idx](input_tensor=cur_layer_input[:, t, :, :, :], cur_state=[h, c])
                output_inner.append(h)
            layer_output = torch.stack(output_inner, dim=1)
            cur_layer_input = layer_output
            layer_output_list.append(layer_output)
            last_state_list.append([h, c])
        if not self.return_all_layers:
            layer_output_list = layer_output_list[-1:]
            last_state_list = last_state_list[-1:]
        return layer_output_list, last_state_list

    def _init_hidden(self, batch_size, image_size):
        return [cell.init_hidden(batch_size, image_size) for cell in self.cell_list]

    @staticmethod
    def _check_kernel_size_consistency(kernel_size):
        if not (isinstance(kernel_size, tuple) or
                (isinstance(kernel_size, list) and all(isinstance(elem, tuple) for elem in kernel_size))):
            raise ValueError('`kernel_size` must be tuple or list of tuples')

    @staticmethod
    def _extend_for_multilayer(param, num_layers):
        if not isinstance(param, list):
            param = [param] * num_layers
        return param


class ConvGRUCell(nn.Module):
    """Reset and update gates from one conv over [x, h]; the candidate from a second conv over [x, r*h]."""

    def __init__(self, input_dim, hidden_dim, kernel_size):
        super().__init__()
        pad = kernel_size // 2
        self.hidden_dim = hidden_dim
        self.conv_gates = nn.Conv2d(input_dim + hidden_dim, 2 * hidden_dim, kernel_size, padding=pad)
        self.conv_can = nn.Conv2d(input_dim + hidden_dim, hidden_dim, kernel_size, padding=pad)

    def forward(self, x, h):
        if h is None:
            h = x.new_zeros(x.size(0), self.hidden_dim, x.size(2), x.size(3))
        gamma, beta = torch.chunk(self.conv_gates(torch.cat((x, h), 1)), 2, dim=1)
        reset_gate, update_gate = torch.sigmoid(gamma), torch.sigmoid(beta)
        cnm = torch.tanh(self.conv_can(torch.cat([x, reset_gate * h], dim=1)))
        return (1 - update_gate) * h + update_gate * cnm


def moving_squares(n_videos, n_frames, size, square=2):
    """Each video: one bright square sliding one pixel per frame in a fixed direction, bouncing off walls."""
    g = torch.Generator().manual_seed(7)
    video = torch.zeros(n_videos, n_frames, 1, size, size)
    for v in range(n_videos):
        y, x = torch.randint(0, size - square + 1, (2,), generator=g).tolist()
        dy, dx = [1 if s else -1 for s in torch.randint(0, 2, (2,), generator=g).tolist()]
        for t in range(n_frames):
            video[v, t, 0, y:y + square, x:x + square] = 1.0
            if not 0 <= y + dy <= size - square:
                dy = -dy
            if not 0 <= x + dx <= size - square:
                dx = -dx
            y, x = y + dy, x + dx
    return video


video = moving_squares(n_videos=3, n_frames=5, size=6)
print('video', video.shape, video.dtype, video.sum().item())
print('video[0, :, 0].sum((1, 2))', video[0, :, 0].sum((1, 2)))
print(video[1, 0, 0])
print(video[1, 1, 0])

try:
    ConvLSTM(1, 4, 3, 1)
except ValueError as e:
    print('ValueError:', e)
try:
    ConvLSTM(1, [4, 4], [(3, 3)], 2)
except ValueError as e:
    print('ValueError:', e)

model = ConvLSTM(input_dim=1, hidden_dim=[4, 3], kernel_size=(3, 3), num_layers=2,
                 batch_first=True, bias=True, return_all_layers=True)
print(model)
for name, p in model.named_parameters():
    print(name, tuple(p.shape), p.requires_grad)
print('params', sum(p.numel() for p in model.parameters() if p.requires_grad))
print('kernel sizes', model.kernel_size, 'hidden', model.hidden_dim, 'padding', model.cell_list[0].padding)

inputs, targets = video[:, :-1], video[:, 1:]
layer_outputs, last_states = model(inputs)
print('layers out', len(layer_outputs), [tuple(o.shape) for o in layer_outputs])
print('last states', len(last_states), [tuple(s.shape) for pair in last_states for s in pair])
print('h == out[:, -1]', torch.equal(last_states[-1][0], layer_outputs[-1][:, -1]))
print('first h stats', layer_outputs[0].mean().item(), layer_outputs[0].std().item())
print(layer_outputs[1][0, -1, 0])
print('grad_fn', layer_outputs[1].grad_fn.name(), last_states[1][1].grad_fn.name())

time_major = ConvLSTM(1, 2, (3, 3), 1, batch_first=False)
out_tm, state_tm = time_major(inputs.permute(1, 0, 2, 3, 4))
print('time-major out', tuple(out_tm[0].shape), tuple(state_tm[0][0].shape), out_tm[0].is_contiguous())

head = nn.Conv2d(3, 1, kernel_size=1)
opt = torch.optim.Adam(list(model.parameters()) + list(head.parameters()), lr=0.02)
bce = nn.BCEWithLogitsLoss()
mse = nn.MSELoss()
for step in range(4):
    opt.zero_grad()
    outs, _ = model(inputs)
    b, t, c, h, w = outs[-1].shape
    logits = head(outs[-1].reshape(b * t, c, h, w)).view(b, t, 1, h, w)
    loss = bce(logits, targets)
    loss.backward()
    grad_norm = torch.nn.utils.clip_grad_norm_(list(model.parameters()) + list(head.parameters()), 1.0)
    opt.step()
    with torch.no_grad():
        err = mse(torch.sigmoid(logits), targets)
    print(f'step {step} bce {loss.item():.5f} mse {err.item():.5f} grad_norm {grad_norm.item():.4f}')
print('conv grad', model.cell_list[0].conv.weight.grad.shape, model.cell_list[0].conv.weight.grad.abs().sum().item())
print('bias grad', model.cell_list[1].conv.bias.grad)

with torch.no_grad():
    outs, _ = model(inputs[:1])
    pred = torch.sigmoid(head(outs[-1][0, -1:]))
print('pred frame', pred.shape)
print(pred[0, 0].round(decimals=2))
print('target frame sum', targets[0, -1].sum().item(), 'pred>0.5', (pred > 0.5).sum().item())

torch.manual_seed(3)
gru = ConvGRUCell(1, 2, 3)
print(gru)
h = None
for t in range(3):
    h = gru(inputs[:2, t], h)
    print('convgru t', t, tuple(h.shape), round(h.mean().item(), 5), round(h.abs().max().item(), 5))
loss = F.mse_loss(h.mean(1, keepdim=True), targets[:2, 2])
loss.backward()
print('convgru loss', loss.item(), gru.conv_can.weight.grad.norm().item())
print(list(gru.state_dict().keys()))
