"""torch 2.13's overloads, as its parser lists them (measured by tools/measure_overloads.py: do not edit).

An op with one overload never lists it: its positional parameters are measured one by one, and
`= ...` marks one with a default (whose value torch never prints)."""

FUNCTIONS: dict[str, tuple[str, ...]] = {
    'sum': (
        '(Tensor input, *, torch.dtype dtype = None)',
        '(Tensor input, tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)',
    ),
    'mean': (
        '(Tensor input, *, torch.dtype dtype = None, Tensor out = None)',
        '(Tensor input, tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)',
    ),
    'prod': (
        '(Tensor input, *, torch.dtype dtype = None)',
        '(Tensor input, int dim, bool keepdim = False, *, torch.dtype dtype = None, Tensor out = None)',
    ),
    'std': (
        '(Tensor input, tuple of ints dim, bool unbiased = True, bool keepdim = False, *, Tensor out = None)',
        '(Tensor input, tuple of ints dim = None, *, Number correction = None, bool keepdim = False, Tensor out = None)',
        '(Tensor input, bool unbiased = True)',
    ),
    'var': (
        '(Tensor input, tuple of ints dim, bool unbiased = True, bool keepdim = False, *, Tensor out = None)',
        '(Tensor input, tuple of ints dim = None, *, Number correction = None, bool keepdim = False, Tensor out = None)',
        '(Tensor input, bool unbiased = True)',
    ),
    'nansum': (
        '(Tensor input, tuple of ints dim = None, bool keepdim = ..., *, torch.dtype dtype = None, Tensor out = None)',
    ),
    'amax': (
        '(Tensor input, tuple of ints dim = None, bool keepdim = ..., *, Tensor out = None)',
    ),
    'amin': (
        '(Tensor input, tuple of ints dim = None, bool keepdim = ..., *, Tensor out = None)',
    ),
    'argmax': (
        '(Tensor input, int dim = None, bool keepdim = ..., *, Tensor out = None)',
    ),
    'argmin': (
        '(Tensor input, int dim = None, bool keepdim = ..., *, Tensor out = None)',
    ),
    'max': (
        '(Tensor input, *, Tensor out = None)',
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)',
    ),
    'min': (
        '(Tensor input, *, Tensor out = None)',
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)',
    ),
    'median': (
        '(Tensor input)',
        '(Tensor input, int dim, bool keepdim = False, *, tuple of Tensors out = None)',
    ),
    'mode': (
        '(Tensor input, int dim = ..., bool keepdim = ..., *, tuple of Tensors out = None)',
    ),
    'kthvalue': (
        '(Tensor input, int k, int dim = ..., bool keepdim = ..., *, tuple of Tensors out = None)',
    ),
    'logsumexp': (
        '(Tensor input, tuple of ints dim, bool keepdim = ..., *, Tensor out = None)',
    ),
    'all': (
        '(Tensor input, *, Tensor out = None)',
        '(Tensor input, tuple of ints dim = None, bool keepdim = False, *, Tensor out = None)',
        '(Tensor input, int dim, bool keepdim = False, *, Tensor out = None)',
    ),
    'any': (
        '(Tensor input, *, Tensor out = None)',
        '(Tensor input, tuple of ints dim = None, bool keepdim = False, *, Tensor out = None)',
        '(Tensor input, int dim, bool keepdim = False, *, Tensor out = None)',
    ),
    'count_nonzero': (
        '(Tensor input, int dim = None)',
        '(Tensor input, tuple of ints dim)',
    ),
    'cumsum': (
        '(Tensor input, int dim, *, torch.dtype dtype = None, Tensor out = None)',
    ),
    'cumprod': (
        '(Tensor input, int dim, *, torch.dtype dtype = None, Tensor out = None)',
    ),
    'cummax': (
        '(Tensor input, int dim, *, tuple of Tensors out = None)',
    ),
    'cummin': (
        '(Tensor input, int dim, *, tuple of Tensors out = None)',
    ),
    'sort': (
        '(Tensor input, *, bool stable, int dim = -1, bool descending = False, tuple of Tensors out = None)',
        '(Tensor input, int dim = -1, bool descending = False, *, tuple of Tensors out = None)',
    ),
    'argsort': (
        '(Tensor input, *, bool stable, int dim = -1, bool descending = False, Tensor out = None)',
        '(Tensor input, int dim = -1, bool descending = False)',
    ),
    'topk': (
        '(Tensor input, int k, int dim = ..., bool largest = ..., bool sorted = ..., *, tuple of Tensors out = None)',
    ),
    'where': (
        '(Tensor condition)',
        '(Tensor condition, Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor condition, Number self, Tensor other)',
        '(Tensor condition, Tensor input, Number other)',
        '(Tensor condition, Number self, Number other)',
    ),
    'masked_fill': (
        '(Tensor input, Tensor mask, Tensor value)',
        '(Tensor input, Tensor mask, Number value)',
    ),
    'masked_select': (
        '(Tensor input, Tensor mask, *, Tensor out = None)',
    ),
    'index_select': (
        '(Tensor input, int dim, Tensor index, *, Tensor out = None)',
    ),
    'index_add': (
        '(Tensor input, int dim, Tensor index, Tensor source, *, Number alpha = ..., Tensor out = None)',
    ),
    'gather': (
        '(Tensor input, int dim, Tensor index, *, bool sparse_grad = ..., Tensor out = None)',
    ),
    'scatter': (
        '(Tensor input, int dim, Tensor index, Tensor src, *, Tensor out = None)',
        '(Tensor input, int dim, Tensor index, Tensor src, *, str reduce, Tensor out = None)',
        '(Tensor input, int dim, Tensor index, Number value, *, Tensor out = None)',
        '(Tensor input, int dim, Tensor index, Number value, *, str reduce, Tensor out = None)',
    ),
    'narrow': (
        '(Tensor input, int dim, Tensor start, int length)',
        '(Tensor input, int dim, int start, int length)',
    ),
    'select': (
        '(Tensor input, int dim, int index)',
    ),
    'squeeze': (
        '(Tensor input)',
        '(Tensor input, int dim)',
        '(Tensor input, tuple of ints dim)',
    ),
    'unsqueeze': (
        '(Tensor input, int dim)',
    ),
    'flatten': (
        '(Tensor input, int start_dim = ..., int end_dim = ...)',
    ),
    'transpose': (
        '(Tensor input, int dim0, int dim1)',
    ),
    'swapaxes': (
        '(Tensor input, int axis0, int axis1)',
    ),
    'movedim': (
        '(Tensor input, int source, int destination)',
        '(Tensor input, tuple of ints source, tuple of ints destination)',
    ),
    'permute': (
        '(Tensor input, tuple of ints dims)',
    ),
    'reshape': (
        '(Tensor input, tuple of ints shape)',
    ),
    'flip': (
        '(Tensor input, tuple of ints dims)',
    ),
    'roll': (
        '(Tensor input, tuple of ints shifts, tuple of ints dims = None)',
    ),
    'chunk': (
        '(Tensor input, int chunks, int dim = ...)',
    ),
    'cat': (
        '(tuple of Tensors tensors, int dim = ..., *, Tensor out = None)',
    ),
    'stack': (
        '(tuple of Tensors tensors, int dim = ..., *, Tensor out = None)',
    ),
    'unbind': (
        '(Tensor input, int dim = ...)',
    ),
    'diff': (
        '(Tensor input, int n = ..., int dim = ..., Tensor prepend = None, Tensor append = None, *, Tensor out = None)',
    ),
    'tril': (
        '(Tensor input, int diagonal = ..., *, Tensor out = None)',
    ),
    'triu': (
        '(Tensor input, int diagonal = ..., *, Tensor out = None)',
    ),
    'diag': (
        '(Tensor input, int diagonal = ..., *, Tensor out = None)',
    ),
    't': (
        '(Tensor input)',
    ),
    'mm': (
        '(Tensor input, Tensor mat2, *, Tensor out = None)',
        '(Tensor input, Tensor mat2, torch.dtype out_dtype, *, Tensor out = None)',
    ),
    'bmm': (
        '(Tensor input, Tensor mat2, *, Tensor out = None)',
        '(Tensor input, Tensor mat2, torch.dtype out_dtype, *, Tensor out = None)',
    ),
    'matmul': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'pow': (
        '(Tensor input, Tensor exponent, *, Tensor out = None)',
        '(Number self, Tensor exponent, *, Tensor out = None)',
        '(Tensor input, Number exponent, *, Tensor out = None)',
    ),
    'clamp': (
        '(Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)',
        '(Tensor input, Number min = None, Number max = None, *, Tensor out = None)',
    ),
    'softmax': (
        '(Tensor input, int dim, torch.dtype dtype = None, *, Tensor out = None)',
    ),
    'log_softmax': (
        '(Tensor input, int dim, torch.dtype dtype = None, *, Tensor out = None)',
    ),
    'eye': (
        '(int n, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(int n, int m, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'rand': (
        '(tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'randn': (
        '(tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'zeros': (
        '(tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool requires_grad = None, bool pin_memory = None)',
    ),
    'ones': (
        '(tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool requires_grad = None, bool pin_memory = None)',
    ),
    'full': (
        '(tuple of ints size, Number fill_value, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool requires_grad = None, bool pin_memory = None)',
    ),
    'arange': (
        '(Number end, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Number start, Number end, *, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Number start, Number end, Number step = 1, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'linspace': (
        '(Tensor start, Tensor end, int steps, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Number start, Tensor end, int steps, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Tensor start, Number end, int steps, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Number start, Number end, int steps, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'logspace': (
        '(Tensor start, Tensor end, int steps, float base = 10.0, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Number start, Tensor end, int steps, float base = 10.0, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Tensor start, Number end, int steps, float base = 10.0, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Number start, Number end, int steps, float base = 10.0, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'randint': (
        '(int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(int low, int high, tuple of ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(int low, int high, tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'add': (
        '(Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None)',
    ),
    'sub': (
        '(Tensor input, Tensor other, *, Number alpha = 1, Tensor out = None)',
    ),
    'mul': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'div': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, Tensor other, *, str rounding_mode, Tensor out = None)',
        '(Tensor input, Number other, *, str rounding_mode)',
    ),
    'true_divide': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, Number other)',
    ),
    'floor_divide': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, Number other)',
    ),
    'maximum': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'minimum': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'fmod': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, Number other, *, Tensor out = None)',
    ),
    'remainder': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Number self, Tensor other)',
        '(Tensor input, Number other, *, Tensor out = None)',
    ),
    'eq': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, Number other, *, Tensor out = None)',
    ),
    'ne': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, Number other, *, Tensor out = None)',
    ),
    'lt': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, Number other, *, Tensor out = None)',
    ),
    'gt': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, Number other, *, Tensor out = None)',
    ),
    'le': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, Number other, *, Tensor out = None)',
    ),
    'ge': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
        '(Tensor input, Number other, *, Tensor out = None)',
    ),
    'atan2': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'logical_and': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'logical_or': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'lerp': (
        '(Tensor input, Tensor end, Tensor weight, *, Tensor out = None)',
        '(Tensor input, Tensor end, Number weight, *, Tensor out = None)',
    ),
    'addmm': (
        '(Tensor input, Tensor mat1, Tensor mat2, *, Number beta = 1, Number alpha = 1, Tensor out = None)',
        '(Tensor input, Tensor mat1, Tensor mat2, torch.dtype out_dtype, *, Number beta = 1, Number alpha = 1, Tensor out = None)',
    ),
    'outer': (
        '(Tensor input, Tensor vec2, *, Tensor out = None)',
    ),
    'dot': (
        '(Tensor input, Tensor tensor, *, Tensor out = None)',
    ),
    'clamp_min': (
        '(Tensor input, Tensor min, *, Tensor out = None)',
        '(Tensor input, Number min, *, Tensor out = None)',
    ),
    'clamp_max': (
        '(Tensor input, Tensor max, *, Tensor out = None)',
        '(Tensor input, Number max, *, Tensor out = None)',
    ),
    'repeat_interleave': (
        '(Tensor input, Tensor repeats, int dim = None, *, int output_size = None)',
        '(Tensor repeats, *, int output_size = None)',
        '(Tensor input, int repeats, int dim = None, *, int output_size = None)',
    ),
    'take': (
        '(Tensor input, Tensor index, *, Tensor out = None)',
    ),
    'tile': (
        '(Tensor input, tuple of ints dims)',
    ),
    'unflatten': (
        '(Tensor input, int dim, tuple of ints sizes)',
    ),
    'index_put': (
        '(Tensor input, tuple of Tensors indices, Tensor values, bool accumulate = ...)',
    ),
    'masked_scatter': (
        '(Tensor input, Tensor mask, Tensor source)',
    ),
    'nonzero': (
        '(Tensor input, *, Tensor out = None, bool as_tuple = ...)',
    ),
    'argwhere': (
        '(Tensor input)',
    ),
    'bincount': (
        '(Tensor input, Tensor weights = None, int minlength = ...)',
    ),
    'histc': (
        '(Tensor input, int bins = ..., Number min = ..., Number max = ..., *, Tensor out = None)',
    ),
    'multinomial': (
        '(Tensor input, int num_samples, bool replacement = ..., *, torch.Generator generator = None, Tensor out = None)',
    ),
    'normal': (
        '(Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)',
        '(Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)',
        '(float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)',
        '(float mean, float std, tuple of ints size, *, torch.Generator generator = None, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'bernoulli': (
        '(Tensor input, *, torch.Generator generator = None, Tensor out = None)',
        '(Tensor input, float p, *, torch.Generator generator = None)',
    ),
    'dropout': (
        '(Tensor input, float p, bool train)',
    ),
    'empty': (
        '(tuple of ints size, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool requires_grad = None, bool pin_memory = None, torch.memory_format memory_format = None)',
    ),
    'full_like': (
        '(Tensor input, Number fill_value, *, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool requires_grad = None, torch.memory_format memory_format = None, bool pin_memory = None)',
    ),
    'zeros_like': (
        '(Tensor input, *, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool requires_grad = None, torch.memory_format memory_format = None, bool pin_memory = None)',
    ),
    'ones_like': (
        '(Tensor input, *, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool requires_grad = None, torch.memory_format memory_format = None, bool pin_memory = None)',
    ),
    'rand_like': (
        '(Tensor input, *, torch.Generator generator, torch.memory_format memory_format = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Tensor input, *, torch.memory_format memory_format = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'randn_like': (
        '(Tensor input, *, torch.Generator generator, torch.memory_format memory_format = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Tensor input, *, torch.memory_format memory_format = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'randint_like': (
        '(Tensor input, int low, int high, *, torch.Generator generator, torch.memory_format memory_format = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Tensor input, int low, int high, *, torch.memory_format memory_format = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Tensor input, Tensor high, *, torch.Generator generator, torch.memory_format memory_format = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Tensor input, Tensor high, *, torch.memory_format memory_format = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Tensor input, int high, *, torch.Generator generator, torch.memory_format memory_format = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(Tensor input, int high, *, torch.memory_format memory_format = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'randperm': (
        '(int n, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
        '(int n, *, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, bool pin_memory = False, bool requires_grad = False)',
    ),
    'split_with_sizes': (
        '(Tensor input, tuple of ints split_sizes, int dim = ...)',
    ),
    'tensor_split': (
        '(Tensor input, tuple of ints indices, int dim = 0)',
        '(Tensor input, Tensor tensor_indices_or_sections, int dim = 0)',
        '(Tensor input, int sections, int dim = 0)',
    ),
    'hsplit': (
        '(Tensor input, int sections)',
        '(Tensor input, tuple of ints indices)',
    ),
    'vstack': (
        '(tuple of Tensors tensors, *, Tensor out = None)',
    ),
    'hstack': (
        '(tuple of Tensors tensors, *, Tensor out = None)',
    ),
    'concat': (
        '(tuple of Tensors tensors, int dim = ..., *, Tensor out = None)',
    ),
    'concatenate': (
        '(tuple of Tensors tensors, int dim = ..., *, Tensor out = None)',
    ),
    'dstack': (
        '(tuple of Tensors tensors, *, Tensor out = None)',
    ),
    'kron': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'std_mean': (
        '(Tensor input, tuple of ints dim, bool unbiased = True, bool keepdim = False)',
        '(Tensor input, tuple of ints dim = None, *, Number correction = None, bool keepdim = False)',
        '(Tensor input, bool unbiased = True)',
    ),
    'var_mean': (
        '(Tensor input, tuple of ints dim, bool unbiased = True, bool keepdim = False)',
        '(Tensor input, tuple of ints dim = None, *, Number correction = None, bool keepdim = False)',
        '(Tensor input, bool unbiased = True)',
    ),
    'aminmax': (
        '(Tensor input, *, int dim = None, bool keepdim = ..., tuple of Tensors out = None)',
    ),
    'nanmean': (
        '(Tensor input, tuple of ints dim = None, bool keepdim = ..., *, torch.dtype dtype = None, Tensor out = None)',
    ),
    'quantile': (
        '(Tensor input, Tensor q, int dim = None, bool keepdim = False, *, str interpolation = "linear", Tensor out = None)',
        '(Tensor input, float q, int dim = None, bool keepdim = False, *, str interpolation = "linear", Tensor out = None)',
    ),
    'nanquantile': (
        '(Tensor input, Tensor q, int dim = None, bool keepdim = False, *, str interpolation = "linear", Tensor out = None)',
        '(Tensor input, float q, int dim = None, bool keepdim = False, *, str interpolation = "linear", Tensor out = None)',
    ),
    'logcumsumexp': (
        '(Tensor input, int dim, *, Tensor out = None)',
    ),
    'isclose': (
        '(Tensor input, Tensor other, float rtol = ..., float atol = ..., bool equal_nan = ...)',
    ),
    'allclose': (
        '(Tensor input, Tensor other, float rtol = ..., float atol = ..., bool equal_nan = ...)',
    ),
    'equal': (
        '(Tensor input, Tensor other)',
    ),
    'cross': (
        '(Tensor input, Tensor other, int dim = None, *, Tensor out = None)',
    ),
    'as_strided': (
        '(Tensor input, tuple of ints size, tuple of ints stride, int storage_offset = None)',
    ),
    'baddbmm': (
        '(Tensor input, Tensor batch1, Tensor batch2, *, Number beta = 1, Number alpha = 1, Tensor out = None)',
        '(Tensor input, Tensor batch1, Tensor batch2, torch.dtype out_dtype, *, Number beta = 1, Number alpha = 1, Tensor out = None)',
    ),
    'hypot': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'diagonal': (
        '(Tensor input, int offset = ..., int dim1 = ..., int dim2 = ...)',
    ),
    'diag_embed': (
        '(Tensor input, int offset = ..., int dim1 = ..., int dim2 = ...)',
    ),
    'logical_xor': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'logaddexp': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'logaddexp2': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'fmax': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'fmin': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'ldexp': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'nextafter': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'gcd': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'lcm': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'addcmul': (
        '(Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1, Tensor out = None)',
    ),
    'addcdiv': (
        '(Tensor input, Tensor tensor1, Tensor tensor2, *, Number value = 1, Tensor out = None)',
    ),
    'igamma': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'igammac': (
        '(Tensor input, Tensor other, *, Tensor out = None)',
    ),
    'dist': (
        '(Tensor input, Tensor other, Number p = ...)',
    ),
}

