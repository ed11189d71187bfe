"""The experiments of scripts/experiments: each measures one technique on and off and returns the
document's rows. A row's "why" names the figures that support it."""
import json, os, subprocess, time, urllib.parse
from dataclasses import dataclass
from typing import Callable

import experiments_lib as lib
import fetchbus_node
from experiments_lib import fmt, ratio


@dataclass
class Experiment:
    name: str
    title: str
    run: Callable


def row(name, title, workload, with_, without, ratio_, why, command=None):
    experiment = name.split("-none")[0]  # a second row of an experiment has an anchor of its own
    return dict(anchor=f"exp-{name}", title=title, command=command or f"scripts/experiments --only {experiment}",
                workload=workload, **{"with": with_, "without": without, "ratio": ratio_, "why": why})


def list_job(env, node, urls, query, timeout=900):
    job = lib.submit(node, ("\n".join(urls) + "\n").encode(), "text/plain", query)
    return lib.await_job(node, job["id"], timeout)


# ---- 1. bounded concurrency --------------------------------------------------------------------
def concurrency(env):
    urls = [env.origin.url(1 + i % 100, f"/slow/c{i}") for i in range(10_000)]

    def measure(variant):
        limit = "100" if variant == "bounded" else "1000000"
        node = env.node({"FETCHBUS_FETCH_MAX_IN_FLIGHT": limit, "FETCHBUS_LIMITS_CONCURRENT_FETCHES": limit,
                         "FETCHBUS_FETCH_POOL_PER_HOST": "64"})
        try:
            job = list_job(env, node, urls, "robots=false&hostConcurrency=64")
            errors = sum(1 for r in node.records(job["id"]) if r.get("error"))
            return {"pagesPerSecond": len(urls) / lib.job_seconds(job),
                    "p99s": lib.histogram_quantile(node, "fetchbus_fetch_duration_seconds", 0.99),
                    "rssMiB": node.peak_rss_mib(), "errors": errors}
        finally:
            node.stop()
    m = env.repeat("concurrency", ["bounded", "unbounded"], measure)
    b, u = m["bounded"], m["unbounded"]
    return [row("concurrency", "1. Bounded concurrency", "10,000 URLs on 100 loopback hosts, each answered after 200 ms (nginx); "
                "`fetch.maxInFlight` 100 vs 1,000,000 (and the user's limit with it)",
                f"{fmt(b['pagesPerSecond'])} pages/s, fetch p99 ≤ {fmt(b['p99s'], 's')}, peak RSS {fmt(b['rssMiB'], 'MiB')}, "
                f"{fmt(b['errors'])} errors",
                f"{fmt(u['pagesPerSecond'])} pages/s, fetch p99 ≤ {fmt(u['p99s'], 's')}, peak RSS {fmt(u['rssMiB'], 'MiB')}, "
                f"{fmt(u['errors'])} errors",
                f"{ratio(b['pagesPerSecond'], u['pagesPerSecond'])} pages/s",
                f"With 100 in flight and 200 ms a page the bound itself caps throughput near 100 / 0.2 s = 500 pages/s; "
                f"unbounded, {fmt(u['pagesPerSecond'])} pages/s is what 2 cores can process, and the price is memory "
                f"({fmt(u['rssMiB'])} against {fmt(b['rssMiB'])} MiB) and a fetch p99 of {fmt(u['p99s'], 's')} against "
                f"{fmt(b['p99s'], 's')}: requests queue in the process instead of in the frontier. The bound is a "
                f"memory and latency guarantee, set it from latency × the rate you want.")]


