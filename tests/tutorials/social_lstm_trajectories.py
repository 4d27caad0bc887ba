import tinygrad_rnn as torch
import math
nn = torch.nn
F = torch.nn.functional
# Social LSTM (Alahi et al. 2016) as the PyTorch re-implementations write it (quancore/social-lstm,
# vvanirudh/social-lstm-pytorch, trajectory-forecasting course code): pedestrians' positions per frame, one
# nn.LSTMCell shared by all agents, a social pooling tensor per agent built from its neighbours' hidden states
# (grid cell from torch.floor of the relative offset, long indices, index_add_ into a flattened grid), a
# bivariate Gaussian output per step (mux, muy, exp of log sigmas, tanh of rho) trained by its NLL, then
# prediction by feeding back the means, with ADE and FDE computed with torch.norm.
torch.manual_seed(3)
N_AGENTS, OBS, PRED, H, GRID, NEIGH = 4, 5, 3, 8, 2, 2.0

starts = torch.tensor([[0.0, 0.0], [0.6, 0.3], [-0.5, 0.8], [3.0, -3.0]])
velocity = torch.tensor([[0.3, 0.1], [0.2, 0.25], [0.25, -0.1], [-0.1, 0.2]])
frames = torch.arange(OBS + PRED, dtype=torch.float32).view(-1, 1, 1)
traj = starts + frames * velocity + 0.05 * torch.randn(OBS + PRED, N_AGENTS, 2)  # (T, N, 2)
print(traj.shape, traj[0], traj[-1, :, 0])


def grid_mask(positions, neighborhood, grid):
    """For each agent i and neighbour j: the flat grid cell index j falls into, or -1 when outside/itself."""
    rel = positions.unsqueeze(0) - positions.unsqueeze(1)  # rel[i, j] = pos_j - pos_i
    cell = torch.floor((rel + neighborhood / 2) / (neighborhood / grid)).long()  # (N, N, 2)
    inside = ((cell >= 0) & (cell < grid)).all(dim=2) & ~torch.eye(len(positions), dtype=torch.bool)
    flat = cell[..., 0] + cell[..., 1] * grid
    return torch.where(inside, flat, torch.full_like(flat, -1))


cells = grid_mask(traj[0], NEIGH, GRID)
print("grid cells", cells, cells.dtype)


def social_pooling(hidden, cells, grid):
    """(N, H) hidden states -> (N, grid*grid*H): neighbours' states summed into their cell of each agent's grid."""
    n, h = hidden.shape
    pooled = hidden.new_zeros(n * grid * grid, h)
    owner, neighbour = torch.nonzero(cells >= 0, as_tuple=True)
    slot = owner * grid * grid + cells[owner, neighbour]
    pooled.index_add_(0, slot, hidden[neighbour])
    return pooled.view(n, grid * grid * h)


class SocialLSTM(nn.Module):
    def __init__(self, hidden=H, embed=6, grid=GRID):
        super().__init__()
        self.hidden, self.grid = hidden, grid
        self.input_embedding = nn.Linear(2, embed)
        self.tensor_embedding = nn.Linear(grid * grid * hidden, embed)
        self.cell = nn.LSTMCell(2 * embed, hidden)
        self.output_layer = nn.Linear(hidden, 5)
        self.relu, self.dropout = nn.ReLU(), nn.Dropout(0.1)

    def step(self, pos, prev_pos, state):
        h, c = state
        social = social_pooling(h, grid_mask(pos, NEIGH, self.grid), self.grid)
        offset = pos - prev_pos
        emb = self.dropout(self.relu(self.input_embedding(offset)))
        soc = self.dropout(self.relu(self.tensor_embedding(social)))
        h, c = self.cell(torch.cat((emb, soc), 1), (h, c))
        return self.output_layer(h), (h, c)

    def forward(self, traj):
        n = traj.size(1)
        state = (traj.new_zeros(n, self.hidden), traj.new_zeros(n, self.hidden))
        outputs = []
        for t in range(traj.size(0)):
            out, state = self.step(traj[t], traj[t - 1] if t else traj[t], state)
            outputs.append(out)
        return torch.stack(outputs), state


def get_coef(outputs):
    mux, muy, sx, sy, corr = outputs.unbind(-1)
    return mux, muy, torch.exp(sx), torch.exp(sy), torch.tanh(corr)


def gaussian_2d_nll(outputs, targets):
    mux, muy, sx, sy, corr = get_coef(outputs)
    normx, normy = targets[..., 0] - mux, targets[..., 1] - muy
    sxsy = sx * sy
    z = (normx / sx) ** 2 + (normy / sy) ** 2 - 2 * (corr * normx * normy / sxsy)
    neg_rho = 1 - corr ** 2
    result = torch.exp(-z / (2 * neg_rho)) / (2 * math.pi * (sxsy * torch.sqrt(neg_rho)))
    result = -torch.log(torch.clamp(result, min=1e-20))
    return result.mean()


model = SocialLSTM()
print(model)
print([(n, tuple(p.shape)) for n, p in model.named_parameters()][:4])
h0 = torch.randn(N_AGENTS, H)
pooled = social_pooling(h0, cells, GRID)
print("pooled", pooled.shape, pooled.view(N_AGENTS, GRID * GRID, H).abs().sum(2))
offsets = traj[1:] - traj[:-1]
opt = torch.optim.Adam(model.parameters(), lr=0.01)
for epoch in range(4):
    model.train()
    opt.zero_grad()
    out, _ = model(traj[:OBS - 1])
    targets = offsets[:OBS - 1]
    loss = gaussian_2d_nll(out, targets)
    loss.backward()
    grad_norm = nn.utils.clip_grad_norm_(model.parameters(), 10.0, norm_type=2.0)
    opt.step()
    print(f"epoch {epoch} nll {loss.item():.4f} grad {grad_norm.item():.4f}",
          f"pool grad {model.tensor_embedding.weight.grad.abs().sum().item():.6f}")

model.eval()
with torch.no_grad():
    out, state = model(traj[:OBS])
    pos, preds = traj[OBS - 1], []
    next_offset = get_coef(out[-1])
    for t in range(PRED):
        mux, muy = next_offset[0], next_offset[1]
        new_pos = pos + torch.stack([mux, muy], dim=1)
        preds.append(new_pos)
        o, state = model.step(new_pos, pos, state)
        pos, next_offset = new_pos, get_coef(o)
    preds = torch.stack(preds)
truth = traj[OBS:]
errors = torch.norm(preds - truth, p=2, dim=2)  # (PRED, N)
ade = errors.mean()
fde = errors[-1].mean()
print("pred", preds.shape, preds[:, 0])
print("errors", errors, "ADE", round(ade.item(), 4), "FDE", round(fde.item(), 4))
print("per-agent ADE", torch.linalg.vector_norm(preds - truth, dim=-1).mean(0), errors.argmax(1))
print("sigmas", get_coef(out[-1])[2], "rho", get_coef(out[-1])[4])
