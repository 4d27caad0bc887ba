import tinygrad_rnn as torch
# Optimizers as 2018-2019 repos wrote them (AdamW before torch had it, RAdam, a Lookahead wrapper): subclasses
# of torch.optim.Optimizer that update p.data with the old argument order, exp_avg.mul_(beta1).add_(1 - beta1,
# grad), addcmul_(value, t1, t2), addcdiv_(-step_size, exp_avg, denom), and state kept per parameter.
import math

nn = torch.nn
# torch warns of the deprecated overloads once per process: every time here, as a fresh run would
torch.set_warn_always(True)


class AdamW(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        super(AdamW, self).__init__(params, defaults)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        for group in self.param_groups:
            for p in group['params']:
                if p.grad is None:
                    continue
                grad = p.grad.data
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = 0
                    state['exp_avg'] = torch.zeros_like(p.data)
                    state['exp_avg_sq'] = torch.zeros_like(p.data)
                exp_avg, exp_avg_sq = state['exp_avg'], state['exp_avg_sq']
                beta1, beta2 = group['betas']
                state['step'] += 1
                exp_avg.mul_(beta1).add_(1 - beta1, grad)
                exp_avg_sq.mul_(beta2).addcmul_(1 - beta2, grad, grad)
                denom = exp_avg_sq.sqrt().add_(group['eps'])
                bias_correction1 = 1 - beta1 ** state['step']
                bias_correction2 = 1 - beta2 ** state['step']
                step_size = group['lr'] * math.sqrt(bias_correction2) / bias_correction1
                p.data.add_(-group['weight_decay'] * group['lr'], p.data)
                p.data.addcdiv_(-step_size, exp_avg, denom)
        return loss


class RAdam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay)
        self.buffer = [[None, None, None] for ind in range(10)]
        super(RAdam, self).__init__(params, defaults)

    def step(self, closure=None):
        loss = None
        if closure is not None:
            loss = closure()
        for group in self.param_groups:
            for p in group['params']:
                if p.grad is None:
                    continue
                grad = p.grad.data.float()
                p_data_fp32 = p.data.float()
                state = self.state[p]
                if len(state) == 0:
                    state['step'] = 0
                    state['exp_avg'] = torch.zeros_like(p_data_fp32)
                    state['exp_avg_sq'] = torch.zeros_like(p_data_fp32)
                else:
                    state['exp_avg'] = state['exp_avg'].type_as(p_data_fp32)
                    state['exp_avg_sq'] = state['exp_avg_sq'].type_as(p_data_fp32)
                exp_avg, exp_avg_sq = state['exp_avg'], state['exp_avg_sq']
                beta1, beta2 = group['betas']
                exp_avg_sq.mul_(beta2).addcmul_(1 - beta2, grad, grad)
                exp_avg.mul_(beta1).add_(1 - beta1, grad)
                state['step'] += 1
                buffered = self.buffer[int(state['step'] % 10)]
                if state['step'] == buffered[0]:
                    N_sma, step_size = buffered[1], buffered[2]
                else:
                    buffered[0] = state['step']
                    beta2_t = beta2 ** state['step']
                    N_sma_max = 2 / (1 - beta2) - 1
                    N_sma = N_sma_max - 2 * state['step'] * beta2_t / (1 - beta2_t)
                    buffered[1] = N_sma
                    if N_sma >= 5:
                        step_size = group['lr'] * math.sqrt(
                            (1 - beta2_t) * (N_sma - 4) / (N_sma_max - 4) * (N_sma - 2) / N_sma * N_sma_max
                            / (N_sma_max - 2)) / (1 - beta1 ** state['step'])
                    else:
                        step_size = group['lr'] / (1 - beta1 ** state['step'])
                    buffered[2] = step_size
                if group['weight_decay'] != 0:
                    p_data_fp32.add_(-group['weight_decay'] * group['lr'], p_data_fp32)
                if N_sma >= 5:
                    denom = exp_avg_sq.sqrt().add_(group['eps'])
                    p_data_fp32.addcdiv_(-step_size, exp_avg, denom)
                else:
                    p_data_fp32.add_(-step_size, exp_avg)
                p.data.copy_(p_data_fp32)
        return loss


class Lookahead(object):
    def __init__(self, base_optimizer, alpha=0.5, k=6):
        self.optimizer = base_optimizer
        self.alpha, self.k = alpha, k
        self.param_groups = self.optimizer.param_groups
        self.state = {}
        for group in self.param_groups:
            group['counter'] = 0
        self.slow_weights = [[p.clone().detach() for p in group['params']] for group in self.param_groups]

    def zero_grad(self):
        self.optimizer.zero_grad()

    def step(self, closure=None):
        loss = self.optimizer.step(closure)
        for group, slow_weights in zip(self.param_groups, self.slow_weights):
            group['counter'] += 1
            if group['counter'] % self.k != 0:
                continue
            for p, q in zip(group['params'], slow_weights):
                q.data.add_(self.alpha, p.data - q.data)
                p.data.copy_(q.data)
        return loss


torch.manual_seed(0)
X = torch.randn(64, 5)
y = (X[:, :1] * 2 - X[:, 1:2] + 0.3 * X[:, 2:3] ** 2) + 0.1 * torch.randn(64, 1)


def make_model():
    torch.manual_seed(1)
    return nn.Sequential(nn.Linear(5, 16), nn.Tanh(), nn.Linear(16, 1))


for name, build in [("AdamW", lambda ps: AdamW(ps, lr=0.01, weight_decay=0.01)),
                    ("RAdam", lambda ps: RAdam(ps, lr=0.03)),
                    ("Lookahead(SGD)", lambda ps: Lookahead(torch.optim.SGD(ps, lr=0.05, momentum=0.9)))]:
    model = make_model()
    optimizer = build(model.parameters())
    losses = []
    for epoch in range(30):
        def closure(model=model, optimizer=optimizer):
            optimizer.zero_grad()
            loss = nn.functional.mse_loss(model(X), y)
            loss.backward()
            return loss
        loss = optimizer.step(closure)
        losses.append(loss.item())
    print(name, ["%.4f" % l for l in losses[::6]], "final %.5f" % losses[-1])
    first = optimizer.param_groups[0]
    print("  groups:", len(optimizer.param_groups), sorted(k for k in first if k != 'params'))
    state = optimizer.state[model[0].weight] if name != "Lookahead(SGD)" else optimizer.optimizer.state[model[0].weight]
    print("  state:", sorted(state), {k: tuple(v.shape) for k, v in state.items() if torch.is_tensor(v)})
    print("  weight[0]:", model[0].weight.data[0])

adamw = AdamW(make_model().parameters())
print(type(adamw).__name__, isinstance(adamw, torch.optim.Optimizer), adamw.defaults)
sd = adamw.state_dict()
print(sorted(sd), sd['param_groups'][0]['params'])
torch.set_warn_always(False)
