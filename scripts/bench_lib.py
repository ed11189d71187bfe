"""The pure parts of scripts/bench: its options, the URL lists and nginx's config, reading /proc
and wrk's text, the figures computed from samples, and the report's lines. Nothing here starts a
process or opens a socket, so src/test/python/test_bench_lib.py checks all of it. Standard library only.
"""
import argparse, json, math, re
from datetime import datetime

import fetchbus_node


class UsageError(Exception):
    """Bad options: the program prints the message and exits with status 2."""


# ---- options -----------------------------------------------------------------------------------
POSITIVE = ("urls", "hosts", "nodes", "host_concurrency", "timeout", "runs", "wrk_seconds", "wrk_threads")


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise UsageError(f"{message} (see --help)")


def parse_args(argv, doc=""):
    """The options of scripts/bench (--help prints doc); raises UsageError when they do not fit together."""
    ap = _Parser(prog="scripts/bench", description=doc, add_help=False, allow_abbrev=False)
    ap.add_argument("-h", "--help", action="store_true")
    for name, default in (("urls", 10000), ("hosts", 1), ("nodes", 1), ("host-concurrency", 64),
                          ("timeout", 1200), ("runs", 3), ("wrk-seconds", 5), ("wrk-threads", 1)):
        ap.add_argument(f"--{name}", default=str(default))
    ap.add_argument("--warmup")
    ap.add_argument("--jfr")
    for flag in ("kill", "keep", "rss", "gzip", "histo", "compare"):
        ap.add_argument(f"--{flag}", action="store_true")
    o, rest = ap.parse_known_args(argv)
    if o.help:
        return o
    if rest:
        raise UsageError(f"unknown argument: {rest[0]} (see --help)")
    for name in POSITIVE:
        value = getattr(o, name)
        if not re.fullmatch(r"[1-9][0-9]*", value):
            raise UsageError(f"not a positive number: {value}")
        setattr(o, name, int(value))
    if o.warmup is None:
        o.warmup = str(o.urls if o.compare else 0)
    if not re.fullmatch(r"[0-9]+", o.warmup):
        raise UsageError(f"not a number: {o.warmup}")
    o.warmup = int(o.warmup)
    checks = [(o.hosts <= 250, "--hosts is at most 250 (127.0.0.1 .. 127.0.0.250)"),
              (o.nodes <= 16, "--nodes is at most 16"),
              (not o.kill or o.nodes == 1, "--kill works with one node only"),
              (not o.compare or (o.nodes == 1 and not o.kill), "--compare works with one node and without --kill"),
              (not (o.kill and o.rss), "--rss samples one JVM; it does not work with --kill"),
              (not o.histo or o.rss, "--histo needs --rss")]
    for ok, message in checks:
        if not ok:
            raise UsageError(message)
    return o


# ---- the workload ------------------------------------------------------------------------------
def host_addr(h):
    """Host number (1-based) -> its loopback address."""
    return f"127.0.0.{h}"


def url_list(count, hosts, port, prefix):
    """URL k (1-based) of count, on host ((k - 1) mod hosts) + 1: the text of a list job."""
    return "".join(f"http://{host_addr((k - 1) % hosts + 1)}:{port}{prefix}{k}\n" for k in range(1, count + 1))


def nginx_conf(work, logs, hosts, port):
    """One worker, one port on 127.0.0.1 .. 127.0.0.H, a small page naming its path at any path."""
    listens = "".join(f"    listen {host_addr(h)}:{port};\n" for h in range(1, hosts + 1))
    temp = "".join(f"  {k}_temp_path {work}/nginx/tmp/{d};\n"
                   for k, d in (("client_body", "body"), ("proxy", "proxy"), ("fastcgi", "fastcgi"),
                                ("uwsgi", "uwsgi"), ("scgi", "scgi")))
    return f"""worker_processes 1;
pid {work}/nginx/nginx.pid;
error_log {logs}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
{temp}  keepalive_requests 1000000;
  keepalive_timeout 60s;
  server {{
{listens}    location / {{
      default_type text/html;
      # the path is in the page, so every URL has its own body (and content hash): extraction's memo by
      # content hash cannot turn the full-pipeline figure into a cache benchmark
      return 200 '<!doctype html><html><head><title>fetchbus bench $uri</title></head><body><h1>fetchbus bench</h1><p>A small page for $uri.</p><a href="/next">next</a></body></html>';
    }}
  }}
}}
"""


