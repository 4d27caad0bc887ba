"""scaled_dot_product_attention, multi_head_attention_forward and nn.MultiheadAttention against torch:
values, every gradient, seeded parameters and dropout masks, masks of both kinds, errors."""
import warnings

import numpy as np
import pytest
from helpers import TOL, check_error, check_finite_differences, check_parity, require_torch

import tinygrad_rnn

DTYPES = [np.float64, np.float32]


# ------------------------------------------------------------------ scaled_dot_product_attention
def _bool_mask(shape, seed=5):
    mask = np.random.default_rng(seed).random(shape) > 0.3
    mask[..., 0] = True  # every query may attend somewhere (an all-masked row is NaN in torch too)
    return mask


SDPA_CASES = {
    "plain": {},
    "causal": dict(is_causal=True),
    "float mask": dict(attn_mask=np.random.default_rng(3).standard_normal((4, 6))),
    "bool mask": dict(attn_mask=_bool_mask((2, 1, 4, 6))),
    "scale": dict(scale=0.3),
    "dropout": dict(dropout_p=0.4),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", list(SDPA_CASES))
def test_sdpa_matches_torch(case, dtype):
    def fn(m, q, k, v):
        m.manual_seed(7)  # the dropout mask is drawn from the seeded stream, as in torch
        kwargs = {key: m.tensor(val.astype(dtype) if val.dtype != bool else val) if isinstance(val, np.ndarray)
                  else val for key, val in SDPA_CASES[case].items()}
        return m.nn.functional.scaled_dot_product_attention(q, k, v, **kwargs)

    check_parity(fn, shapes=[(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 7)], dtype=dtype)


def test_sdpa_grouped_query_attention_matches_torch():
    check_parity(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, enable_gqa=True),
                 shapes=[(2, 4, 3, 5), (2, 2, 6, 5), (2, 2, 6, 5)])


def test_sdpa_gradient_by_finite_differences():
    rng = np.random.default_rng(0)
    mask = rng.standard_normal((3, 4))
    check_finite_differences(
        lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m.tensor(mask)),
        [rng.standard_normal(s) for s in [(2, 3, 2), (2, 4, 2), (2, 4, 3)]])


@pytest.mark.parametrize("dtypes", [("float32", "float32", "float16"), ("float64", "float32", "float32")])
def test_sdpa_mixed_dtypes_are_refused_as_in_torch(dtypes):
    check_error(lambda m: m.nn.functional.scaled_dot_product_attention(
        *(m.ones(2, 4, 5, dtype=getattr(m, d)) for d in dtypes)))



@pytest.mark.parametrize("dtypes", [("float32", "float32", "int64"), ("float32", "int16", "float32"),
                                    ("float32", "uint8", "float32"), ("float32", "bool", "float32")])
def test_sdpa_mixed_dtypes_name_the_cpp_types_as_torch(dtypes):
    check_error(lambda m: m.nn.functional.scaled_dot_product_attention(
        *(m.ones(2, 4, 5, dtype=getattr(m, d)) for d in dtypes)))


@pytest.mark.parametrize("mask_dtype", ["int64", "int32", "uint8", "int8", "float64", "float16"])
@pytest.mark.parametrize("is_causal", [False, True])
def test_sdpa_mask_of_neither_bool_nor_the_query_dtype_is_refused_first(mask_dtype, is_causal):
    # an integer 0/1 mask (a tutorial's padding mask from `ids != pad`.long()) is refused, before is_causal's check
    check_error(lambda m: m.nn.functional.scaled_dot_product_attention(
        m.ones(1, 2, 3), m.ones(1, 2, 3), m.ones(1, 2, 3), attn_mask=m.ones(2, 2, dtype=getattr(m, mask_dtype)),
        is_causal=is_causal))


