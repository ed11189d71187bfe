"""Benchmarks one URL-list job on this machine, end to end, on loopback only.

  scripts/bench [--urls N] [--hosts H] [--nodes N] [--kill] [--warmup N] [--host-concurrency C]
                [--rss] [--gzip] [--histo] [--timeout SECONDS] [--keep]
  scripts/bench --compare [--runs K] [--wrk-seconds S] [--wrk-threads T] [--jfr FILE] [--urls N] [--warmup N] ...

Starts nginx (its own temporary config: a small HTML page naming its path, at any path) on 127.0.0.1 ..
127.0.0.H, all on one port, and fetchbus from target/fetchbus.jar (built when missing or stale), submits N
URLs with distinct paths (default 10000), spread round-robin over the H hosts, as one text/plain
job, polls until it is done, and prints pages/s (from the job's startedAt/finishedAt), the NDJSON
and CSV line counts, the pages each node fetched and how much CPU each process used during the job.

--nodes N  (default 1) one node with its embedded PostgreSQL in a temporary data dir. With N > 1:
        one embedded PostgreSQL run alone (`fetchbus.jar db --port P`) and N nodes started with
        -cluster on distinct HTTP, Hazelcast and event-bus ports, all sharing it. The program waits
        until every node is ready, sees N members and the nodes own all host partitions between
        them, then submits the job to node 1. Hosts hash to partitions, so use --hosts well above
        N to give every node work (one host is fetched by one node).

--hosts H  (default 1, at most 250) loopback addresses nginx listens on; URL i goes to host
        127.0.0.((i-1) mod H + 1).

--kill  (one node only) kills the node with SIGKILL once a fifth of the URLs are done (its
        PostgreSQL is left orphaned), starts it again on the same data dir, and checks the job still
        completes with exactly N distinct records. The lease is 5 s in this mode so the dead node's
        URLs come back quickly; pages/s then includes the restart.

--warmup N  first runs (and waits for) a job of N other URLs (over the same hosts), so the measured
        job runs on JIT-warmed JVMs. The default (0) measures freshly started nodes.

--compare  (one node) the fetch path against its ceiling, K times (--runs, default 3) in turn on the
        same nginx and the same N paths: `wrk` (installed from Debian's packages if missing) with as
        many connections as fetchbus may open (min(H x C, fetch.maxInFlight)), no pipelining, a Lua
        script walking /page/1 .. /page/N, for --wrk-seconds (default 5) with --wrk-threads
        (default 1); a fetch-only job (?extract=false: fetched, hashed and stored, no HTML parsing);
        and a full-pipeline job (the default: fetch, parse, dedupe, persist). Per phase it records
        requests or pages per second (for a job: N / (finishedAt - startedAt), and over its fetch
        window, first to last fetchedAt), CPU seconds of the node JVM, postgres, nginx and wrk, the
        node's peak RSS during the phase (VmHWM, reset before each phase), its GC time (jstat
        GCT) and its CPU per thread group (JIT compiler threads apart), then prints the medians
        and the ratios fetch-only/wrk and full/wrk. The jobs alternate their order per run. The
        warm-up defaults to N URLs in this mode (a fresh JVM against native wrk says little); pass
        --warmup 0 to measure a cold node. Per-run rows go to target/bench/compare.tsv.
        --jfr FILE records the node with Java Flight Recorder (settings=profile, via jcmd) during
        the last run's fetch-only job only, into FILE; that run's figures then include JFR's cost.

--rss   samples node 1's JVM every second (VmRSS and VmHWM from /proc/<pid>/status) into
        target/bench/rss.txt and prints the peak RSS (VmHWM) at the end of each phase: node ready,
        ingest (the POST returned 201), fetch (job done) and export, plus the highest VmRSS seen
        in each phase. The node gets the launchers' JVM flags (scripts/prereqs) unless
        FETCHBUS_JAVA_OPTS is set; they are printed.

--gzip  uploads the URL list gzipped, with Content-Encoding: gzip (the list is compressed before
        the timed POST).

--histo (with --rss) also writes `jmap -histo:live` of node 1 (top 40 classes) after each phase to
        target/bench/histo-<phase>.txt, with its Total line (the live heap). It forces a full GC,
        so it can lower the RSS seen later.

Phases and figures: ingest URLs/s is N / (POST start -> its 201); the fetch overlaps the end of
the ingest, since the job starts with the first stored batch. After the job, one NDJSON export,
reduced as it streams to url/ok/cursor, feeds the checks; then three timed exports are each counted
(lines and bytes) as they stream, nothing kept: NDJSON, CSV, and NDJSON ?after=<cursor of record
N/2>, which must return N - N/2 lines. rows/s = lines / the request's wall time.

Settings: the job is submitted with ?hostConcurrency=C (default 64 = job.maxHostConcurrency, since
with one host that host is the whole workload) and the HTTP client's per-host pool is set to match
(FETCHBUS_FETCH_POOL_PER_HOST=C). Everything else is the default configuration (fetch.maxInFlight
256, pg.poolSize 16 per node, store.batchSize 500, durable PostgreSQL). No other FETCHBUS_* variable
of the caller reaches the nodes, except FETCHBUS_JAVA_OPTS.

Everything it starts is stopped on exit; every wait is bounded by --timeout (default 1200 s).
--keep keeps the temporary directory (data dirs, nginx config). Logs go to target/bench/.
Exit status: 0 when every check passed, 1 when one failed, 2 on bad usage.

The pure parts (options, figures, report) are in scripts/bench_lib.py, tested by
src/test/python/test_bench_lib.py; nodes are started by scripts/fetchbus_node.py. Standard library only.
"""
import gzip, json, os, random, shutil, signal, socket, subprocess, sys, tempfile, threading, time
import urllib.error, urllib.request
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_lib as lib  # noqa: E402  (next to this script)
import fetchbus_node  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOGS = os.path.join(ROOT, "target", "bench")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CLK = os.sysconf("SC_CLK_TCK")
OLD_LOGS = ("node-", "db.log", "nginx.out", "top.txt", "cpu.txt", "postgres-processes.txt", "compare.tsv", "wrk-",
            "threads-", "rss.txt", "histo-")