WRK_LUA = """-- Walks /page/1 .. /page/N (N from the script arguments), one counter per wrk thread.
local n, i = 1, 0
function init(args) n = tonumber(args[1]) or 1 end
function request()
  i = i % n + 1
  return wrk.format("GET", "/page/" .. i)
end
"""


# ---- reading /proc and tools' output -----------------------------------------------------------
def stat_ticks(stat, children=False):
    """utime + stime of a /proc/<pid>/stat line, with cutime + cstime (reaped children) if asked."""
    f = stat.rsplit(")", 1)[1].split()       # after "(comm)": state is f[0], utime f[11] .. cstime f[14]
    return int(f[11]) + int(f[12]) + (int(f[13]) + int(f[14]) if children else 0)


def machine_busy_ticks(proc_stat):
    """user + nice + system + irq + softirq + steal of /proc/stat's "cpu" line."""
    for line in proc_stat.splitlines():
        f = line.split()
        if f and f[0] == "cpu":
            return sum(int(f[k]) for k in (1, 2, 3, 6, 7, 8))
    return 0


def status_kb(status, field):
    """A kB field (VmRSS, VmHWM) of /proc/<pid>/status, or None."""
    for line in status.splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return None


def thread_group(stat):
    """(group, ticks) of a thread's stat line: its name with digit runs made '#' ("vert.x-eventloop-thread-#")."""
    name = stat[stat.index("(") + 1:stat.rindex(")")]
    return re.sub(r"[0-9]+", "#", name), stat_ticks(stat)


def thread_groups(stats):
    groups = {}
    for stat in stats:
        name, ticks = thread_group(stat)
        groups[name] = groups.get(name, 0) + ticks
    return groups


def thread_diff(before, after):
    """[(ticks used, group)], largest first (by ticks, then name)."""
    return sorted(((t - before.get(name, 0), name) for name, t in after.items()), key=lambda r: (-r[0], r[1]))


def jit_ticks(diff):
    """The JIT compiler threads' share of a thread_diff ("C1 CompilerThre#", "C2 CompilerThre#")."""
    return sum(t for t, name in diff if re.match(r"C# CompilerThre", name))


def jstat_gc_seconds(text):
    """GCT (the last column) of `jstat -gc`'s second line, or None."""
    lines = text.splitlines()
    return float(lines[1].split()[-1]) if len(lines) > 1 and lines[1].split() else None


def parse_wrk(out):
    """wrk's output -> (requests/s, [error lines]); requests/s is None when missing."""
    rps, errors = None, []
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            rps = float(line.split()[1])
        elif "Non-2xx or 3xx responses:" in line:
            errors.append(line.split()[-1])
        elif line.startswith("  Socket errors:"):
            errors.append(line)
    return rps, errors


def prometheus_sum(text, name):
    """The sum of one series over its labels in Prometheus text (fetchbus_pages_total: every outcome)."""
    return fetchbus_node.metric_sum(text, name)


# ---- figures from samples ----------------------------------------------------------------------
def iso_seconds(text):
    """An ISO-8601 instant (2026-01-02T03:04:05.123456Z) as epoch seconds."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def job_seconds(job):
    """finishedAt - startedAt: the job's own run time."""
    return fetchbus_node.seconds_between(job["startedAt"], job["finishedAt"])


class ExportCheck:
    """The checks' NDJSON export, reduced as it streams: distinct URLs, records with status 200 and no
    error, and the cursor of record `half` (1-based; where ?after resumes)."""

    def __init__(self, half):
        self.half, self.lines, self.ok200, self.cursor, self.urls = half, 0, 0, None, set()

    def add(self, line):
        if not line.strip():
            return
        r = json.loads(line)
        self.lines += 1
        self.urls.add(r.get("url"))
        if r.get("status") == 200 and r.get("error") is None:
            self.ok200 += 1
        if self.lines == self.half:
            self.cursor = r.get("cursor")

    def differing(self, submitted):
        """URLs in one set and not the other (submitted: the URLs of the job)."""
        return len(self.urls ^ set(submitted))