SDPA_INPUT_ERRORS = {  # torch's order: dtypes, dims, mask dtype, is_causal with a mask, heads, then dropout's p
    "1-d inputs": lambda m: ((m.ones(2),) * 3, {}),
    "0-d inputs": lambda m: ((m.ones(()),) * 3, {}),
    "1-d key": lambda m: ((m.ones(2, 2), m.ones(2), m.ones(2, 2)), {}),
    "1-d with a float64 key": lambda m: ((m.ones(2), m.ones(2, dtype=m.float64), m.ones(2)), {}),
    "1-d with an integer mask": lambda m: ((m.ones(2),) * 3, {"attn_mask": m.ones(2, dtype=m.long)}),
    "dropout above 1": lambda m: ((m.ones(1, 2, 2),) * 3, {"dropout_p": 1.5}),
    "dropout above 1 with an integer mask": lambda m: ((m.ones(1, 2, 2),) * 3, {
        "dropout_p": 1.5, "attn_mask": m.ones(2, 2, dtype=m.long)}),
    "dropout above 1 with is_causal and a mask": lambda m: ((m.ones(1, 2, 2),) * 3, {
        "dropout_p": 1.5, "attn_mask": m.ones(2, 2), "is_causal": True}),
    "dropout above 1 and heads that do not divide": lambda m: (
        (m.ones(1, 3, 2, 2), m.ones(1, 2, 2, 2), m.ones(1, 2, 2, 2)), {"dropout_p": 1.5, "enable_gqa": True}),
}


@pytest.mark.parametrize("case", list(SDPA_INPUT_ERRORS))
def test_sdpa_input_errors_come_in_torchs_order(case):
    def call(m):
        args, kwargs = SDPA_INPUT_ERRORS[case](m)
        return m.nn.functional.scaled_dot_product_attention(*args, **kwargs)
    check_error(call)


def test_sdpa_negative_dropout_is_no_dropout_as_in_torch():
    check_parity(lambda m, q: m.nn.functional.scaled_dot_product_attention(q, q, q, dropout_p=-0.5),
                 [np.random.default_rng(0).standard_normal((1, 2, 3))])

def test_sdpa_heads_that_do_not_divide_are_refused_as_in_torch():
    check_error(lambda m: m.nn.functional.scaled_dot_product_attention(
        m.ones(2, 3, 4, 5), m.ones(2, 2, 6, 5), m.ones(2, 2, 6, 5), enable_gqa=True))


def test_sdpa_mask_with_is_causal_is_refused():
    q = np.zeros((1, 2, 3))
    check_error(lambda m, a: m.nn.functional.scaled_dot_product_attention(
        m.tensor(a), m.tensor(a), m.tensor(a), attn_mask=m.ones(2, 2, dtype=m.bool), is_causal=True), q)


@pytest.mark.parametrize("call", [
    lambda m, q: m.nn.functional.scaled_dot_product_attention(q, q, q, attn_mask=m.ones(3, 3), is_causal=True,
                                                              dropout_p=0.5),
    lambda m, q: m.nn.functional.scaled_dot_product_attention(q, q, q, attn_mask=m.ones(3, 3, requires_grad=True),
                                                              is_causal=True),
    lambda m, q: m.nn.functional.scaled_dot_product_attention(q, q, q[..., :2], attn_mask=m.ones(3, 3), is_causal=True),
], ids=["dropout", "mask-requires-grad", "value-head-size"])
def test_sdpa_mask_with_is_causal_is_refused_where_torch_runs_its_math_kernel(call):
    """Only torch's math kernel refuses a mask with is_causal: dropout, a mask that requires grad, or a value
    head size other than the query's sends the call there."""
    check_error(lambda m: call(m, m.ones(1, 2, 3, 4)))


@pytest.mark.parametrize("mask", [_bool_mask((4, 6)), np.random.default_rng(4).standard_normal((4, 6)),
                                  np.random.default_rng(4).standard_normal((2, 1, 4, 6))],
                         ids=["bool", "float", "float-4d"])
@pytest.mark.parametrize("shapes", [[(2, 3, 4, 5), (2, 3, 6, 5), (2, 3, 6, 5)]])
def test_sdpa_mask_with_is_causal_applies_both_in_torchs_cpu_flash_kernel(mask, shapes):
    """4-d inputs without dropout run torch's CPU flash kernel, which takes attn_mask and is_causal together
    (a causal LM passing its padding mask too): keys after the query and keys the mask hides are both left out."""
    def fn(m, q, k, v):
        attn_mask = m.tensor(mask if mask.dtype == bool else mask.astype(np.float32))
        out = m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=attn_mask, is_causal=True)
        return out, type(out.grad_fn).__name__
    check_parity(fn, shapes=shapes, dtype=np.float32)


