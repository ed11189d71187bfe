"""The bridge's framing: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.

Kept apart from the Bus so the wire format can be tested (and reused) without a connection.
"""

from __future__ import annotations

import asyncio
import json
import logging
import struct
from typing import Any, Dict, Mapping, Optional

from .errors import BusClosedError

log = logging.getLogger("fetchbus")

_LENGTH = struct.Struct(">I")

#: Frames larger than this are refused: a corrupt or hostile length would otherwise make the
#: client try to buffer up to 4 GiB. Replies are JSON records, far below it.
DEFAULT_MAX_FRAME_BYTES = 64 * 1024 * 1024


def encode(frame: Mapping[str, Any]) -> bytes:
    """One frame, ready to write: the length prefix and the compact JSON."""
    payload = json.dumps(frame, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return _LENGTH.pack(len(payload)) + payload


def decode(payload: bytes) -> Optional[Dict[str, Any]]:
    """A frame's JSON object, or None when it is not one (logged, then skipped: the length
    prefix keeps the stream in step, so one bad frame need not end the connection)."""
    try:
        frame = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        log.warning("fetchbus: skipping a frame that is not UTF-8 JSON (%s)", e)
        return None
    if not isinstance(frame, dict):
        log.warning("fetchbus: skipping a frame that is not a JSON object: %.200r", frame)
        return None
    return frame


async def read_frame(reader: asyncio.StreamReader, max_bytes: int = DEFAULT_MAX_FRAME_BYTES) -> Optional[bytes]:
    """The next frame's payload, or None when the node closed the connection between frames.

    Raises BusClosedError when the connection ends inside a frame or announces one too large to
    hold, since the stream cannot be trusted after either.
    """
    try:
        header = await reader.readexactly(_LENGTH.size)
    except asyncio.IncompleteReadError as e:
        if not e.partial:
            return None
        raise BusClosedError("the connection ended inside a frame's length", code="closed") from e
    (length,) = _LENGTH.unpack(header)
    if length > max_bytes:
        raise BusClosedError(f"the node announced a frame of {length} bytes (limit {max_bytes})", code="too_large")
    try:
        return await reader.readexactly(length)
    except asyncio.IncompleteReadError as e:
        raise BusClosedError("the connection ended inside a frame", code="closed") from e
