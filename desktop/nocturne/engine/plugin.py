"""An engine from elsewhere: `NOCTURNE_ENGINE=package.module:callable` names its factory.

The factory is imported and called, with the role ("digest" or "answer") when it takes an argument
and without one otherwise, and must return an `Engine`; it serves both roles, instead of the local
model or the remote server the settings choose. The tests use it to run the command line, the
digest process and the window without a model (`tests/fakes/engine.py`); anything else that
provides the `Engine` methods can be plugged in the same way. The factory is also called to learn
the engine's model id (for `nocturne status` and the digest plan), so it should be cheap: load
weights on the first call, not in the factory.

A value that does not lead to an engine (no colon, a module that cannot be imported, a missing or
not callable attribute, a factory that raises or returns something else) is a `ModelError` naming
the variable and the value.
"""

from __future__ import annotations

import importlib
import inspect
import os
from collections.abc import Callable
from typing import Any

from nocturne.engine.base import Engine
from nocturne.errors import KnownError, ModelError

ENGINE_VARIABLE = "NOCTURNE_ENGINE"
FORM = "package.module:callable"


def plugin_spec() -> str | None:
    """The factory `NOCTURNE_ENGINE` names, or None when it is unset or empty."""
    value = os.environ.get(ENGINE_VARIABLE, "").strip()
    return value or None


def load_engine_plugin(spec: str, role: str) -> Engine:
    """The engine the factory named by `spec` ("package.module:callable") returns for `role`."""
    factory = _factory(spec)
    try:
        engine = factory(role) if _takes_role(factory) else factory()
    except KnownError as exc:
        raise _problem(spec, f"its factory failed: {exc}") from exc
    except Exception as exc:  # a plug-in's bug: said in one sentence, not a traceback
        raise _problem(spec, f"its factory failed: {_describe(exc)}") from exc
    if not isinstance(engine, Engine):
        raise _problem(
            spec,
            f"its factory returned {type(engine).__name__}, not an engine (see engine/base.py)",
        )
    return engine


def _factory(spec: str) -> Callable[..., Any]:
    module_name, colon, attribute = spec.partition(":")
    module_name, attribute = module_name.strip(), attribute.strip()
    if not colon or not module_name or not attribute:
        raise _problem(spec, f"it must name an engine factory as {FORM}")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        missing = exc.name or module_name
        where = "" if missing == module_name else f" (it needs {missing}, which is not installed)"
        raise _problem(spec, f"the module {module_name} cannot be found{where}") from exc
    except Exception as exc:
        raise _problem(spec, f"importing {module_name} failed: {_describe(exc)}") from exc
    found: Any = module
    for part in attribute.split("."):
        if not hasattr(found, part):
            raise _problem(spec, f"the module {module_name} has no {attribute}")
        found = getattr(found, part)
    if not callable(found):
        raise _problem(spec, f"{attribute} in {module_name} is not callable")
    return found


def _takes_role(factory: Callable[..., Any]) -> bool:
    try:
        inspect.signature(factory).bind("answer")
    except TypeError:
        return False
    except ValueError:  # no signature to inspect (some built-ins): offer the role
        return True
    return True


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _problem(spec: str, reason: str) -> ModelError:
    return ModelError(f"{ENGINE_VARIABLE}={spec!r} does not give an engine: {reason.rstrip('.')}.")
