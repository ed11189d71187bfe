"""The client against a real fetchbus node: submit and follow a job to its end, cancel a running
one, another user's job and a wrong key refused, one page fetched, and early exits cleaned up.

Needs a node with its bridge on, and an origin on loopback that serves /page/<anything> and
/slow/<ms> (src/test/java/dev/fetchbus/support/OriginServer.java; PythonClientIT starts both):

    FETCHBUS_BRIDGE_HOST, FETCHBUS_BRIDGE_PORT   the bridge
    FETCHBUS_HTTP_PORT                           the node's HTTP API (same host), to create a user and
                                                 read results
    FETCHBUS_ADMIN_KEY                           an admin's key
    FETCHBUS_ORIGIN                              the origin's base URL, e.g. http://127.0.0.1:8123

Skipped when any is unset.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import unittest
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List, Optional, Tuple

import fetchbus

NEEDED = ("FETCHBUS_BRIDGE_HOST", "FETCHBUS_BRIDGE_PORT", "FETCHBUS_ADMIN_KEY", "FETCHBUS_HTTP_PORT", "FETCHBUS_ORIGIN")
MISSING = [name for name in NEEDED if not os.environ.get(name)]
RUN = uuid.uuid4().hex[:8]  # keeps this run's URLs apart from earlier runs' on the same node
COUNTS = ("queued", "leased", "done", "failed", "cancelled")


def env(name: str) -> str:
    return os.environ[name]


def page(tag: str) -> str:
    return f"{env('FETCHBUS_ORIGIN').rstrip('/')}/page/py-{RUN}-{tag}"


def slow(tag: str, ms: int = 5000) -> str:
    return f"{env('FETCHBUS_ORIGIN').rstrip('/')}/slow/{ms}?py-{RUN}-{tag}"


def http(method: str, path: str, key: str, body: Optional[Dict[str, Any]] = None) -> Tuple[int, str]:
    """One call to the node's HTTP API, with urllib: (status, body text)."""
    url = f"http://{env('FETCHBUS_BRIDGE_HOST')}:{env('FETCHBUS_HTTP_PORT')}{path}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Authorization": f"Bearer {key}"})
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def new_user(name: str) -> str:
    """A user of role "user"; returns its key."""
    status, text = http("POST", "/v1/users", env("FETCHBUS_ADMIN_KEY"), {"name": name, "role": "user"})
    assert status == 201, f"POST /v1/users answered {status}: {text}"
    return json.loads(text)["key"]


def counts(event: Dict[str, Any]) -> Dict[str, int]:
    urls = event.get("urls") or {}
    return {state: int(urls.get(state, 0)) for state in COUNTS}