# ------------------------------------------------------------------ nn.MultiheadAttention
def _mha_run(m, module_kwargs, call_kwargs, dtype, shapes, seed=0, train=True):
    """Build the layer after manual_seed, run it on fixed inputs with a random upstream gradient."""
    m.manual_seed(seed)
    mha = m.nn.MultiheadAttention(8, 2, **module_kwargs).to(m.float64 if dtype == np.float64 else m.float32)
    mha.train(train)
    rng = np.random.default_rng(1)
    inputs = [m.tensor(rng.standard_normal(s).astype(dtype), requires_grad=True) for s in shapes]
    kwargs = {k: m.tensor(v) if isinstance(v, np.ndarray) else v for k, v in call_kwargs.items()}
    m.manual_seed(seed + 1)
    out, weights = mha(*inputs, **kwargs)
    out.backward(m.tensor(rng.standard_normal(tuple(out.shape)).astype(dtype)))
    grads = [x.grad for x in inputs] + [p.grad for p in mha.parameters()]
    return mha, [out, weights, *grads]


PADDING = np.array([[False, False, True, True], [False, False, False, True]])
CAUSAL_3x4 = np.triu(np.ones((3, 4), bool), 1)
MHA_CASES = {
    "self attention, batch first": (dict(batch_first=True), {}, [(2, 4, 8)] * 3),
    "cross attention": ({}, {}, [(3, 2, 8), (4, 2, 8), (4, 2, 8)]),
    "kdim and vdim": (dict(kdim=5, vdim=3), {}, [(3, 2, 8), (4, 2, 5), (4, 2, 3)]),
    "bias_kv and zero_attn with padding": (dict(add_bias_kv=True, add_zero_attn=True),
                                           dict(key_padding_mask=PADDING), [(3, 2, 8), (4, 2, 8), (4, 2, 8)]),
    "bool attn_mask, per-head weights": ({}, dict(attn_mask=CAUSAL_3x4, average_attn_weights=False),
                                        [(3, 2, 8), (4, 2, 8), (4, 2, 8)]),
    "float attn_mask and float padding": ({}, dict(attn_mask=np.random.default_rng(4).standard_normal((4, 3, 4)),
                                               key_padding_mask=np.where(PADDING, -1e9, 0.0)),
                                          [(3, 2, 8), (4, 2, 8), (4, 2, 8)]),
    "no bias, no weights": (dict(bias=False), dict(need_weights=False), [(3, 2, 8), (4, 2, 8), (4, 2, 8)]),
    "dropout": (dict(dropout=0.4), {}, [(3, 2, 8), (4, 2, 8), (4, 2, 8)]),
    "dropout, no weights": (dict(dropout=0.4, batch_first=True), dict(need_weights=False), [(2, 3, 8)] * 3),
    "unbatched": ({}, dict(key_padding_mask=PADDING[0]), [(3, 8), (4, 8), (4, 8)]),
}


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", list(MHA_CASES))
def test_multihead_attention_matches_torch(case, dtype):
    torch = require_torch()
    module_kwargs, call_kwargs, shapes = MHA_CASES[case]
    if "float" in case:
        call_kwargs = {k: v.astype(dtype) for k, v in call_kwargs.items()}
    ours_mha, ours = _mha_run(tinygrad_rnn, module_kwargs, call_kwargs, dtype, shapes)
    theirs_mha, theirs = _mha_run(torch, module_kwargs, call_kwargs, dtype, shapes)
    assert [n for n, _ in ours_mha.named_parameters()] == [n for n, _ in theirs_mha.named_parameters()]
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert (a is None) == (b is None), i
        if b is not None:
            assert a.dtype == getattr(tinygrad_rnn, str(b.dtype).removeprefix("torch."))
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), err_msg=f"result {i}", **TOL[dtype])


def test_multihead_attention_eval_mode_has_no_dropout():
    torch = require_torch()
    shapes = [(2, 4, 8)] * 3
    ours = _mha_run(tinygrad_rnn, dict(dropout=0.5, batch_first=True), {}, np.float64, shapes, train=False)[1]
    theirs = _mha_run(torch, dict(dropout=0.5, batch_first=True), {}, np.float64, shapes, train=False)[1]
    np.testing.assert_allclose(ours[0].detach().numpy(), theirs[0].detach().numpy(), **TOL[np.float64])


