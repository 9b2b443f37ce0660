"""Tests of trainlab.exercises: the verdict every checker returns and the answer conversion."""

import numpy as np
import torch

from trainlab.exercises import CheckResult, as_array


def test_check_result_is_truthy_compares_with_bool_and_shows_its_feedback(capsys):
    right, wrong = CheckResult(True, ["ok"], printed=True), CheckResult(False, ["a", "b"], printed=False)
    assert right and not wrong
    assert right == True and wrong == False and right != wrong  # noqa: E712
    assert str(wrong) == "a\nb" and repr(wrong) == "CheckResult(ok=False)"
    right._ipython_display_()
    assert capsys.readouterr().out == ""  # already printed by the checker
    wrong._ipython_display_()
    assert capsys.readouterr().out == "a\nb\n"


def test_as_array_detaches_tensors_and_refuses_what_is_not_numbers():
    t = torch.ones(2, requires_grad=True) * 2
    assert as_array(t).tolist() == [2.0, 2.0]
    assert as_array(np.array([1, 2])).dtype.kind == "i"
    assert as_array(None) is None and as_array("text") is None and as_array([object()]) is None