# ---- 2. single flight --------------------------------------------------------------------------
def cache(env):
    keys = [env.origin.url(h, f"/slow/key{h}") for h in range(1, 11)]
    paths = [f"/v1/fetch?url={urllib.parse.quote(keys[i % 10], safe='')}" for i in range(1000)]

    def measure(mode):
        node = env.node({"FETCHBUS_TUNING_CACHE_MODE": mode})
        try:
            before = len(env.origin.hits())
            answers = lib.concurrent_gets(node.port, paths, fetchbus_node.ADMIN_KEY, 300)
            hits = env.origin.hits()[before:]
            seconds = [s for status, s in answers if status == 200]
            return {"originPageHits": sum(1 for h in hits if h.startswith("/slow/")),
                    "originRobotsHits": sum(1 for h in hits if h == "/robots.txt"),
                    "medianS": lib.percentile(seconds, 0.5), "p99S": lib.percentile(seconds, 0.99),
                    "failed": sum(1 for status, _ in answers if status != 200)}
        finally:
            node.stop()
    m = env.repeat("cache", ["single-flight", "plain", "none"], measure)
    s = m["single-flight"]
    rows = []
    for base in ("plain", "none"):
        b = m[base]
        rows.append(row("cache" if base == "plain" else "cache-none",
                        "2. Single-flight cache" + (" vs a plain cache" if base == "plain" else " vs no cache"),
                        "1,000 concurrent `GET /v1/fetch` for 10 URLs (10 hosts, pages and robots.txt answered after "
                        f"200 ms); `tuning.cacheMode` single-flight vs {base}",
                        f"{fmt(s['originPageHits'])} page + {fmt(s['originRobotsHits'])} robots.txt requests at the origin; "
                        f"latency median {fmt(s['medianS'], 's')}, p99 {fmt(s['p99S'], 's')}; {fmt(s['failed'])} failed",
                        f"{fmt(b['originPageHits'])} + {fmt(b['originRobotsHits'])}; median {fmt(b['medianS'], 's')}, "
                        f"p99 {fmt(b['p99S'], 's')}; {fmt(b['failed'])} failed",
                        f"{ratio(b['originPageHits'] + b['originRobotsHits'], s['originPageHits'] + s['originRobotsHits'])} "
                        "origin requests",
                        ("A plain cache stores a value only after its load finished, so all the asks that arrive during "
                         "the first 200 ms miss together and each loads (the thundering herd): "
                         if base == "plain" else "Without a cache every ask is a fetch: ")
                        + f"{fmt(b['originPageHits'])} page fetches instead of {fmt(s['originPageHits'])}, queued behind "
                        f"the per-host politeness limit, hence the p99 of {fmt(b['p99S'], 's')}. Single flight shares the "
                        "load in flight, so the origin sees one request per URL."))
    return rows


# ---- 3. HTTP pool per host ---------------------------------------------------------------------
def http_pool(env):
    urls = [env.origin.url(1, f"/lag/p{i}") for i in range(1000)]

    def measure(size):
        node = env.node({"FETCHBUS_FETCH_POOL_PER_HOST": size})
        try:
            job = list_job(env, node, urls, "robots=false&hostConcurrency=64")
            return {"pagesPerSecond": len(urls) / lib.job_seconds(job)}
        finally:
            node.stop()
    m = env.repeat("http-pool", ["1", "5", "64"], measure)
    p1, p5, p64 = (m[k]["pagesPerSecond"] for k in ("1", "5", "64"))
    return [row("http-pool", "3. HTTP connections per host", "a list job of 1,000 URLs on one host answering after 10 ms, "
                "64 fetches at once allowed; `fetch.poolPerHost` 64 vs 5 vs 1",
                f"64: {fmt(p64)} pages/s", f"5: {fmt(p5)} pages/s; 1: {fmt(p1)} pages/s",
                f"{ratio(p64, p5)} (64 vs 5), {ratio(p64, p1)} (64 vs 1)",
                f"HTTP/1.1 carries one request at a time per connection, so with 10 ms a page a pool of n connections "
                f"caps a host at n × 100 pages/s: 1 gives {fmt(p1)}, 5 gives {fmt(p5)}; with 64 the cap is out of the "
                f"way and {fmt(p64)} pages/s is the node's own limit. Politeness belongs to the frontier's host slots, "
                "so the pool must never be the tighter bound (Vert.x's default is 5).")]


