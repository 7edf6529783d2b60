"""A lean graphql-transport-ws subscriber for the subscription benchmark: an asyncio Protocol
that speaks just enough RFC 6455 (and permessage-deflate, as browsers offer it) to subscribe
and note each event. A full client library spent as much CPU per message as the server under
test, on the same cores; like reads_load's hand-written HTTP client, this one stays out of
the measurement's way.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
import zlib
from typing import Any

TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA
_TAIL = b"\x00\x00\xff\xff"  # permessage-deflate strips it from each message


def _frame(opcode: int, payload: bytes) -> bytes:
    """A masked client frame (clients must mask; the key may as well be random)."""
    mask = os.urandom(4)
    size = len(payload)
    head = bytes([0x80 | opcode])
    if size < 126:
        head += bytes([0x80 | size])
    elif size < 65536:
        head += bytes([0x80 | 126]) + size.to_bytes(2, "big")
    else:
        head += bytes([0x80 | 127]) + size.to_bytes(8, "big")
    masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(payload))
    return head + mask + masked


class Subscriber(asyncio.Protocol):
    """One connection, one subscription; `seen` gets (the change's id, time.monotonic())."""

    def __init__(self, host: str, token: str, spec: dict[str, Any], seen: list[Any]) -> None:
        self.host, self.token, self.spec, self.seen = host, token, spec, seen
        self.errors: list[str] = []
        self.buffer = bytearray()
        self.upgraded = False
        self.inflater: Any = None
        self.transport: asyncio.Transport | None = None
        self.closed = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: Any) -> None:
        self.transport = transport
        key = base64.b64encode(os.urandom(16)).decode()
        deflate = "Sec-WebSocket-Extensions: permessage-deflate\r\n" if self.spec["deflate"] else ""
        transport.write(
            f"GET /graphql HTTP/1.1\r\nHost: {self.host}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Protocol: graphql-transport-ws\r\n{deflate}\r\n".encode()
        )

    def send(self, message: dict[str, Any], opcode: int = TEXT) -> None:
        assert self.transport is not None
        self.transport.write(_frame(opcode, json.dumps(message).encode()))

    def data_received(self, data: bytes) -> None:
        arrived = time.monotonic()
        self.buffer += data
        if not self.upgraded:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(self.buffer[:end]).decode("latin-1")
            del self.buffer[: end + 4]
            if not head.startswith("HTTP/1.1 101"):
                raise RuntimeError(f"no upgrade: {head[:200]}")
            self.upgraded = True
            if "permessage-deflate" in head.lower():
                self.inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            init = {"Authorization": f"Bearer {self.token}"}
            self.send({"type": "connection_init", "payload": init})
        while (frame := self._next_frame()) is not None:
            self._on_frame(*frame, arrived)

    def _next_frame(self) -> tuple[int, bool, bytes] | None:
        buffer = self.buffer
        if len(buffer) < 2:
            return None
        size, start = buffer[1] & 0x7F, 2
        if size == 126:
            size, start = int.from_bytes(buffer[2:4], "big"), 4
        elif size == 127:
            size, start = int.from_bytes(buffer[2:10], "big"), 10
        if len(buffer) < start + size:
            return None
        payload = bytes(buffer[start : start + size])
        opcode, compressed = buffer[0] & 0x0F, bool(buffer[0] & 0x40)
        del buffer[: start + size]
        return opcode, compressed, payload

    def _on_frame(self, opcode: int, compressed: bool, payload: bytes, arrived: float) -> None:
        if opcode == PING:
            assert self.transport is not None
            self.transport.write(_frame(PONG, payload))
        elif opcode == CLOSE:
            self.errors.append(f"closed: {payload[:200]!r}")
        elif opcode == TEXT:
            if compressed:
                payload = self.inflater.decompress(payload + _TAIL)
            self._on_message(json.loads(payload), arrived)

    def _on_message(self, message: dict[str, Any], arrived: float) -> None:
        kind = message.get("type")
        if kind == "connection_ack":
            query = {"query": self.spec["query"]}
            self.send({"id": "1", "type": "subscribe", "payload": query})
        elif kind == "next" and not message["payload"].get("errors"):
            self.seen.append((message["payload"]["data"][self.spec["field"]]["id"], arrived))
        elif kind == "ping":
            self.send({"type": "pong"})
        else:
            self.errors.append(str(message)[:500])

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.closed.done():
            self.closed.set_result(None)

    async def close(self) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(_frame(CLOSE, (1000).to_bytes(2, "big")))
            self.transport.close()
        await self.closed


async def connect(spec: dict[str, Any], token: str, seen: list[Any]) -> Subscriber:
    loop = asyncio.get_running_loop()
    host = f"127.0.0.1:{spec['port']}"
    _, protocol = await loop.create_connection(
        lambda: Subscriber(host, token, spec, seen), "127.0.0.1", spec["port"]
    )
    return protocol
