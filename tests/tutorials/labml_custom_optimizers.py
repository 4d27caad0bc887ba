import tinygrad_rnn as torch
import math
from typing import Dict, Any, Tuple, Optional
nn = torch.nn
# labml.ai "annotated deep learning paper implementations", optimizers: a generic adaptive optimizer subclassing
# torch.optim.Optimizer (param groups, lazily initialised per-parameter state with zeros_like and
# memory_format=torch.preserve_format, @torch.no_grad step with a closure), Adam with bias correction via
# addcdiv_, AMSGrad keeping torch.maximum of the second moments, a warm-up/Noam learning rate, and AdaBelief.
# Each is checked against torch.optim.Adam on a small regression. Their labml helpers are left out.
class GenericAdaptiveOptimizer(torch.optim.Optimizer):
    def __init__(self, params, defaults: Dict[str, Any], lr: float, betas: Tuple[float, float], eps: float):
        if not 0.0 <= lr:
            raise ValueError(f"Invalid learning rate: {lr}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= betas[0] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 0: {betas[0]}")
        if not 0.0 <= betas[1] < 1.0:
            raise ValueError(f"Invalid beta parameter at index 1: {betas[1]}")
        defaults.update(dict(lr=lr, betas=betas, eps=eps))
        super().__init__(params, defaults)
    def init_state(self, state: Dict[str, any], group: Dict[str, any], param: nn.Parameter):
        pass
    def step_param(self, state: Dict[str, any], group: Dict[str, any], grad: torch.Tensor, param: torch.Tensor):
        pass
    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for param in group['params']:
                if param.grad is None:
                    continue
                grad = param.grad.data
                if grad.is_sparse:
                    raise RuntimeError('GenericAdaptiveOptimizer does not support sparse gradients,'
                                       ' please consider SparseAdam instead')
                state = self.state[param]
                if len(state) == 0:
                    self.init_state(state, group, param)
                self.step_param(state, group, grad, param)
        return loss
class WeightDecay:
    def __init__(self, weight_decay: float = 0., weight_decouple: bool = True, absolute: bool = False):
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        self.absolute = absolute
        self.weight_decouple = weight_decouple
        self.weight_decay = weight_decay
    def defaults(self):
        return dict(weight_decay=self.weight_decay)
    def __call__(self, param: torch.nn.Parameter, grad: torch.Tensor, group: Dict[str, any]):
        if self.weight_decouple:
            if self.absolute:
                param.data.mul_(1.0 - group['weight_decay'])
            else:
                param.data.mul_(1.0 - group['lr'] * group['weight_decay'])
            return grad
        else:
            if group['weight_decay'] != 0:
                return grad.add(param.data, alpha=group['weight_decay'])
            else:
                return grad
class Adam(GenericAdaptiveOptimizer):
    def __init__(self, params, lr: float = 1e-3, betas: Tuple[float, float] = (0.9, 0.999), eps: float = 1e-16,
                 weight_decay: WeightDecay = WeightDecay(), optimized_update: bool = True,  # noqa: B008 (labml.ai writes it so)
                 defaults: Optional[Dict[str, Any]] = None):
        defaults = {} if defaults is None else defaults
        defaults.update(weight_decay.defaults())
        super().__init__(params, defaults, lr, betas, eps)
        self.weight_decay = weight_decay
        self.optimized_update = optimized_update
    def init_state(self, state: Dict[str, any], group: Dict[str, any], param: nn.Parameter):
        state['step'] = 0
        state['exp_avg'] = torch.zeros_like(param, memory_format=torch.preserve_format)
        state['exp_avg_sq'] = torch.zeros_like(param, memory_format=torch.preserve_format)
    def get_mv(self, state: Dict[str, Any], group: Dict[str, Any], grad: torch.Tensor):
        beta1, beta2 = group['betas']
        m, v = state['exp_avg'], state['exp_avg_sq']
        m.mul_(beta1).add_(grad, alpha=1 - beta1)
        v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        return m, v
    def get_lr(self, state: Dict[str, any], group: Dict[str, any]):
        return group['lr']
    def adam_update(self, state: Dict[str, any], group: Dict[str, any], param: torch.nn.Parameter,
                    m: torch.Tensor, v: torch.Tensor):
        beta1, beta2 = group['betas']
        bias_correction1 = 1 - beta1 ** state['step']
        bias_correction2 = 1 - beta2 ** state['step']
        lr = self.get_lr(state, group)
        if self.optimized_update:
            denominator = v.sqrt().add_(group['eps'])
            step_size = lr * math.sqrt(bias_correction2) / bias_correction1
            param.data.addcdiv_(m, denominator, value=-step_size)
        else:
            denominator = (v.sqrt() / math.sqrt(bias_correction2)).add_(group['eps'])
            step_size = lr / bias_correction1
            param.data.addcdiv_(m, denominator, value=-step_size)
    def step_param(self, state: Dict[str, any], group: Dict[str, any], grad: torch.Tensor, param: torch.nn.Parameter):
        grad = self.weight_decay(param, grad, group)
        m, v = self.get_mv(state, group, grad)
        state['step'] += 1
        self.adam_update(state, group, param, m, v)
