"""The client against a scripted stand-in for the bridge on loopback: framing, replies, the shapes
of refusals, progress and its clean-up, timeouts and a dropped connection. No node needed, so
these run everywhere; test_node.py runs the same client against a real one."""

from __future__ import annotations

import asyncio
import gc
import json
import struct
import unittest
from typing import Any, Callable, Dict, List, Optional

import fetchbus
from fetchbus import frames

Frame = Dict[str, Any]


class FakeBridge:
    """Speaks the bridge's framing; ``script`` answers each frame the client sends with a list of
    frames (the default script answers pings with pongs and nothing else)."""

    def __init__(self, script: Optional[Callable[[Frame], List[Any]]] = None) -> None:
        self.script = script or (lambda frame: [])
        self.received: List[Frame] = []
        self.writers: List[asyncio.StreamWriter] = []
        self.server: Optional[asyncio.AbstractServer] = None

    async def __aenter__(self) -> "FakeBridge":
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        for writer in self.writers:
            writer.close()
        self.server.close()
        await self.server.wait_closed()

    @property
    def port(self) -> int:
        return self.server.sockets[0].getsockname()[1]

    def bus(self, **kwargs: Any) -> fetchbus.Bus:
        kwargs.setdefault("timeout", 5)
        return fetchbus.Bus("127.0.0.1", self.port, "k3y", **kwargs)

    def of_type(self, kind: str) -> List[Frame]:
        return [f for f in self.received if f.get("type") == kind]

    def push(self, frame: Any) -> None:
        """Sends a frame unprompted (a published event), to every connected client."""
        for writer in self.writers:
            writer.write(frame if isinstance(frame, bytes) else frames.encode(frame))

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.writers.append(writer)
        while True:
            payload = await frames.read_frame(reader)
            if payload is None:
                return
            frame = json.loads(payload)
            self.received.append(frame)
            answers = [{"type": "pong"}] if frame.get("type") == "ping" else self.script(frame)
            for answer in answers:
                writer.write(answer if isinstance(answer, bytes) else frames.encode(answer))


def reply(body: Any) -> Callable[[Frame], List[Any]]:
    return lambda f: [{"type": "message", "address": f["replyAddress"], "body": body, "send": True}] \
        if f.get("type") == "send" else []


