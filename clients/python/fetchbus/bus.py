"""An asyncio client for fetchbus's TCP event-bus bridge.

One connection carries everything: a single reader task reads frames and hands each to whoever
waits for its address (a request's future, or the queues of ``progress()`` consumers), and a ping
task keeps the connection known to be alive. Nothing blocks the event loop, and nothing but the
standard library is needed.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import uuid
from typing import Any, AsyncIterator, Awaitable, Callable, Deque, Dict, Iterable, List, Optional, Tuple

from . import frames
from .errors import BusClosedError, BusError, BusTimeoutError, error_from_frame, is_failure

log = logging.getLogger("fetchbus")

SUBMIT_ADDRESS = "fetchbus.bridge.submit"
CANCEL_ADDRESS = "fetchbus.bridge.cancel"
FETCH_ADDRESS = "fetchbus.bridge.fetch"
PROGRESS_PREFIX = "fetchbus.bridge.progress."

#: A job's last progress event has one of these states; nothing follows it.
FINAL_STATES = frozenset({"done", "cancelled", "failed"})

#: How long a frame that gets no answer when accepted (register, unregister, ping) stays a
#: candidate for a refusal that names no address (see ``Bus`` on why refusals are matched so).
ACCEPT_GRACE_SECONDS = 5.0


class _Attempt:
    """A frame sent and not yet known to be accepted.

    The bridge refuses some frames (a register or send its rules do not allow, a key its hook
    rejects) with ``{"type": "err", "message": "access_denied"}``, naming no address. The only way
    to know which frame that was is order: the refusal belongs to the oldest frame still waiting to
    be known as accepted. A frame becomes known as accepted by its answer (a reply, a first event,
    a pong) or, for frames that get none, when ``ACCEPT_GRACE_SECONDS`` pass without a refusal.
    """

    __slots__ = ("settled", "_on_refused", "_on_settled")

    def __init__(self, on_refused: Callable[[BusError], None], on_settled: Optional[Callable[[], None]] = None):
        self.settled = False
        self._on_refused = on_refused
        self._on_settled = on_settled

    def settle(self) -> None:
        if not self.settled:
            self.settled = True
            if self._on_settled is not None:
                self._on_settled()

    def refuse(self, error: BusError) -> None:
        if not self.settled:
            self.settled = True
            self._on_refused(error)


class _Listener:
    """One registration on the node, shared by every local consumer of its address, since the
    bridge keeps one consumer per address and connection: registering twice would leak one."""

    __slots__ = ("address", "queues", "attempt", "refused", "abandoned")

    def __init__(self, address: str) -> None:
        self.address = address
        self.queues: List[asyncio.Queue] = []
        self.attempt: Optional[_Attempt] = None
        self.refused = False
        self.abandoned = False


class Bus:
    """A connection to one fetchbus node's TCP event-bus bridge, used as an async context manager::

        async with fetchbus.Bus("127.0.0.1", 7000, key) as bus:
            job = await bus.submit(["https://example.com/"], hostConcurrency=2)
            async for event in bus.progress(job):
                print(event["state"], event["urls"])

    Every frame carries ``key`` as ``authorization: Bearer <key>``, so the node applies the same
    rules as to the HTTP API: a user reaches only its own jobs. ``timeout`` bounds the wait for each
    reply and for each progress event; ``ping_interval`` is how often the connection is pinged
    (the node answers pong; silence for three intervals after pongs were seen closes the bus).
    """

    def __init__(
        self,
        host: str,
        port: int,
        key: str,
        *,
        timeout: float = 60.0,
        connect_timeout: float = 10.0,
        ping_interval: float = 5.0,
        max_frame_bytes: int = frames.DEFAULT_MAX_FRAME_BYTES,
    ) -> None:
        self.host = host
        self.port = int(port)
        self.timeout = timeout
        self._key = key
        self._connect_timeout = connect_timeout
        self._ping_interval = ping_interval
        self._max_frame_bytes = max_frame_bytes
        self._reader: Optional[asyncio.StreamReader] = None
        self._writer: Optional[asyncio.StreamWriter] = None
        self._reader_task: Optional[asyncio.Task] = None
        self._ping_task: Optional[asyncio.Task] = None
        self._drain_lock: Optional[asyncio.Lock] = None
        self._replies: Dict[str, Tuple[asyncio.Future, _Attempt]] = {}
        self._listeners: Dict[str, _Listener] = {}
        self._unsettled: Deque[_Attempt] = collections.deque()
        self._pings: Deque[_Attempt] = collections.deque()
        self._closed: Optional[BusClosedError] = None
        self._last_frame_at = 0.0
        self.pongs = 0
        """Pongs received: shows the node answers pings (a diagnostic)."""
        self.stray_frames = 0
        """Frames for no address anyone waits for, e.g. events still in flight after an unregister."""

    def __repr__(self) -> str:  # the key stays out of logs
        state = "closed" if self._closed else ("open" if self._writer else "new")
        return f"<fetchbus.Bus {self.host}:{self.port} {state}>"

    # -- connection -----------------------------------------------------------------------------

    async def __aenter__(self) -> "Bus":
        await self.connect()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()

    async def connect(self) -> None:
        """Opens the connection and starts the reader and ping tasks."""
        if self._writer is not None:
            raise RuntimeError("this Bus is already connected; make a new one to reconnect")
        try:
            opened = asyncio.open_connection(self.host, self.port)
            self._reader, self._writer = await asyncio.wait_for(opened, self._connect_timeout)
        except asyncio.TimeoutError:
            raise BusTimeoutError(f"no connection to {self.host}:{self.port} within {self._connect_timeout} s",
                                  code="timeout") from None
        except OSError as e:
            raise BusClosedError(f"cannot connect to {self.host}:{self.port}: {e}", code="unreachable") from e
        loop = asyncio.get_running_loop()
        self._drain_lock = asyncio.Lock()
        self._last_frame_at = loop.time()
        self._reader_task = loop.create_task(self._read_forever(), name=f"fetchbus-reader-{self.port}")
        if self._ping_interval and self._ping_interval > 0:
            self._ping_task = loop.create_task(self._ping_forever(), name=f"fetchbus-ping-{self.port}")

    async def close(self) -> None:
        """Closes the connection; whatever still waits gets BusClosedError.

        No unregister frames are sent: the bridge drops a connection's registrations when it ends.
        """
        if self._writer is None or (self._closed is not None and self._reader_task is None):
            return  # never connected, or closed already
        await _cancel(self._ping_task)
        self._ping_task = None
        self._shut(BusClosedError("the bus was closed", code="closed"))
        try:
            self._writer.close()
            await asyncio.wait_for(self._writer.wait_closed(), 5)
        except (OSError, asyncio.TimeoutError):
            pass  # the connection is gone either way
        await _cancel(self._reader_task)
        self._reader_task = None

    @property
    def closed(self) -> bool:
        return self._closed is not None

    # -- the API --------------------------------------------------------------------------------

    async def submit(self, urls: Iterable[str], **options: Any) -> int:
        """Submits a job of ``urls`` and returns its id. ``options`` are the job options of the HTTP
        API, by their JSON names (``hostConcurrency=2``, ``store="none"``, ``timeoutMs=…``)."""
        summary = await self.submit_summary(urls, **options)
        job = summary.get("id") if isinstance(summary, dict) else None
        if not isinstance(job, int) or isinstance(job, bool):
            raise BusError(f"the submit reply has no job id: {summary!r:.200}", code="bad_reply")
        return job

    async def submit_summary(self, urls: Iterable[str], **options: Any) -> Dict[str, Any]:
        """Like ``submit``, but returns the whole summary: accepted, duplicates, rejected and samples
        of the rejected lines, for callers that must know what was refused."""
        body: Dict[str, Any] = {"urls": _url_list(urls)}
        if options:
            body["options"] = options
        return await self.request(SUBMIT_ADDRESS, body)

    async def cancel(self, job: int) -> Dict[str, Any]:
        """Cancels a job; returns its detail (state "cancelled", URL counts)."""
        return await self.request(CANCEL_ADDRESS, {"job": int(job)})

    async def fetch(self, url: str) -> Dict[str, Any]:
        """Fetches one page now, as ``GET /v1/fetch`` does: the record plus ``cache``."""
        return await self.request(FETCH_ADDRESS, {"url": url})

    async def progress(self, job: int) -> AsyncIterator[Dict[str, Any]]:
        """Yields the job's progress events (about one a second) until, and including, the one whose
        state is done, cancelled or failed.

        The registration is dropped when the iteration ends, however it ends. A consumer that breaks
        out early leaves the generator to Python's finalizer, which closes it at once in CPython;
        ``contextlib.aclosing(bus.progress(job))`` (3.10+) makes that explicit.
        Raises BusError when the node refuses the registration (another user's job, a wrong key),
        and BusTimeoutError when no event comes within ``timeout``.
        """
        address = PROGRESS_PREFIX + str(int(job))
        queue = await self._listen(address)
        try:
            while True:
                event = await self._next_event(queue, address)
                yield event
                if isinstance(event, dict) and event.get("state") in FINAL_STATES:
                    return
        finally:
            self._unlisten(address, queue)

    async def request(self, address: str, body: Any, *, timeout: Optional[float] = None) -> Any:
        """Sends ``body`` to ``address`` and returns the reply's body, or raises the refusal as
        BusError. The building block of submit, cancel and fetch."""
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        attempt = _Attempt(lambda error: _fail(future, error))
        reply_address = uuid.uuid4().hex
        self._check_open()
        self._replies[reply_address] = (future, attempt)
        self._track(attempt)
        try:
            await self._write({"type": "send", "address": address, "replyAddress": reply_address,
                               "headers": self._headers(), "body": body})
            return await self._wait(future, timeout, f"reply from {address}")
        finally:
            attempt.settle()
            self._replies.pop(reply_address, None)

    # -- registrations --------------------------------------------------------------------------

    async def _listen(self, address: str) -> asyncio.Queue:
        """A queue that receives the address's messages, registering on the node if this is the
        address's first local consumer."""
        self._check_open()
        queue: asyncio.Queue = asyncio.Queue()
        listener = self._listeners.get(address)
        if listener is not None:
            listener.queues.append(queue)
            return queue
        listener = _Listener(address)
        listener.queues.append(queue)
        listener.attempt = _Attempt(lambda error: self._refused(listener, error),
                                    lambda: self._accepted(listener))
        self._listeners[address] = listener
        self._track(listener.attempt, grace=True)
        try:
            await self._write({"type": "register", "address": address, "headers": self._headers()})
        except BaseException:
            self._listeners.pop(address, None)
            listener.attempt.settled = True
            raise
        return queue

    def _unlisten(self, address: str, queue: asyncio.Queue) -> None:
        """Drops a consumer; the last one out unregisters. Synchronous, so it works from a
        generator being finalized, where awaiting is unreliable."""
        listener = self._listeners.get(address)
        if listener is None or queue not in listener.queues:
            return
        listener.queues.remove(queue)
        if listener.queues:
            return
        del self._listeners[address]
        listener.abandoned = True
        if listener.attempt is not None and listener.attempt.settled:
            self._unregister(listener)
        # else: unregistered by _accepted once the register is known accepted; a refused one
        # must not be unregistered (the node would answer with an address-less err of its own).

    def _accepted(self, listener: _Listener) -> None:
        if listener.abandoned:
            self._unregister(listener)

    def _refused(self, listener: _Listener, error: BusError) -> None:
        listener.refused = True
        if self._listeners.get(listener.address) is listener:
            del self._listeners[listener.address]
        for queue in listener.queues:
            queue.put_nowait(error)

    def _unregister(self, listener: _Listener) -> None:
        if listener.refused or self._closed is not None or self._writer is None:
            return
        self._track(_Attempt(lambda error: log.debug("fetchbus: unregister %s refused: %s", listener.address, error)),
                    grace=True)
        self._writer.write(frames.encode({"type": "unregister", "address": listener.address,
                                          "headers": self._headers()}))

    async def _next_event(self, queue: asyncio.Queue, address: str) -> Any:
        item = await self._wait(queue.get(), None, f"event on {address}")
        if isinstance(item, BusError):
            raise item
        return item

    # -- reading and dispatching ----------------------------------------------------------------

    async def _read_forever(self) -> None:
        reason = BusClosedError("the node closed the connection", code="closed")
        loop = asyncio.get_running_loop()
        try:
            while True:
                payload = await frames.read_frame(self._reader, self._max_frame_bytes)
                if payload is None:
                    break
                self._last_frame_at = loop.time()
                frame = frames.decode(payload)
                if frame is not None:
                    self._dispatch(frame)
        except BusClosedError as e:
            reason = e
        except OSError as e:
            reason = BusClosedError(f"the connection broke: {e}", code="closed")
        finally:
            self._shut(reason)

    def _dispatch(self, frame: Dict[str, Any]) -> None:
        """Hands a frame to whoever waits for it; anything unexpected is counted and dropped, never
        raised, so one odd frame cannot stop the reader."""
        address = frame.get("address")
        if frame.get("type") == "pong":
            self._pong()
        elif isinstance(address, str) and address in self._replies:
            self._answer(address, frame)
        elif isinstance(address, str) and address in self._listeners:
            self._deliver(self._listeners[address], frame)
        elif address is None and is_failure(frame):
            self._blame_oldest(error_from_frame(frame))
        else:
            self.stray_frames += 1
            log.debug("fetchbus: dropping a frame nobody waits for: %.300r", frame)

    def _answer(self, reply_address: str, frame: Dict[str, Any]) -> None:
        future, attempt = self._replies.pop(reply_address)
        attempt.settled = True
        if future.done():
            return
        if is_failure(frame):
            future.set_exception(error_from_frame(frame))
        else:
            future.set_result(frame.get("body"))

    def _deliver(self, listener: _Listener, frame: Dict[str, Any]) -> None:
        item: Any
        if is_failure(frame):
            item = error_from_frame(frame)
        else:
            if listener.attempt is not None:
                listener.attempt.settle()
            item = frame.get("body")
        for queue in listener.queues:
            queue.put_nowait(item)

    def _blame_oldest(self, error: BusError) -> None:
        while self._unsettled:
            attempt = self._unsettled.popleft()
            if not attempt.settled:
                attempt.refuse(error)
                return
        log.warning("fetchbus: the node refused a frame no pending request matches: %s", error)

    def _pong(self) -> None:
        self.pongs += 1
        while self._pings:
            ping = self._pings.popleft()
            if not ping.settled:
                ping.settle()
                return

    def _shut(self, reason: BusClosedError) -> None:
        """Marks the bus closed and wakes everyone still waiting with ``reason``."""
        if self._closed is not None:
            return
        self._closed = reason
        for future, attempt in list(self._replies.values()):
            attempt.settled = True
            _fail(future, reason)
        self._replies.clear()
        for listener in list(self._listeners.values()):
            for queue in listener.queues:
                queue.put_nowait(reason)
        self._listeners.clear()
        self._unsettled.clear()
        self._pings.clear()

    # -- writing ----------------------------------------------------------------------------------

    async def _ping_forever(self) -> None:
        """Pings every interval; once the node has shown it answers pings, a silence of three
        intervals means the connection is dead even if TCP has not noticed, so the bus closes."""
        loop = asyncio.get_running_loop()
        try:
            while True:
                await asyncio.sleep(self._ping_interval)
                if self.pongs and loop.time() - self._last_frame_at > 3 * self._ping_interval:
                    log.warning("fetchbus: no frame from %s:%s for %.0f s; closing", self.host, self.port,
                                loop.time() - self._last_frame_at)
                    self._shut(BusClosedError("the node stopped answering pings", code="closed"))
                    self._writer.transport.abort()
                    return
                ping = _Attempt(lambda error: log.warning("fetchbus: the node refused a ping: %s", error))
                self._pings.append(ping)
                self._track(ping, grace=True)
                await self._write({"type": "ping"})
        except BusClosedError:
            return

    async def _write(self, frame: Dict[str, Any]) -> None:
        self._check_open()
        self._writer.write(frames.encode(frame))
        async with self._drain_lock:
            try:
                await self._writer.drain()
            except OSError as e:  # ConnectionResetError and friends
                raise BusClosedError(f"the connection broke: {e}", code="closed") from e

    def _track(self, attempt: _Attempt, grace: bool = False) -> None:
        while self._unsettled and self._unsettled[0].settled:
            self._unsettled.popleft()
        self._unsettled.append(attempt)
        if grace:
            asyncio.get_running_loop().call_later(ACCEPT_GRACE_SECONDS, attempt.settle)

    async def _wait(self, awaitable: Awaitable[Any], timeout: Optional[float], what: str) -> Any:
        limit = self.timeout if timeout is None else timeout
        try:
            return await asyncio.wait_for(awaitable, limit)
        except asyncio.TimeoutError as e:
            if isinstance(e, BusError):
                raise
            raise BusTimeoutError(f"no {what} within {limit} s", code="timeout") from None

    def _check_open(self) -> None:
        if self._closed is not None:
            raise self._closed
        if self._writer is None:
            raise BusClosedError("the bus is not connected: use `async with Bus(...)`", code="closed")

    def _headers(self) -> Dict[str, str]:
        return {"authorization": f"Bearer {self._key}"}


def _url_list(urls: Iterable[str]) -> List[str]:
    """The URLs as a list, checked here: a non-string would otherwise fail the whole submit on the
    node, after the list was sent."""
    if isinstance(urls, (str, bytes)):
        raise TypeError("urls must be an iterable of URLs, not one string")
    listed = list(urls)
    for url in listed:
        if not isinstance(url, str):
            raise TypeError(f"every URL must be a str, got {type(url).__name__}: {url!r:.100}")
    return listed


def _fail(future: asyncio.Future, error: BaseException) -> None:
    if not future.done():
        future.set_exception(error)


async def _cancel(task: Optional[asyncio.Task]) -> None:
    if task is None or task.done():
        return
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        # Our own cancellation of the task, unless the caller is being cancelled too.
        current = asyncio.current_task()
        if current is not None and _cancelling(current):
            raise
    except Exception as e:  # the task's own failure: it was logged by nobody, so log it here
        log.debug("fetchbus: %s ended with %r", task.get_name(), e)


def _cancelling(task: asyncio.Task) -> bool:
    cancelling = getattr(task, "cancelling", None)  # 3.11+
    return bool(cancelling()) if cancelling is not None else False