# ---- 4. PostgreSQL: pools and write forms ------------------------------------------------------
def pg_pool(env):
    urls = [env.origin.url(1 + i % 10, f"/pg/{i}") for i in range(5000)]

    def measure(mode):
        node = env.node({"FETCHBUS_TUNING_PG_POOL": mode})
        try:
            with lib.Sampler(lambda: lib.pg_client_connections(node)) as conns:
                job = list_job(env, node, urls, "robots=false&hostConcurrency=16")
                # then the API: every API instance reads the job at once (it counts the job's URLs by state)
                rps, p99, errors = lib.wrk(f"http://127.0.0.1:{node.port}/v1/jobs/{job['id']}", fetchbus_node.ADMIN_KEY,
                                           connections=64)
            return {"pagesPerSecond": len(urls) / lib.job_seconds(job), "connections": conns.peak, "apiRps": rps,
                    "apiP99ms": p99, "apiErrors": errors}
        finally:
            node.stop()
    m = env.repeat("pg-pool", ["node", "verticle"], measure)
    n, v = m["node"], m["verticle"]
    return [row("pg-pool", "4a. One PostgreSQL pool per node", "a list job of 5,000 URLs (10 hosts, no latency), then "
                "`GET /v1/jobs/{id}` under wrk (64 connections, 3 s); `tuning.pgPool` node vs verticle "
                "(`pg.poolSize` 16; 4 API and 4 fetcher instances, one store, one frontier)",
                f"{fmt(n['connections'])} connections at most; {fmt(n['pagesPerSecond'])} pages/s; API "
                f"{fmt(n['apiRps'])} req/s, p99 {fmt(n['apiP99ms'], 'ms')}",
                f"{fmt(v['connections'])} connections at most; {fmt(v['pagesPerSecond'])} pages/s; API "
                f"{fmt(v['apiRps'])} req/s, p99 {fmt(v['apiP99ms'], 'ms')}",
                f"{ratio(v['connections'], n['connections'])} connections (verticle vs node), "
                f"{ratio(n['apiRps'], v['apiRps'])} API req/s",
                f"Pools open connections as work needs them, so the difference shows where many instances query at "
                f"once: the API, whose 4 instances opened up to {fmt(v['connections'])} backends with a pool each "
                f"against {fmt(n['connections'])} sharing one, each backend a PostgreSQL process with its own memory, "
                f"multiplied again by every node of a cluster, for about the same throughput ({fmt(v['apiRps'])} "
                f"against {fmt(n['apiRps'])} req/s) and a longer tail (p99 {fmt(v['apiP99ms'])} against "
                f"{fmt(n['apiP99ms'], 'ms')}): more backends than cores only queue inside PostgreSQL. "
                "The crawl's writes go through one store verticle either way, so its pages/s hardly moves.")]


def pg_writes(env):
    med = env.once("pg-writes", lambda: jvm_medians(env, "WritePathBenchmark", "-Dbench.rows=50000",
                                                    "-Dbench.perRecordRows=5000", f"-Dbench.runs={env.runs}"))
    unnest, copy = med["pagesInsertRowsPerSecond"], med["copyRowsPerSecond"]
    single, piped = med.get("perRecordRowsPerSecond"), med.get("perRecordPipelinedRowsPerSecond")
    return [row("pg-writes", "4b. Batched writes", "50,000 page records into the `pages` table with its indexes "
                "(5,000 for the one-by-one forms), embedded PostgreSQL; batches of 500",
                f"one `unnest` insert per batch: {fmt(unnest)} rows/s (COPY: {fmt(copy)})",
                f"one insert per record: {fmt(single)} rows/s awaited one by one, {fmt(piped)} pipelined",
                f"{ratio(unnest, single)} (vs one by one), {ratio(unnest, piped)} (vs pipelined)",
                f"Each awaited insert pays a round trip and a commit: {fmt(single)} rows/s. Pipelining hides the round "
                f"trips ({fmt(piped)}) but still commits per row; one statement per batch commits once for 500 rows and "
                f"reaches {ratio(unnest, copy)} COPY's rate, the bulk-load ceiling. (The store's full write also deletes "
                "queue rows and upserts validators in that statement: docs/benchmarks.md, \"Write path vs COPY\".)",
                command=f"scripts/experiments --only pg-writes (scripts/bench-jvm WritePathBenchmark)")]


def jvm_medians(env, cls, *props):
    med = next(r for r in lib.bench_jvm(env.root, cls, *props) if "median" in r.get("tags", []))
    return {k: v for k, v in med.items() if isinstance(v, float)}


