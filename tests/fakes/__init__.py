"""Test doubles that stand in for a model: the fake engine and its canned digest replies.

Imported as `fakes` (pytest puts `tests/` on `sys.path`, like `support`). A subprocess gets the fake
engine through the engine plug-in point: `support.FAKE_ENGINE_ENV` sets `NOCTURNE_ENGINE` to
`fakes.engine:fake_engine` and puts `tests/` on `PYTHONPATH`.
"""