class AMSGrad(Adam):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay: WeightDecay = WeightDecay(),  # noqa: B008
                 optimized_update: bool = True, amsgrad=True, defaults=None):
        defaults = {} if defaults is None else defaults
        defaults.update(dict(amsgrad=amsgrad))
        super().__init__(params, lr, betas, eps, weight_decay, optimized_update, defaults)
    def init_state(self, state: Dict[str, any], group: Dict[str, any], param: nn.Parameter):
        super().init_state(state, group, param)
        if group['amsgrad']:
            state['max_exp_avg_sq'] = torch.zeros_like(param, memory_format=torch.preserve_format)
    def get_mv(self, state: Dict[str, any], group: Dict[str, any], grad: torch.Tensor):
        m, v = super().get_mv(state, group, grad)
        if group['amsgrad']:
            v_max = state['max_exp_avg_sq']
            torch.maximum(v_max, v, out=v_max)
            return m, v_max
        else:
            return m, v
class AdamWarmup(AMSGrad):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay: WeightDecay = WeightDecay(),  # noqa: B008
                 optimized_update: bool = True, amsgrad=False, warmup=0, defaults=None):
        defaults = {} if defaults is None else defaults
        defaults.update(dict(warmup=warmup))
        super().__init__(params, lr, betas, eps, weight_decay, optimized_update, amsgrad, defaults)
    def get_lr(self, state: Dict[str, any], group: Dict[str, any]):
        if group['warmup'] > state['step']:
            return 1e-8 + state['step'] * group['lr'] / group['warmup']
        else:
            return group['lr']
class Noam(AdamWarmup):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay: WeightDecay = WeightDecay(),  # noqa: B008
                 optimized_update: bool = True, amsgrad=False, warmup=0, d_model=512, defaults=None):
        defaults = {} if defaults is None else defaults
        super().__init__(params, lr, betas, eps, weight_decay, optimized_update, amsgrad, warmup, defaults)
        self.d_model = d_model
    def get_lr(self, state: Dict[str, any], group: Dict[str, any]):
        factor = min(state['step'] ** (-0.5), state['step'] * group['warmup'] ** (-1.5))
        return group['lr'] * self.d_model ** (-0.5) * factor
class AdaBelief(AMSGrad):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-16, weight_decay: WeightDecay = WeightDecay(),  # noqa: B008
                 amsgrad=False, degenerate_to_sgd=True, rectify=False, defaults=None):
        defaults = {} if defaults is None else defaults
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad=amsgrad, defaults=defaults)
        self.rectify = rectify
    def init_state(self, state: Dict[str, any], group: Dict[str, any], param: nn.Parameter):
        state['step'] = 0
        state['exp_avg'] = torch.zeros_like(param, memory_format=torch.preserve_format)
        state['exp_avg_var'] = torch.zeros_like(param, memory_format=torch.preserve_format)
        if group['amsgrad']:
            state['max_exp_avg_var'] = torch.zeros_like(param, memory_format=torch.preserve_format)
    def get_ms(self, state: Dict[str, Any], group: Dict[str, Any], grad: torch.Tensor):
        beta1, beta2 = group['betas']
        m, s = state['exp_avg'], state['exp_avg_var']
        m.mul_(beta1).add_(grad, alpha=1 - beta1)
        grad_residual = grad - m
        s.mul_(beta2).addcmul_(grad_residual, grad_residual, value=1 - beta2)
        if group['amsgrad']:
            s_max = state['max_exp_avg_var']
            torch.maximum(s_max, s, out=s_max)
            return m, s_max
        else:
            return m, s
    def step_param(self, state, group, grad, param):
        grad = self.weight_decay(param, grad, group)
        m, s = self.get_ms(state, group, grad)
        state['step'] += 1
        self.adam_update(state, group, param, m, s + group['eps'])

