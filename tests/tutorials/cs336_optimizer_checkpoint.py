import tinygrad_rnn as torch
import io
import math
import os
import tempfile
from typing import Callable, Optional

import numpy as np
nn = torch.nn

# Stanford CS336 assignment 1, the training-loop half: the handout's toy SGD subclassing torch.optim.Optimizer
# (state[p]["t"], lr decaying as 1/sqrt(t+1)) run on (weights**2).mean() at lr 1, 10 and 100; a hand-written
# AdamW with closures, compared step by step with torch.optim.AdamW; the cosine learning-rate schedule with
# linear warmup; gradient clipping by the global l2 norm (eps 1e-6); get_batch sampling from a
# np.memmap-loaded token file through torch.from_numpy; save_checkpoint / load_checkpoint of
# (model, optimizer, iteration) to a file and to a BytesIO. (Sizes shrunk; 10 steps, not 100.)
torch.manual_seed(0)


class SGD(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3):
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        defaults = {"lr": lr}
        super().__init__(params, defaults)

    def step(self, closure: Optional[Callable] = None):
        loss = None if closure is None else closure()
        for group in self.param_groups:
            lr = group["lr"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                t = state.get("t", 0)
                grad = p.grad.data
                p.data -= lr / math.sqrt(t + 1) * grad
                state["t"] = t + 1
        return loss


for lr in (1.0, 10.0, 100.0):
    torch.manual_seed(0)
    weights = torch.nn.Parameter(5 * torch.randn((4, 4)))
    opt = SGD([weights], lr=lr)
    losses = []
    for t in range(10):
        opt.zero_grad()
        loss = (weights ** 2).mean()
        losses.append(round(loss.cpu().item(), 4))
        loss.backward()
        opt.step()
    print(lr, losses)
print(opt)
print(opt.state[weights], opt.defaults, len(opt.param_groups), sorted(opt.param_groups[0].keys()))
try:
    SGD([weights], lr=-1)
except ValueError as e:
    print("ValueError:", e)


class AdamW(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        if lr < 0:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= betas[0] < 1.0 or not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid betas: {betas}")
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            lr, (beta1, beta2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                state = self.state[p]
                if len(state) == 0:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p, memory_format=torch.preserve_format)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1
                t = state["step"]
                m, v = state["exp_avg"], state["exp_avg_sq"]
                m.mul_(beta1).add_(p.grad, alpha=1 - beta1)
                v.mul_(beta2).addcmul_(p.grad, p.grad, value=1 - beta2)
                alpha_t = lr * math.sqrt(1 - beta2 ** t) / (1 - beta1 ** t)
                p.mul_(1 - lr * wd)  # decoupled weight decay, applied first as torch.optim.AdamW does
                p.addcdiv_(m, v.sqrt().add_(eps), value=-alpha_t)
        return loss


def make_model():
    torch.manual_seed(1)
    return nn.Sequential(nn.Embedding(12, 6), nn.Flatten(), nn.Linear(18, 12))


ours_model, ref_model = make_model(), make_model()
ours = AdamW(ours_model.parameters(), lr=0.01, weight_decay=0.1)
ref = torch.optim.AdamW(ref_model.parameters(), lr=0.01, weight_decay=0.1)
xb = torch.randint(0, 12, (5, 3))
yb = torch.randint(0, 12, (5,))
for step in range(3):
    for model, opt in ((ours_model, ours), (ref_model, ref)):
        def closure(model=model, opt=opt):
            opt.zero_grad()
            loss = nn.functional.cross_entropy(model(xb), yb)
            loss.backward()
            return loss
        loss = opt.step(closure)
        print(step, type(opt).__name__, isinstance(opt, torch.optim.AdamW), f"{loss.item():.5f}", loss.requires_grad)
    diff = [(a - b).abs().max().item() for a, b in zip(ours_model.parameters(), ref_model.parameters())]
    # The handout's AdamW adds eps to sqrt(v) before the bias correction, torch after it: a gradient near
    # 1e-7 moves differently, so the two agree to about lr * wd * |p|, not to rounding.
    print("max param diff < 2e-3", max(diff) < 2e-3, [d < 1e-3 for d in diff])
sd = ours.state_dict()
print(sorted(sd.keys()), sorted(sd["state"].keys()), sorted(sd["state"][0].keys()), sd["state"][0]["step"])
print(sd["param_groups"])
print(ref.state_dict()["param_groups"][0]["betas"], ref.state_dict()["state"][2]["step"])
try:
    AdamW(ours_model.parameters(), betas=(1.0, 0.999))
except ValueError as e:
    print("ValueError:", e)


def get_lr_cosine_schedule(it, max_learning_rate, min_learning_rate, warmup_iters, cosine_cycle_iters):
    if it < warmup_iters:
        return it / warmup_iters * max_learning_rate
    if it > cosine_cycle_iters:
        return min_learning_rate
    progress = (it - warmup_iters) / (cosine_cycle_iters - warmup_iters)
    return min_learning_rate + 0.5 * (1 + math.cos(math.pi * progress)) * (max_learning_rate - min_learning_rate)


print([round(get_lr_cosine_schedule(it, 1.0, 0.1, 7, 21), 6) for it in range(25)])
# The same shape with torch's schedulers: a LambdaLR whose factor is the schedule above.
sched_model = make_model()
sched_opt = torch.optim.AdamW(sched_model.parameters(), lr=1.0)
scheduler = torch.optim.lr_scheduler.LambdaLR(sched_opt, lambda it: get_lr_cosine_schedule(it, 1.0, 0.1, 3, 8))
lrs = []
for it in range(10):
    sched_opt.step()
    scheduler.step()
    lrs.append(round(scheduler.get_last_lr()[0], 5))
print(lrs, scheduler.last_epoch, sorted(scheduler.state_dict().keys()))


def gradient_clipping(parameters, max_l2_norm):
    grads = [p.grad for p in parameters if p.grad is not None]
    total_norm = torch.sqrt(sum((g.detach() ** 2).sum() for g in grads))
    if total_norm > max_l2_norm:
        scale = max_l2_norm / (total_norm + 1e-6)
        for g in grads:
            g.mul_(scale)
    return total_norm


params_a = [nn.Parameter(torch.randn(3, 4)), nn.Parameter(torch.randn(5)), nn.Parameter(torch.randn(2))]
params_b = [nn.Parameter(p.detach().clone()) for p in params_a]
for ps in (params_a, params_b):
    (sum((p * torch.arange(p.numel()).view(p.shape)).sum() for p in ps[:2])).backward()
print(params_a[2].grad)
norm_a = gradient_clipping(params_a, 1.0)
norm_b = nn.utils.clip_grad_norm_(params_b, max_norm=1.0)
print(norm_a, norm_b, [torch.allclose(a.grad, b.grad, atol=1e-6) for a, b in zip(params_a[:2], params_b[:2])])
print(torch.linalg.vector_norm(torch.cat([p.grad.flatten() for p in params_a[:2]])))


def get_batch(dataset, batch_size, context_length, device):
    starts = np.random.randint(0, len(dataset) - context_length, size=batch_size)
    x = np.stack([dataset[i:i + context_length] for i in starts]).astype(np.int64)
    y = np.stack([dataset[i + 1:i + 1 + context_length] for i in starts]).astype(np.int64)
    return torch.from_numpy(x).to(device), torch.from_numpy(y).to(device)


with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "train.bin")
    np.arange(100, dtype=np.uint16).tofile(path)
    tokens = np.memmap(path, dtype=np.uint16, mode="r")
    print(type(tokens).__name__, tokens.dtype, tokens.shape)
    np.random.seed(42)
    x, y = get_batch(tokens, 3, 5, "cpu")
    print(x, y, x.dtype, x.device, torch.equal(x + 1, y))
    raw = torch.tensor(tokens[:6], dtype=torch.long)  # torch.from_numpy(tokens) would be a uint16 tensor
    print(raw, raw.dtype, torch.LongTensor(tokens[6:9]), torch.as_tensor(tokens[9:11], dtype=torch.int32))

    def save_checkpoint(model, optimizer, iteration, out):
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "iteration": iteration}, out)

    def load_checkpoint(src, model, optimizer):
        checkpoint = torch.load(src)
        model.load_state_dict(checkpoint["model"])
        optimizer.load_state_dict(checkpoint["optimizer"])
        return checkpoint["iteration"]

    model = make_model()
    optimizer = torch.optim.AdamW(model.parameters(), lr=0.01)
    for it in range(3):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x[:, :3] % 12), y[:, 0] % 12)
        loss.backward()
        optimizer.step()
    ckpt_path = os.path.join(tmp, "ckpt.pt")
    save_checkpoint(model, optimizer, 3, ckpt_path)
    buffer = io.BytesIO()
    save_checkpoint(model, optimizer, 3, buffer)
    buffer.seek(0)

    new_model = make_model()
    new_opt = torch.optim.AdamW(new_model.parameters(), lr=0.5)
    print(load_checkpoint(ckpt_path, new_model, new_opt), new_opt.param_groups[0]["lr"])
    print(all(torch.equal(a, b) for a, b in zip(model.state_dict().values(), new_model.state_dict().values())))
    print(new_opt.state_dict()["state"][0]["step"], new_opt.state[new_model[0].weight]["exp_avg"].shape)
    third_model = make_model()
    third_opt = torch.optim.AdamW(third_model.parameters())
    print(load_checkpoint(buffer, third_model, third_opt), list(torch.load(ckpt_path).keys()))
    # Training resumes identically from the restored state.
    for m, o in ((model, optimizer), (new_model, new_opt)):
        o.zero_grad()
        nn.functional.cross_entropy(m(x[:, :3] % 12), y[:, 0] % 12).backward()
        o.step()
    print(torch.equal(model[2].bias, new_model[2].bias), model[2].bias[:4])