@pytest.mark.parametrize("module_kwargs", [{}, dict(kdim=3, vdim=5, bias=False), dict(add_bias_kv=True)])
def test_multihead_attention_parameters_and_state_dict_after_seed(module_kwargs):
    torch = require_torch()
    tinygrad_rnn.manual_seed(11)
    ours = tinygrad_rnn.nn.MultiheadAttention(6, 3, **module_kwargs)
    torch.manual_seed(11)
    theirs = torch.nn.MultiheadAttention(6, 3, **module_kwargs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    for (name, a), b in zip(ours.state_dict().items(), theirs.state_dict().values()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)
    assert repr(ours) == repr(theirs)


def test_functional_multi_head_attention_forward_matches_torch():
    rng = np.random.default_rng(2)
    w_in, b_in, w_out, b_out = (rng.standard_normal(s) for s in [(12, 4), (12,), (4, 4), (4,)])

    def fn(m, q, k, v):
        return m.nn.functional.multi_head_attention_forward(
            q, k, v, 4, 2, m.tensor(w_in), m.tensor(b_in), None, None, False, 0.0, m.tensor(w_out),
            m.tensor(b_out), average_attn_weights=False)

    check_parity(fn, shapes=[(3, 2, 4), (5, 2, 4), (5, 2, 4)])


def test_multihead_attention_gradient_by_finite_differences():
    tinygrad_rnn.manual_seed(0)
    mha = tinygrad_rnn.nn.MultiheadAttention(4, 2, add_bias_kv=True).double()
    rng = np.random.default_rng(0)
    check_finite_differences(lambda m, q, kv: mha(q, kv, kv, key_padding_mask=m.tensor(PADDING[:1, :3]))[0],
                             [rng.standard_normal((2, 1, 4)), rng.standard_normal((3, 1, 4))])


MHA_ERRORS = {
    "heads do not divide": lambda m: m.nn.MultiheadAttention(6, 4),
    "zero heads": lambda m: m.nn.MultiheadAttention(6, 0),
    "4-D query": lambda m: m.nn.MultiheadAttention(4, 2)(m.zeros(1, 2, 3, 4), m.zeros(1, 2, 3, 4),
                                                         m.zeros(1, 2, 3, 4)),
    "2-D key for 3-D query": lambda m: m.nn.MultiheadAttention(4, 2)(m.zeros(2, 3, 4), m.zeros(3, 4), m.zeros(3, 4)),
    "wrong embedding": lambda m: m.nn.MultiheadAttention(4, 2)(m.zeros(2, 3, 5), m.zeros(2, 3, 5), m.zeros(2, 3, 5)),
    "int mask": lambda m: m.nn.MultiheadAttention(4, 2)(m.zeros(2, 3, 4), m.zeros(2, 3, 4), m.zeros(2, 3, 4),
                                                        attn_mask=m.zeros(2, 2, dtype=m.int64)),
    "2-D mask shape": lambda m: m.nn.MultiheadAttention(4, 2)(m.zeros(2, 3, 4), m.zeros(2, 3, 4), m.zeros(2, 3, 4),
                                                              attn_mask=m.zeros(3, 3)),
    "3-D mask shape": lambda m: m.nn.MultiheadAttention(4, 2)(m.zeros(2, 3, 4), m.zeros(2, 3, 4), m.zeros(2, 3, 4),
                                                              attn_mask=m.zeros(3, 2, 2)),
    "padding mask shape": lambda m: m.nn.MultiheadAttention(4, 2)(
        m.zeros(2, 3, 4), m.zeros(2, 3, 4), m.zeros(2, 3, 4), key_padding_mask=m.zeros(3, 3, dtype=m.bool)),
    "is_causal without mask": lambda m: m.nn.MultiheadAttention(4, 2)(
        m.zeros(2, 3, 4), m.zeros(2, 3, 4), m.zeros(2, 3, 4), is_causal=True),
    "key and value differ": lambda m: m.nn.MultiheadAttention(4, 2)(m.zeros(2, 3, 4), m.zeros(2, 3, 4),
                                                                    m.zeros(3, 3, 4)),
    # a float64 mask beside float32 inputs: baddbmm's error with weights, scaled_dot_product_attention's without
    "float64 mask with weights": lambda m: m.nn.MultiheadAttention(4, 2)(
        m.zeros(3, 2, 4), m.zeros(3, 2, 4), m.zeros(3, 2, 4), attn_mask=m.zeros(3, 3, dtype=m.float64)),
    "float64 mask without weights": lambda m: m.nn.MultiheadAttention(4, 2)(
        m.zeros(3, 2, 4), m.zeros(3, 2, 4), m.zeros(3, 2, 4), attn_mask=m.zeros(3, 3, dtype=m.float64),
        need_weights=False),
    "encoder layer float64 mask": lambda m: m.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0)(
        m.zeros(3, 2, 4), src_mask=m.zeros(3, 3, dtype=m.float64)),
}