# ---- 5. dedupe ---------------------------------------------------------------------------------
def dedupe(env):
    med = env.once("dedupe", lambda: jvm_medians(env, "DedupeBenchmark", f"-Dbench.runs={env.runs}"))
    return [row("dedupe", "5. The right data structure for dedupe", "1,000,000 URLs with 10 % repeats: PostgreSQL's unique "
                "key (batches of 1,000, `on conflict do nothing`) vs a `HashSet` vs a `List` scan",
                f"unique key: {fmt(med['uniqueKeySeconds'], 's')}, {fmt(med['uniqueKeyBytes'] / 2**20, 'MiB')} on disk, "
                f"no heap; HashSet: {fmt(med['hashSetSeconds'], 's')}, {fmt(med['hashSetHeapBytes'] / 2**20, 'MiB')} of heap",
                f"List scan: {fmt(med['listScanDone'])} URLs in {fmt(med['listScanSeconds'], 's')}, so about "
                f"{fmt(med['listScanExtrapolatedSeconds'] / 3600, 'h')} for all",
                f"{ratio(med['listScanExtrapolatedSeconds'], med['hashSetSeconds'])} (scan vs HashSet)",
                f"A list scan is O(n²): each URL is compared with all before it, so it would take about "
                f"{fmt(med['listScanExtrapolatedSeconds'] / 3600, 'hours')}. A HashSet is O(1) a URL but holds "
                f"{fmt(med['hashSetHeapBytes'] / 2**20, 'MiB')} of heap per million, per node, lost on a crash; the "
                "unique key costs round trips but is durable, shared by the cluster and exact, so fetchbus keeps it and "
                "puts a small per-job set of 64-bit hashes in front of it.",
                command="scripts/experiments --only dedupe (scripts/bench-jvm DedupeBenchmark)")]


# ---- 6. streamed ingest ------------------------------------------------------------------------
def ingest(env):
    body = "".join(f"http://127.0.0.1:{lib.ORIGIN_PORT}/ingest/{i}\n" for i in range(1_000_000)).encode()

    def measure(mode):
        node = env.node({"FETCHBUS_TUNING_INGEST": mode})
        try:
            started = time.monotonic()
            # fetched one a minute at most: the experiment is the upload, the job is cancelled after it
            job = lib.submit(node, body, "text/plain", "robots=false&hostConcurrency=1&hostDelayMs=60000")
            seconds = time.monotonic() - started
            node._request(f"/v1/jobs/{job['id']}", method="DELETE").close()
            return {"uploadSeconds": seconds, "accepted": job["accepted"], "rssMiB": node.peak_rss_mib()}
        finally:
            node.stop()
    m = env.repeat("ingest", ["stream", "whole"], measure)
    s, w = m["stream"], m["whole"]
    return [row("ingest", "6. Streams", f"a text/plain upload of 1,000,000 URLs ({len(body) / 2**20:.0f} MiB); "
                "`tuning.ingest` stream vs whole; heap allowed to grow to 1 GiB",
                f"peak RSS {fmt(s['rssMiB'], 'MiB')}, {fmt(s['uploadSeconds'], 's')}",
                f"peak RSS {fmt(w['rssMiB'], 'MiB')}, {fmt(w['uploadSeconds'], 's')}",
                f"{ratio(w['rssMiB'], s['rssMiB'])} memory (whole vs stream)",
                f"Streamed, the node holds one batch of 1,000 lines at a time while the rest waits in the socket; read "
                f"whole, it holds the body, its decoded text and a million line strings at once: "
                f"{fmt(w['rssMiB'])} against {fmt(s['rssMiB'])} MiB, for no gain in time ({fmt(w['uploadSeconds'], 's')} "
                f"against {fmt(s['uploadSeconds'], 's')}). By construction the whole-body figure grows with the "
                "upload and the streamed one with the batch.")]


