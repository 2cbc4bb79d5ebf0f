"""Every public function and class documents itself with a runnable example."""

import doctest
import inspect

import pytest

import kampung
from kampung import _batch, _prevalence, errors, growth, kb, report, risk, wilayah

MODULES = [kampung, kampung._kampung, growth, kb, report, risk, wilayah, errors, _batch, _prevalence]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_doctests_pass(module):
    result = doctest.testmod(module, verbose=False, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0


def _public(module):
    for name in getattr(module, "__all__", []):
        obj = getattr(module, name)
        if inspect.isfunction(obj) or inspect.isbuiltin(obj) or inspect.isclass(obj):
            yield f"{module.__name__}.{name}", obj


@pytest.mark.parametrize(
    "name,obj",
    [p for m in (kampung._kampung, growth, kb, report, risk, wilayah) for p in _public(m) if not p[0].split(".")[-1].startswith("_")],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_every_public_callable_has_an_example(name, obj):
    doc = inspect.getdoc(obj) or ""
    assert ">>>" in doc, f"{name} has no example in its docstring"