def compare_records_ok(records, mode):
    """Distinct URLs of a --compare job fetched as expected: status 200, no error, a content hash,
    and no title in fetch-only mode (no parsing) but a title in full mode."""
    return len({r["url"] for r in records if r.get("status") == 200 and r.get("error") is None
                and r.get("contentHash") is not None and (r.get("title") is None) == (mode == "fetch-only")})


def fetch_window(records):
    """Seconds from the first to the last fetchedAt."""
    times = [iso_seconds(r["fetchedAt"]) for r in records]
    return max(times) - min(times) if times else 0.0


def window_rps(n, window):
    return (n - 1) / window if window > 0 else 0


def cpu_used(before, after, mid=None, restarted=()):
    """Ticks per column between two snapshots; the restarted columns (a killed node's JVM and its
    postgres, which started from 0 again after mid) count (mid - before) + after."""
    used = [a - b for a, b in zip(after, before)]
    for k in restarted:
        used[k] = mid[k] - before[k] + after[k]
    return used


def median_text(values):
    """The median of numeric texts as `sort -g | awk` printed it: the middle text itself for an odd
    count, else the mean of the two middle ones (%.6g, integers plain). 'nan' sorts first."""
    def key(v):
        x = float(v)
        return (0, 0.0) if math.isnan(x) else (1, x)
    v = sorted(values, key=key)
    if not v:
        return ""
    if len(v) % 2:
        return v[len(v) // 2]
    return awk_number((float(v[len(v) // 2 - 1]) + float(v[len(v) // 2])) / 2)


def json_number(v):
    """A JSON number as jq prints it (500.0 as 500)."""
    return str(int(v)) if isinstance(v, float) and v == int(v) else str(v)


def awk_number(x):
    if math.isnan(x):
        return "nan"
    return str(int(x)) if x == int(x) and abs(x) < 1e16 else f"{x:.6g}"


# ---- formatting --------------------------------------------------------------------------------
def rate(n, seconds):
    """n / seconds as a whole number (0 when no time passed)."""
    return f"{n / seconds if seconds > 0 else 0:.0f}"


def cpu_text(ticks, clk, wall):
    return f"{ticks / clk:6.1f} s  ({100 * ticks / clk / wall:4.0f}% of one core)"


def ratio(a, b):
    return f"{float(a) / float(b):.3f}"


COMPARE_COLUMNS = ["run", "mode", "load", "rps", "seconds", "node_cpu_s", "pg_cpu_s", "nginx_cpu_s", "wrk_cpu_s",
                   "machine_cpu_s", "node_peak_rss_mb", "node_gc_s", "node_cpu_ms_per_page", "node_jit_cpu_s",
                   "window_rps"]


def compare_row(run, mode, load, rps, seconds, cpu_before, cpu_after, wrk_cpu_s, rss_mb, gc_s, jit, window, clk, urls):
    """One row of compare.tsv, every field a text. cpu_*: snapshots (machine, nginx, postgres, db, node)."""
    used = cpu_used(cpu_before, cpu_after)
    secs = lambda t: f"{t / clk:.2f}"
    per_page = 0 if mode == "wrk" else 1000 * used[4] / clk / urls
    return [str(run), mode, load, rps, seconds, secs(used[4]), secs(used[2]), secs(used[1]), wrk_cpu_s,
            secs(used[0]), rss_mb, gc_s, f"{per_page:.3f}", f"{jit / clk:.2f}", window]


def compare_summary(rows, o, conns, tsv, cores, load, logs, clk):
    """The --compare report: medians per mode over the per-run rows (lists of COMPARE_COLUMNS texts)."""
    def col(mode, name):
        return median_text([r[COMPARE_COLUMNS.index(name)] for r in rows if r[1] == mode])
    lines = ["",
             f"fetchbus bench --compare: {o.urls} paths on {o.hosts} host(s) (nginx, 1 worker, loopback), 1 node, "
             f"hostConcurrency={o.host_concurrency},",
             f"  wrk -t {o.wrk_threads} -c {conns} -d {o.wrk_seconds}s; warm-up {o.warmup} URLs; medians of {o.runs} "
             f"run(s) (per run: {tsv})",
             f"  machine: {cores} cores, load average at end {load}",
             "  %-10s %9s %9s %8s %9s %9s %9s %9s %9s %9s %8s %9s %9s" % (
                 "mode", "req|pg/s", "window/s", "seconds", "node CPU", "pg CPU", "nginx CPU", "wrk CPU", "machine",
                 "node RSS", "node GC", "ms/page", "node JIT")]
    for mode in ("wrk", "fetch-only", "full"):
        c = lambda name: col(mode, name)
        lines.append("  %-10s %9s %9s %7ss %8ss %8ss %8ss %8ss %8ss %6sMB %7ss %9s %8ss" % (
            mode, c("rps"), c("window_rps"), c("seconds"), c("node_cpu_s"), c("pg_cpu_s"), c("nginx_cpu_s"),
            c("wrk_cpu_s"), c("machine_cpu_s"), c("node_peak_rss_mb"), c("node_gc_s"), c("node_cpu_ms_per_page"),
            c("node_jit_cpu_s")))
    lines.append(f"  node CPU per thread group, per run and phase: {logs}/threads-<run>-<mode>.txt (ticks, CLK_TCK={clk})")
    w_rps = col("wrk", "rps")                 # both ratios are against wrk's requests/s
    lines.append(f"  ratios (medians, job pages/s): fetch-only/wrk {ratio(col('fetch-only', 'rps'), w_rps)}, "
                 f"full/wrk {ratio(col('full', 'rps'), w_rps)}")
    lines.append(f"  ratios (medians, fetch window): fetch-only/wrk {ratio(col('fetch-only', 'window_rps'), w_rps)}, "
                 f"full/wrk {ratio(col('full', 'window_rps'), w_rps)}")
    lines.append(f"  checks:         PASS (every job: {o.urls} records, all 200 with a content hash; fetch-only "
                 f"without titles, full with)")
    return lines


def setup_text(o):
    text = (f"{o.urls} URLs on {o.hosts} host(s) (nginx on loopback), {o.nodes} node(s), "
            f"hostConcurrency={o.host_concurrency}")
    if o.kill:
        text += ", kill -9 mid-job"
    if o.warmup > 0:
        text += f", after a {o.warmup}-URL warm-up job"
    return text


def rss_lines(java_opts, phases, hwm_at, samples):
    """--rss: VmHWM at the end of each phase and the highest VmRSS sampled in it (MiB).
    samples: (epoch, phase, VmRSS kB, VmHWM kB)."""
    lines = [f"  node 1 memory (JVM flags '{java_opts}'), MiB: VmHWM at the end of each phase, max VmRSS sampled in it"]
    for ph in phases:
        seen = [s[2] for s in samples if s[1] == ph and s[2]]
        top = max(seen) / 1024 if seen else float("nan")
        lines.append(f"    {ph:<7} VmHWM {(hwm_at.get(ph) or 0) / 1024:7.1f}   max VmRSS {top:7.1f}")
    return lines


def report_lines(o, r):
    """The report of a list job (not --compare). r: the figures (see bench.py, report())."""
    urls, half = o.urls, o.urls // 2
    lines = ["", f"fetchbus bench: {setup_text(o)}",
             f"  machine:        {r['cores']} cores, load average at end {r['load']}",
             f"  job:            {r['job']}, startedAt {r['started']}, finishedAt {r['finished']}",
             f"  job time:       {r['secs']:.2f} s (startedAt -> finishedAt); wall from submit to seen done: {r['wall']:.2f} s",
             f"  pages/s:        {urls / r['secs']:.0f} (job's own figure: {json_number(r['job_pps'])})"]
    if o.kill:
        lines.append(f"  kill -9:        at {r['killed_at']}/{urls} finished; restart to ready took {r['restart_s']:.1f} s")
    gz = ", gzip" if o.gzip else ""
    lines += [f"  urls:           done={r['done']} failed={r['failed']}",
              f"  NDJSON lines:   {r['ndjson_lines']} ({r['distinct']} distinct URLs, {r['ok200']} with status 200, "
              f"{r['differing']} differing from the submitted set)",
              f"  CSV lines:      {r['csv_lines']} (header + {r['csv_lines'] - 1})",
              f"  ingest:         {r['ingest_s']:.2f} s from POST to 201 = {rate(urls, r['ingest_s'])} URLs/s "
              f"({r['upload_bytes']} bytes{gz})"]
    nd, csv, after = r["export_ndjson"], r["export_csv"], r["export_after"]
    lines += [f"  export NDJSON:  {nd[0]} lines, {nd[1]} bytes in {nd[2]:.2f} s = {rate(nd[0], nd[2])} rows/s",
              f"  export CSV:     {csv[0]} lines, {csv[1]} bytes in {csv[2]:.2f} s = {rate(csv[0] - 1, csv[2])} rows/s",
              f"  export ?after:  {after[0]} lines after cursor {r['cursor']} (record {half}) in {after[2]:.2f} s = "
              f"{rate(after[0], after[2])} rows/s"]
    if o.rss:
        lines += rss_lines(r["java_opts"], r["phases"], r["hwm_at"], r["samples"])
        lines.append(f"  peak RSS:       {(r['hwm_at'].get('export') or 0) / 1024:.1f} MiB (VmHWM after the exports; "
                     f"samples in {r['rss_file']})")
    fetched = r["fetched"]
    total = sum(fetched)
    lines.append(f"  pages fetched (fetchbus_pages_total during the job), total {total}:")
    for i, n in enumerate(fetched, 1):
        lines.append(f"    node {i:<2} {n:8d}  ({100 * n / total if total else 0:3.0f}%)")
    used, clk, wall = r["cpu_used"], r["clk"], r["wall"]
    lines.append("  CPU during the job (submit -> done):")
    for i in range(1, o.nodes + 1):
        lines.append(f"    node {i:<2} JVM   {cpu_text(used[4 + i - 1], clk, wall)}")
    if o.nodes > 1:
        lines.append(f"    db JVM        {cpu_text(used[3], clk, wall)}")
    lines += [f"    postgres      {cpu_text(used[2], clk, wall)}",
              f"    nginx         {cpu_text(used[1], clk, wall)}",
              f"    whole machine {cpu_text(used[0], clk, wall)}  (includes anything else running)",
              f"  top snapshot:   {r['top_file']}"]
    return lines


def failed_checks(o, r):
    """What the list job got wrong (an empty list: every check passed)."""
    urls, half = o.urls, o.urls // 2
    checks = [(r["ndjson_lines"] == urls, f"NDJSON has {r['ndjson_lines']} lines, expected {urls}"),
              (r["distinct"] == urls, f"NDJSON has {r['distinct']} distinct URLs, expected {urls}"),
              (r["differing"] == 0, f"NDJSON URLs differ from the submitted set in {r['differing']} places"),
              (r["csv_lines"] == urls + 1, f"CSV has {r['csv_lines']} lines, expected {urls + 1}"),
              (r["export_ndjson"][0] == urls, f"the timed NDJSON export has {r['export_ndjson'][0]} lines, expected {urls}"),
              (r["export_after"][0] == urls - half,
               f"?after={r['cursor']} gave {r['export_after'][0]} lines, expected {urls - half}"),
              (r["ok200"] == urls, f"{r['ok200']} records with status 200 and no error, expected {urls}"),
              (r["done"] == urls, f"urls.done is {r['done']}, expected {urls}")]
    return [message for ok, message in checks if not ok]


def checks_line(o, failures):
    if failures:
        return "  checks:         FAIL"
    return (f"  checks:         PASS (NDJSON={o.urls}, distinct={o.urls}, CSV={o.urls + 1}, "
            f"?after={o.urls - o.urls // 2}, done={o.urls})")