@unittest.skipIf(MISSING, f"needs a running node; unset: {', '.join(MISSING)}")
class AgainstANode(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.admin_key = env("FETCHBUS_ADMIN_KEY")
        self.bus = await self.connect(self.admin_key)
        self.jobs: List[int] = []

    async def asyncTearDown(self) -> None:
        for job in self.jobs:  # nothing of a failed test keeps the node busy
            try:
                await self.bus.cancel(job)
            except fetchbus.BusError:
                pass  # ended already (409)
        await self.bus.close()

    async def connect(self, key: str, **options: Any) -> fetchbus.Bus:
        bus = fetchbus.Bus(env("FETCHBUS_BRIDGE_HOST"), int(env("FETCHBUS_BRIDGE_PORT")), key, timeout=30, **options)
        await bus.connect()
        return bus

    async def submit(self, urls: List[str], **options: Any) -> int:
        job = await self.bus.submit(urls, **options)
        self.jobs.append(job)
        return job

    async def test_submit_and_follow_progress_until_done(self) -> None:
        urls = [page(f"done-{i}") for i in range(5)]
        summary = await self.bus.submit_summary(urls, hostConcurrency=2)
        job = summary["id"]
        self.jobs.append(job)
        self.assertEqual((summary["state"], summary["accepted"], summary["rejected"]), ("queued", 5, 0))

        events = [event async for event in self.bus.progress(job)]

        self.assertTrue(events, "no progress event")
        for event in events:
            self.assertEqual(event["job"], job)
            self.assertIn(event["state"], ("queued", "running", "done"), event)
            self.assertEqual(sum(counts(event).values()), event["accepted"], f"counts do not add up: {event}")
        last = events[-1]
        self.assertEqual(last["state"], "done")
        self.assertEqual(counts(last)["done"], last["accepted"])
        self.assertEqual(last["accepted"], 5)
        self.assertNotIn("done", [e["state"] for e in events[:-1]], "events after the final one")

        status, text = await asyncio.to_thread(http, "GET", f"/v1/jobs/{job}/results", self.admin_key)
        self.assertEqual(status, 200, text)
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
        self.assertEqual(sorted(r["url"] for r in records), sorted(urls))
        self.assertEqual({r["status"] for r in records}, {200})

    async def test_cancel_a_running_job(self) -> None:
        job = await self.submit([slow(f"cancel-{i}") for i in range(12)], hostConcurrency=1, store="none")
        cancelled: Optional[Dict[str, Any]] = None
        last: Dict[str, Any] = {}
        async for event in self.bus.progress(job):
            last = event
            if cancelled is None and (event["state"] == "running" or counts(event)["leased"] > 0):
                cancelled = await self.bus.cancel(job)
        self.assertIsNotNone(cancelled, f"the job ended before it was seen running: {last}")
        self.assertEqual((cancelled["id"], cancelled["state"]), (job, "cancelled"))
        self.assertEqual(last["state"], "cancelled")
        self.assertGreater(counts(last)["cancelled"], 0, last)
        self.assertLess(counts(last)["done"], last["accepted"], last)

        with self.assertRaises(fetchbus.BusError) as again:
            await self.bus.cancel(job)
        self.assertEqual((again.exception.status, again.exception.code), (409, "conflict"))

    async def test_another_users_job_is_refused(self) -> None:
        job = await self.submit([slow(f"other-{i}") for i in range(3)], hostConcurrency=1, store="none")
        key = await asyncio.to_thread(new_user, f"py-client-{RUN}")
        other = await self.connect(key)
        try:
            with self.assertRaises(fetchbus.BusError) as following:
                async for event in other.progress(job):
                    self.fail(f"another user's job reported progress: {event}")
            self.assertIsNone(following.exception.status)
            self.assertTrue(following.exception.code, following.exception.frame)

            with self.assertRaises(fetchbus.BusError) as cancelling:
                await other.cancel(job)
            self.assertEqual((cancelling.exception.status, cancelling.exception.code), (404, "not_found"))

            # Refusals leave the connection usable: the user's own calls still work.
            self.assertEqual((await other.fetch(page("other-own")))["status"], 200)
        finally:
            await other.close()
        async for event in self.bus.progress(job):  # ...and the owner (an admin here) may follow it
            self.assertEqual(event["job"], job)
            break

    async def test_a_wrong_key_is_refused(self) -> None:
        job = await self.submit([page("wrong-key")])
        wrong = await self.connect(f"fb_not-a-key-{RUN}")
        try:
            with self.assertRaises(fetchbus.BusError) as submitting:
                await wrong.submit([page("wrong-key-2")])
            self.assertEqual((submitting.exception.status, submitting.exception.code), (401, "unauthorized"))
            with self.assertRaises(fetchbus.BusError) as fetching:
                await wrong.fetch(page("wrong-key-3"))
            self.assertEqual(fetching.exception.status, 401)
            with self.assertRaises(fetchbus.BusError):
                async for event in wrong.progress(job):
                    self.fail(f"a wrong key got progress: {event}")
        finally:
            await wrong.close()

    async def test_fetch_one_page(self) -> None:
        url = page("fetch")
        record = await self.bus.fetch(url)
        self.assertEqual(record["status"], 200, record)
        self.assertEqual(record["url"], url)
        self.assertEqual(record["title"], f"Page py-{RUN}-fetch")
        self.assertIn("cache", record)

    async def test_breaking_out_early_unregisters(self) -> None:
        job = await self.submit([slow(f"early-{i}") for i in range(4)], hostConcurrency=1, store="none")
        async for event in self.bus.progress(job):
            self.assertEqual(event["job"], job)
            break
        gc.collect()  # CPython closes the abandoned generator at once; this makes it certain
        await asyncio.sleep(1.5)  # events already on their way may still land
        strays = self.bus.stray_frames
        await asyncio.sleep(3)  # the job still runs, so its events would keep coming if registered
        self.assertEqual(self.bus.stray_frames, strays, "events kept coming after the consumer left")

        async for event in self.bus.progress(job):  # following it again registers again
            self.assertEqual(event["job"], job)
            break

    async def test_the_node_answers_pings(self) -> None:
        bus = await self.connect(self.admin_key, ping_interval=0.2)
        try:
            await asyncio.sleep(1)
            self.assertGreater(bus.pongs, 0)
        finally:
            await bus.close()


if __name__ == "__main__":
    unittest.main()