# ---- 7. event loops and instances --------------------------------------------------------------
def event_loops(env):
    urls = [env.origin.url(1 + i % 10, f"/loops/{i}") for i in range(5000)]
    variants = {"1 loop, 1 instance": {"FETCHBUS_TUNING_EVENT_LOOPS": "1", "FETCHBUS_HTTP_INSTANCES": "1",
                                       "FETCHBUS_FETCH_INSTANCES": "1"},
                "4 loops, 1 instance": {"FETCHBUS_HTTP_INSTANCES": "1", "FETCHBUS_FETCH_INSTANCES": "1"},
                "4 loops, 4 instances": {}}

    def measure(variant):
        node = env.node(variants[variant])
        try:
            job = list_job(env, node, urls, "robots=false&hostConcurrency=16")
            rps, p99, errors = lib.wrk(f"http://127.0.0.1:{node.port}/health", fetchbus_node.ADMIN_KEY, connections=64)
            return {"pagesPerSecond": len(urls) / lib.job_seconds(job), "apiRps": rps, "apiP99ms": p99, "apiErrors": errors}
        finally:
            node.stop()
    m = env.repeat("event-loops", list(variants), measure)
    one, loops, all_ = (m[v] for v in variants)
    return [row("event-loops", "7. Many event loops", "a list job of 5,000 URLs (10 hosts), then `GET /health` "
                "under wrk (64 connections, 3 s: the event loops' own work, no database); `tuning.eventLoops`, "
                "`http.instances`, `fetch.instances`",
                f"4 loops, 4 instances: {fmt(all_['pagesPerSecond'])} pages/s; API {fmt(all_['apiRps'])} req/s, "
                f"p99 {fmt(all_['apiP99ms'], 'ms')}",
                f"4 loops, 1 instance: {fmt(loops['pagesPerSecond'])} pages/s, {fmt(loops['apiRps'])} req/s, p99 "
                f"{fmt(loops['apiP99ms'], 'ms')}; 1 loop: {fmt(one['pagesPerSecond'])} pages/s, {fmt(one['apiRps'])} "
                f"req/s, p99 {fmt(one['apiP99ms'], 'ms')}",
                f"{ratio(all_['apiRps'], one['apiRps'])} API req/s, {ratio(all_['pagesPerSecond'], one['pagesPerSecond'])} "
                "pages/s (4 loops and instances vs 1)",
                f"Not what the chapter promises, on this machine: one event loop answers most ({fmt(one['apiRps'])} "
                f"req/s, p99 {fmt(one['apiP99ms'], 'ms')}), four loops with four instances least "
                f"({fmt(all_['apiRps'])}, p99 {fmt(all_['apiP99ms'], 'ms')}). `/health` is so cheap that one loop "
                "fills one core, and wrk needs the other: more loops only compete with the load generator and add "
                "context switches. The list job is bound by the CPU it shares with PostgreSQL, not by loops "
                f"({fmt(one['pagesPerSecond'])} to {fmt(all_['pagesPerSecond'])} pages/s). Many loops pay where cores "
                "are idle; Vert.x's 2 per core assumes the clients and the database run elsewhere.")]


# ---- 8. nodes behind nginx ---------------------------------------------------------------------
def nodes(env):
    import experiments_cluster
    return experiments_cluster.run(env, row)


