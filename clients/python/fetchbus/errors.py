"""The errors a Bus raises, and how a refusal frame from the bridge becomes one."""

from __future__ import annotations

import asyncio
import json
from typing import Any, Mapping, Optional, Tuple


class BusError(Exception):
    """The node refused or failed a request, or the bus cannot carry it.

    One class for everything a caller may want to handle, so ``except BusError`` is enough:

    * ``status``: the HTTP status the same call gets from the HTTP API (the frame's
      ``failureCode``), e.g. 401, 404, 422; ``None`` when the bridge itself refused the frame
      (a register or send its access rules do not allow), or the failure is not the API's.
    * ``code``: the machine-readable reason: the API's ``error`` (``"not_found"``,
      ``"unauthorized"``, …) or the bridge's word (``"access_denied"``, ``"rejected"``,
      ``"blocked by bridgeEvent handler"``), or ``"timeout"`` / ``"closed"`` from this client.
    * ``message``: a human-readable explanation.
    * ``frame``: the frame that carried the refusal, if one did, for debugging.
    """

    def __init__(
        self,
        message: str,
        *,
        status: Optional[int] = None,
        code: Optional[str] = None,
        frame: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.frame = dict(frame) if frame is not None else None

    def __str__(self) -> str:
        parts = [str(p) for p in (self.status, self.code) if p is not None]
        prefix = " ".join(parts)
        return f"{prefix}: {self.message}" if prefix else self.message


class BusTimeoutError(BusError, asyncio.TimeoutError):
    """No answer within the timeout. Also an ``asyncio.TimeoutError``, so either catch works."""


class BusClosedError(BusError, ConnectionError):
    """The connection is gone (closed by us, by the node, or broken), so nothing more will come."""


def is_failure(frame: Mapping[str, Any]) -> bool:
    """Whether a frame refuses or fails something: the bridge uses type "err" for some failures
    and type "message" with a "failureCode" for others (it changed across Vert.x versions)."""
    return frame.get("type") == "err" or "failureCode" in frame


def error_from_frame(frame: Mapping[str, Any]) -> BusError:
    """The BusError a failure frame stands for."""
    raw = frame.get("message")
    status = _status(frame)
    code, text = _api_error(raw)
    if code is None:
        code = _fallback_code(frame, status, raw)
    if text is None:
        text = raw if isinstance(raw, str) else "the node refused the request"
    return BusError(text, status=status, code=code, frame=frame)


def _status(frame: Mapping[str, Any]) -> Optional[int]:
    """The HTTP status in a failure frame. Vert.x's own failures (no handlers, timeout) carry
    negative codes that are no HTTP status, so they count as none."""
    failure_code = frame.get("failureCode")
    if isinstance(failure_code, int) and not isinstance(failure_code, bool) and failure_code >= 0:
        return failure_code
    return None


def _api_error(raw: Any) -> Tuple[Optional[str], Optional[str]]:
    """(code, text) from a failure's "message" when it is the API's error JSON
    ({"error": code, "message": text}, as a string); (None, None) otherwise."""
    if not isinstance(raw, str):
        return None, None
    try:
        parsed = json.loads(raw)
    except ValueError:
        return None, None
    if not isinstance(parsed, dict) or "error" not in parsed:
        return None, None
    text = parsed.get("message")
    return str(parsed["error"]), (str(text) if text is not None else None)


def _fallback_code(frame: Mapping[str, Any], status: Optional[int], raw: Any) -> Optional[str]:
    """A code when the message was no API error: the event bus's failure type (its own
    failures: no handler, timeout), else the bridge's bare word ("access_denied", …)."""
    failure_type = frame.get("failureType")
    if status is None and isinstance(failure_type, str) and "failureCode" in frame:
        return failure_type.lower()
    if status is None and isinstance(raw, str) and "failureCode" not in frame:
        return raw
    return None
