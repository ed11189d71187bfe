"""What scripts/experiments runs on: the nginx origin, fetchbus nodes with switches, wrk, an
asyncio HTTP client for concurrent asks, medians, and the document. Standard library only."""
import asyncio, json, os, platform, shutil, statistics, subprocess, threading, time, urllib.parse
from datetime import datetime, timezone

import fetchbus_node

NGINX = "/usr/sbin/nginx"
ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"
ORIGIN_PORT = int(os.environ.get("EXPERIMENTS_ORIGIN_PORT", "18181"))
NODE_PORT = int(os.environ.get("EXPERIMENTS_NODE_PORT", "18190"))
ORIGIN_HOSTS = 100
# a heap that may grow, so that peak RSS is what a variant needed (the launchers pin 256 MiB)
JAVA_OPTS = ("-Xms32m -Xmx1g -XX:+ExitOnOutOfMemoryError -XX:+UnlockDiagnosticVMOptions "
             "-XX:GCLockerRetryAllocationCount=100")
PAGE = "<html><head><title>p</title></head><body><p>a page</p></body></html>"


def prerequisites():
    need = [p for p, present in (("nginx", os.path.exists(NGINX)), ("libnginx-mod-http-echo", os.path.exists(ECHO_MODULE)),
                                 ("wrk", shutil.which("wrk"))) if not present]
    if need:
        print(f"installing {' '.join(need)} from Debian's packages", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", *need], check=True, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))


class Origin:
    """nginx on 127.0.0.1 .. 127.0.0.100, one port; /slow/ waits 200 ms, /lag/ 10 ms; hits logged."""

    def __init__(self, out):
        self.dir = os.path.join(out, "nginx")
        self.log = os.path.join(self.dir, "access.log")
        self.proc = None

    def start(self):
        os.makedirs(os.path.join(self.dir, "tmp"), exist_ok=True)
        listens = "".join(f"    listen 127.0.0.{h}:{ORIGIN_PORT};\n" for h in range(1, ORIGIN_HOSTS + 1))
        temp = "".join(f"  {k}_temp_path {self.dir}/tmp/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        page = PAGE.replace('"', '\\"')
        conf = f"""load_module {ECHO_MODULE};
worker_processes 1;
worker_rlimit_nofile 40000;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 20000; }}
http {{
{temp}  log_format path '$request_uri';
  access_log {self.log} path;
  keepalive_requests 1000000;
  keepalive_timeout 60s;
  default_type text/html;
  server {{
{listens}    location = /robots.txt {{ default_type text/plain; echo_sleep 0.2; echo "User-agent: *"; echo "Allow: /"; }}
    location /slow/ {{ echo_sleep 0.2; echo "{page}"; }}
    location /lag/ {{ echo_sleep 0.01; echo "{page}"; }}
    location / {{ return 200 "{page}"; }}
  }}
}}
"""
        open(os.path.join(self.dir, "nginx.conf"), "w").write(conf)
        self.proc = subprocess.Popen([NGINX, "-p", self.dir, "-c", os.path.join(self.dir, "nginx.conf"), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=open(os.path.join(self.dir, "nginx.out"), "w"))
        await_true(lambda: http_status(f"http://127.0.0.1:{ORIGIN_PORT}/") == 200, 20, "nginx")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)

    def url(self, host, path):
        return f"http://127.0.0.{host}:{ORIGIN_PORT}{path}"

    def hits(self):
        """Lines logged so far: take one reading before a run and one after."""
        try:
            with open(self.log, "rb") as f:
                return f.read().decode().splitlines()
        except OSError:
            return []


class Env:
    def __init__(self, root, out, runs, replay=None):
        """replay: rows of an earlier results.jsonl; experiments found there are not run again, their
        medians are taken from those rows (to rewrite the document's text without measuring)."""
        self.root, self.out, self.runs = root, out, runs
        self.origin = Origin(out)
        self.results = os.path.join(out, "results.jsonl")
        self.replay = {}
        for r in replay or []:
            figures = {k: v for k, v in r.items() if k not in ("experiment", "variant", "run", "at")}
            self.replay.setdefault(r["experiment"], {}).setdefault(r["variant"], []).append(figures)

    def replaying(self, experiment):
        return experiment in self.replay

    def node(self, env=None, java_opts=JAVA_OPTS):
        workdir = os.path.join(self.out, "node")
        os.makedirs(workdir, exist_ok=True)
        return fetchbus_node.Node(self.root, workdir, NODE_PORT, dict(env or {}, FETCHBUS_JAVA_OPTS=java_opts))

    def record(self, experiment, variant, run, figures):
        row = dict(experiment=experiment, variant=variant, run=run, at=now(), **figures)
        with open(self.results, "a") as f:
            f.write(json.dumps(row) + "\n")
        shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in figures.items())
        print(f"   {experiment} [{variant}] run {run}: {shown}", flush=True)
        return figures

    def repeat(self, experiment, variants, measure):
        """Runs every variant once per repetition, back to back; returns {variant: {figure: median}}."""
        if self.replaying(experiment):
            return {v: medians(self.replay[experiment][v]) for v in variants}
        runs = {v: [] for v in variants}
        for run in range(1, self.runs + 1):
            for variant in variants:
                runs[variant].append(self.record(experiment, variant, run, measure(variant)))
        return {v: medians(rows) for v, rows in runs.items()}


    def once(self, experiment, produce):
        """A harness that takes its own medians (a JVM benchmark): its figures, measured or replayed."""
        if self.replaying(experiment):
            return self.replay[experiment]["median"][-1]
        return self.record(experiment, "median", 0, produce())


def medians(rows):
    keys = [k for k in rows[0] if all(isinstance(r.get(k), (int, float)) for r in rows)]
    return {k: statistics.median(r[k] for r in rows) for k in keys}


def now():
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def await_true(check, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")


def http_status(url):
    import urllib.request
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status
    except Exception:
        return None


def job_seconds(job):
    return fetchbus_node.seconds_between(job["createdAt"], job["finishedAt"])


def submit(node, body, ctype, query=""):
    with node._request("/v1/jobs" + (f"?{query}" if query else ""), body, ctype, "POST") as r:
        return json.load(r)


def await_job(node, job_id, seconds=900):
    job = {}

    def ended():
        nonlocal job
        job = json.loads(node._get(f"/v1/jobs/{job_id}"))
        return job["state"] in ("done", "cancelled")
    node._await(ended, seconds, f"job {job_id}")
    return job


def histogram_quantile(node, name, q):
    """A quantile of a Prometheus histogram on the node, summed over its labels (upper bucket bound)."""
    buckets = {}
    for line in node._get("/metrics").decode().splitlines():
        if line.startswith(name + "_bucket{"):
            le = line.split('le="', 1)[1].split('"', 1)[0]
            buckets[float("inf") if le == "+Inf" else float(le)] = buckets.get(
                float("inf") if le == "+Inf" else float(le), 0) + float(line.rsplit(" ", 1)[1])
    if not buckets:
        return None
    total = buckets[max(buckets)]
    for le in sorted(buckets):
        if buckets[le] >= q * total:
            return le
    return None


class Sampler:
    """Samples a value every interval on a thread, keeping the maximum (connections, RSS)."""

    def __init__(self, read, interval=0.1):
        self.read, self.interval, self.peak = read, interval, 0
        self.stop_at = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self):
        while not self.stop_at.wait(self.interval):
            self.peak = max(self.peak, self.read() or 0)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_at.set()
        self.thread.join()


def pg_client_connections(node):
    """Client backends of the node's PostgreSQL (process titles with the client's address)."""
    count = 0
    for pid in fetchbus_node._postgres_pids(node.data)[1:]:
        try:
            if b"127.0.0.1(" in open(f"/proc/{pid}/cmdline", "rb").read():
                count += 1
        except OSError:
            pass
    return count


def wrk(url, key, seconds=3, connections=32, threads=1):
    """wrk against one URL: (requests/s, p99 ms, non-2xx + socket errors)."""
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s",
                          "-H", f"Authorization: Bearer {key}", url], capture_output=True, text=True, timeout=seconds + 60).stdout
    rps = p99 = None
    errors = 0
    for line in out.splitlines():
        parts = line.split()
        if line.startswith("Requests/sec:"):
            rps = float(parts[1])
        elif len(parts) == 2 and parts[0] == "99%":
            p99 = to_ms(parts[1])
        elif line.strip().startswith("Non-2xx"):
            errors += int(parts[-1])
        elif line.strip().startswith("Socket errors"):
            errors += sum(int(p.strip(",")) for p in parts[2:] if p.strip(",").isdigit())
    return rps, p99, errors