# ---- 9. work off the event loop ----------------------------------------------------------------
def cpu_pool(env):
    site = os.environ.get("PEER_STDCXX_PORT", "18082")
    if not env.replaying("cpu-pool"):
        subprocess.run([os.path.join(env.root, "scripts", "peer-sites"), "start"], check=True, stdout=subprocess.DEVNULL)

    def measure(on_loop):
        node = env.node({"FETCHBUS_TUNING_CPU_ON_EVENT_LOOP": on_loop})
        try:
            blocked0 = node.metric_sum("fetchbus_eventloop_blocked_total")
            body = json.dumps({"kind": "crawl", "seeds": [f"http://127.0.0.1:{site}/"],
                               "options": {"robots": False, "hostConcurrency": 16}}).encode()
            job = lib.submit(node, body, "application/json")
            latencies = probe_api_until_done(node, job["id"])
            done = json.loads(node._get(f"/v1/jobs/{job['id']}"))
            return {"pagesPerSecond": done["urls"]["done"] / lib.job_seconds(done),
                    "blocked": node.metric_sum("fetchbus_eventloop_blocked_total") - blocked0,
                    "apiP99ms": lib.percentile(latencies, 0.99) * 1000, "apiMedianMs": lib.percentile(latencies, 0.5) * 1000}
        finally:
            node.stop()
    m = env.repeat("cpu-pool", ["false", "true"], measure)
    pool, loop = m["false"], m["true"]
    return [row("cpu-pool", "9. CPU work off the event loop", "a crawl of the libstdc++ reference (3,651 pages, "
                "`scripts/peer-sites`) while a client asks `GET /v1/jobs/{id}` in a loop; `tuning.cpuOnEventLoop` "
                "false vs true",
                f"{fmt(pool['blocked'])} blocked ticks, API p99 {fmt(pool['apiP99ms'], 'ms')} (median "
                f"{fmt(pool['apiMedianMs'], 'ms')}), {fmt(pool['pagesPerSecond'])} pages/s",
                f"{fmt(loop['blocked'])} blocked ticks, API p99 {fmt(loop['apiP99ms'], 'ms')} (median "
                f"{fmt(loop['apiMedianMs'], 'ms')}), {fmt(loop['pagesPerSecond'])} pages/s",
                f"{ratio(loop['apiP99ms'], pool['apiP99ms'])} API p99 (on the loop vs pool)",
                "Scanning, hashing and compressing a page is short (docs/benchmarks.md, \"Page processing\"), but "
                "a large page or a burst of them on the event loop makes every request that loop serves wait behind "
                "them, which the lag probe counts as blocked ticks "
                f"({fmt(loop['blocked'])} against {fmt(pool['blocked'])}) and the API's tail shows. On a pool the size "
                "of the machine the loops keep their turn.")]


def probe_api_until_done(node, job_id, seconds=600):
    latencies = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        job = json.loads(node._get(f"/v1/jobs/{job_id}"))
        latencies.append(time.monotonic() - started)
        if job["state"] in ("done", "cancelled"):
            return latencies
        time.sleep(0.01)
    raise RuntimeError(f"job {job_id} did not end within {seconds} s")


# ---- 10. the chapter's lru_cache example -------------------------------------------------------
def lru_cache(env):
    script = os.path.join(env.root, "docs", "experiments", "lru_cache.py")
    out = json.loads(subprocess.run(["python3", script], capture_output=True, text=True, check=True, timeout=60).stdout)
    env.record("lru-cache", "python", 1, {"sharedLoads": out["sharedLoads"], "naive": out["naive"]})
    return [row("lru-cache", "10. Caching an async result", "the chapter's `functools.lru_cache` on an `async def`, and "
                "a cache of shared tasks, each awaited twice (`docs/experiments/lru_cache.py`, Python "
                f"{subprocess.run(['python3', '-V'], capture_output=True, text=True).stdout.split()[1]})",
                f"a shared task: {out['shared']}", f"lru_cache: the second await raises `{out['naive']}`", "–",
                "`lru_cache` keeps what the function returned, and an `async def` returns a coroutine object, which "
                "can be awaited once. Cache the result, or a shared task or future (async_lru; fetchbus's "
                "SingleFlightCache keeps Vert.x futures), so concurrent callers share one load.")]


EXPERIMENTS = [
    Experiment("concurrency", "bounded vs unbounded in-flight fetches", concurrency),
    Experiment("cache", "single-flight vs plain vs no cache", cache),
    Experiment("http-pool", "HTTP connections per host: 1, 5, 64", http_pool),
    Experiment("pg-pool", "one PostgreSQL pool per node vs per verticle", pg_pool),
    Experiment("pg-writes", "batched unnest vs one insert per record vs COPY", pg_writes),
    Experiment("dedupe", "unique key vs HashSet vs List scan", dedupe),
    Experiment("ingest", "streamed vs whole-body upload", ingest),
    Experiment("event-loops", "1 vs N event loops and verticle instances", event_loops),
    Experiment("nodes", "1 node vs 3 behind nginx", nodes),
    Experiment("cpu-pool", "CPU work on a pool vs on the event loop", cpu_pool),
    Experiment("lru-cache", "the chapter's lru_cache example", lru_cache),
]
