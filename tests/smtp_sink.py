"""An SMTP server in the test process (aiosmtpd) that records what it accepts.

    with SmtpSink() as sink:          # 127.0.0.1, a free port: sink.port, sink.url
        ...                           # EMAIL_URL=sink.url for a worker
        sink.message_ids()            # Message-IDs accepted, in order, duplicates included
        sink.received                 # ... with recipients, the client's address and port, time
        sink.drop_connections()       # close them from the server's side (idle timeout, restart)

Two faults for tests of the outbox:

- ``sink.refuse(message_id, times=1)``: the first deliveries of that mail get a 451 (the sender
  should retry later); nothing is recorded for them.
- ``SmtpSink(crash_at=k, on_crash=fn)``: the k-th message's DATA has arrived, but before the sink
  accepts it, ``fn`` runs (in a thread; e.g. it kills the sender). Neither that message nor any
  other one sent over a connection opened before ``fn`` returned is accepted: the senders of those
  connections never see a 250, so their mails count as not delivered. Connections opened after
  ``fn`` returned (a restarted sender) are served as usual.
"""

import asyncio
import threading
import time
import weakref
from dataclasses import dataclass
from email.parser import BytesHeaderParser

from aiosmtpd.controller import Controller


@dataclass(frozen=True)
class Received:
    message_id: str
    recipients: tuple[str, ...]
    peer: tuple  # the client's address and port: one per connection
    at: float  # time.monotonic()


class _Controller(Controller):
    def factory(self):
        server = super().factory()  # one SMTP instance per connection
        server.sink_epoch = self.handler.epoch
        self.handler.servers.add(server)
        return server

    def _trigger_server(self):
        # Bound to port 0: ask the socket which port it got before the first connection.
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpSink:
    def __init__(self, *, crash_at: int | None = None, on_crash=None):
        self.crash_at, self.on_crash = crash_at, on_crash
        self.epoch = 0  # raised when on_crash returns: older connections are cut off
        self.arrivals = 0
        self.received: list[Received] = []
        self.refused: list[str] = []
        self._refusals: dict[str, int] = {}
        self._crash: asyncio.Future | None = None
        self.servers = weakref.WeakSet()  # the open connections' SMTP instances
        self._lock = threading.Lock()
        self._controller = _Controller(self, hostname="127.0.0.1", port=0, server_hostname="sink")

    def __enter__(self):
        self._controller.start()
        return self

    def __exit__(self, *exc_info):
        self._controller.stop()

    @property
    def port(self) -> int:
        return self._controller.port

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def refuse(self, message_id: str, times: int = 1) -> None:
        with self._lock:
            self._refusals[message_id] = times

    def message_ids(self) -> list[str]:
        with self._lock:
            return [r.message_id for r in self.received]

    def drop_connections(self) -> None:
        """Close every open connection from the server's side; returns once the sockets are shut."""

        async def drop():
            for server in list(self.servers):
                if server.transport is not None:
                    server.transport.close()  # schedules the socket's close for the next round
            await asyncio.sleep(0)  # ... which runs before this returns

        asyncio.run_coroutine_threadsafe(drop(), self._controller.loop).result(timeout=5)

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self.refused.clear()

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.original_content or envelope.content)
        message_id = str(headers.get("Message-ID", "")).strip()
        with self._lock:
            self.arrivals += 1
            if self.arrivals == self.crash_at:
                loop = asyncio.get_running_loop()
                self._crash = loop.run_in_executor(None, self._run_on_crash)
        if self._crash is not None and not self._crash.done():
            await asyncio.shield(self._crash)
        if server.sink_epoch < self.epoch:
            return "421 4.3.0 Verbindung aus der Zeit vor dem Absturz: nicht angenommen"
        with self._lock:
            if self._refusals.get(message_id, 0) > 0:
                self._refusals[message_id] -= 1
                self.refused.append(message_id)
                return "451 4.3.0 Vorübergehender Fehler, bitte später erneut versuchen"
            recipients = tuple(envelope.rcpt_tos)
            self.received.append(Received(message_id, recipients, session.peer, time.monotonic()))
        return "250 2.0.0 OK"

    def _run_on_crash(self) -> None:
        try:
            self.on_crash()
        finally:
            self.epoch += 1
