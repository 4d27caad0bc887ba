import tinygrad_rnn as torch

# Child-Sum Tree-LSTM (Tai, Socher & Manning 2015, "Improved Semantic Representations From Tree-Structured
# LSTM Networks"), in the shape of the popular PyTorch ports (dasguptar/treelstm.pytorch's
# ChildSumTreeLSTM, ttpro1995's SST sentiment trainer): a Tree class with children lists, node_forward
# summing the children's h, one forget gate per child from fh(child_h) + fx(x).repeat, torch.cat of a
# variable number of children, recursion in Python, and a sentiment classifier on every node
# (log_softmax + NLLLoss) over small hand-built trees, trained with Adagrad for a few epochs.
nn = torch.nn
F = torch.nn.functional
torch.manual_seed(123)


class Tree:
    def __init__(self, idx, label, children=()):
        self.idx = idx
        self.label = label
        self.children = list(children)
        self.state = None
        self.output = None

    def size(self):
        return 1 + sum(c.size() for c in self.children)

    def depth(self):
        return 1 + max((c.depth() for c in self.children), default=0)

    def __repr__(self):
        return f'Tree(idx={self.idx}, label={self.label}, children={len(self.children)})'


class ChildSumTreeLSTM(nn.Module):
    def __init__(self, in_dim, mem_dim):
        super().__init__()
        self.in_dim = in_dim
        self.mem_dim = mem_dim
        self.ioux = nn.Linear(in_dim, 3 * mem_dim)
        self.iouh = nn.Linear(mem_dim, 3 * mem_dim)
        self.fx = nn.Linear(in_dim, mem_dim)
        self.fh = nn.Linear(mem_dim, mem_dim)

    def node_forward(self, inputs, child_c, child_h):
        child_h_sum = torch.sum(child_h, dim=0, keepdim=True)
        iou = self.ioux(inputs) + self.iouh(child_h_sum)
        i, o, u = torch.split(iou, iou.size(1) // 3, dim=1)
        i, o, u = torch.sigmoid(i), torch.sigmoid(o), torch.tanh(u)
        # one forget gate per child: fx(x) is broadcast over the children by repeat
        f = torch.sigmoid(self.fh(child_h) + self.fx(inputs).repeat(len(child_h), 1))
        fc = torch.mul(f, child_c)
        c = torch.mul(i, u) + torch.sum(fc, dim=0, keepdim=True)
        h = torch.mul(o, torch.tanh(c))
        return c, h

    def forward(self, tree, inputs):
        for child in tree.children:
            self.forward(child, inputs)
        if len(tree.children) == 0:
            child_c = inputs[0].detach().new(1, self.mem_dim).fill_(0.).requires_grad_()
            child_h = inputs[0].detach().new(1, self.mem_dim).fill_(0.).requires_grad_()
        else:
            child_c, child_h = zip(*map(lambda x: x.state, tree.children))
            child_c, child_h = torch.cat(child_c, dim=0), torch.cat(child_h, dim=0)
        tree.state = self.node_forward(inputs[tree.idx].unsqueeze(0), child_c, child_h)
        return tree.state


class SentimentModel(nn.Module):
    def __init__(self, vocab_size, in_dim, mem_dim, num_classes):
        super().__init__()
        self.emb = nn.Embedding(vocab_size, in_dim, padding_idx=0)
        self.tree_lstm = ChildSumTreeLSTM(in_dim, mem_dim)
        self.out = nn.Linear(mem_dim, num_classes)

    def forward(self, tree, tokens):
        inputs = self.emb(tokens)
        self.tree_lstm(tree, inputs)
        return inputs

    def node_losses(self, tree, criterion):
        """Log-probabilities at every node, post-order, and the summed NLL over the labelled nodes."""
        total, outputs = 0., []
        for child in tree.children:
            child_loss, child_outputs = self.node_losses(child, criterion)
            total = total + child_loss
            outputs += child_outputs
        logp = F.log_softmax(self.out(tree.state[1]), dim=1)
        tree.output = logp
        outputs.append(logp)
        return total + criterion(logp, torch.tensor([tree.label])), outputs


VOCAB = ['<pad>', 'the', 'movie', 'was', 'not', 'good', 'bad', 'very', 'great', 'plot', 'boring']
stoi = {w: i for i, w in enumerate(VOCAB)}


def sentence(words):
    return torch.tensor([stoi[w] for w in words.split()], dtype=torch.long)


def tree_a():
    # "the movie was very good": (((the movie) (was (very good))))
    return Tree(4, 2, [Tree(1, 1, [Tree(0, 1)]), Tree(2, 1, [Tree(3, 2)])]), sentence('the movie was very good')


def tree_b():
    # "not good": root at 'not' with one child; a negation flips the label
    return Tree(0, 0, [Tree(1, 2)]), sentence('not good')


def tree_c():
    # "boring plot was bad": a root with three children
    return Tree(3, 0, [Tree(0, 0), Tree(1, 1), Tree(2, 1)]), sentence('boring plot was bad')


data = [tree_a(), tree_b(), tree_c()]
for tree, tokens in data:
    print(tree, 'size', tree.size(), 'depth', tree.depth(), 'tokens', tokens.tolist())

model = SentimentModel(len(VOCAB), in_dim=6, mem_dim=5, num_classes=3)
print(model)
print([(k, tuple(v.shape)) for k, v in model.state_dict().items()])
print('embedding pad row', model.emb.weight[0])

tree, tokens = data[2]
inputs = model(tree, tokens)
c, h = tree.state
print('root c', c.shape, c.grad_fn.name(), 'root h', h.shape, h.grad_fn.name())
print('root h', h)
print('leaf h', [tuple(ch.state[1].shape) for ch in tree.children], tree.children[0].state[1])
child_h = torch.cat([ch.state[1] for ch in tree.children], dim=0)
stacked = torch.stack([ch.state[1].squeeze(0) for ch in tree.children])
print('cat vs stack', child_h.shape, stacked.shape, torch.allclose(child_h, stacked))
f = torch.sigmoid(model.tree_lstm.fh(child_h) + model.tree_lstm.fx(inputs[3].unsqueeze(0)).repeat(3, 1))
print('per-child forget gates', f.shape)
print(f)
expand_f = torch.sigmoid(model.tree_lstm.fh(child_h) + model.tree_lstm.fx(inputs[3]).expand(3, -1))
print('repeat == expand', torch.equal(f, expand_f))
leaf_c = inputs[0].detach().new(1, 5).fill_(0.).requires_grad_()
print('leaf zeros', leaf_c, leaf_c.is_leaf, leaf_c.dtype)

criterion = nn.NLLLoss()
optimizer = torch.optim.Adagrad(model.parameters(), lr=0.1, weight_decay=1e-4)
print(optimizer)
for epoch in range(3):
    total, correct, nodes = 0.0, 0, 0
    for tree, tokens in data:
        optimizer.zero_grad()
        model(tree, tokens)
        loss, outputs = model.node_losses(tree, criterion)
        loss.backward()
        optimizer.step()
        total += loss.item()
        pred = tree.output.argmax(1).item()
        correct += int(pred == tree.label)
        nodes += len(outputs)
    print(f'epoch {epoch} loss {total / len(data):.5f} root acc {correct}/{len(data)} nodes {nodes}')

grads = {n: p.grad.norm().item() for n, p in model.named_parameters() if p.grad is not None}
for n, g in grads.items():
    print(f'{n:22s} {g:.6f}')
print('pad grad row zero', bool((model.emb.weight.grad[0] == 0).all()))

model.eval()
with torch.no_grad():
    for tree, tokens in data:
        model(tree, tokens)
        probs = model.out(tree.state[1]).softmax(1)
        print('root probs', probs, 'label', tree.label, 'pred', probs.max(1)[1].item())
state = optimizer.state_dict()
print('adagrad state keys', sorted(state['state'][0].keys()), state['param_groups'][0]['lr_decay'])
print(state['state'][1]['sum'].shape, state['state'][1]['step'])
