"""HTTP to an OpenAI-compatible server: retries, timeouts and errors a person can act on.

Only the standard library is used, so the remote engine adds no dependency and works in the
frozen installer bundle. Every failure becomes a `ModelError` naming the server and what to do:
unreachable, wrong key, unknown model, wrong URL, prompt too long, timed out, or kept failing.
Connection errors, 429 and 5xx are retried with exponential backoff; a timeout is not (a slow
server stays slow, and retrying would multiply the wait a person sits through).
"""

from __future__ import annotations

import http.client
import json
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from nocturne.errors import ModelError

_OVERFLOW = re.compile(
    r"context[ _]length|context[ _]window|context[ _]size|exceeds? the|maximum context|"
    r"too many tokens|prompt is too long",
    re.IGNORECASE,
)
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
# What servers answer for an endpoint they lack or a request shape they do not know.
ABSENT_STATUS = frozenset({400, 404, 405, 422, 501})
MAX_RETRY_AFTER_S = 30.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a request that failed for a passing reason."""

    attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0

    def delay(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number `attempt` (0-based)."""
        return float(min(self.max_delay_s, self.base_delay_s * (2**attempt)))


class RemoteStatusError(ModelError):
    """The server answered with an error status; `status` and `server_message` say which."""

    def __init__(self, message: str, *, status: int, server_message: str) -> None:
        super().__init__(message)
        self.status = status
        self.server_message = server_message


