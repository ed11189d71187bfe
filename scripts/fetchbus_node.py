"""A fetchbus node for the side-by-side benchmarks (scripts/bench-peers), run as users run it.

Each measurement starts a fresh node with the launcher's JVM flags (scripts/prereqs) and its own
embedded PostgreSQL in a new data dir, so no run revalidates against an earlier one; runs one job
over the API; and reads, for the job alone (from its start to its end):
  - the job's wall time (createdAt to finishedAt, as the API reports them),
  - CPU seconds of the node's JVM and of its PostgreSQL (postmaster and backends), from /proc,
  - the JVM's peak RSS (VmHWM),
  - what it found: HTML pages with status 200 and broken links, from the job's NDJSON export.
Standard library only.
"""
import json, os, re, shutil, signal, subprocess, time, urllib.request
from datetime import datetime

CLK = os.sysconf("SC_CLK_TCK")
ADMIN_KEY = "bench-peers-admin-key"
# scripts/peer-sites' two sites and their ports (its nginx answers each on 127.0.0.1 .. 127.0.0.16)
PEER_PORTS = {"pg": int(os.environ.get("PEER_PG_PORT", "18081")),
              "stdcxx": int(os.environ.get("PEER_STDCXX_PORT", "18082")),
              "jdk": int(os.environ.get("PEER_JDK_PORT", "18083"))}


def crawl_body(seed, store):
    """A crawl job from one seed as the benchmarks submit it: robots off, 16 per host, bodies kept or not."""
    return json.dumps({"kind": "crawl", "seeds": [seed],
                       "options": {"robots": False, "store": store, "hostConcurrency": 16}}).encode()


def wget2_stats_row(line):
    """(URL, status) of a row of wget2's --stats-site=csv (ID,ParentID,URL,Status and eight more
    columns). The URL is not quoted and may hold commas (javadoc's #method(int,int) anchors), so it is
    everything between the second column and the last nine."""
    c = line.rstrip("\r\n").split(",")
    return ",".join(c[2:-9]), int(c[-9])


def _ticks(pid):
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return int(f[11]) + int(f[12])
    except OSError:
        return 0


# Thread groups of the node's JVM, by the thread name Linux keeps (comm, 15 characters): where
# its CPU goes: event loops, CPU pool, JIT compilers, GC (first matching prefix wins; the rest is "other").
THREAD_GROUPS = [("event loops", "vert.x-eventloo"), ("cpu pool", "fetchbus-cpu"), ("workers", "vert.x-worker"),
                 ("jit", "C2 CompilerThre"), ("jit", "C1 CompilerThre"), ("gc", "GC Thread"), ("gc", "G1 "),
                 ("gc", "VM Thread"), ("internal", "vert.x-internal"), ("internal", "vert.x-acceptor")]


def thread_ticks(pid):
    """CPU ticks of each of the JVM's threads: {tid: (THREAD_GROUPS name, ticks)}."""
    threads = {}
    for t in os.listdir(f"/proc/{pid}/task"):
        try:
            comm = open(f"/proc/{pid}/task/{t}/comm").read().strip()
            f = open(f"/proc/{pid}/task/{t}/stat").read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        threads[t] = (next((g for g, prefix in THREAD_GROUPS if comm.startswith(prefix)), "other"),
                      int(f[11]) + int(f[12]))
    return threads


def thread_split(before, after, total_s):
    """CPU seconds per thread group between two thread_ticks() readings. A thread that ended meanwhile
    (the JVM stops idle compiler threads) took its CPU with it: what the groups do not account for
    of total_s is "ended threads"."""
    groups = {}
    for tid, (group, ticks) in after.items():
        groups[group] = groups.get(group, 0) + (ticks - before.get(tid, (group, 0))[1]) / CLK
    groups["ended threads"] = max(0.0, total_s - sum(groups.values()))
    return groups