class Failed(Exception):
    """A check or a step failed: logged, and the exit status is 1."""


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return ""


def loadavg(fields=3):
    return " ".join(read("/proc/loadavg").split()[:fields])


def round2(seconds):
    """Seconds as the report shows them (2 decimals); rates are computed from that figure."""
    return float(f"{seconds:.2f}")


# ---- processes and /proc -----------------------------------------------------------------------
def cpu_ticks(pid, tree=False):
    """CPU ticks of a process; with tree, also of its live children and those it reaped. A JVM is
    counted alone: the embedded postgres is counted as postgres."""
    if not pid:
        return 0
    pids = [pid]
    if tree:
        for task in os.listdir(f"/proc/{pid}/task") if os.path.isdir(f"/proc/{pid}/task") else []:
            pids += [int(c) for c in read(f"/proc/{pid}/task/{task}/children").split()]
    total = 0
    for p in pids:
        stat = read(f"/proc/{p}/stat")         # a postgres backend may exit meanwhile: it counts 0
        if stat:
            total += lib.stat_ticks(stat, children=tree)
    return total


def stop_pids(seconds, pids):
    """SIGTERM to all at once, then SIGKILL to any that outlives the wait."""
    pids = [p for p in pids if p]
    for p in pids:
        try:
            os.kill(p, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not any(os.path.exists(f"/proc/{p}") and "zombie" not in read(f"/proc/{p}/status") for p in pids):
            return
        time.sleep(0.1)
    for p in pids:
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass


def free_port(used):
    """A port no one listens on and not handed out yet, below Linux's ephemeral range (32768+), so
    no outgoing socket holds it."""
    for _ in range(100):
        p = 20000 + random.randrange(12000)
        if p in used:
            continue
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", p)) != 0:
                used.add(p)
                return p
    raise Failed("no free port found")


class Bench:
    def __init__(self, o):
        self.o = o
        self.deadline = time.monotonic() + o.timeout
        self.work = tempfile.mkdtemp(prefix="fetchbus-bench.", dir="/tmp")
        self.ports = set()
        self.nginx = self.db = None
        self.nodes = []                           # node i is self.nodes[i - 1]
        self.java_opts = os.environ.get("FETCHBUS_JAVA_OPTS", "")
        self.phase, self.phases, self.hwm_at, self.samples = "ready", [], {}, []
        self.sampling = threading.Event()

    # ---- time ----
    def left(self):
        return self.deadline - time.monotonic()

    def await_true(self, check, what, watch=None, interval=0.25):
        while self.left() > 0:
            if watch is not None and watch.poll() is not None:
                raise Failed(f"{what} exited while starting")
            if check():
                return
            time.sleep(interval)
        raise Failed(f"{what} did not come up before the deadline")

    # ---- nginx ----
    def start_nginx(self):
        o = self.o
        self.nginx_port = free_port(self.ports)
        os.makedirs(f"{self.work}/nginx/tmp")
        conf = f"{self.work}/nginx/nginx.conf"
        with open(conf, "w") as f:
            f.write(lib.nginx_conf(self.work, LOGS, o.hosts, self.nginx_port))
        self.nginx = subprocess.Popen([NGINX, "-p", f"{self.work}/nginx", "-c", conf, "-g", "daemon off;"],
                                      stdout=open(f"{LOGS}/nginx.out", "w"), stderr=subprocess.STDOUT)
        for h in range(1, o.hosts + 1):
            url = f"http://{lib.host_addr(h)}:{self.nginx_port}/probe"
            self.await_true(lambda: http_ok(url), "nginx", self.nginx)
        version = subprocess.run([NGINX, "-v"], capture_output=True, text=True).stderr.strip().rsplit("/", 1)[-1]
        log(f"nginx {version} on {lib.host_addr(1)}..{lib.host_addr(o.hosts)}:{self.nginx_port} "
            f"(pid {self.nginx.pid}, 1 worker)")

    # ---- the nodes and their PostgreSQL ----
    def pg_pid(self):
        """The postmaster of WORK/data/pg: the single node's embedded database, or the shared one."""
        digits = "".join(c for c in read(f"{self.work}/data/pg/postmaster.pid").split("\n", 1)[0] if c.isdigit())
        return int(digits) if digits else None

    def base_env(self):
        """The caller's environment without its FETCHBUS_* settings, with the launcher's JVM flags."""
        env = {k: v for k, v in os.environ.items() if not k.startswith("FETCHBUS_")}
        env["FETCHBUS_JAVA_OPTS"] = self.java_opts
        return env

    def start_db(self):
        port = free_port(self.ports)
        self.db = fetchbus_node.Node(ROOT, self.work, free_port(self.ports), args=("db", "--port", str(port)),
                                     data=f"{self.work}/data", log=f"{LOGS}/db.log", base_env=self.base_env(), ready_s=0)
        found = []

        def url():
            found[:] = [l for l in read(f"{LOGS}/db.log").splitlines() if l.startswith("postgresql://")][:1]
            return bool(found)
        self.await_true(url, "the embedded PostgreSQL (db)", self.db.proc)
        self.pg_url = found[0]
        log(f"shared PostgreSQL on 127.0.0.1:{port} (db JVM pid {self.db.proc.pid}, postgres pid {self.pg_pid()})")

    def plan_nodes(self):
        o = self.o
        self.api_ports = [free_port(self.ports) for _ in range(o.nodes)]
        if o.nodes > 1:
            self.hz_ports = [free_port(self.ports) for _ in range(o.nodes)]
            self.eb_ports = [free_port(self.ports) for _ in range(o.nodes)]
            self.members = ",".join(f"127.0.0.1:{p}" for p in self.hz_ports)

    def launch_node(self, i, life):
        """Node i (1-based), its life-th start; the caller waits for it."""
        o = self.o
        env = {"FETCHBUS_FETCH_POOL_PER_HOST": str(o.host_concurrency),
               "FETCHBUS_FRONTIER_LEASE_SECONDS": "5" if o.kill else "60"}
        if o.nodes == 1:
            data, log_file, args = f"{self.work}/data", f"{LOGS}/node-{life}.log", ()
        else:
            data, log_file, args = f"{self.work}/node-{i}", f"{LOGS}/node-{i}.log", ("-cluster",)
            env.update(FETCHBUS_PG_URL=self.pg_url, FETCHBUS_CLUSTER_HOST="127.0.0.1",
                       FETCHBUS_CLUSTER_MEMBERS=self.members, FETCHBUS_HAZELCAST_PORT=str(self.hz_ports[i - 1]),
                       FETCHBUS_EVENTBUS_PORT=str(self.eb_ports[i - 1]))
        return fetchbus_node.Node(ROOT, self.work, self.api_ports[i - 1], env, args=args, data=data, log=log_file,
                                  base_env=self.base_env(), ready_s=0)

    def ready_json(self, node):
        try:
            return json.loads(node._get("/ready"))
        except (OSError, ValueError):
            return None

    def await_ready(self):
        """Every node ready; with a cluster, every node sees all N members and the partitions are all owned."""
        for i, node in enumerate(self.nodes, 1):
            self.await_true(lambda: node._get("/ready", raw=True) == 200, f"node {i}", node.proc)
        if self.o.nodes == 1:
            return
        partitions = json.load(open(f"{ROOT}/conf/fetchbus.json"))["frontier"]["partitions"]

        def formed():
            ready = [self.ready_json(n) for n in self.nodes]
            return (all(r and r.get("clusterNodes") == self.o.nodes for r in ready)
                    and sum(r.get("ownedPartitions") or 0 for r in ready) == partitions)
        try:
            self.await_true(formed, "the cluster", interval=0.5)
        except Failed:
            raise Failed(f"the {self.o.nodes} nodes did not form one cluster owning all {partitions} partitions "
                         f"before the deadline")

    def start_nodes(self, life):
        self.nodes = [self.launch_node(i, life) for i in range(1, self.o.nodes + 1)]
        self.await_ready()
        for i, node in enumerate(self.nodes, 1):
            owns = f", owns {self.ready_json(node)['ownedPartitions']} partitions" if self.o.nodes > 1 else ""
            log(f"node {i} up on http://127.0.0.1:{node.port} (pid {node.proc.pid}{owns})")
        if self.o.nodes == 1:
            log(f"its postgres pid {self.pg_pid()}, log {LOGS}/node-{life}.log")

    # ---- snapshots ----
    def pages_snapshot(self):
        """Pages each node has fetched since it started: fetchbus_pages_total over all outcomes."""
        pages = []
        for node in self.nodes:
            try:
                pages.append(int(lib.prometheus_sum(node._get("/metrics").decode(), "fetchbus_pages_total")))
            except OSError:
                pages.append(0)
        return pages

    def cpu_snapshot(self):
        """Ticks: machine, nginx, postgres, db JVM, node 1 .. node N (the column order of cpu.txt)."""
        return ([lib.machine_busy_ticks(read("/proc/stat")), cpu_ticks(self.nginx.pid, tree=True),
                 cpu_ticks(self.pg_pid(), tree=True), cpu_ticks(self.db.proc.pid if self.db else None)]
                + [cpu_ticks(n.proc.pid) for n in self.nodes])

    # ---- --rss ----
    def start_rss(self):
        """node 1's VmRSS and VmHWM every second, with the phase it was in, into rss.txt."""
        pid = self.nodes[0].proc.pid

        def sample():
            with open(f"{LOGS}/rss.txt", "w") as out:
                while not self.sampling.wait(1 if self.samples else 0):
                    status = read(f"/proc/{pid}/status")
                    if not status:
                        return
                    s = (int(time.time()), self.phase, lib.status_kb(status, "VmRSS"), lib.status_kb(status, "VmHWM"))
                    self.samples.append(s)
                    out.write(" ".join(str(v) for v in s) + "\n")
                    out.flush()
        self.sampler = threading.Thread(target=sample, daemon=True)
        self.sampler.start()
        log(f"sampling node 1 (pid {pid}) VmRSS/VmHWM every second into {LOGS}/rss.txt; JVM flags '{self.java_opts}'")

    def rss_mark(self, ended, following):
        """The phase that just ended (its VmHWM, and with --histo the live heap) and the next one."""
        if not self.o.rss:
            return
        pid = self.nodes[0].proc.pid
        self.hwm_at[ended] = lib.status_kb(read(f"/proc/{pid}/status"), "VmHWM")
        self.phases.append(ended)
        self.phase = following
        if self.o.histo:
            lines = subprocess.run(["jmap", "-histo:live", str(pid)], capture_output=True, text=True).stdout.splitlines()
            with open(f"{LOGS}/histo-{ended}.txt", "w") as f:
                f.write("\n".join(lines[:43] + lines[-1:]) + "\n")

    # ---- jobs ----
    def submit(self, body, query="", headers=None):
        q = f"?hostConcurrency={self.o.host_concurrency}" + (f"&{query}" if query else "")
        try:
            with self.nodes[0]._request(f"/v1/jobs{q}", body, "text/plain", "POST", headers,
                                        max(self.left(), 1)) as r:
                return json.load(r)
        except OSError as e:
            raise Failed(f"submit failed: {e}")

    def job_json(self, job_id):
        return json.loads(self.nodes[0]._get(f"/v1/jobs/{job_id}"))

    def await_done(self, job_id):
        """The job's final view; a big job is polled less often (each view counts its URLs by state)."""
        poll = 5 if self.o.urls > 100000 else 0.5
        job = {}
        while self.left() > 0:
            try:
                job = self.job_json(job_id)
            except (OSError, ValueError):
                time.sleep(0.5)
                continue
            if job["state"] in ("done", "cancelled"):
                break
            time.sleep(poll)
        if job.get("state") != "done":
            raise Failed(f"job {job_id} is '{job.get('state')}', not done, at the deadline: {json.dumps(job)}")
        return job

    def url_body(self, count, prefix):
        return lib.url_list(count, self.o.hosts, self.nginx_port, prefix).encode()

    def warmup(self):
        job = self.submit(self.url_body(self.o.warmup, "/warmup/"))
        log(f"warm-up job {job['id']} with {self.o.warmup} URLs")
        job = self.await_done(job["id"])
        log(f"warm-up done at {job['pagesPerSecond']} pages/s")

    # ---- exports ----
    def stream(self, path, each=None):
        """GETs path (bounded by the deadline), counting newlines and bytes; each(line) for every line."""
        lines = size = 0
        t0 = time.monotonic()
        try:
            with self.nodes[0]._request(path, timeout=max(self.left(), 1)) as r:
                rest = b""
                for chunk in iter(lambda: r.read(1 << 16), b""):
                    lines += chunk.count(b"\n")
                    size += len(chunk)
                    if each:
                        *whole, rest = (rest + chunk).split(b"\n")
                        for line in whole:
                            each(line)
                if each and rest.strip():
                    each(rest)
        except OSError as e:
            raise Failed(f"export {path} failed: {e}")
        return lines, size, round2(time.monotonic() - t0)

    # ---- the list job ----
    def run_job(self):
        o = self.o
        urls_text = lib.url_list(o.urls, o.hosts, self.nginx_port, "/page/")
        body = urls_text.encode()
        headers = None
        if o.gzip:
            body, headers = gzip.compress(body), {"Content-Encoding": "gzip"}
        pages_before, cpu_before = self.pages_snapshot(), self.cpu_snapshot()
        self.rss_mark("ready", "ingest")
        log(f"load average at submit: {loadavg()}")
        t_submit = time.monotonic()
        created = self.submit(body, headers=headers)
        t_created = time.monotonic()
        self.rss_mark("ingest", "fetch")
        job_id = created["id"]
        if created.get("accepted") != o.urls:
            raise Failed(f"job accepted {created.get('accepted')} of {o.urls} URLs: {json.dumps(created)}")
        ingest_s = round2(t_created - t_submit)
        log(f"job {job_id} accepted {created['accepted']} URLs on {o.hosts} host(s) (hostConcurrency="
            f"{o.host_concurrency}), submitted to node 1; upload {len(body)} bytes{' gzipped' if o.gzip else ''} "
            f"took {ingest_s:.2f} s (POST -> 201)")
        top = threading.Thread(target=top_snapshot, daemon=True)
        top.start()
        r = {"killed_at": None, "restart_s": None}
        cpu_mid = pages_mid = None
        if o.kill:
            cpu_mid, pages_mid = self.kill_and_restart(job_id, r)
        job = self.await_done(job_id)
        t_done = time.monotonic()
        cpu_after, pages_after = self.cpu_snapshot(), self.pages_snapshot()
        pg = self.pg_pid()
        if pg:                                    # which PostgreSQL processes used the CPU
            with open(f"{LOGS}/postgres-processes.txt", "w") as f:
                subprocess.run(["ps", "-o", "pid,time,args", "--ppid", str(pg), "--sort=-time"], stdout=f,
                               stderr=subprocess.STDOUT)
        top.join()
        self.rss_mark("fetch", "export")

        half = o.urls // 2
        check = lib.ExportCheck(half)
        self.stream(f"/v1/jobs/{job_id}/results", check.add)
        cursor = check.cursor if check.cursor is not None else 0
        differing = check.differing(urls_text.splitlines())
        exports = {"export_ndjson": self.stream(f"/v1/jobs/{job_id}/results"),
                   "export_csv": self.stream(f"/v1/jobs/{job_id}/results?format=csv"),
                   "export_after": self.stream(f"/v1/jobs/{job_id}/results?after={cursor}")}
        self.rss_mark("export", "end")
        self.sampling.set()
        with open(f"{LOGS}/cpu.txt", "w") as f:
            f.write(f"ticks, CLK_TCK={CLK}; columns: machine nginx postgres db-jvm node-1..node-{o.nodes}\n"
                    f"before {' '.join(map(str, cpu_before))}\nmid {' '.join(map(str, cpu_mid or []))}\n"
                    f"after {' '.join(map(str, cpu_after))}\n")
        # with --kill the node and its postgres restarted from 0 after the mid snapshot
        restarted = (2, 4) if o.kill else ()
        fetched = lib.cpu_used(pages_before, pages_after, pages_mid, (0,) if o.kill else ())
        r.update(exports, cores=os.cpu_count(), load=loadavg(), job=job_id, started=job["startedAt"],
                 finished=job["finishedAt"], secs=round2(lib.job_seconds(job)), wall=round2(t_done - t_submit),
                 job_pps=job.get("pagesPerSecond"), done=job["urls"]["done"], failed=job["urls"]["failed"],
                 ndjson_lines=check.lines, distinct=len(check.urls), ok200=check.ok200, differing=differing,
                 csv_lines=exports["export_csv"][0], ingest_s=ingest_s, upload_bytes=len(body), cursor=cursor,
                 java_opts=self.java_opts, phases=self.phases, hwm_at=self.hwm_at, samples=self.samples,
                 rss_file=f"{LOGS}/rss.txt", fetched=fetched, clk=CLK, top_file=f"{LOGS}/top.txt",
                 cpu_used=lib.cpu_used(cpu_before, cpu_after, cpu_mid, restarted))
        print("\n".join(lib.report_lines(o, r)))
        failures = lib.failed_checks(o, r)
        for message in failures:
            log(message)
        print(lib.checks_line(o, failures), flush=True)
        return 1 if failures else 0

    def kill_and_restart(self, job_id, r):
        """kill -9 of the node once a fifth of the URLs are done, and its restart on the same data dir."""
        target, job = self.o.urls // 5, {}
        while self.left() > 0:
            try:
                job = self.job_json(job_id)
            except (OSError, ValueError):
                time.sleep(0.2)
                continue
            if job["urls"]["done"] + job["urls"]["failed"] >= target:
                break
            if job["state"] == "done":
                raise Failed("the job finished before the kill; use more URLs")
            time.sleep(0.2)
        else:
            raise Failed(f"the job did not reach {target} records before the deadline")
        cpu_mid, pages_mid = self.cpu_snapshot(), self.pages_snapshot()   # the dead JVM's CPU would be lost
        orphan, node = self.pg_pid(), self.nodes[0]
        os.kill(node.proc.pid, signal.SIGKILL)
        node.proc.wait()
        node.log.close()
        r["killed_at"] = job["urls"]["done"] + job["urls"]["failed"]
        log(f"kill -9 node (pid {node.proc.pid}) with {r['killed_at']} of {self.o.urls} URLs finished; "
            f"its postgres {orphan} is left orphaned")
        log(f"orphan postgres {orphan} still running, as expected" if alive(orphan)
            else f"note: postgres {orphan} did not outlive the JVM")
        t_kill = time.monotonic()
        self.start_nodes(2)
        r["restart_s"] = time.monotonic() - t_kill
        if alive(orphan) and orphan != self.pg_pid():
            raise Failed(f"orphan postgres {orphan} still runs")
        if "left running" in read(f"{LOGS}/node-2.log"):
            log("node 2 found and stopped the orphaned postgres")
        return cpu_mid, pages_mid

    # ---- --compare ----
    def compare(self):
        o = self.o
        body = self.url_body(o.urls, "/page/")
        max_in_flight = json.load(open(f"{ROOT}/conf/fetchbus.json"))["fetch"]["maxInFlight"]
        self.conns = min(o.hosts * o.host_concurrency, max_in_flight)
        # wrk connects to 127.0.0.1 only: nginx serves the same page on every address, so the host
        # count changes nothing for it but the connection count, which is kept
        with open(f"{self.work}/paths.lua", "w") as f:
            f.write(lib.WRK_LUA)
        tsv = f"{LOGS}/compare.tsv"
        rows = []
        with open(tsv, "w") as f:
            f.write("\t".join(lib.COMPARE_COLUMNS) + "\n")
        log(f"compare: {o.runs} run(s) of wrk ({o.wrk_threads} thread(s), {self.conns} connections, {o.wrk_seconds}s), "
            f"fetch-only and full, {o.urls} URLs")
        for run in range(1, o.runs + 1):
            # wrk first; then the two jobs, in alternating order (a job may leave work behind for the
            # next one, such as autovacuum of the rows it updated)
            for mode in ("wrk", "fetch-only", "full") if run % 2 else ("wrk", "full", "fetch-only"):
                load = loadavg(1)
                row = self.run_wrk(run, load) if mode == "wrk" else self.run_fetchbus(run, mode, load, body)
                rows.append(row)
                with open(tsv, "a") as f:
                    f.write("\t".join(row) + "\n")
                log(f"run {run} {mode}: {' '.join(row[2:])} (load rps s node pg nginx wrk machine rss gc ms/page "
                    f"jit window-rps)")
        print("\n".join(lib.compare_summary(rows, o, self.conns, tsv, os.cpu_count(), loadavg(), LOGS, CLK)), flush=True)
        return 0

    def node_pid(self):
        return self.nodes[0].proc.pid

    def thread_groups(self):
        """CPU ticks of the node's threads by group (threads may vanish while they are read)."""
        base = f"/proc/{self.node_pid()}/task"
        return lib.thread_groups(s for s in (read(f"{base}/{t}/stat") for t in os.listdir(base)) if s)

    def phase_start(self):
        """Before a phase: the node's peak RSS reset (writing 5 to clear_refs resets VmHWM; Linux 4.0+),
        and its GC seconds, threads and the CPU snapshot."""
        try:
            with open(f"/proc/{self.node_pid()}/clear_refs", "w") as f:
                f.write("5")
        except OSError:
            log("note: cannot reset VmHWM; peak RSS is since start")
        return self.gc_seconds(), self.thread_groups(), self.cpu_snapshot()

    def phase_end(self, start, run, mode):
        """After a phase: CPU, GC seconds used (text), peak RSS (MB text), JIT ticks; writes threads-RUN-MODE.txt."""
        gc0, threads0, cpu0 = start
        cpu1, threads1, gc1 = self.cpu_snapshot(), self.thread_groups(), self.gc_seconds()
        diff = lib.thread_diff(threads0, threads1)
        with open(f"{LOGS}/threads-{run}-{mode}.txt", "w") as f:
            f.writelines(f"{t}\t{name}\n" for t, name in diff)
        gc = f"{gc1 - gc0:.3f}" if gc0 is not None and gc1 is not None else "nan"
        rss = f"{lib.status_kb(read(f'/proc/{self.node_pid()}/status'), 'VmHWM') / 1024:.0f}"
        return cpu0, cpu1, gc, rss, lib.jit_ticks(diff)

    def gc_seconds(self):
        try:
            out = subprocess.run(["jstat", "-gc", str(self.node_pid())], capture_output=True, text=True).stdout
            return lib.jstat_gc_seconds(out)
        except (OSError, ValueError):
            return None

    def run_wrk(self, run, load):
        o = self.o
        start = self.phase_start()
        with open(f"{LOGS}/wrk-{run}.txt", "w") as out:
            wrk = subprocess.Popen(["wrk", "-t", str(o.wrk_threads), "-c", str(self.conns), "-d", f"{o.wrk_seconds}s",
                                    "-s", f"{self.work}/paths.lua", f"http://127.0.0.1:{self.nginx_port}/", "--",
                                    str(o.urls)], stdout=out, stderr=subprocess.STDOUT)
            _, status, usage = os.wait4(wrk.pid, 0)      # wrk's own CPU, its threads included
            wrk.returncode = os.waitstatus_to_exitcode(status)
        text = read(f"{LOGS}/wrk-{run}.txt")
        cpu0, cpu1, gc, rss, jit = self.phase_end(start, run, "wrk")
        if wrk.returncode != 0:
            raise Failed(f"wrk failed: {text}")
        rps, errors = lib.parse_wrk(text)
        if rps is None:
            raise Failed(f"no Requests/sec in wrk's output: {text}")
        if errors:
            raise Failed(f"wrk saw errors: {' '.join(errors)}")
        rps = f"{rps:.0f}"
        return lib.compare_row(run, "wrk", load, rps, str(o.wrk_seconds), cpu0, cpu1,
                               f"{usage.ru_utime + usage.ru_stime:.2f}", rss, gc, jit, rps, CLK, o.urls)

    def run_fetchbus(self, run, mode, load, body):
        o = self.o
        profile = bool(o.jfr) and mode == "fetch-only" and run == o.runs
        if profile:
            jcmd(self.node_pid(), "JFR.start", "name=bench", "settings=profile")
        start = self.phase_start()
        created = self.submit(body, "extract=false" if mode == "fetch-only" else "")
        if created.get("accepted") != o.urls:
            raise Failed(f"job accepted fewer than {o.urls} URLs: {json.dumps(created)}")
        job = self.await_done(created["id"])
        cpu0, cpu1, gc, rss, jit = self.phase_end(start, run, mode)
        if profile:
            jcmd(self.node_pid(), "JFR.stop", "name=bench", f"filename={os.path.realpath(o.jfr)}")
            log(f"JFR recording of run {run}'s fetch-only job (job {created['id']}) in {o.jfr}")
        if job["urls"]["done"] != o.urls:
            raise Failed(f"job {created['id']}: urls.done is not {o.urls}: {json.dumps(job)}")
        secs = round2(lib.job_seconds(job))
        # outside the measured window: the records are all there, status 200, and fetch-only skipped
        # the parsing (no title) but kept the content hash
        records = self.nodes[0].records(created["id"])
        good = lib.compare_records_ok(records, mode)
        if good != o.urls:
            raise Failed(f"job {created['id']} ({mode}): {good} of {o.urls} records are 200 with the expected "
                         f"title/contentHash")
        # the fetch window: first to last fetchedAt, so without the claim latency at the start and the
        # completion check's 500 ms period at the end; closer to what wrk measures
        window = f"{lib.window_rps(o.urls, lib.fetch_window(records)):.0f}"
        return lib.compare_row(run, mode, load, f"{o.urls / secs:.0f}", f"{secs:.2f}", cpu0, cpu1, "0", rss, gc, jit,
                               window, CLK, o.urls)

    # ---- the whole run ----
    def run(self):
        o = self.o
        log(f"load average before: {loadavg()}, {os.cpu_count()} cores")
        self.start_nginx()
        self.plan_nodes()
        if o.nodes > 1:
            self.start_db()
        self.start_nodes(1)
        if o.rss:
            self.start_rss()
        if o.warmup > 0:
            self.warmup()
        return self.compare() if o.compare else self.run_job()

    def cleanup(self, failed):
        self.sampling.set()
        for node in self.nodes:                   # all at once, then each waited for
            if node.proc.poll() is None:
                os.killpg(node.proc.pid, signal.SIGTERM)
        for node in self.nodes:
            node.stop(remove_data=False)
        if self.db:
            self.db.stop(remove_data=False)
        # a node killed with -9 (or a JVM that did not stop) leaves its PostgreSQL: stop it by its pid file
        pg = self.pg_pid()
        if pg and alive(pg) and "postgres" in read(f"/proc/{pg}/comm"):
            stop_pids(30, [pg])
        if self.nginx:
            stop_pids(10, [self.nginx.pid])
            self.nginx.wait()
        if failed:
            logs = [f"{LOGS}/{f}" for f in sorted(os.listdir(LOGS)) if f.startswith("node-") and f.endswith(".log")]
            for f in logs + [f"{LOGS}/db.log", f"{LOGS}/nginx.out"]:
                text = read(f)
                if text:
                    print(f"----- tail of {f}", file=sys.stderr)
                    print("\n".join(text.splitlines()[-20:]), file=sys.stderr)
        if self.o.keep or failed:
            log(f"kept {self.work} (logs in {LOGS})")
        else:
            shutil.rmtree(self.work, ignore_errors=True)


def http_ok(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


def alive(pid):
    return bool(pid) and os.path.exists(f"/proc/{pid}")


def jcmd(pid, *args):
    if subprocess.run(["jcmd", str(pid), *args], stdout=subprocess.DEVNULL).returncode != 0:
        raise Failed(f"{args[0]} failed")


def top_snapshot():
    """top's second frame (CPU use over 2 s) a little into the run, for the record."""
    time.sleep(4)
    try:
        out = subprocess.run(["top", "-b", "-d", "2", "-n", "2", "-w", "200"], capture_output=True, text=True).stdout
    except OSError as e:
        out = f"top: {e}"
    frames = out.split("\ntop -")
    frame = ("top -" + frames[1]) if len(frames) > 1 else out
    with open(f"{LOGS}/top.txt", "w") as f:
        f.write("\n".join(frame.splitlines()[:25]) + "\n")


def prerequisites(o):
    """nginx (and wrk for --compare) from Debian's packages if missing; then the jar, built when missing
    or stale, and the node JVM's flags, both from scripts/prereqs (a JDK and Maven are installed there)."""
    need = [p for p, present in (("nginx", os.path.exists(NGINX)), ("wrk", not o.compare or shutil.which("wrk")))
            if not present]
    if need:
        if os.getuid() != 0:
            raise Failed(f"needs {' '.join(need)}: sudo apt-get install {' '.join(need)}")
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run(["apt-cache", "show", *need], capture_output=True).returncode != 0:
            log(f"apt-get update (package lists lack {' '.join(need)})")
            subprocess.run(["apt-get", "update", "-qq"], check=True)
        log(f"installing {' '.join(need)} from Debian's packages")
        subprocess.run(["apt-get", "install", "-y", "-qq", *need], check=True, stdout=subprocess.DEVNULL, env=env)
    step = 'source scripts/prereqs >&2 && fetchbus_build_jar && printf %s "$fetchbus_java_opts"'
    out = subprocess.run(["bash", "-c", step], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        raise Failed("scripts/prereqs or the build failed")
    return out.stdout


def main(argv):
    try:
        o = lib.parse_args(argv, __doc__)
    except lib.UsageError as e:
        print(e, file=sys.stderr)
        return 2
    if o.help:
        print(__doc__.rstrip())
        return 0
    os.makedirs(LOGS, exist_ok=True)
    for f in os.listdir(LOGS):
        if f.startswith(OLD_LOGS):
            os.remove(os.path.join(LOGS, f))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    bench, rc = None, 1
    try:
        java_opts = prerequisites(o)
        bench = Bench(o)
        bench.java_opts = java_opts
        rc = bench.run()
    except (Failed, RuntimeError, urllib.error.URLError) as e:
        log(f"FAILED: {e}")
    except KeyboardInterrupt:
        rc = 130
    except SystemExit as e:
        rc = e.code
    finally:
        if bench:
            bench.cleanup(rc != 0)
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