class _Retryable(Exception):
    """A failure worth another attempt; `error` is what to raise when attempts run out."""

    def __init__(self, error: ModelError, wait_s: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait_s = wait_s


def split_base_url(url: str) -> tuple[str, str]:
    """(API base ending in /v1 or the given path, server root) for a configured URL.

    People paste either `http://host:8080` or `http://host:8080/v1`; both work. The root is
    where llama.cpp keeps its non-OpenAI endpoints (`/tokenize`, `/props`).
    """
    cleaned = url.strip().rstrip("/")
    parsed = urllib.parse.urlsplit(cleaned)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ModelError(f"remote_url must look like http://host:port/v1, not {url!r}")
    base = cleaned if parsed.path not in ("", "/") else cleaned + "/v1"
    root = base[: -len("/v1")] if base.endswith("/v1") else base
    return base, root


def error_message(body: bytes) -> str:
    """The human part of an error body, whichever server dialect produced it."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:300]
    if isinstance(data, dict):
        error = data.get("error", data)
        if isinstance(error, dict):
            for key in ("message", "detail", "msg"):
                if error.get(key):
                    return str(error[key])[:300]
        elif isinstance(error, str):
            return error[:300]
        detail = data.get("detail") or data.get("message")
        if detail:
            return str(detail)[:300]
    return text[:300]


def is_context_overflow(message: str) -> bool:
    return bool(_OVERFLOW.search(message))


class ServerClient:
    """Requests to one server, with the key, the timeout and the retry policy applied."""

    def __init__(
        self,
        url: str,
        *,
        api_key: str | None = None,
        timeout_s: float = 60.0,
        retry: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        model_hint: str = "",
    ) -> None:
        self.base, self.root = split_base_url(url)
        self.api_key = api_key
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self.model_hint = model_hint
        self.keyring_problem = ""  # why no key could be read, said when the server wants one
        self._opener = urllib.request.build_opener()

    # -- public calls ----------------------------------------------------------------------

    def post_json(self, path: str, payload: dict[str, Any], *, api: bool = True) -> Any:
        """POST and parse the JSON answer; `api=False` addresses the server root."""
        with self.open("POST", path, payload, api=api) as response:
            return self._read_json(response)

    def get_json(self, path: str, *, api: bool = True) -> Any:
        with self.open("GET", path, None, api=api) as response:
            return self._read_json(response)

    def probe_json(
        self, method: str, path: str, payload: dict[str, Any] | None = None, *, api: bool = False
    ) -> Any | None:
        """Like post/get_json, but None when the server has no such endpoint or rejects the
        request shape: used to discover what a server offers (tokenizer, context size)."""
        response = self._open(method, path, payload, api=api, absent_ok=True)
        if response is None:
            return None
        with response:
            try:
                return self._read_json(response)
            except ModelError:
                return None

    def open(
        self, method: str, path: str, payload: dict[str, Any] | None, *, api: bool = True
    ) -> http.client.HTTPResponse:
        """The response once its status is 2xx, retrying passing failures with backoff."""
        response = self._open(method, path, payload, api=api, absent_ok=False)
        assert response is not None
        return response

    def _open(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None,
        *,
        api: bool,
        absent_ok: bool,
    ) -> http.client.HTTPResponse | None:
        url = (self.base if api else self.root) + path
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        headers = {"Accept": "application/json, text/event-stream"}
        if data is not None:
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        last: _Retryable | None = None
        for attempt in range(max(1, self.retry.attempts)):
            if last is not None:
                wait_s = last.wait_s if last.wait_s is not None else self.retry.delay(attempt - 1)
                self.sleep(wait_s)
            request = urllib.request.Request(url, data=data, headers=headers, method=method)
            try:
                response = self._opener.open(request, timeout=self.timeout_s)
            except urllib.error.HTTPError as exc:
                if absent_ok and exc.code in ABSENT_STATUS:
                    exc.close()
                    return None
                try:
                    last = self._classify_status(exc, path)
                finally:
                    exc.close()
                continue
            except TimeoutError as exc:
                raise self.timeout_error() from exc
            except urllib.error.URLError as exc:
                if isinstance(exc.reason, TimeoutError):
                    raise self.timeout_error() from exc
                last = _Retryable(self._unreachable(exc.reason))
                continue
            except (ConnectionError, http.client.HTTPException, OSError) as exc:
                last = _Retryable(self._unreachable(exc))
                continue
            return response
        assert last is not None
        attempts = max(1, self.retry.attempts)
        raise ModelError(f"{last.error.message} (gave up after {attempts} attempts)") from last

    # -- errors ------------------------------------------------------------------------------

    def timeout_error(self) -> ModelError:
        return ModelError(
            f"the remote server at {self.root} did not answer within {self.timeout_s:g} s; "
            "it may be overloaded or the model too slow — raise 'Remote timeout' in Settings "
            "or lower 'Concurrent digest requests'"
        )

    def lost_error(self, exc: BaseException) -> ModelError:
        return ModelError(
            f"the connection to the remote server at {self.root} broke off mid-answer ({exc}); "
            "finished work is kept, try again when the server is back"
        )

    def _unreachable(self, reason: object) -> ModelError:
        return ModelError(
            f"cannot reach the remote server at {self.root} ({reason}); "
            "is it running, and is 'Remote server URL' in Settings right?"
        )

    def _classify_status(self, exc: urllib.error.HTTPError, path: str) -> _Retryable:
        """Raise a clear ModelError for a final failure; return a retryable one otherwise."""
        status = exc.code
        try:
            message = error_message(exc.read())
        except (OSError, http.client.HTTPException):
            message = exc.reason or ""
        raise_now = self.status_error(status, message, path)
        if raise_now is not None:
            raise raise_now
        wait_s: float | None = None
        retry_after = exc.headers.get("Retry-After") if exc.headers else None
        if retry_after:
            try:
                wait_s = min(MAX_RETRY_AFTER_S, max(0.0, float(retry_after)))
            except ValueError:
                wait_s = None
        kind = "is rate-limiting requests" if status == 429 else "failed"
        return _Retryable(
            ModelError(f"the remote server at {self.root} {kind} (HTTP {status}: {message})"),
            wait_s,
        )

    def status_error(self, status: int, message: str, path: str) -> RemoteStatusError | None:
        """The final error for an HTTP status, or None when the status is worth a retry."""

        def final(text: str) -> RemoteStatusError:
            return RemoteStatusError(text, status=status, server_message=message)

        if is_context_overflow(message) and status in (400, 413, 422, 500):
            return final(
                f"the prompt is too long for the remote model's context ({message}); "
                "lower 'Chunk size' or 'Raw-mode context budget' in Settings"
            )
        if status in (401, 403):
            if not self.api_key and self.keyring_problem:
                return final(
                    f"the remote server at {self.root} needs an API key (HTTP {status}), but "
                    f"{self.keyring_problem}"
                )
            if not self.api_key:
                return final(
                    f"the remote server at {self.root} needs an API key (HTTP {status}) and none "
                    "is set; enter it in Settings → Remote (it is kept in the system keyring)"
                )
            return final(
                f"the remote server at {self.root} refused the API key (HTTP {status}: "
                f"{message}); check the key in Settings → Remote"
            )
        if status == 404:
            if "model" in message.lower():
                return final(
                    f"the remote server at {self.root} does not serve the model "
                    f"{self.model_hint!r} ({message}); check 'Remote model name' in Settings"
                )
            return final(
                f"the remote server at {self.root} has no endpoint {path} (HTTP 404); "
                "'Remote server URL' should be the OpenAI-compatible base, usually ending in /v1"
            )
        if status in RETRYABLE_STATUS:
            return None
        return final(
            f"the remote server at {self.root} rejected the request (HTTP {status}: {message})"
        )

    # -- reading -----------------------------------------------------------------------------

    def _read_json(self, response: http.client.HTTPResponse) -> Any:
        try:
            body = response.read()
        except TimeoutError as exc:
            raise self.timeout_error() from exc
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            raise self.lost_error(exc) from exc
        try:
            return json.loads(body)
        except ValueError as exc:
            raise ModelError(
                f"the remote server at {self.root} answered with something that is not JSON "
                f"({body[:120]!r}); is 'Remote server URL' an OpenAI-compatible server?"
            ) from exc

    def iter_events(self, response: http.client.HTTPResponse) -> Iterator[dict[str, Any]]:
        """Server-sent events as JSON objects, until `data: [DONE]`.

        A body that ends before `[DONE]` and before any finish_reason was cut off (the server
        died or the network dropped), and is reported as such rather than passed off as an answer.
        """
        finished = False
        try:
            while True:
                try:
                    raw = response.readline()
                except TimeoutError as exc:
                    raise self.timeout_error() from exc
                except (ConnectionError, http.client.HTTPException, OSError) as exc:
                    raise self.lost_error(exc) from exc
                if not raw:
                    if finished:
                        return
                    raise self.lost_error(ConnectionError("the stream ended before the answer"))
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("data:"):
                    continue  # blank separators, comments, `event:` lines
                data = line[len("data:") :].strip()
                if data == "[DONE]":
                    return
                try:
                    event = json.loads(data)
                except ValueError:
                    continue
                if isinstance(event, dict) and "error" in event and not event.get("choices"):
                    message = error_message(data.encode("utf-8"))
                    status = event["error"].get("code") if isinstance(event["error"], dict) else 0
                    final = self.status_error(
                        status if isinstance(status, int) else 500, message, "/chat/completions"
                    )
                    raise final or ModelError(
                        f"the remote server at {self.root} failed mid-answer: {message}"
                    )
                if isinstance(event, dict):
                    finished = finished or any(
                        isinstance(choice, dict) and choice.get("finish_reason")
                        for choice in event.get("choices") or []
                    )
                    yield event
        finally:
            response.close()
