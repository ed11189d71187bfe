"""fetchbus: an asyncio client for the fetchbus web fetcher's TCP event-bus bridge.

Submit URL lists, follow their progress as the node publishes it, cancel jobs and fetch single
pages over one TCP connection, with nothing but the standard library::

    import asyncio, fetchbus

    async def main():
        async with fetchbus.Bus("127.0.0.1", 7000, "KEY") as bus:
            job = await bus.submit(["https://example.com/"], hostConcurrency=2)
            async for event in bus.progress(job):
                print(event["state"], event["urls"])

    asyncio.run(main())
"""

from .bus import FINAL_STATES, Bus
from .errors import BusClosedError, BusError, BusTimeoutError

__all__ = ["Bus", "BusError", "BusTimeoutError", "BusClosedError", "FINAL_STATES"]
__version__ = "0.1.0"
