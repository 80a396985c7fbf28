"""A scripted OpenAI-compatible server that really serves several requests at once (loopback).

Each chat completion is answered by `fakes.digest_replies.digest_reply` (deterministic, so two
digests of the same library get the same answers), after `latency_s` of simulated generation;
the server counts the requests in flight and their peak. `gate` holds every request until that
many are in flight together (a proof of overlap that needs no clock); `fail_first` answers the
first matching requests with a 503 so the engine's retry is exercised.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from nocturne.engine.base import GenerationOptions

from fakes.digest_replies import digest_reply

MODEL = "slot-model"


class SlotServer:
    def __init__(
        self, *, latency_s: float = 0.0, gate: int = 0, gate_timeout_s: float = 10.0
    ) -> None:
        self.latency_s = latency_s
        self.gate = (
            threading.Barrier(gate, action=self._open_gate, timeout=gate_timeout_s)
            if gate > 1
            else None
        )
        self.gate_broken = False
        self.lock = threading.Lock()
        self.in_flight = 0
        self.peak = 0
        self.completions = 0  # answered chat completions
        self.failures_left = 0
        self.fail_matching = ""
        self.failed: list[str] = []  # the last message of each request answered with a 503
        self.hold = threading.Event()  # set: requests wait until `release` is set
        self.busy = threading.Event()  # set once `busy_at` requests are in flight together
        self.busy_at = 0
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.endswith("/models"):
                    server._send(self, 200, {"data": [{"id": MODEL, "max_model_len": 4096}]})
                else:
                    server._send(self, 404, {"detail": "Not Found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.endswith("/chat/completions"):
                    server._send(self, 404, {"detail": "Not Found"})
                    return
                server._complete(self, body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def fail_first(self, count: int, matching: str = "") -> None:
        """Answer the next `count` requests whose last message contains `matching` with 503."""
        with self.lock:
            self.failures_left, self.fail_matching = count, matching

    def _open_gate(self) -> None:
        """The gate has proved its point once; later requests pass freely."""
        self.gate = None

    def close(self) -> None:
        self.release.set()
        gate = self.gate
        if gate is not None:
            gate.abort()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _complete(self, handler: BaseHTTPRequestHandler, body: dict[str, Any]) -> None:
        messages = body.get("messages") or []
        last = str(messages[-1]["content"]) if messages else ""
        with self.lock:
            failing = self.failures_left > 0 and self.fail_matching in last
            if failing:
                self.failures_left -= 1
                self.failed.append(last)
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            if self.busy_at and self.in_flight >= self.busy_at:
                self.busy.set()
        try:
            reply = self._reply(failing, messages, body)
        finally:  # counted out before answering: the client may send its next one at once
            with self.lock:
                self.in_flight -= 1
        if reply is None:
            self._send(handler, 503, {"error": {"message": "all slots busy"}})
        elif body.get("stream"):
            self._stream(handler, *reply)
        else:
            text, usage = reply
            choice = {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
            self._send(handler, 200, {"model": MODEL, "choices": [choice], "usage": usage})

    def _reply(
        self, failing: bool, messages: list[Any], body: dict[str, Any]
    ) -> tuple[str, dict[str, int]] | None:
        if failing:
            return None
        gate = self.gate
        if gate is not None:
            try:
                gate.wait()
            except threading.BrokenBarrierError:
                self.gate_broken = True  # they never came together: the test says so
        if self.hold.is_set():
            self.release.wait(timeout=30)
        if self.latency_s:
            time.sleep(self.latency_s)  # the model generating (the server's time, not a test's)
        text = digest_reply(messages, GenerationOptions(grammar=body.get("grammar")))
        words = sum(len(str(m.get("content", "")).split()) for m in messages)
        with self.lock:
            self.completions += 1
        return text, {"prompt_tokens": words, "completion_tokens": len(text.split())}

    @staticmethod
    def _stream(handler: BaseHTTPRequestHandler, text: str, usage: dict[str, int]) -> None:
        events = [
            {"choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]},
            {"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
            {"choices": [], "usage": usage},
        ]
        payload = b"".join(b"data: " + json.dumps(e).encode() + b"\n\n" for e in events)
        payload += b"data: [DONE]\n\n"
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, data: Any) -> None:
        payload = json.dumps(data).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)