@pytest.mark.parametrize("case", list(MHA_ERRORS))
def test_multihead_attention_errors_match_torch(case):
    check_error(MHA_ERRORS[case])


def test_mismatched_mask_types_warn_as_torch():
    mha = tinygrad_rnn.nn.MultiheadAttention(4, 2)
    x = tinygrad_rnn.zeros(2, 3, 4)
    with pytest.warns(UserWarning, match="Support for mismatched key_padding_mask and attn_mask is deprecated"):
        mha(x, x, x, key_padding_mask=tinygrad_rnn.zeros(3, 2, dtype=tinygrad_rnn.bool), attn_mask=tinygrad_rnn.zeros(2, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mha(x, x, x, key_padding_mask=tinygrad_rnn.zeros(3, 2), attn_mask=tinygrad_rnn.zeros(2, 2))


def test_dropout_mask_follows_memory_order_of_a_transposed_view():
    """torch fills a dropout mask laid out like its input: on a transposed view (as MultiheadAttention's
    batch_first output is) the draws go in memory order. Regression test for masks differing from torch."""
    def fn(m, x):
        m.manual_seed(3)
        return m.nn.functional.dropout(x.transpose(0, 1), p=0.4)

    check_parity(fn, shapes=[(3, 4, 2)])


# the core softmax lets numpy warn on an all -inf row (torch is silent); the NaN itself is torch's
@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
def test_query_with_every_key_masked_matches_torch():
    """torch's scaled_dot_product_attention gives zeros (and zero gradients) for a query that may
    attend nowhere; MultiheadAttention's weights (need_weights=True) are NaN there, as in torch."""
    allowed = np.ones((3, 5), bool)
    allowed[1] = False
    check_parity(lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m.tensor(allowed)),
                 shapes=[(2, 3, 4), (2, 5, 4), (2, 5, 4)])
    padding = np.array([[True] * 3, [False, True, False]])

    def padded(m, q):
        m.manual_seed(0)
        return m.nn.MultiheadAttention(4, 2).double()(q, q, q, key_padding_mask=m.tensor(padding), need_weights=False)[0]

    check_parity(padded, shapes=[(3, 2, 4)])
    torch = require_torch()
    ours, theirs = (m.nn.MultiheadAttention(4, 2)(*[m.ones(3, 2, 4)] * 3, key_padding_mask=m.tensor(padding))[1]
                    for m in (tinygrad_rnn, torch))
    np.testing.assert_array_equal(np.isnan(ours.detach().numpy()), np.isnan(theirs.detach().numpy()))


@pytest.mark.parametrize("with_padding", [False, True])
@pytest.mark.parametrize("mask_dims", [0, 2, 3])
def test_merge_masks_matches_torch(mask_dims, with_padding):
    torch = require_torch()
    rng = np.random.default_rng(0)
    mask = {0: None, 2: rng.standard_normal((3, 3)), 3: rng.standard_normal((4, 3, 3))}[mask_dims]
    padding = rng.standard_normal((2, 3)) if with_padding else None
    results = []
    for m in (tinygrad_rnn, torch):
        mha = m.nn.MultiheadAttention(4, 2, batch_first=True)
        merged, kind = mha.merge_masks(None if mask is None else m.tensor(mask),
                                       None if padding is None else m.tensor(padding), m.zeros(2, 3, 4))
        results.append((None if merged is None else merged.numpy(), kind))
    assert results[0][1] == results[1][1]
    if results[1][0] is None:
        assert results[0][0] is None
    else:
        np.testing.assert_array_equal(results[0][0], results[1][0])


# ------------------------------------------------------------------ sdpa_kernel: which kernels may run
SDPA_KERNEL_CHOICES = ["MATH", "FLASH_ATTENTION", "EFFICIENT_ATTENTION", "CUDNN_ATTENTION", (), ("EFFICIENT_ATTENTION", "MATH")]


@pytest.mark.parametrize("choice", SDPA_KERNEL_CHOICES, ids=[str(c) for c in SDPA_KERNEL_CHOICES])
@pytest.mark.parametrize("shape,dropout_p", [((1, 2, 3, 4), 0.0), ((1, 2, 3, 4), 0.5), ((2, 3, 4), 0.0)])
def test_sdpa_kernel_decides_whether_attention_runs_as_torchs_cpu_build(choice, shape, dropout_p):
    """The SDPA tutorial runs attention under `with sdpa_kernel(SDPBackend.X)`; on a CPU build only the
    math and flash kernels exist, and flash takes neither dropout nor inputs other than 4-d."""
    torch = require_torch()
    answers = []
    for m in (tinygrad_rnn, torch):
        SDPBackend = m.nn.attention.SDPBackend
        backends = getattr(SDPBackend, choice) if isinstance(choice, str) else [getattr(SDPBackend, c) for c in choice]
        q = m.tensor(np.random.default_rng(0).standard_normal(shape))  # float64: the answers compare exactly
        switches = []
        with warnings.catch_warnings(record=True) as caught, m.nn.attention.sdpa_kernel(backends):
            warnings.simplefilter("always")
            switches.append([getattr(m.backends.cuda, f"{k}_sdp_enabled")() for k in ("math", "flash", "mem_efficient", "cudnn")])
            m.manual_seed(0)
            try:
                result = m.nn.functional.scaled_dot_product_attention(q, q, q, dropout_p=dropout_p).numpy().round(9).tolist()
            except RuntimeError as error:
                result = str(error)
        switches.append([getattr(m.backends.cuda, f"{k}_sdp_enabled")() for k in ("math", "flash", "mem_efficient", "cudnn")])
        answers.append((switches, result, [str(w.message) for w in caught]))
    assert answers[0] == answers[1]


def test_sdpa_kernel_refuses_what_is_no_backend():
    check_error(lambda m: m.nn.attention.sdpa_kernel("math").__enter__())
    torch = require_torch()
    assert [repr(m.nn.attention.SDPBackend.FLASH_ATTENTION) for m in (tinygrad_rnn, torch)] == \
        ["<SDPBackend.FLASH_ATTENTION: 1>"] * 2


def test_a_query_that_may_attend_nowhere_gives_zeros_without_a_warning(monkeypatch):
    # the zeros of a fully masked row come from our own mask, which must not trip from_numpy's
    # (once-per-program) warning about read-only arrays meant for user code
    monkeypatch.setattr(tinygrad_rnn.creation, "_READ_ONLY_WARNED", [])  # as if nothing had warned yet
    q, k, v = (tinygrad_rnn.randn(1, 2, 4, 8) for _ in range(3))
    mask = tinygrad_rnn.ones(4, 4, dtype=tinygrad_rnn.bool)
    mask[1] = False
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = tinygrad_rnn.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=mask)
    assert out[0, :, 1].abs().sum().item() == 0 and out[0, :, 0].abs().sum().item() > 0


