import tinygrad_rnn as torch

# Gated Graph Sequence Neural Networks (Li, Tarlow, Brockschmidt & Zemel 2016), shrunk, in two forms:
# 1) the dense-adjacency GGNN of chingyaoc/ggnn.pytorch: per-edge-type in/out linear maps, an adjacency
#    matrix A = [A_in | A_out] of shape (batch, n_node, 2 * n_node * n_edge_types) applied with torch.bmm,
#    a hand-written GRU propagator, and a graph-level readout with a sigmoid gate (i(h, x) * tanh(j(h, x)));
# 2) a torch_geometric-free message-passing GRU over an edge list: messages gathered with index_select,
#    summed into nodes with index_add_ and scatter_add_, node update with nn.GRUCell, mean/max pooling per
#    graph with scatter_reduce, trained as a binary graph classifier with BCEWithLogitsLoss.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(0)

# ---------------------------------------------------------------- 1) dense GGNN
n_node, n_edge_types, state_dim, annotation_dim, n_steps = 4, 2, 5, 1, 3


def build_adjacency(edges, n_node, n_edge_types):
    """edges: (src, type, dst), 1-based types as in the bAbI files. Returns (n_node, 2 * n_node * n_edge_types)."""
    a = torch.zeros(n_node, n_node * n_edge_types * 2)
    for src, e_type, dst in edges:
        a[dst][(e_type - 1) * n_node + src] = 1
        a[src][(e_type - 1 + n_edge_types) * n_node + dst] = 1
    return a


graphs = [[(0, 1, 1), (1, 1, 2), (2, 2, 3)], [(0, 2, 2), (3, 1, 0), (1, 2, 3), (2, 1, 1)]]
A = torch.stack([build_adjacency(g, n_node, n_edge_types) for g in graphs])
print('A', A.shape, A.sum(dim=(1, 2)), A.dtype)
print(A[0])
annotation = torch.zeros(2, n_node, annotation_dim)
annotation[0, 0, 0] = 1.
annotation[1, 3, 0] = 1.
padding = torch.zeros(len(annotation), n_node, state_dim - annotation_dim)
init_input = torch.cat((annotation, padding), 2)
print('init_input', init_input.shape, init_input[:, :, 0])


class Propogator(nn.Module):
    """One GRU-like update of every node from the messages that came in and went out along each edge type."""

    def __init__(self, state_dim, n_node, n_edge_types):
        super().__init__()
        self.n_node = n_node
        self.n_edge_types = n_edge_types
        self.reset_gate = nn.Sequential(nn.Linear(state_dim * 3, state_dim), nn.Sigmoid())
        self.update_gate = nn.Sequential(nn.Linear(state_dim * 3, state_dim), nn.Sigmoid())
        self.transform = nn.Sequential(nn.Linear(state_dim * 3, state_dim), nn.Tanh())

    def forward(self, state_in, state_out, state_cur, A):
        A_in = A[:, :, :self.n_node * self.n_edge_types]
        A_out = A[:, :, self.n_node * self.n_edge_types:]
        a_in = torch.bmm(A_in, state_in)
        a_out = torch.bmm(A_out, state_out)
        a = torch.cat((a_in, a_out, state_cur), 2)
        r = self.reset_gate(a)
        z = self.update_gate(a)
        joined_input = torch.cat((a_in, a_out, r * state_cur), 2)
        h_hat = self.transform(joined_input)
        return (1 - z) * state_cur + z * h_hat


class GGNN(nn.Module):
    def __init__(self, state_dim, annotation_dim, n_edge_types, n_node, n_steps):
        super().__init__()
        self.state_dim, self.annotation_dim = state_dim, annotation_dim
        self.n_edge_types, self.n_node, self.n_steps = n_edge_types, n_node, n_steps
        for i in range(self.n_edge_types):
            self.add_module('in_{}'.format(i), nn.Linear(self.state_dim, self.state_dim))
            self.add_module('out_{}'.format(i), nn.Linear(self.state_dim, self.state_dim))
        self.in_fcs = AttrProxy(self, 'in_')
        self.out_fcs = AttrProxy(self, 'out_')
        self.propogator = Propogator(self.state_dim, self.n_node, self.n_edge_types)
        self.out = nn.Sequential(nn.Linear(self.state_dim + self.annotation_dim, self.state_dim), nn.Tanh(),
                                 nn.Linear(self.state_dim, 1))
        self.gate = nn.Linear(self.state_dim + self.annotation_dim, 1)
        self._initialization()

    def _initialization(self):
        for m in self.modules():
            if isinstance(m, nn.Linear):
                m.weight.data.normal_(0.0, 0.2)
                m.bias.data.fill_(0)

    def forward(self, prop_state, annotation, A):
        for i_step in range(self.n_steps):
            in_states, out_states = [], []
            for i in range(self.n_edge_types):
                in_states.append(self.in_fcs[i](prop_state))
                out_states.append(self.out_fcs[i](prop_state))
            in_states = torch.stack(in_states).transpose(0, 1).contiguous()
            in_states = in_states.view(-1, self.n_node * self.n_edge_types, self.state_dim)
            out_states = torch.stack(out_states).transpose(0, 1).contiguous()
            out_states = out_states.view(-1, self.n_node * self.n_edge_types, self.state_dim)
            prop_state = self.propogator(in_states, out_states, prop_state, A)
        join_state = torch.cat((prop_state, annotation), 2)
        node_scores = self.out(join_state).sum(2)
        gate = torch.sigmoid(self.gate(join_state))
        graph_vec = (gate * torch.tanh(self.out[0](join_state))).sum(1)
        return node_scores, graph_vec


