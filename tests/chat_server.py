"""A local stand-in for a model server: OpenAI-compatible `/v1/chat/completions` and Ollama's
`/api/chat`, both streaming a scripted reply. The real LangChain clients talk to it over HTTP,
so the configured paths are tested without a network or a model."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ChatServer:
    """Replies with `reply`, in a few chunks, after `delay` seconds; records what it was sent."""

    def __init__(self) -> None:
        self.reply = ""
        self.delay = 0.0
        self.requests: list[dict] = []
        self.url = ""


def _chunks(text: str) -> list[str]:
    return [text[i : i + 4] for i in range(0, len(text), 4)]


def _handler(server: ChatServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            server.requests.append(body)
            time.sleep(server.delay)
            if self.path.endswith("/chat/completions"):
                self._openai(body)
            else:
                self._ollama(body)

        def _send(self, content_type: str, lines: list[str]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.end_headers()
            for line in lines:
                self.wfile.write(line.encode())
                self.wfile.flush()

        def _openai(self, body: dict) -> None:
            def event(delta: dict, finish: str | None) -> str:
                chunk = {
                    "id": "c1",
                    "object": "chat.completion.chunk",
                    "created": 0,
                    "model": body["model"],
                    "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                return f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n"

            lines = [event({"role": "assistant", "content": ""}, None)]
            lines += [event({"content": part}, None) for part in _chunks(server.reply)]
            lines += [event({}, "stop"), "data: [DONE]\n\n"]
            self._send("text/event-stream", lines)

        def _ollama(self, body: dict) -> None:
            def line(content: str, done: bool) -> str:
                message = {"role": "assistant", "content": content}
                data = {"model": body["model"], "created_at": "2026-01-01T00:00:00Z",
                        "message": message, "done": done}  # fmt: skip
                if done:
                    data["done_reason"] = "stop"
                return json.dumps(data, ensure_ascii=False) + "\n"

            lines = [line(part, False) for part in _chunks(server.reply)] + [line("", True)]
            self._send("application/x-ndjson", lines)

    return Handler


@contextmanager
def chat_server() -> Iterator[ChatServer]:
    state = ChatServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
