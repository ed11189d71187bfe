"""Experiment 8: one node against three behind nginx, on the same machine (so the same total CPU).
Each size is a fresh cluster from scripts/cluster (one embedded PostgreSQL of its own, the launchers'
JVM flags), an nginx balancer of our own in front of the API ports, a list job submitted through it,
then wrk through it."""
import json, os, shutil, subprocess, time, urllib.request

import experiments_lib as lib
from experiments_lib import fmt, ratio

BALANCER_PORT = int(os.environ.get("EXPERIMENTS_BALANCER_PORT", "18280"))
HTTP_BASE, HZ_BASE, EB_BASE, PG_PORT = 18201, 18301, 18401, 18501
KEY = "experiments-admin-key"


def run(env, row):
    urls = [env.origin.url(1 + i % 30, f"/nodes/{i}") for i in range(5000)]
    m = env.repeat("nodes", ["1 node", "3 nodes"], lambda variant: measure(env, int(variant[0]), urls))
    one, three = m["1 node"], m["3 nodes"]
    return [row("nodes", "8. Nodes behind nginx", "a list job of 5,000 URLs on 30 hosts, then `GET /v1/jobs/{id}` "
                "under wrk, all through nginx (`least_conn`); `scripts/cluster start N`, one PostgreSQL; same 2 cores",
                f"1 node: {fmt(one['pagesPerSecond'])} pages/s; API {fmt(one['apiRps'])} req/s, p99 "
                f"{fmt(one['apiP99ms'], 'ms')}",
                f"3 nodes: {fmt(three['pagesPerSecond'])} pages/s; API {fmt(three['apiRps'])} req/s, p99 "
                f"{fmt(three['apiP99ms'], 'ms')}",
                f"{ratio(one['pagesPerSecond'], three['pagesPerSecond'])} pages/s (1 vs 3)",
                "Three JVMs on the same two cores do not add CPU: they add three sets of JIT compilers, GCs and "
                "Hazelcast heartbeats, and split each host's politeness and the batches per node, "
                f"hence {fmt(three['pagesPerSecond'])} against {fmt(one['pagesPerSecond'])} pages/s. Scaling out pays "
                "when each node brings cores of its own (docs/benchmarks.md, \"Cluster\").")]


def measure(env, n, urls):
    state = os.path.join(env.out, "cluster")
    shutil.rmtree(state, ignore_errors=True)
    cluster_env = dict(os.environ, FETCHBUS_DATA_DIR=state, FETCHBUS_CLUSTER_HTTP_BASE=str(HTTP_BASE),
                       FETCHBUS_CLUSTER_HAZELCAST_BASE=str(HZ_BASE), FETCHBUS_CLUSTER_EVENTBUS_BASE=str(EB_BASE),
                       FETCHBUS_CLUSTER_PG_PORT=str(PG_PORT), FETCHBUS_ADMIN_KEY=KEY,
                       FETCHBUS_FETCH_ALLOW_NETWORKS="127.0.0.0/8", FETCHBUS_HTTP_HOST="127.0.0.1")
    script = os.path.join(env.root, "scripts", "cluster")
    balancer = None
    try:
        subprocess.run([script, "start", str(n)], env=cluster_env, check=True, stdout=subprocess.DEVNULL, timeout=300)
        lib.await_true(lambda: owned_partitions(n) == 64, 120, f"{n} nodes to own all 64 partitions")
        balancer = start_balancer(env.out, n)
        base = f"http://127.0.0.1:{BALANCER_PORT}"
        job = request(base + "/v1/jobs?robots=false&hostConcurrency=16", ("\n".join(urls) + "\n").encode())
        lib.await_true(lambda: request(f"{base}/v1/jobs/{job['id']}")["state"] == "done", 900, "the job")
        done = request(f"{base}/v1/jobs/{job['id']}")
        rps, p99, errors = lib.wrk(f"{base}/v1/jobs/{job['id']}", KEY)
        return {"pagesPerSecond": len(urls) / lib.job_seconds(done), "apiRps": rps, "apiP99ms": p99, "apiErrors": errors}
    finally:
        if balancer:
            balancer.terminate()
            balancer.wait(20)
        subprocess.run([script, "stop"], env=cluster_env, stdout=subprocess.DEVNULL, timeout=120)
        shutil.rmtree(state, ignore_errors=True)


def owned_partitions(n):
    total = 0
    for i in range(n):
        try:
            total += json.loads(urllib.request.urlopen(f"http://127.0.0.1:{HTTP_BASE + i}/ready", timeout=5).read())\
                .get("ownedPartitions") or 0
        except Exception:
            return -1
    return total


def start_balancer(out, n):
    d = os.path.join(out, "balancer")
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    servers = "".join(f"    server 127.0.0.1:{HTTP_BASE + i};\n" for i in range(n))
    temp = "".join(f"  {k}_temp_path {d}/tmp/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    open(os.path.join(d, "nginx.conf"), "w").write(f"""worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log warn;
events {{ worker_connections 4096; }}
http {{
{temp}  access_log off;
  client_max_body_size 0;
  upstream fetchbus {{
    least_conn;
{servers}    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{BALANCER_PORT};
    location / {{
      proxy_pass http://fetchbus;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_request_buffering off;
    }}
  }}
}}
""")
    proc = subprocess.Popen([lib.NGINX, "-p", d, "-c", os.path.join(d, "nginx.conf"), "-g", "daemon off;"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lib.await_true(lambda: lib.http_status(f"http://127.0.0.1:{BALANCER_PORT}/health") == 200, 20, "the balancer")
    return proc


def request(url, body=None):
    """A call to the balancer with the admin key: POST when there is a body, GET otherwise."""
    req = urllib.request.Request(url, data=body, method="POST" if body else "GET",
                                 headers={"Authorization": f"Bearer {KEY}", "Content-Type": "text/plain"})
    return json.loads(urllib.request.urlopen(req, timeout=300).read())