def to_ms(text):
    for unit, factor in (("us", 0.001), ("ms", 1), ("s", 1000), ("m", 60000)):
        if text.endswith(unit):
            return float(text[:-len(unit)]) * factor
    return float(text)


async def _ask(port, path, key):
    started = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: fetchbus\r\nAuthorization: Bearer {key}\r\nConnection: close\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readline()
    await reader.read()
    writer.close()
    return int(head.split()[1]), time.monotonic() - started


async def _asks(port, paths, key, seconds):
    return await asyncio.wait_for(asyncio.gather(*(_ask(port, p, key) for p in paths), return_exceptions=True), seconds)


def concurrent_gets(port, paths, key, seconds=120):
    """Every path asked at once on its own connection: [(status or None, seconds)]."""
    results = asyncio.run(_asks(port, paths, key, seconds))
    return [(None, None) if isinstance(r, BaseException) else r for r in results]


def percentile(values, q):
    values = sorted(v for v in values if v is not None)
    return values[min(len(values) - 1, int(q * len(values)))] if values else None


def bench_jvm(root, cls, *props):
    """scripts/bench-jvm's BENCH lines, as dicts of their key=value pairs."""
    out = subprocess.run([os.path.join(root, "scripts", "bench-jvm"), cls, *props], capture_output=True, text=True,
                         timeout=1800, cwd=root)
    if out.returncode != 0:
        raise RuntimeError(f"bench-jvm {cls} failed:\n{out.stdout[-3000:]}{out.stderr[-2000:]}")
    rows = []
    for line in out.stdout.splitlines():
        if line.startswith("BENCH "):
            row = {}
            for part in line.split()[1:]:
                if "=" in part:
                    k, v = part.split("=", 1)
                    try:
                        row[k] = float(v)
                    except ValueError:
                        row[k] = v
                else:
                    row.setdefault("tags", []).append(part)
            rows.append(row)
    return rows