def make_problem():
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
    x = torch.randn(16, 3)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.1
    return model, x, y
def train(make_opt, steps=5):
    model, x, y = make_problem()
    opt = make_opt(model.parameters())
    losses = []
    for _ in range(steps):
        def closure():
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            return loss
        losses.append(round(opt.step(closure).item(), 5))
    return model, opt, losses
ref_model, ref_opt, ref_losses = train(lambda p: torch.optim.Adam(p, lr=0.01, eps=1e-16))
print('torch.optim.Adam', ref_losses)
for name, make in [('Adam', lambda p: Adam(p, lr=0.01)),
                   ('Adam unoptimized', lambda p: Adam(p, lr=0.01, optimized_update=False)),
                   ('AMSGrad', lambda p: AMSGrad(p, lr=0.01)),
                   ('Adam decoupled wd', lambda p: Adam(p, lr=0.01, weight_decay=WeightDecay(0.1))),
                   ('Adam L2 wd', lambda p: Adam(p, lr=0.01, weight_decay=WeightDecay(0.1, weight_decouple=False))),
                   ('AdamWarmup', lambda p: AdamWarmup(p, lr=0.01, warmup=3)),
                   ('Noam', lambda p: Noam(p, lr=1.0, warmup=3, d_model=16)),
                   ('AdaBelief', lambda p: AdaBelief(p, lr=0.01)),
                   ('AdaBelief ams', lambda p: AdaBelief(p, lr=0.01, amsgrad=True))]:
    model, opt, losses = train(make)
    state = opt.state[model[0].weight]
    same = all(torch.allclose(a, b, atol=1e-6) for a, b in zip(model.parameters(), ref_model.parameters()))
    print(name, losses, same, sorted(state.keys()), state['step'], state['exp_avg'][0])
    print('  ', opt.param_groups[0]['lr'], sorted(k for k in opt.param_groups[0] if k != 'params'), len(opt.state))
model, opt, _ = train(lambda p: torch.optim.AdamW(p, lr=0.01, weight_decay=0.1))
m2, o2, _ = train(lambda p: Adam(p, lr=0.01, eps=1e-8, weight_decay=WeightDecay(0.1)))
print([torch.allclose(a, b, atol=1e-6) for a, b in zip(model.parameters(), m2.parameters())])
m3, o3, _ = train(lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True, eps=1e-16))
m4, o4, _ = train(lambda p: AMSGrad(p, lr=0.01))
print([torch.allclose(a, b, atol=1e-6) for a, b in zip(m3.parameters(), m4.parameters())], o3.state[m3[0].weight]['max_exp_avg_sq'][0])
print(ref_opt.state[ref_model[0].weight]['step'], ref_opt.state[ref_model[0].weight]['exp_avg'][0])
sd = opt.state_dict()
print(list(sd.keys()), sorted(sd['state'][0].keys()), sd['param_groups'][0]['params'])
for bad in [dict(lr=-1.0), dict(betas=(1.0, 0.9)), dict(eps=-1.0)]:
    try:
        Adam(nn.Linear(2, 2).parameters(), **bad)
    except ValueError as e:
        print('ValueError', e)
for bad in [dict(lr=-1.0), dict(betas=(1.0, 0.9)), dict(eps=-1.0), dict(weight_decay=-1.0), dict(betas=(0.9, 1.5))]:
    try:
        torch.optim.Adam(nn.Linear(2, 2).parameters(), **bad)
    except ValueError as e:
        print('torch ValueError', e)
try:
    Adam([], lr=0.1)
except ValueError as e:
    print(e)
opt = Adam([{'params': nn.Linear(2, 2).parameters()}, {'params': [nn.Parameter(torch.ones(2))], 'lr': 0.5}], lr=0.1)
print([g['lr'] for g in opt.param_groups], [g['weight_decay'] for g in opt.param_groups], opt.defaults)
opt.add_param_group({'params': nn.Parameter(torch.zeros(3)), 'betas': (0.8, 0.9)})
print(opt.param_groups[2]['betas'], opt.param_groups[2]['eps'], len(opt.param_groups))
print(repr(opt).splitlines()[:6])
