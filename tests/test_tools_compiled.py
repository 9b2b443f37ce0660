"""tools.compiled (maintainer tooling): equal to trainlab.functional (float32, forward and backward), and the
fallback to trainlab.functional, with one warning, when torch.compile cannot be used.

Compiling is slow (seconds per graph on a laptop), so the equality test compiles a
few tiny graphs once; the fallback tests never compile anything."""

import warnings

import pytest
import torch

import trainlab.functional as F
from tools import compiled


@pytest.fixture(autouse=True)
def _fresh_state():
    """Each test starts (and leaves) tools.compiled with nothing compiled and no failure."""
    compiled._reset()
    yield
    compiled._reset()


def leaf(*shape, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(*shape, generator=g).requires_grad_(True)


def forward_backward(fn, inputs, dy):
    y = fn()
    return [y.detach()] + list(torch.autograd.grad(y, inputs, dy))


def _compile_usable():
    """``(True, "")`` if torch.compile works here, else ``(False, why)``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        compiled.layer_norm(torch.randn(2, 3), (3,))
    return compiled.is_available(), compiled._failure


x, w, b = leaf(4, 3, 5), leaf(3, seed=1), leaf(3, seed=2)
lw, lb = leaf(6, seed=3), leaf(6, seed=4)
x2, x3 = leaf(5, 6, seed=5), leaf(2, 4, 3, seed=6)
RM, RV = torch.tensor([0.1, -0.2, 0.3]), torch.tensor([1.5, 0.5, 2.0])

# (name, call(module, running_mean, running_var), the leaves to differentiate)
CASES = [
    ("batch_norm-train", lambda m, rm, rv: m.batch_norm(x, rm, rv, w, b, True, 0.1, 1e-5), [x, w, b]),
    ("batch_norm-eval", lambda m, rm, rv: m.batch_norm(x, rm, rv, w, b, False), [x, w, b]),
    ("layer_norm", lambda m, rm, rv: m.layer_norm(x2, (6,), lw, lb), [x2, lw, lb]),
    ("group_norm", lambda m, rm, rv: m.group_norm(x3, 2, leaf(4, seed=7), None), [x3]),
]


def test_compiled_equals_trainlab_functional_forward_and_backward():
    usable, why = _compile_usable()
    if not usable:
        pytest.skip(f"torch.compile is not usable here: {why}")
    for name, call, inputs in CASES:
        dy = torch.randn(call(F, RM.clone(), RV.clone()).shape, generator=torch.Generator().manual_seed(9))
        rm_ours, rv_ours, rm_ref, rv_ref = RM.clone(), RV.clone(), RM.clone(), RV.clone()
        got = forward_backward(lambda call=call, rm=rm_ours, rv=rv_ours: call(compiled, rm, rv), inputs, dy)
        want = forward_backward(lambda call=call, rm=rm_ref, rv=rv_ref: call(F, rm, rv), inputs, dy)
        for what, a, c in zip(["output"] + [f"grad {i}" for i in range(len(inputs))], got, want):
            torch.testing.assert_close(
                a, c, rtol=1e-5, atol=1e-5, msg=lambda m, name=name, what=what: f"{name} {what}: {m}"
            )
        torch.testing.assert_close(rm_ours, rm_ref, msg=lambda m, name=name: f"{name} running_mean: {m}")
        torch.testing.assert_close(rv_ours, rv_ref, msg=lambda m, name=name: f"{name} running_var: {m}")
    assert compiled.is_available(), compiled._failure


def _raise(*args, **kwargs):
    raise RuntimeError("no C++ compiler in this test")


def test_falls_back_to_trainlab_functional_with_a_single_warning(monkeypatch):
    monkeypatch.setattr(torch, "compile", _raise)
    with pytest.warns(RuntimeWarning, match="torch.compile is not usable here.*no C\\+\\+ compiler") as caught:
        results = {}
        for name, call, inputs in CASES:
            dy = torch.ones_like(call(F, RM.clone(), RV.clone()))
            rm_ours, rv_ours, rm_ref, rv_ref = RM.clone(), RV.clone(), RM.clone(), RV.clone()
            results[name] = (
                forward_backward(lambda call=call, rm=rm_ours, rv=rv_ours: call(compiled, rm, rv), inputs, dy),
                forward_backward(lambda call=call, rm=rm_ref, rv=rv_ref: call(F, rm, rv), inputs, dy),
            )
            assert torch.equal(rm_ours, rm_ref) and torch.equal(rv_ours, rv_ref), name
    assert len([w for w in caught if issubclass(w.category, RuntimeWarning)]) == 1
    for name, (got, want) in results.items():
        for a, c in zip(got, want):
            assert torch.equal(a, c), name  # the very same code ran
    assert not compiled.is_available()


def test_a_failure_while_compiling_the_first_call_also_falls_back(monkeypatch):
    def compile_that_fails_when_called(fn, **kwargs):
        def call(*args):
            raise torch._dynamo.exc.InternalTorchDynamoError("InvalidCxxCompiler: No working C++ compiler found")

        return call

    monkeypatch.setattr(torch, "compile", compile_that_fails_when_called)
    with pytest.warns(RuntimeWarning, match="InvalidCxxCompiler"):
        y = compiled.layer_norm(x2, (6,), lw, lb)
    torch.testing.assert_close(y, F.layer_norm(x2, (6,), lw, lb), rtol=0, atol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no second warning
        compiled.group_norm(x3, 2)


def test_bad_arguments_raise_trainlab_messages_before_anything_is_compiled(monkeypatch):
    monkeypatch.setattr(torch, "compile", _raise)
    with pytest.raises(ValueError, match=r"layer_norm: expected input of shape \(\*, 4\) \(got \(4, 3\)\)"):
        compiled.layer_norm(torch.randn(4, 3), (4,))
    with pytest.raises(ValueError, match="batch_norm: expected running_mean and running_var when training=False"):
        compiled.batch_norm(torch.randn(4, 3), None, None)
    with pytest.raises(ValueError, match="group_norm: expected num_groups to divide the number of channels 6"):
        compiled.group_norm(torch.randn(2, 6, 3), 4)
    assert compiled.is_available()  # a user's mistake is not a compiler failure


def test_a_shape_past_the_recompile_limit_runs_trainlab_functional_and_the_rest_stays_compiled(monkeypatch):
    def compile_at_its_limit(fn, **kwargs):
        def call(*args):
            raise torch._dynamo.exc.FailOnRecompileLimitHit("recompile_limit reached with fullgraph=True")

        return call

    monkeypatch.setattr(torch, "compile", compile_at_its_limit)
    with pytest.warns(RuntimeWarning, match="layer_norm has been compiled for as many input shapes"):
        y = compiled.layer_norm(x2, (6,), lw, lb)
    torch.testing.assert_close(y, F.layer_norm(x2, (6,), lw, lb), rtol=0, atol=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # once per function
        compiled.layer_norm(x2, (6,), lw, lb)
    assert compiled.is_available()