SDPA_KERNEL_CASES = {
    "4-d": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v),
    "causal": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True),
    "2-d bool mask": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m.ones(5, 6).bool()),
    "4-d float mask": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m.zeros(2, 1, 5, 6)),
    "3-d mask (math)": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask=m.zeros(3, 5, 6)),
    "dropout (math)": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, v, dropout_p=0.2),
    "broadcast batch (math)": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k[:1], v[:1]),
    "gqa": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k[:, :1], v[:, :1], enable_gqa=True),
    "value head size (math)": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q, k, m.cat([v, v], -1)),
    "3-d (math)": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(q[0], k[0], v[0]),
    "heads made by view and transpose": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(
        q.transpose(1, 2).contiguous().transpose(1, 2), k, v),
    "sliced query": lambda m, q, k, v: m.nn.functional.scaled_dot_product_attention(
        m.cat([q, q], -1).transpose(1, 2)[..., :4].transpose(1, 2), k, v),
}


@pytest.mark.parametrize("case", list(SDPA_KERNEL_CASES))
def test_sdpa_shows_the_kernel_torchs_cpu_build_runs(case):
    """torch's CPU flash kernel (4-d, no dropout, one batch and head count, ...) names its node
    ScaledDotProductFlashAttentionForCpuBackward0 and writes its output in the query's layout, so the SDPA
    tutorial's `y.transpose(1, 2).view(B, -1, H * D)` works on heads made by view + transpose."""
    torch = require_torch()
    seen = []
    for m in (tinygrad_rnn, torch):
        m.manual_seed(0)
        q = m.randn(2, 3, 5, 4, requires_grad=True)
        k, v = m.randn(2, 3, 6, 4), m.randn(2, 3, 6, 4)
        y = SDPA_KERNEL_CASES[case](m, q, k, v)
        seen.append((y.grad_fn.name(), y.stride(), [round(x, 4) for x in y.detach().reshape(-1)[:6].tolist()]))
    if "dropout" in case:  # (the kernel's dropout draws are its own)
        seen = [s[:2] for s in seen]
    assert seen[0] == seen[1]
