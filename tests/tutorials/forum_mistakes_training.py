import tinygrad_rnn as torch
# The training-loop mistakes of PyTorch forum threads and course notebooks: optimizers built from the wrong
# thing, checkpoints that do not fit the model ("Error(s) in loading state_dict"), batches that do not
# collate, padded sequences packed the wrong way, modules asked for what they lack, shapes that do not
# join or multiply, scatter/gather indices of the wrong kind. Each block makes one mistake and prints the
# error (or warning) torch gives for it.
import warnings

nn = torch.nn
F = nn.functional
DataLoader = torch.utils.data.DataLoader
rnn_utils = nn.utils.rnn
torch.manual_seed(0)


def attempt(label, mistake):
    """Runs one mistake and prints its exception's type and message (or that nothing was raised)."""
    try:
        mistake()
        print(f"{label}: no error")
    except Exception as e:
        print(f"{label}: {type(e).__name__}: {e}")


model = nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2))


def optimizer_of_a_used_generator():
    params = model.parameters()
    torch.optim.SGD(params, lr=0.1)
    torch.optim.Adam(params, lr=0.1)


def load_state_dict(state):
    return nn.Sequential(nn.Linear(4, 3), nn.ReLU(), nn.Linear(3, 2)).load_state_dict(state)


state = model.state_dict()
attempt("optimizer given a tensor", lambda: torch.optim.SGD(torch.randn(3, requires_grad=True), lr=0.1))
attempt("optimizer given a module", lambda: torch.optim.SGD(model, lr=0.1))
attempt("optimizer given a used-up generator", optimizer_of_a_used_generator)
attempt("optimizer given an empty list", lambda: torch.optim.Adam([], lr=0.1))
attempt("optimizer given a non-leaf", lambda: torch.optim.SGD([torch.randn(2, requires_grad=True) * 2], lr=0.1))
attempt("optimizer without lr", lambda: torch.optim.SGD(model.parameters()))
attempt("optimizer with a negative lr", lambda: torch.optim.Adam(model.parameters(), lr=-1))
attempt("parameter in two groups",
        lambda: torch.optim.SGD([{"params": model[0].parameters()}, {"params": model.parameters()}], lr=0.1))
attempt("load_state_dict, missing key", lambda: load_state_dict({k: v for k, v in state.items() if k != "2.bias"}))
attempt("load_state_dict, unexpected key", lambda: load_state_dict({**state, "3.weight": torch.zeros(1)}))
attempt("load_state_dict, DataParallel prefix", lambda: load_state_dict({"module." + k: v for k, v in state.items()}))
attempt("load_state_dict, size mismatch", lambda: load_state_dict({**state, "0.weight": torch.zeros(3, 5)}))
attempt("load_state_dict, a whole checkpoint", lambda: load_state_dict({"epoch": 3, "model_state_dict": state}))

attempt("collate of ragged tensors", lambda: next(iter(DataLoader([torch.zeros(2), torch.zeros(3)], batch_size=2))))
attempt("collate of ragged lists", lambda: next(iter(DataLoader([[1, 2], [3]], batch_size=2))))
attempt("collate of None", lambda: next(iter(DataLoader([None, None], batch_size=2))))
attempt("DataLoader, batch_size 0", lambda: DataLoader([1, 2], batch_size=0))
attempt("random_split lengths off", lambda: torch.utils.data.random_split(range(10), [5, 4]))

padded = torch.randn(3, 4, 2)
attempt("pack_padded, unsorted lengths", lambda: rnn_utils.pack_padded_sequence(padded, [2, 4, 3], batch_first=True))
attempt("pack_padded, a zero length", lambda: rnn_utils.pack_padded_sequence(padded, [4, 2, 0], batch_first=True))
attempt("pack_padded, too many lengths", lambda: rnn_utils.pack_padded_sequence(padded, [4, 3, 2, 1], batch_first=True))
attempt("pad_sequence of mismatched features", lambda: rnn_utils.pad_sequence([torch.zeros(2, 3), torch.zeros(3, 2)]))

