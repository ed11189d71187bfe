"""The tuning chapter's cache example, run: functools.lru_cache on an `async def` caches the
coroutine object, not its result, so the second await of a cached call fails. The working pattern
caches a shared task (what async_lru does, and what fetchbus's SingleFlightCache does with Vert.x
futures): concurrent callers share one load, later callers get the finished result.

Run by `scripts/experiments --only lru-cache`; standard library only. Prints one JSON line.
"""
import asyncio
import functools
import json

LOADS = {"naive": 0, "shared": 0}


@functools.lru_cache(maxsize=128)
async def naive_robots(origin):
    """The chapter's example: what lru_cache keeps is the coroutine object."""
    LOADS["naive"] += 1
    await asyncio.sleep(0.05)
    return f"rules of {origin}"


def shared_cache(load):
    """Caches the task, not the coroutine: any number of awaits, one load per key."""
    tasks = {}

    def get(key):
        task = tasks.get(key)
        if task is None or (task.done() and task.exception() is not None):  # failures are not kept
            task = tasks[key] = asyncio.ensure_future(load(key))
        return task
    return get


async def load_robots(origin):
    LOADS["shared"] += 1
    await asyncio.sleep(0.05)
    return f"rules of {origin}"


async def main():
    result = {}
    first = await naive_robots("http://example.test")
    try:
        await naive_robots("http://example.test")
        result["naive"] = "second await worked"
    except RuntimeError as e:
        result["naive"] = f"{type(e).__name__}: {e}"
    result["naiveFirst"] = first

    robots = shared_cache(load_robots)
    values = await asyncio.gather(*(robots("http://example.test") for _ in range(100)))
    later = await robots("http://example.test")
    result["shared"] = f"{len(values)} concurrent awaits and 1 later: {LOADS['shared']} load(s), " \
                       f"all equal: {len(set(values + [later])) == 1}"
    result["sharedLoads"] = LOADS["shared"]
    result["naiveLoads"] = LOADS["naive"]
    print(json.dumps(result))


asyncio.run(main())
