"""trainlab.parts.batchnorm.exercises: the BN backward-pass exercise's checker and its feedback."""

import numpy as np
import torch

import trainlab
from trainlab.parts.batchnorm import check_batch_norm_backward


def right(dy, x, gamma, eps, dtype=np.float64):
    """A reader's correct answer (the compact formula), computed in ``dtype``."""
    dy, x, gamma = (a.astype(dtype) for a in (dy, x, gamma))
    m = x.shape[0]
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + dtype(eps))
    x_hat = (x - x.mean(axis=0)) * inv_std
    dbeta = dy.sum(axis=0)
    dgamma = (dy * x_hat).sum(axis=0)
    return gamma * inv_std * (dy - dbeta / m - x_hat * dgamma / m), dgamma, dbeta


def test_exercise_checker_accepts_a_right_answer_and_names_the_wrong_gradient(capsys):
    def wrong_dgamma(dy, x, gamma, eps):
        dx, dgamma, dbeta = right(dy, x, gamma, eps)
        return dx, dy.sum(axis=0), dbeta

    assert check_batch_norm_backward(right) == True  # noqa: E712 - the result compares equal to a bool
    assert check_batch_norm_backward(wrong_dgamma) == False  # noqa: E712
    out = capsys.readouterr().out
    assert "✗ dgamma is wrong" in out and "Hint: dgamma sums dy times x_hat" in out and "✓ dx is correct" in out
    assert not check_batch_norm_backward(lambda *a: None)
    assert not check_batch_norm_backward(lambda *a: (np.zeros(3), np.zeros(5), np.zeros(5)))
    out = capsys.readouterr().out
    assert "got NoneType" in out and "dx: shape (3,), expected (16, 5)" in out
    trainlab.set_language("vi")
    check_batch_norm_backward(right)
    assert "Cả ba gradient đều đúng." in capsys.readouterr().out


def test_a_right_answer_in_float32_is_accepted_and_the_tolerance_is_said(capsys):
    result = check_batch_norm_backward(lambda *a: right(*a, dtype=np.float32))
    out = capsys.readouterr().out
    assert result and "All three gradients are correct." in out
    assert (
        "(Checked to within a looser 1e-4 because of the lower precision of float32; in float64 the tolerance is 1e-7.)"
        in out
    )
    # float32 is not a licence for a wrong formula
    assert not check_batch_norm_backward(
        lambda dy, x, g, e: (
            right(dy, x, g, e, np.float32)[0],
            dy.sum(axis=0).astype(np.float32),
            right(dy, x, g, e, np.float32)[2],
        )
    )
    assert "✗ dgamma is wrong" in capsys.readouterr().out
    # in float64 the tolerance stays 1e-7, and no note is printed
    check_batch_norm_backward(right)
    assert "Checked to within" not in capsys.readouterr().out


def test_tensors_that_require_grad_are_checked_not_crashed_on(capsys):
    def in_torch(dy, x, gamma, eps):
        x = torch.tensor(x, requires_grad=True)
        gamma_t = torch.tensor(gamma, requires_grad=True)
        dx, dgamma, dbeta = right(dy, x.detach().numpy(), gamma, eps)
        # results of autograd-tracked computations: they require grad
        return x * 0 + torch.tensor(dx), gamma_t * 0 + torch.tensor(dgamma), torch.tensor(dbeta)

    assert check_batch_norm_backward(in_torch)
    assert "All three gradients are correct." in capsys.readouterr().out


def test_a_missing_gradient_is_named_not_called_a_shape_error(capsys):
    assert not check_batch_norm_backward(lambda *a: (right(*a)[0], None, right(*a)[2]))
    out = capsys.readouterr().out
    assert "✗ dgamma: expected an array of shape (5,), got NoneType" in out
    assert "shape ()" not in out and "✓ dx is correct" in out and "✓ dbeta is correct" in out


