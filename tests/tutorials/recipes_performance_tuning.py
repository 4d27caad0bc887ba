import tinygrad_rnn as torch
nn = torch.nn
F = torch.nn.functional
# PyTorch's "Performance Tuning Guide" recipe, the parts that run on a CPU: the torch.backends
# switches people set at the top of a script, intra-op threads, inference_mode vs no_grad,
# model.eval(), zero_grad(set_to_none=True), fusing pointwise ops with torch.jit.script, tracing a
# small LSTM language model with torch.jit.trace, freeze, deterministic
# settings.
torch.manual_seed(0)

# 1. backends switches (cudnn is absent on a CPU build, the flags still read and write)
print(torch.backends.cudnn.is_available(), torch.backends.cudnn.enabled, torch.backends.cudnn.benchmark,
      torch.backends.cudnn.deterministic)
torch.backends.cudnn.benchmark = True
print(torch.backends.cudnn.benchmark)
torch.backends.cudnn.benchmark = False
print(torch.backends.mkldnn.is_available(), torch.backends.openmp.is_available(), torch.backends.mps.is_available())
print(torch.backends.cpu.get_cpu_capability() in ("DEFAULT", "AVX2", "AVX512"))
print(torch.backends.cuda.matmul.allow_tf32, torch.backends.cudnn.allow_tf32)
print(torch.get_float32_matmul_precision())
torch.set_float32_matmul_precision("high")
print(torch.get_float32_matmul_precision())
torch.set_float32_matmul_precision("highest")
print(torch.cuda.is_available(), torch.cuda.device_count())
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(device, device.type, device.index)

# 2. threads
threads = torch.get_num_threads()
torch.set_num_threads(1)
print(torch.get_num_threads())
torch.set_num_threads(threads)
print(torch.get_num_threads() == threads, torch.get_num_interop_threads() >= 1)
print(torch.are_deterministic_algorithms_enabled())
torch.use_deterministic_algorithms(True)
print(torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled())
torch.use_deterministic_algorithms(False)


# 3. a small LSTM language model
class LSTMLM(nn.Module):
    def __init__(self, vocab=10, emb=6, hidden=8):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.dropout = nn.Dropout(0.2)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        h, _ = self.lstm(self.embed(tokens))
        return self.out(self.dropout(h))


model = LSTMLM()
tokens = torch.randint(0, 10, (3, 5))
optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
for step in range(3):
    optimizer.zero_grad(set_to_none=True)
    logits = model(tokens[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, 10), tokens[:, 1:].reshape(-1))
    loss.backward()
    optimizer.step()
    print(step, f"{loss.item():.4f}", model.out.bias.grad is None)
optimizer.zero_grad(set_to_none=True)
print(model.out.bias.grad, model.lstm.weight_hh_l0.grad)
loss = F.cross_entropy(model(tokens[:, :-1]).reshape(-1, 10), tokens[:, 1:].reshape(-1))
loss.backward()
optimizer.zero_grad(set_to_none=False)
print(model.out.bias.grad, model.lstm.weight_hh_l0.grad.abs().sum())

# 4. inference: eval() turns dropout off; no_grad / inference_mode stop recording
model.eval()
print(model.training, model.dropout.training)
with torch.no_grad():
    a = model(tokens)
print(a.requires_grad, a.grad_fn, a.is_inference())
with torch.inference_mode():
    b = model(tokens)
    print(torch.is_inference_mode_enabled(), torch.is_grad_enabled())
print(b.requires_grad, b.is_inference(), torch.equal(a, b), torch.is_inference_mode_enabled())
try:
    b.add_(1)
except RuntimeError as e:
    print("RuntimeError:", e)
try:
    (b * model.out.weight.sum()).sum().backward()
except RuntimeError as e:
    print("RuntimeError:", e)
c = b.clone()
print(c.is_inference(), c.requires_grad)
with torch.inference_mode(mode=False):
    print(torch.is_inference_mode_enabled(), torch.is_grad_enabled())


@torch.inference_mode()
def predict(x):
    return model(x).argmax(-1)


print(predict(tokens), predict(tokens).is_inference())


@torch.no_grad()
def predict_no_grad(x):
    return model(x).softmax(-1).max(-1)


values, indices = predict_no_grad(tokens)
print(values.shape, indices.dtype, values.requires_grad)
model.train()


# 5. fusing pointwise ops with torch.jit.script (the guide's gelu)
@torch.jit.script
def fused_gelu(x):
    return x * 0.5 * (1.0 + torch.erf(x / 1.41421))


def gelu(x):
    return x * 0.5 * (1.0 + torch.erf(x / 1.41421))


x = torch.randn(4, 3)
print(torch.allclose(fused_gelu(x), gelu(x)), torch.allclose(fused_gelu(x), F.gelu(x), atol=1e-4))
print(type(fused_gelu).__name__, fused_gelu.name)

# 6. tracing the LSTM model for inference
model.eval()
traced = torch.jit.trace(model, tokens)
print(type(traced).__name__, traced.training)
print(torch.allclose(traced(tokens), model(tokens)))
print(torch.allclose(traced(tokens[:2]), model(tokens[:2])))
print(traced.original_name, [n for n, _ in traced.named_children()])
print(sorted(traced.state_dict())[:4])
frozen = torch.jit.freeze(traced)
print(type(frozen).__name__, torch.allclose(frozen(tokens), model(tokens)))

# 7. memory formats other programs can ask about (tinygrad_rnn's tensors are row-major)
images = torch.randn(2, 3, 4, 4)
print(images.is_contiguous(), images.is_contiguous(memory_format=torch.contiguous_format), images.stride())
print(torch.randn(3).is_pinned(), torch.channels_last, torch.preserve_format)
