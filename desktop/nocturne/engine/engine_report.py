"""Which engine does what, said plainly, and a connection check for the remote server.

The digest and the questions may use different engines (a big remote model digests overnight,
the local one answers), so `status` and the settings dialog show both. Describing them reads
settings only: no network, no model loaded. `check_remote` is the "Test connection" button: one
attempt, a short timeout, and a tiny completion, so a wrong URL, key or model name shows up
before the night's digest depends on it.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from typing import Any

from nocturne.engine.base import GenerationOptions, Message
from nocturne.engine.factory import ROLES, engine_choice
from nocturne.engine.remote import RemoteEngine
from nocturne.engine.remote_http import RetryPolicy
from nocturne.errors import KnownError
from nocturne.settings import Settings

CHECK_TIMEOUT_S = 15.0
CHECK_PROMPT: list[Message] = [{"role": "user", "content": "Reply with OK."}]


def engine_choices(settings: Settings) -> dict[str, dict[str, str]]:
    """For `status --json`: {"digest": {...}, "answer": {...}}."""
    fields = ("role", "kind", "model", "where")
    return {
        role: {k: v for k, v in asdict(engine_choice(settings, role)).items() if k in fields}
        for role in ROLES
    }


@dataclass(frozen=True)
class RemoteCheck:
    ok: bool
    message: str
    model_id: str = ""
    context_size: int = 0
    token_counts: str = ""  # "server tokenizer" or "estimated"
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_remote(settings: Settings, **engine_options: Any) -> RemoteCheck:
    """Try the configured server once: list its model, count tokens, complete one token."""
    started = time.perf_counter()
    try:
        engine = RemoteEngine.from_settings(
            settings,
            retry=RetryPolicy(attempts=1),
            **engine_options,
        )
        engine.client.timeout_s = min(engine.client.timeout_s, CHECK_TIMEOUT_S)
        model_id = engine.model_id
        estimated = engine.token_count_is_estimate
        context_size = engine.context_size
        engine.complete(CHECK_PROMPT, GenerationOptions(max_tokens=1), purpose="check")
    except KnownError as exc:
        return RemoteCheck(False, str(exc), seconds=time.perf_counter() - started)
    seconds = time.perf_counter() - started
    counts = "estimated" if estimated else "server tokenizer"
    return RemoteCheck(
        True,
        f"{model_id} answers at {engine.client.base} ({context_size} tokens of context, "
        f"token counts: {counts}, {seconds:.1f} s)",
        model_id=model_id,
        context_size=context_size,
        token_counts=counts,
        seconds=seconds,
    )