def test_a_tuple_of_the_wrong_length_is_counted_not_called_a_wrong_type(capsys):
    assert not check_batch_norm_backward(lambda *a: right(*a)[:2])
    out = capsys.readouterr().out
    assert "Expected 3 gradients (dx, dgamma, dbeta), got 2" in out and "got tuple" not in out
    assert not check_batch_norm_backward(lambda *a: right(*a)[0])
    assert "Expected a tuple (dx, dgamma, dbeta), got ndarray" in capsys.readouterr().out


def test_swapped_dgamma_and_dbeta_are_named_as_swapped_not_as_a_formula_error(capsys):
    assert not check_batch_norm_backward(lambda *a: (right(*a)[0], right(*a)[2], right(*a)[1]))
    out = capsys.readouterr().out
    assert "✗ dgamma holds the value of dbeta: return the gradients in the order (dx, dgamma, dbeta)." in out
    assert "✗ dbeta holds the value of dgamma" in out
    assert "is wrong" not in out and "Hint" not in out


def test_every_new_message_reads_in_the_lesson_language(capsys):
    trainlab.set_language("cs")
    check_batch_norm_backward(lambda *a: (right(*a)[0], right(*a)[2], right(*a)[1]))
    check_batch_norm_backward(lambda *a: (right(*a)[0], None))
    check_batch_norm_backward(lambda *a: (right(*a)[0], None, right(*a)[2]))
    check_batch_norm_backward(lambda *a: right(*a, dtype=np.float32))
    out = capsys.readouterr().out
    assert "dgamma má hodnotu, která patří do dbeta" in out and "vrátila však 2" in out
    assert "očekáváno pole tvaru (5,)" in out and "Kontrolováno s volnější tolerancí 1e-4" in out
    assert "expected" not in out and "Checked" not in out


def test_the_result_prints_no_english_true_or_false_at_the_end_of_a_cell():
    """A notebook cell ending in the checker's call shows the feedback only (it used to add an
    English ``True``/``False`` as the cell's result). Run in a real kernel, as in Jupyter."""
    import nbformat
    from nbclient import NotebookClient

    setup = (
        "import numpy as np, trainlab\n"
        "from trainlab.parts.batchnorm import check_batch_norm_backward\n"
        "trainlab.set_language('vi')\n"
        "def wrong(dy, x, gamma, eps):\n    return None"
    )
    cells = [setup, "check_batch_norm_backward(wrong)", "check_batch_norm_backward(wrong, verbose=False)"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    NotebookClient(nb, timeout=60, kernel_name="python3").execute()
    shown = [
        [(o["output_type"], o.get("text") or o.get("data", {}).get("text/plain")) for o in c.outputs]
        for c in nb.cells[1:]
    ]
    feedback = "Hàm cần trả về bộ (dx, dgamma, dbeta), nhưng lại trả về NoneType\n"
    # printed by the check, then nothing more; quiet, the result shows the feedback once
    assert shown == [[("stream", feedback)], [("stream", feedback)]], shown


def test_the_result_is_a_truthy_verdict_with_its_feedback():
    result = check_batch_norm_backward(right, verbose=False)
    assert bool(result) is True and result == True and repr(result) == "CheckResult(ok=True)"  # noqa: E712
    assert str(result).endswith("All three gradients are correct.") and result.lines[0] == "✓ dx is correct"
    assert check_batch_norm_backward(lambda *a: None, verbose=False) == False  # noqa: E712


def test_the_relative_error_is_written_with_the_lessons_decimal_mark(capsys):
    def wrong_dx(dy, x, gamma, eps):
        dx, dgamma, dbeta = right(dy, x, gamma, eps)
        return 2 * dx, dgamma, dbeta

    trainlab.set_language("cs")
    check_batch_norm_backward(wrong_dx)
    assert "✗ dx je špatně (největší relativní chyba 1,0e+00)" in capsys.readouterr().out