attempt("module attribute typo", lambda: model[0].weights)
attempt("Sequential index out of range", lambda: model[3])
attempt("module called with two inputs", lambda: model(torch.randn(1, 4), torch.randn(1, 4)))
attempt("assigning a tensor over a parameter", lambda: setattr(model[0], "weight", torch.zeros(3, 4)))
attempt("Linear given a float size", lambda: nn.Linear(4.0, 3))
attempt("cuda() without CUDA", lambda: torch.zeros(2).cuda())
attempt("to('cuda') without CUDA", lambda: model.to("cuda"))
attempt("to('gpu')", lambda: torch.zeros(2).to("gpu"))
attempt("to('float32')", lambda: torch.zeros(2).to("float32"))
attempt("to('cuda0')", lambda: model.to("cuda0"))
attempt("FloatTensor on a cuda device", lambda: torch.FloatTensor([1.0], device="cuda"))
attempt("a tensor on cuda:0", lambda: torch.zeros(2, device="cuda:0"))

attempt("cat of mismatched shapes", lambda: torch.cat([torch.zeros(2, 3), torch.zeros(2, 4)]))
attempt("cat of different ranks", lambda: torch.cat([torch.zeros(2, 3), torch.zeros(3)]))
attempt("cat along a dim out of range", lambda: torch.cat([torch.zeros(2, 3), torch.zeros(2, 3)], dim=2))
attempt("stack of mismatched shapes", lambda: torch.stack([torch.zeros(2, 3), torch.zeros(2, 4)]))
print("cat of mixed dtypes:", torch.cat([torch.zeros(2), torch.zeros(2, dtype=torch.long)]).dtype)
attempt("matmul shape mismatch", lambda: torch.randn(2, 3) @ torch.randn(2, 3))
attempt("mm of a vector", lambda: torch.mm(torch.randn(2, 3), torch.randn(3)))
attempt("bmm of 2-d", lambda: torch.bmm(torch.randn(2, 3), torch.randn(3, 4)))
attempt("bmm batch mismatch", lambda: torch.bmm(torch.randn(2, 3, 4), torch.randn(3, 4, 5)))
attempt("batched matmul mismatch", lambda: torch.randn(2, 3, 4) @ torch.randn(3, 4, 5))
attempt("dot of matrices", lambda: torch.dot(torch.randn(2, 2), torch.randn(2, 2)))
attempt("matmul of Long and Float", lambda: torch.tensor([[1, 2]]) @ torch.randn(2, 2))

src = torch.randn(3, 4)
attempt("gather with a float index", lambda: src.gather(1, torch.tensor([[0.0], [1.0], [2.0]])))
attempt("gather with an int32 index", lambda: src.gather(1, torch.tensor([[0], [1], [2]], dtype=torch.int32)))
attempt("gather with a 1-d index", lambda: src.gather(1, torch.tensor([0, 1, 2])))
attempt("gather index out of range", lambda: src.gather(1, torch.tensor([[0], [4], [2]])))
attempt("scatter with a float index", lambda: torch.zeros(3, 4).scatter(1, torch.tensor([[0.0], [1.0], [2.0]]), 1.0))
attempt("scatter index out of range", lambda: torch.zeros(3, 4).scatter_(1, torch.tensor([[0], [5], [2]]), 1.0))
attempt("scatter src of another dtype",
        lambda: torch.zeros(3, 4).scatter_(1, torch.tensor([[0], [1], [2]]), torch.ones(3, 1, dtype=torch.long)))
attempt("one_hot of floats", lambda: F.one_hot(torch.tensor([0.0, 1.0])))
attempt("one_hot class out of range", lambda: F.one_hot(torch.tensor([0, 3]), 3))
attempt("masked_fill with a float mask", lambda: src.masked_fill(torch.ones(3, 4), 0.0))
attempt("dropout p out of range", lambda: F.dropout(src, p=1.5))
attempt("dropout training given as a str", lambda: F.dropout(src, 0.5, "train"))
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    F.softmax(src)
    F.log_softmax(src)
    nn.Softmax()(src)
    print("softmax without dim warns:", [str(w.message) for w in caught])
attempt("softmax of a Long tensor", lambda: F.softmax(torch.tensor([1, 2]), dim=0))