class AttrProxy:
    """Index the submodules named prefix + str(i) as if they were a list."""

    def __init__(self, module, prefix):
        self.module = module
        self.prefix = prefix

    def __getitem__(self, i):
        return getattr(self.module, self.prefix + str(i))


net = GGNN(state_dim, annotation_dim, n_edge_types, n_node, n_steps)
print(net)
print(list(net.state_dict().keys())[:6], len(net.state_dict()))
scores, graph_vec = net(init_input, annotation, A)
print('node scores', scores.shape, scores)
print('graph vec', graph_vec.shape, graph_vec)
target = torch.tensor([1, 0])
opt = torch.optim.Adam(net.parameters(), lr=0.05)
for step in range(4):
    opt.zero_grad()
    scores, _ = net(init_input, annotation, A)
    loss = F.cross_entropy(scores, target)
    loss.backward()
    opt.step()
    print(f'ggnn step {step} loss {loss.item():.5f} pred {scores.argmax(1).tolist()}',
          f'grad in_0 {net.in_0.weight.grad.abs().sum().item():.5f}')

# ---------------------------------------------------------------- 2) message-passing GRU over an edge list
torch.manual_seed(1)
# two small graphs in one batch: a triangle with a tail (label 1) and a path (label 0)
edge_index = torch.tensor([[0, 1, 2, 0, 2, 3, 4, 5, 6],
                           [1, 2, 0, 2, 3, 2, 5, 6, 5]])
edge_index = torch.cat([edge_index, edge_index.flip(0)], dim=1)
edge_index = torch.unique(edge_index, dim=1)
batch = torch.tensor([0, 0, 0, 0, 1, 1, 1])
num_nodes, hidden = batch.numel(), 6
x = torch.randn(num_nodes, 3)
y = torch.tensor([1., 0.])
src, dst = edge_index
deg = torch.bincount(dst, minlength=num_nodes)
print('edge_index', edge_index.shape, edge_index.dtype)
print(edge_index)
print('degree', deg, 'graph sizes', torch.bincount(batch))
print('self loops', (src == dst).any().item(), 'nonzero deg', deg.nonzero().flatten())


class MessageGRU(nn.Module):
    def __init__(self, in_dim, hidden, steps):
        super().__init__()
        self.embed = nn.Linear(in_dim, hidden)
        self.message = nn.Linear(2 * hidden, hidden)
        self.update = nn.GRUCell(hidden, hidden)
        self.readout_gate = nn.Linear(hidden, 1)
        self.classify = nn.Linear(2 * hidden, 1)
        self.steps = steps

    def propagate(self, h, edge_index):
        src, dst = edge_index
        msg = torch.relu(self.message(torch.cat([h.index_select(0, src), h[dst]], dim=-1)))
        by_index_add = torch.zeros_like(h).index_add_(0, dst, msg)
        by_scatter = h.new_zeros(h.shape).scatter_add_(0, dst.unsqueeze(-1).expand_as(msg), msg)
        return by_index_add, by_scatter

    def forward(self, x, edge_index, batch, num_graphs, verbose=False):
        h = torch.tanh(self.embed(x))
        for t in range(self.steps):
            agg, agg2 = self.propagate(h, edge_index)
            if verbose:
                print(' step', t, 'agg', tuple(agg.shape), 'same', torch.allclose(agg, agg2),
                      'agg sum', round(agg.sum().item(), 4))
            h = self.update(agg, h)
        gate = torch.sigmoid(self.readout_gate(h))
        summed = torch.zeros(num_graphs, h.size(1)).index_add_(0, batch, gate * h)
        maxed = torch.full((num_graphs, h.size(1)), float('-inf')).scatter_reduce(
            0, batch.view(-1, 1).expand_as(h), h, reduce='amax', include_self=False)
        return self.classify(torch.cat([summed, maxed], dim=1)).squeeze(-1), h


model = MessageGRU(3, hidden, steps=2)
print(model)
logits, h = model(x, edge_index, batch, 2, verbose=True)
print('logits', logits, 'h', h.shape, h.grad_fn.name())
counts = torch.bincount(batch).unsqueeze(1).float()
mean_pool = torch.zeros(2, hidden).index_add_(0, batch, h) / counts
mean_pool2 = torch.zeros(2, hidden).scatter_reduce(0, batch.view(-1, 1).expand_as(h), h, reduce='mean',
                                                   include_self=False)
print('mean pool', mean_pool.shape, torch.allclose(mean_pool, mean_pool2))
print(mean_pool2)

criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
for epoch in range(5):
    optimizer.zero_grad()
    logits, _ = model(x, edge_index, batch, 2)
    loss = criterion(logits, y)
    loss.backward()
    optimizer.step()
    acc = ((logits > 0).float() == y).float().mean()
    print(f'mp epoch {epoch} loss {loss.item():.5f} acc {acc.item():.2f} probs {torch.sigmoid(logits).tolist()}')
print('gru grad', model.update.weight_hh.grad.shape, model.update.weight_hh.grad.norm().item())
print('message grad', model.message.weight.grad.sum(0))