FUNCTIONS_HIDING_OVERLOADS = frozenset(['add', 'sub', 'addcmul', 'addcdiv'])

METHODS: dict[str, tuple[str, ...]] = {
    'sum': (
        '(*, torch.dtype dtype = None)',
        '(tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)',
    ),
    'mean': (
        '(*, torch.dtype dtype = None)',
        '(tuple of ints dim, bool keepdim = False, *, torch.dtype dtype = None)',
    ),
    'prod': (
        '(*, torch.dtype dtype = None)',
        '(int dim, bool keepdim = False, *, torch.dtype dtype = None)',
    ),
    'std': (
        '(tuple of ints dim, bool unbiased = True, bool keepdim = False)',
        '(tuple of ints dim = None, *, Number correction = None, bool keepdim = False)',
        '(bool unbiased = True)',
    ),
    'var': (
        '(tuple of ints dim, bool unbiased = True, bool keepdim = False)',
        '(tuple of ints dim = None, *, Number correction = None, bool keepdim = False)',
        '(bool unbiased = True)',
    ),
    'nansum': (
        '(tuple of ints dim = None, bool keepdim = ..., *, torch.dtype dtype = None)',
    ),
    'amax': (
        '(tuple of ints dim = None, bool keepdim = ...)',
    ),
    'amin': (
        '(tuple of ints dim = None, bool keepdim = ...)',
    ),
    'argmax': (
        '(int dim = None, bool keepdim = ...)',
    ),
    'argmin': (
        '(int dim = None, bool keepdim = ...)',
    ),
    'max': (
        '()',
        '(Tensor other)',
        '(int dim, bool keepdim = False)',
    ),
    'min': (
        '()',
        '(Tensor other)',
        '(int dim, bool keepdim = False)',
    ),
    'median': (
        '()',
        '(int dim, bool keepdim = False)',
    ),
    'mode': (
        '(int dim = ..., bool keepdim = ...)',
    ),
    'kthvalue': (
        '(int k, int dim = ..., bool keepdim = ...)',
    ),
    'logsumexp': (
        '(tuple of ints dim, bool keepdim = ...)',
    ),
    'all': (
        '()',
        '(tuple of ints dim = None, bool keepdim = False)',
        '(int dim, bool keepdim = False)',
    ),
    'any': (
        '()',
        '(tuple of ints dim = None, bool keepdim = False)',
        '(int dim, bool keepdim = False)',
    ),
    'count_nonzero': (
        '(int dim = None)',
        '(tuple of ints dim)',
    ),
    'cumsum': (
        '(int dim, *, torch.dtype dtype = None)',
    ),
    'cumprod': (
        '(int dim, *, torch.dtype dtype = None)',
    ),
    'cummax': (
        '(int dim)',
    ),
    'cummin': (
        '(int dim)',
    ),
    'sort': (
        '(*, bool stable, int dim = -1, bool descending = False)',
        '(int dim = -1, bool descending = False)',
    ),
    'argsort': (
        '(*, bool stable, int dim = -1, bool descending = False)',
        '(int dim = -1, bool descending = False)',
    ),
    'topk': (
        '(int k, int dim = ..., bool largest = ..., bool sorted = ...)',
    ),
    'where': (
        '(Tensor condition, Tensor other)',
        '(Tensor condition, Number other)',
    ),
    'masked_fill': (
        '(Tensor mask, Tensor value)',
        '(Tensor mask, Number value)',
    ),
    'masked_select': (
        '(Tensor mask)',
    ),
    'index_select': (
        '(int dim, Tensor index)',
    ),
    'index_add': (
        '(int dim, Tensor index, Tensor source, *, Number alpha = ...)',
    ),
    'gather': (
        '(int dim, Tensor index, *, bool sparse_grad = ...)',
    ),
    'scatter': (
        '(int dim, Tensor index, Tensor src)',
        '(int dim, Tensor index, Tensor src, *, str reduce)',
        '(int dim, Tensor index, Number value)',
        '(int dim, Tensor index, Number value, *, str reduce)',
    ),
    'narrow': (
        '(int dim, Tensor start, int length)',
        '(int dim, int start, int length)',
    ),
    'select': (
        '(int dim, int index)',
    ),
    'squeeze': (
        '()',
        '(int dim)',
        '(tuple of ints dim)',
    ),
    'unsqueeze': (
        '(int dim)',
    ),
    'flatten': (
        '(int start_dim = ..., int end_dim = ...)',
    ),
    'transpose': (
        '(int dim0, int dim1)',
    ),
    'swapaxes': (
        '(int axis0, int axis1)',
    ),
    'movedim': (
        '(int source, int destination)',
        '(tuple of ints source, tuple of ints destination)',
    ),
    'permute': (
        '(tuple of ints dims)',
    ),
    'reshape': (
        '(tuple of ints shape)',
    ),
    'view': (
        '(torch.dtype dtype)',
        '(tuple of ints size)',
    ),
    'flip': (
        '(tuple of ints dims)',
    ),
    'roll': (
        '(tuple of ints shifts, tuple of ints dims = None)',
    ),
    'chunk': (
        '(int chunks, int dim = ...)',
    ),
    'unbind': (
        '(int dim = ...)',
    ),
    'diff': (
        '(int n = ..., int dim = ..., Tensor prepend = None, Tensor append = None)',
    ),
    'tril': (
        '(int diagonal = ...)',
    ),
    'triu': (
        '(int diagonal = ...)',
    ),
    'diag': (
        '(int diagonal = ...)',
    ),
    'mm': (
        '(Tensor mat2)',
    ),
    'bmm': (
        '(Tensor mat2)',
    ),
    'matmul': (
        '(Tensor other)',
    ),
    'pow': (
        '(Tensor exponent)',
        '(Number exponent)',
    ),
    'clamp': (
        '(Tensor min = None, Tensor max = None)',
        '(Number min = None, Number max = None)',
    ),
    'softmax': (
        '(int dim, torch.dtype dtype = None)',
    ),
    'log_softmax': (
        '(int dim, torch.dtype dtype = None)',
    ),
    'fill_': (
        '(Tensor value)',
        '(Number value)',
    ),
    'repeat': (
        '(tuple of ints repeats)',
    ),
    'expand': (
        '(tuple of ints size)',
    ),
    'new_zeros': (
        '(tuple of ints size, *, torch.dtype dtype = None, torch.device device = None, bool requires_grad = None, torch.layout layout = None, bool pin_memory = None)',
    ),
    'new_ones': (
        '(tuple of ints size, *, torch.dtype dtype = None, torch.device device = None, bool requires_grad = None, torch.layout layout = None, bool pin_memory = None)',
    ),
    'new_full': (
        '(tuple of ints size, Number fill_value, *, torch.dtype dtype = None, torch.device device = None, bool requires_grad = None, torch.layout layout = None, bool pin_memory = None)',
    ),
    'index_fill': (
        '(int dim, Tensor index, Tensor value)',
        '(int dim, Tensor index, Number value)',
    ),
    'masked_fill_': (
        '(Tensor mask, Tensor value)',
        '(Tensor mask, Number value)',
    ),
    'scatter_': (
        '(int dim, Tensor index, Tensor src)',
        '(int dim, Tensor index, Tensor src, *, str reduce)',
        '(int dim, Tensor index, Number value)',
        '(int dim, Tensor index, Number value, *, str reduce)',
    ),
    'index_add_': (
        '(int dim, Tensor index, Tensor source, *, Number alpha = ...)',
    ),
    'clamp_': (
        '(Tensor min = None, Tensor max = None)',
        '(Number min = None, Number max = None)',
    ),
    'pow_': (
        '(Tensor exponent)',
        '(Number exponent)',
    ),
    'add': (
        '(Tensor other, *, Number alpha = 1)',
    ),
    'sub': (
        '(Tensor other, *, Number alpha = 1)',
    ),
    'mul': (
        '(Tensor other)',
    ),
    'div': (
        '(Tensor other)',
        '(Tensor other, *, str rounding_mode)',
        '(Number other, *, str rounding_mode)',
    ),
    'true_divide': (
        '(Tensor other)',
        '(Number other)',
    ),
    'floor_divide': (
        '(Tensor other)',
        '(Number other)',
    ),
    'maximum': (
        '(Tensor other)',
    ),
    'minimum': (
        '(Tensor other)',
    ),
    'fmod': (
        '(Tensor other)',
        '(Number other)',
    ),
    'fmod_': (
        '(Tensor other)',
        '(Number other)',
    ),
    'remainder': (
        '(Tensor other)',
        '(Number other)',
    ),
    'remainder_': (
        '(Tensor other)',
        '(Number other)',
    ),
    'eq': (
        '(Tensor other)',
        '(Number other)',
    ),
    'ne': (
        '(Tensor other)',
        '(Number other)',
    ),
    'lt': (
        '(Tensor other)',
        '(Number other)',
    ),
    'gt': (
        '(Tensor other)',
        '(Number other)',
    ),
    'le': (
        '(Tensor other)',
        '(Number other)',
    ),
    'ge': (
        '(Tensor other)',
        '(Number other)',
    ),
    'atan2': (
        '(Tensor other)',
    ),
    'logical_and': (
        '(Tensor other)',
    ),
    'logical_or': (
        '(Tensor other)',
    ),
    'add_': (
        '(Tensor other, *, Number alpha = 1)',
    ),
    'sub_': (
        '(Tensor other, *, Number alpha = 1)',
    ),
    'mul_': (
        '(Tensor other)',
    ),
    'div_': (
        '(Tensor other)',
        '(Tensor other, *, str rounding_mode)',
        '(Number other, *, str rounding_mode)',
    ),
    'lerp': (
        '(Tensor end, Tensor weight)',
        '(Tensor end, Number weight)',
    ),
    'lerp_': (
        '(Tensor end, Tensor weight)',
        '(Tensor end, Number weight)',
    ),
    'outer': (
        '(Tensor vec2)',
    ),
    'dot': (
        '(Tensor tensor)',
    ),
    'clamp_min': (
        '(Tensor min)',
        '(Number min)',
    ),
    'clamp_max': (
        '(Tensor max)',
        '(Number max)',
    ),
    'repeat_interleave': (
        '(Tensor repeats, int dim = None, *, int output_size = None)',
        '(int repeats, int dim = None, *, int output_size = None)',
    ),
    'take': (
        '(Tensor index)',
    ),
    'tile': (
        '(tuple of ints dims)',
    ),
    'expand_as': (
        '(Tensor other)',
    ),
    'view_as': (
        '(Tensor other)',
    ),
    'new_empty': (
        '(tuple of ints size, *, torch.dtype dtype = None, torch.device device = None, bool requires_grad = None, torch.layout layout = None, bool pin_memory = None)',
    ),
    'index_put': (
        '(tuple of Tensors indices, Tensor values, bool accumulate = ...)',
    ),
    'masked_scatter': (
        '(Tensor mask, Tensor source)',
    ),
    'nonzero': (
        '()',
        '(*, bool as_tuple)',
    ),
    'bincount': (
        '(Tensor weights = None, int minlength = ...)',
    ),
    'histc': (
        '(int bins = ..., Number min = ..., Number max = ...)',
    ),
    'multinomial': (
        '(int num_samples, bool replacement = ..., *, torch.Generator generator = None)',
    ),
    'bernoulli': (
        '(*, torch.Generator generator = None)',
        '(float p, *, torch.Generator generator = None)',
    ),
    'split_with_sizes': (
        '(tuple of ints split_sizes, int dim = ...)',
    ),
    'tensor_split': (
        '(tuple of ints indices, int dim = 0)',
        '(Tensor tensor_indices_or_sections, int dim = 0)',
        '(int sections, int dim = 0)',
    ),
    'hsplit': (
        '(int sections)',
        '(tuple of ints indices)',
    ),
    'kron': (
        '(Tensor other)',
    ),
    'aminmax': (
        '(*, int dim = None, bool keepdim = ...)',
    ),
    'nanmean': (
        '(tuple of ints dim = None, bool keepdim = ..., *, torch.dtype dtype = None)',
    ),
    'quantile': (
        '(Tensor q, int dim = None, bool keepdim = False, *, str interpolation = "linear")',
        '(float q, int dim = None, bool keepdim = False, *, str interpolation = "linear")',
    ),
    'nanquantile': (
        '(Tensor q, int dim = None, bool keepdim = False, *, str interpolation = "linear")',
        '(float q, int dim = None, bool keepdim = False, *, str interpolation = "linear")',
    ),
    'logcumsumexp': (
        '(int dim)',
    ),
    'isclose': (
        '(Tensor other, float rtol = ..., float atol = ..., bool equal_nan = ...)',
    ),
    'allclose': (
        '(Tensor other, float rtol = ..., float atol = ..., bool equal_nan = ...)',
    ),
    'equal': (
        '(Tensor other)',
    ),
    'cross': (
        '(Tensor other, int dim = None)',
    ),
    'squeeze_': (
        '()',
        '(int dim)',
        '(tuple of ints dim)',
    ),
    'unsqueeze_': (
        '(int dim)',
    ),
    'transpose_': (
        '(int dim0, int dim1)',
    ),
    'cumsum_': (
        '(int dim, *, torch.dtype dtype = None)',
    ),
    'sum_to_size': (
        '(tuple of ints size)',
    ),
    'as_strided': (
        '(tuple of ints size, tuple of ints stride, int storage_offset = None)',
    ),
    'unfold': (
        '(int dimension, int size, int step)',
    ),
    'float': (
        '(*, torch.memory_format memory_format = None)',
    ),
    'double': (
        '(*, torch.memory_format memory_format = None)',
    ),
    'long': (
        '(*, torch.memory_format memory_format = None)',
    ),
    'int': (
        '(*, torch.memory_format memory_format = None)',
    ),
    'bool': (
        '(*, torch.memory_format memory_format = None)',
    ),
    'half': (
        '(*, torch.memory_format memory_format = None)',
    ),
    'contiguous': (
        '(*, torch.memory_format memory_format = ...)',
    ),
    'clone': (
        '(*, torch.memory_format memory_format = None)',
    ),
    'size': (
        '(int dim = None)',
    ),
    'numpy': (
        '(*, bool force = ...)',
    ),
    'requires_grad_': (
        '(bool requires_grad = ...)',
    ),
    'type': (
        '(object dtype = None, bool non_blocking = False, *, torch.memory_format memory_format = None)',
    ),
    'to': (
        '(torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)',
        '(torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)',
        '(Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format memory_format = None)',
    ),
    'scatter_add': (
        '(int dim, Tensor index, Tensor src)',
    ),
    'scatter_add_': (
        '(int dim, Tensor index, Tensor src)',
    ),
    'scatter_reduce': (
        '(int dim, Tensor index, Tensor src, str reduce, *, bool include_self = ...)',
    ),
    'cpu': (
        '(*, torch.memory_format memory_format = None)',
    ),
    'stride': (
        '(int dim = None)',
    ),
    'reshape_as': (
        '(Tensor other)',
    ),
    'hypot': (
        '(Tensor other)',
    ),
    'diagonal': (
        '(int offset = ..., int dim1 = ..., int dim2 = ...)',
    ),
    'diag_embed': (
        '(int offset = ..., int dim1 = ..., int dim2 = ...)',
    ),
    'logical_xor': (
        '(Tensor other)',
    ),
    'logaddexp': (
        '(Tensor other)',
    ),
    'logaddexp2': (
        '(Tensor other)',
    ),
    'fmax': (
        '(Tensor other)',
    ),
    'fmin': (
        '(Tensor other)',
    ),
    'ldexp': (
        '(Tensor other)',
    ),
    'nextafter': (
        '(Tensor other)',
    ),
    'gcd': (
        '(Tensor other)',
    ),
    'lcm': (
        '(Tensor other)',
    ),
    'addcmul': (
        '(Tensor tensor1, Tensor tensor2, *, Number value = 1)',
    ),
    'addcdiv': (
        '(Tensor tensor1, Tensor tensor2, *, Number value = 1)',
    ),
    'igamma': (
        '(Tensor other)',
    ),
    'igammac': (
        '(Tensor other)',
    ),
    'dist': (
        '(Tensor other, Number p = ...)',
    ),
}