def launcher_java_opts(root, c2=False):
    """The launchers' JVM flags (FETCHBUS_DEFAULT_JAVA_OPTS in scripts/prereqs); with c2, without
    -XX:TieredStopAtLevel=1, i.e. the JVM's tiered compilation, C2 included (docs/operations.md,
    "The JIT compilers")."""
    prereqs = open(os.path.join(root, "scripts", "prereqs")).read()
    opts = re.search(r'^FETCHBUS_DEFAULT_JAVA_OPTS="([^"]*)"', prereqs, re.M).group(1).split()
    return " ".join(o for o in opts if not (c2 and o.startswith("-XX:TieredStopAtLevel")))


def _postgres_pids(data_dir):
    """The node's PostgreSQL: the postmaster named by postmaster.pid, and its children."""
    try:
        master = int(open(os.path.join(data_dir, "pg", "postmaster.pid")).readline())
    except (OSError, ValueError):
        return []
    pids = [master]
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                if int(open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[1]) == master:
                    pids.append(int(p))
            except OSError:
                pass
    return pids


class Node:
    def __init__(self, root, workdir, port, env=None, *, args=(), data=None, log=None, base_env=None, ready_s=180):
        """env: more variables for the node (FETCHBUS_* settings, FETCHBUS_JAVA_OPTS), over base_env
        (default: this process's environment). args: arguments for scripts/fetchbus ("-cluster", or
        "db --port P" for a database alone). data and log: the data dir and the log file (default
        node-data and node.log in workdir). ready_s: seconds to wait for /ready (0: not here, see
        await_ready)."""
        self.root, self.port = root, port
        self.data = data or os.path.join(workdir, "node-data")
        self.log = open(log or os.path.join(workdir, "node.log"), "w")
        env = dict(os.environ if base_env is None else base_env, FETCHBUS_DATA_DIR=self.data,
                   FETCHBUS_HTTP_PORT=str(port), FETCHBUS_HTTP_HOST="127.0.0.1", FETCHBUS_ADMIN_KEY=ADMIN_KEY,
                   FETCHBUS_FETCH_ALLOW_NETWORKS="127.0.0.0/8", **(env or {}))
        self.proc = subprocess.Popen([os.path.join(root, "scripts", "fetchbus"), *args], cwd=root, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        if ready_s:
            self.await_ready(ready_s)

    def await_ready(self, seconds):
        self._await(lambda: self._get("/ready", raw=True) == 200, seconds, "node ready")

    def _request(self, path, body=None, ctype=None, method=None, headers=None, timeout=600):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=body, method=method,
                                     headers={"Authorization": f"Bearer {ADMIN_KEY}", **(headers or {})})
        if ctype:
            req.add_header("Content-Type", ctype)
        return urllib.request.urlopen(req, timeout=timeout)

    def _get(self, path, raw=False):
        try:
            with self._request(path) as r:
                return r.status if raw else r.read()
        except OSError:
            if raw:
                return None
            raise

    def _await(self, check, seconds, what):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the node exited ({self.proc.returncode}) waiting for {what}; see {self.log.name}")
            if check():
                return
            time.sleep(0.05)
        raise RuntimeError(f"timed out waiting for {what}")

    def jvm_pid(self):
        """The java process: scripts/fetchbus execs it, so it is the launched process itself."""
        return self.proc.pid

    def cpu(self):
        """CPU seconds so far of the JVM and of its PostgreSQL (the JVM's split by thread: thread_ticks)."""
        return _ticks(self.jvm_pid()) / CLK, sum(_ticks(p) for p in _postgres_pids(self.data)) / CLK

    def peak_rss_mib(self):
        for line in open(f"/proc/{self.jvm_pid()}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return None

    def run_job(self, body, ctype, query=""):
        """Submits a job, waits for it to end, and returns (job, jvm CPU s, JIT CPU s, postgres CPU s)."""
        jvm0, pg0 = self.cpu()
        threads0 = thread_ticks(self.jvm_pid())
        with self._request("/v1/jobs" + (f"?{query}" if query else ""), body, ctype, "POST") as r:
            job_id = json.load(r)["id"]
        job = {}

        def ended():
            nonlocal job
            job = json.loads(self._get(f"/v1/jobs/{job_id}"))
            return job["state"] in ("done", "cancelled")
        self._await(ended, 1800, f"job {job_id}")
        jvm1, pg1 = self.cpu()
        threads1 = thread_ticks(self.jvm_pid())
        self.last_threads = thread_split(threads0, threads1, jvm1 - jvm0)
        # the compiler threads alive at the end (a sum over live threads at both ends goes negative
        # when the JVM stops an idle compiler thread meanwhile)
        return job, jvm1 - jvm0, self.last_threads.get("jit", 0.0), pg1 - pg0

    def metric_sum(self, name):
        """The sum of a Prometheus series over its labels, from the node's /metrics."""
        return metric_sum(self._get("/metrics").decode(), name)

    def purge(self, job_id):
        """Deletes an ended job with its records and the bodies no other record uses."""
        with self._request(f"/v1/jobs/{job_id}?purge=true", method="DELETE") as r:
            r.read()

    def records(self, job_id):
        return [json.loads(l) for l in self._get(f"/v1/jobs/{job_id}/results").splitlines() if l.strip()]

    def stop(self, remove_data=True):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
        if remove_data:
            shutil.rmtree(self.data, ignore_errors=True)


def metric_sum(text, name):
    """The sum of one Prometheus series over its labels, in the text format ("name{labels} value" or
    "name value" lines; comments and other series are skipped)."""
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += float(line.rsplit(" ", 1)[1])
    return total


def seconds_between(start, end):
    parse = lambda t: datetime.fromisoformat(t.replace("Z", "+00:00"))
    return (parse(end) - parse(start)).total_seconds()


def measure_job(root, workdir, port, body, ctype, page_key, query="", warmup=None, env=None, measuring=None,
                data=None):
    """One fresh node, one job: the row of scripts/bench-peers, plus the split of CPU and bytes stored.
    The warmup jobs [(body, ctype, query), ...] run first, unmeasured: the node of a service that
    has been running a while (its JIT compilers mostly done) rather than one just started. env: more
    variables for the node (e.g. FETCHBUS_JAVA_OPTS). measuring: called just before the measured job
    (after the warm-up), for readings of the caller's own (the origin's CPU). data: the node's data
    dir (embedded PostgreSQL's too), default node-data in workdir; removed at the end either way."""
    node = Node(root, workdir, port, env, data=data)
    try:
        for job in warmup or []:
            node.run_job(*job)
        if measuring:
            measuring()
        gc0, blocked0 = node.metric_sum("jvm_gc_pause_seconds_sum"), node.metric_sum("fetchbus_eventloop_blocked_total")
        job, jvm_cpu, jit_cpu, pg_cpu = node.run_job(body, ctype, query)
        gc_s = node.metric_sum("jvm_gc_pause_seconds_sum") - gc0
        blocked = node.metric_sum("fetchbus_eventloop_blocked_total") - blocked0
        recs = node.records(job["id"])
        html = {page_key(r["url"]) for r in recs if r.get("status") == 200
                and (r.get("contentType") or "").startswith("text/html")}
        broken = {page_key(r["url"]) for r in recs if r.get("error") and r.get("status") != 200}
        stored = job.get("stored", {})
        wall = seconds_between(job["createdAt"], job["finishedAt"])
        return {"wall_s": wall, "own_s": None, "gc_ms_s": gc_s * 1000 / wall, "blocked": blocked,
                "html200": len(html), "broken": len(broken), "cpu_s": jvm_cpu + pg_cpu,
                "node_cpu_s": jvm_cpu, "jit_cpu_s": jit_cpu, "pg_cpu_s": pg_cpu, "rss_mib": node.peak_rss_mib(),
                "records": len(recs), "body_bytes": stored.get("bodyBytes"),
                "stored_bytes": stored.get("storedBytes"), "state": job["state"],
                "threads_cpu_s": node.last_threads}
    finally:
        node.stop()