async def until(condition: Callable[[], bool], seconds: float = 3.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


class Framing(unittest.TestCase):
    def test_length_prefix_is_big_endian_and_counts_utf8_bytes(self) -> None:
        data = frames.encode({"type": "send", "body": {"title": "Zürich"}})
        (length,) = struct.unpack(">I", data[:4])
        self.assertEqual(length, len(data) - 4)
        self.assertEqual(frames.decode(data[4:]), {"type": "send", "body": {"title": "Zürich"}})

    def test_what_is_no_json_object_is_skipped(self) -> None:
        with self.assertLogs("fetchbus", "WARNING") as logged:
            self.assertIsNone(frames.decode(b"\xff\xfe"))
            self.assertIsNone(frames.decode(b"[1, 2]"))
        self.assertEqual(len(logged.records), 2)


class Refusals(unittest.TestCase):
    def test_api_error_in_a_failure_frame(self) -> None:
        for kind in ("err", "message"):
            error = fetchbus.errors.error_from_frame({
                "type": kind, "address": "r", "failureCode": 404, "failureType": "RECIPIENT_FAILURE",
                "message": json.dumps({"error": "not_found", "message": "no job 7"})})
            self.assertEqual((error.status, error.code, error.message), (404, "not_found", "no job 7"))

    def test_the_bridges_own_word(self) -> None:
        error = fetchbus.errors.error_from_frame({"type": "err", "message": "access_denied"})
        self.assertEqual((error.status, error.code), (None, "access_denied"))

    def test_event_bus_failures_are_no_http_status(self) -> None:
        error = fetchbus.errors.error_from_frame({"type": "err", "address": "r", "failureCode": -1,
                                                  "failureType": "NO_HANDLERS", "message": "No handlers"})
        self.assertEqual((error.status, error.code, error.message), (None, "no_handlers", "No handlers"))


class Requests(unittest.IsolatedAsyncioTestCase):
    async def test_submit_sends_urls_options_and_the_key_and_returns_the_id(self) -> None:
        summary = {"id": 7, "state": "queued", "accepted": 2, "duplicates": 0, "rejected": 0, "rejectedSamples": []}
        async with FakeBridge(reply(summary)) as bridge, bridge.bus() as bus:
            job = await bus.submit(iter(["https://a.example/", "https://b.example/"]), hostConcurrency=2)
        self.assertEqual(job, 7)
        (sent,) = bridge.of_type("send")
        self.assertEqual(sent["address"], "fetchbus.bridge.submit")
        self.assertEqual(sent["headers"], {"authorization": "Bearer k3y"})
        self.assertEqual(sent["body"], {"urls": ["https://a.example/", "https://b.example/"],
                                        "options": {"hostConcurrency": 2}})
        self.assertTrue(sent["replyAddress"])

    async def test_cancel_and_fetch_return_the_reply(self) -> None:
        async with FakeBridge(reply({"ok": True})) as bridge, bridge.bus() as bus:
            self.assertEqual(await bus.cancel(3), {"ok": True})
            self.assertEqual(await bus.fetch("https://a.example/"), {"ok": True})
        self.assertEqual([f["body"] for f in bridge.of_type("send")], [{"job": 3}, {"url": "https://a.example/"}])

    async def test_failed_replies_raise_bus_error_in_both_shapes(self) -> None:
        for kind in ("err", "message"):
            def script(f: Frame, kind: str = kind) -> List[Frame]:
                return [{"type": kind, "address": f["replyAddress"], "failureCode": 404,
                         "message": json.dumps({"error": "not_found", "message": "no such job"})}]
            async with FakeBridge(script) as bridge, bridge.bus() as bus:
                with self.assertRaises(fetchbus.BusError) as caught:
                    await bus.cancel(99)
            self.assertEqual((caught.exception.status, caught.exception.code), (404, "not_found"))

    async def test_a_refusal_without_address_fails_the_pending_send_at_once(self) -> None:
        async with FakeBridge(lambda f: [{"type": "err", "message": "access_denied"}]) as bridge, \
                bridge.bus(timeout=30) as bus:
            with self.assertRaises(fetchbus.BusError) as caught:
                await asyncio.wait_for(bus.submit(["https://a.example/"]), 3)
        self.assertEqual((caught.exception.status, caught.exception.code), (None, "access_denied"))

    async def test_no_reply_is_a_timeout(self) -> None:
        async with FakeBridge() as bridge, bridge.bus(timeout=0.2) as bus:
            with self.assertRaises(fetchbus.BusTimeoutError) as caught:
                await bus.fetch("https://a.example/")
        self.assertIsInstance(caught.exception, asyncio.TimeoutError)
        self.assertIsInstance(caught.exception, fetchbus.BusError)

    async def test_a_dropped_connection_fails_what_waits(self) -> None:
        async with FakeBridge() as bridge, bridge.bus() as bus:
            waiting = asyncio.ensure_future(bus.fetch("https://a.example/"))
            await until(lambda: bridge.of_type("send"))
            bridge.writers[0].close()
            with self.assertRaises(fetchbus.BusClosedError):
                await waiting
            with self.assertRaises(fetchbus.BusClosedError):
                await bus.fetch("https://a.example/")

    async def test_odd_frames_are_skipped_and_the_bus_goes_on(self) -> None:
        def script(f: Frame) -> List[Any]:
            return [struct.pack(">I", 3) + b"{x]", {"type": "surprise"}, [1],
                    {"type": "message", "address": "nobody", "body": 1}] + reply({"ok": 1})(f)
        async with FakeBridge(script) as bridge, bridge.bus() as bus:
            with self.assertLogs("fetchbus", "WARNING"):
                self.assertEqual(await bus.fetch("https://a.example/"), {"ok": 1})
            self.assertEqual(bus.stray_frames, 2)

    async def test_pings_are_bare_and_pongs_counted(self) -> None:
        async with FakeBridge() as bridge, bridge.bus(ping_interval=0.05) as bus:
            await until(lambda: bus.pongs >= 2)
        self.assertEqual(bridge.of_type("ping")[0], {"type": "ping"})


def event(job: int, state: str, done: int) -> Frame:
    return {"type": "message", "address": f"fetchbus.bridge.progress.{job}", "send": False,
            "body": {"job": job, "state": state, "accepted": 3, "pagesPerSecond": 1.0,
                     "urls": {"queued": 3 - done, "leased": 0, "done": done, "failed": 0, "cancelled": 0}}}


class Progress(unittest.IsolatedAsyncioTestCase):
    async def test_events_until_the_final_one_then_unregister(self) -> None:
        def script(f: Frame) -> List[Frame]:
            if f["type"] == "register":
                return [event(5, "running", 1), event(5, "running", 2), event(5, "done", 3), event(5, "done", 3)]
            return []
        async with FakeBridge(script) as bridge, bridge.bus() as bus:
            states = [e["state"] async for e in bus.progress(5)]
            await until(lambda: bridge.of_type("unregister"))
        self.assertEqual(states, ["running", "running", "done"])
        (register,) = bridge.of_type("register")
        self.assertEqual(register, {"type": "register", "address": "fetchbus.bridge.progress.5",
                                    "headers": {"authorization": "Bearer k3y"}})
        self.assertEqual(bridge.of_type("unregister")[0]["address"], "fetchbus.bridge.progress.5")

    async def test_breaking_out_early_unregisters(self) -> None:
        async with FakeBridge(lambda f: [event(6, "running", 1)] if f["type"] == "register" else []) as bridge, \
                bridge.bus() as bus:
            async for _ in bus.progress(6):
                break
            gc.collect()  # what CPython's reference counting does at once; other runtimes later
            await until(lambda: bridge.of_type("unregister"))
            self.assertEqual(bus._listeners, {})

    async def test_a_refused_register_raises_and_is_not_unregistered(self) -> None:
        async with FakeBridge(lambda f: [{"type": "err", "message": "access_denied"}]
                              if f["type"] == "register" else []) as bridge, bridge.bus() as bus:
            with self.assertRaises(fetchbus.BusError) as caught:
                async for _ in bus.progress(8):
                    pass
            await asyncio.sleep(0.1)
        self.assertEqual(caught.exception.code, "access_denied")
        self.assertEqual(bridge.of_type("unregister"), [])

    async def test_two_consumers_of_one_job_share_one_registration(self) -> None:
        async with FakeBridge() as bridge, bridge.bus() as bus:
            async def follow() -> List[str]:
                return [e["state"] async for e in bus.progress(9)]
            both = asyncio.gather(follow(), follow())
            await until(lambda: len(bus._listeners.get("fetchbus.bridge.progress.9").queues) == 2
                        if "fetchbus.bridge.progress.9" in bus._listeners else False)
            bridge.push(event(9, "running", 1))
            bridge.push(event(9, "done", 3))
            self.assertEqual(await asyncio.wait_for(both, 3), [["running", "done"], ["running", "done"]])
        self.assertEqual(len(bridge.of_type("register")), 1)

    async def test_silence_is_a_timeout(self) -> None:
        async with FakeBridge() as bridge, bridge.bus(timeout=0.2) as bus:
            with self.assertRaises(fetchbus.BusTimeoutError):
                async for _ in bus.progress(10):
                    pass


if __name__ == "__main__":
    unittest.main()
