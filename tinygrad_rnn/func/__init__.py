"""torch.func: function transforms (grad, vjp, jvp, linearize, jacrev, jacfwd, hessian, vmap) and calling a
module as a function of its weights (functional_call, stack_module_state), and the helpers of torch's
tracing (functionalize, debug_unwrap, replace_all_batch_norm_modules_).

See docs/func.md for what each transform does here, how they nest, and which calls vmap batches
natively (the others run a loop, which is correct for every op).
"""
from .functional_call import functional_call, stack_module_state
from .functionalize import debug_unwrap, functionalize, replace_all_batch_norm_modules_
from .grad import grad, grad_and_value, vjp
from .jacobian import hessian, jacrev
from .jvp import jacfwd, jvp
from .linearize import linearize
from .vmap import vmap

__all__ = ["debug_unwrap", "functional_call", "functionalize", "grad", "grad_and_value", "hessian", "jacfwd",
           "jacrev", "jvp", "linearize", "replace_all_batch_norm_modules_", "stack_module_state", "vjp", "vmap"]