# ---- the document ------------------------------------------------------------------------------
def fmt(value, unit=""):
    if value is None:
        return "–"
    if isinstance(value, float) and abs(value) < 10 and value != int(value):
        text = f"{value:.2f}"
    else:
        text = f"{value:,.0f}"
    return text + (f" {unit}" if unit else "")


def ratio(a, b):
    if not a or not b:
        return "–"
    r = a / b
    return f"{r:,.0f} ×" if r >= 100 else f"{r:.1f} ×" if r >= 10 else f"{r:.2f} ×"


def render(rows):
    lines = ["| experiment | command | workload | with the technique | without | ratio | why |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| <a id=\"{r['anchor']}\"></a>**{r['title']}** | `{r['command']}` | {r['workload']} | "
                     f"{r['with']} | {r['without']} | {r['ratio']} | {r['why']} |")
    return "\n".join(lines)


def commit_of(root):
    """The commit measured: HEAD, marked when the work tree differs from it."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=root).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True,
                           cwd=root).stdout.strip()
    return commit + (" (with local changes)" if dirty else "")


def write_doc(path, rows, took, runs, root, commit=None, when=None):
    """when and commit: those of the measurement, when the figures are replayed."""
    commit = commit or commit_of(root)
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
    mem = next((int(l.split()[1]) // 1024 // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    head = open(os.path.join(root, "docs", "experiments", "header.md")).read()
    body = head.format(date=when or now(), commit=commit, cores=os.cpu_count(),
                       cpu=cpu, mem=mem, kernel=platform.release(), runs=runs, minutes=f"{took / 60:.1f}")
    open(path, "w").write(body + "\n" + render(rows) + "\n")