METHODS_HIDING_OVERLOADS = frozenset(['add', 'sub', 'add_', 'sub_', 'type', 'addcmul', 'addcdiv'])

# the C functions that torch's functions written in Python call with their arguments by position (its
# t.split and torch.split call this split: their errors list its overloads, self first)
CALLED_FROM_PYTHON: dict[str, tuple[str, ...]] = {
    'split': ('(Tensor input, int split_size, int dim = 0)', '(Tensor input, tuple of ints split_size, int dim = 0)'),
}

# methods that take no argument, checked by Python (torch's parser never sees them)
NO_ARGUMENTS = frozenset({
    'abs', 'abs_', 'absolute', 'absolute_', 'acos', 'acos_', 'acosh', 'acosh_',
    'adjoint', 'angle', 'arccos', 'arccos_', 'arccosh', 'arccosh_', 'arcsin', 'arcsin_',
    'arcsinh', 'arcsinh_', 'arctan', 'arctan_', 'arctanh', 'arctanh_', 'argwhere', 'asin',
    'asin_', 'asinh', 'asinh_', 'atan', 'atan_', 'atanh', 'atanh_', 'bitwise_not',
    'bitwise_not_', 'ccol_indices', 'ceil', 'ceil_', 'coalesce', 'col_indices', 'conj', 'conj_physical',
    'conj_physical_', 'const_data_ptr', 'corrcoef', 'cos', 'cos_', 'cosh', 'cosh_', 'crow_indices',
    'data_ptr', 'deg2rad', 'deg2rad_', 'dense_dim', 'dequantize', 'det', 'detach', 'detach_',
    'digamma', 'digamma_', 'dim', 'element_size', 'erf', 'erf_', 'erfc', 'erfc_',
    'erfinv', 'erfinv_', 'exp', 'exp2', 'exp2_', 'exp_', 'expm1', 'expm1_',
    'fix', 'fix_', 'fliplr', 'flipud', 'floor', 'floor_', 'frac', 'frac_',
    'frexp', 'geqrf', 'get_device', 'i0', 'i0_', 'indices', 'int_repr', 'inverse',
    'is_coalesced', 'is_complex', 'is_conj', 'is_distributed', 'is_floating_point', 'is_inference', 'is_neg', 'is_nonzero',
    'is_signed', 'isfinite', 'isinf', 'isnan', 'isneginf', 'isposinf', 'isreal', 'item',
    'lgamma', 'lgamma_', 'log', 'log10', 'log10_', 'log1p', 'log1p_', 'log2',
    'log2_', 'log_', 'logdet', 'logical_not', 'logical_not_', 'matrix_exp', 'msort', 'ndimension',
    'neg', 'neg_', 'negative', 'negative_', 'nelement', 'numel', 'positive', 'q_per_channel_axis',
    'q_per_channel_scales', 'q_per_channel_zero_points', 'q_scale', 'q_zero_point', 'qscheme', 'rad2deg', 'rad2deg_', 'ravel',
    'reciprocal', 'reciprocal_', 'relu', 'relu_', 'resolve_conj', 'resolve_neg', 'retain_grad', 'row_indices',
    'rsqrt', 'rsqrt_', 'sgn', 'sgn_', 'sigmoid', 'sigmoid_', 'sign', 'sign_',
    'signbit', 'sin', 'sin_', 'sinc', 'sinc_', 'sinh', 'sinh_', 'slogdet',
    'sparse_dim', 'sqrt', 'sqrt_', 'square', 'square_', 'storage_offset', 't', 't_',
    'tan', 'tan_', 'tanh', 'tanh_', 'tolist', 'trace', 'trunc', 'trunc_',
    'untyped_storage', 'values', 'zero_',
})
