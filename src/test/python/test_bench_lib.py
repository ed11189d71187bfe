"""Unit tests of scripts/bench's pure parts (scripts/bench_lib.py, and fetchbus_node.metric_sum).
Run by scripts/test: python3 -m unittest discover -s src/test/python. Standard library only."""
import json, os, sys, unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts"))
import bench_lib as lib  # noqa: E402
import fetchbus_node  # noqa: E402

METRICS = """# HELP fetchbus_pages_total fetches this node finished
# TYPE fetchbus_pages_total counter
fetchbus_pages_total{outcome="ok",} 1990.0
fetchbus_pages_total{outcome="timeout",} 10.0
fetchbus_pages_total_other 7.0
fetchbus_pages_created 1.7E9
jvm_gc_pause_seconds_sum 0.25
"""

# /proc/<pid>/stat: a comm with spaces and a ")" in it; utime 300, stime 50, cutime 7, cstime 3
STAT = "1234 (C2 CompilerThre) x) S 1 1234 1234 0 -1 4194560 100 0 0 0 300 50 7 3 20 0 30 0 5 0 0"


def options(*argv):
    return lib.parse_args(list(argv))


class ParseArgsTest(unittest.TestCase):
    def test_defaults(self):
        o = options()
        self.assertEqual((o.urls, o.hosts, o.nodes, o.host_concurrency, o.timeout, o.warmup), (10000, 1, 1, 64, 1200, 0))
        self.assertEqual((o.runs, o.wrk_seconds, o.wrk_threads, o.jfr), (3, 5, 1, None))
        self.assertFalse(any((o.kill, o.keep, o.rss, o.gzip, o.histo, o.compare)))

    def test_both_spellings_of_a_value(self):
        o = options("--urls=2000", "--hosts", "8", "--nodes=2", "--host-concurrency", "4", "--warmup=0")
        self.assertEqual((o.urls, o.hosts, o.nodes, o.host_concurrency), (2000, 8, 2, 4))

    def test_compare_warms_up_with_n_urls_unless_told(self):
        self.assertEqual(options("--compare", "--urls", "500").warmup, 500)
        self.assertEqual(options("--compare", "--urls", "500", "--warmup", "0").warmup, 0)
        o = options("--compare", "--runs", "2", "--wrk-seconds", "3", "--wrk-threads", "2", "--jfr", "x.jfr")
        self.assertEqual((o.runs, o.wrk_seconds, o.wrk_threads, o.jfr), (2, 3, 2, "x.jfr"))

    def test_flags(self):
        o = options("--rss", "--histo", "--gzip", "--keep")
        self.assertTrue(o.rss and o.histo and o.gzip and o.keep)
        self.assertTrue(options("--kill").kill)

    def test_help(self):
        self.assertTrue(options("--help").help)
        self.assertTrue(options("-h").help)

    def test_refused(self):
        for argv, message in ((["--urls", "0"], "not a positive number: 0"), (["--hosts", "x"], "not a positive number"),
                              (["--warmup", "-1"], "not a number"), (["--hosts", "251"], "at most 250"),
                              (["--nodes", "17"], "at most 16"), (["--kill", "--nodes", "2"], "one node only"),
                              (["--compare", "--nodes", "2"], "--compare works"), (["--compare", "--kill"], "--compare works"),
                              (["--kill", "--rss"], "--rss samples one JVM"), (["--histo"], "--histo needs --rss"),
                              (["--bogus"], "unknown argument: --bogus"), (["--urls"], "expected one argument"),
                              (["--url", "5"], "unknown argument")):
            with self.subTest(argv=argv), self.assertRaises(lib.UsageError) as e:
                lib.parse_args(argv)
            self.assertIn(message, str(e.exception))


class WorkloadTest(unittest.TestCase):
    def test_urls_round_robin_over_hosts(self):
        self.assertEqual(lib.url_list(4, 3, 8080, "/page/").splitlines(),
                         ["http://127.0.0.1:8080/page/1", "http://127.0.0.2:8080/page/2",
                          "http://127.0.0.3:8080/page/3", "http://127.0.0.1:8080/page/4"])
        self.assertTrue(lib.url_list(2, 1, 1, "/w/").endswith("\n"))

    def test_nginx_listens_on_every_host_and_names_the_path(self):
        conf = lib.nginx_conf("/tmp/w", "/tmp/l", 3, 9000)
        for h in (1, 2, 3):
            self.assertIn(f"listen 127.0.0.{h}:9000;", conf)
        self.assertNotIn("127.0.0.4", conf)
        self.assertIn("<title>fetchbus bench $uri</title>", conf)
        self.assertIn("client_body_temp_path /tmp/w/nginx/tmp/body;", conf)
        self.assertEqual(conf.count("{"), conf.count("}"))


class ProcTest(unittest.TestCase):
    def test_stat_ticks(self):
        self.assertEqual(lib.stat_ticks(STAT), 350)
        self.assertEqual(lib.stat_ticks(STAT, children=True), 360)

    def test_machine_busy_ticks(self):
        text = "cpu  10 1 5 1000 50 2 3 4 0 0\ncpu0 5 0 2 500 25 1 1 2 0 0\n"
        self.assertEqual(lib.machine_busy_ticks(text), 10 + 1 + 5 + 2 + 3 + 4)   # not idle, not iowait

    def test_status_kb(self):
        status = "Name:\tjava\nVmHWM:\t  411648 kB\nVmRSS:\t  400000 kB\n"
        self.assertEqual((lib.status_kb(status, "VmHWM"), lib.status_kb(status, "VmRSS")), (411648, 400000))
        self.assertIsNone(lib.status_kb(status, "VmSwap"))

    def test_thread_groups_and_jit(self):
        stats = [STAT, STAT.replace("C2 CompilerThre) x", "C1 CompilerThre"),
                 "2 (vert.x-eventloop-thread-1) S " + " ".join(["0"] * 10) + " 40 2 0 0",
                 "3 (vert.x-eventloop-thread-12) S " + " ".join(["0"] * 10) + " 8 0 0 0"]
        groups = lib.thread_groups(stats)
        self.assertEqual(groups["vert.x-eventloop-thread-#"], 50)
        self.assertEqual(groups["C# CompilerThre) x"], 350)
        diff = lib.thread_diff({"vert.x-eventloop-thread-#": 20}, groups)
        self.assertEqual(diff[0], (350, "C# CompilerThre"))
        self.assertIn((30, "vert.x-eventloop-thread-#"), diff)
        self.assertEqual(lib.jit_ticks(diff), 700)
        self.assertEqual(lib.jit_ticks([(5, "GC Thread#")]), 0)

    def test_jstat(self):
        text = "    S0C    S1C  ...    GCT   \n 0.0 1024.0  0.125\n"
        self.assertEqual(lib.jstat_gc_seconds(text), 0.125)
        self.assertIsNone(lib.jstat_gc_seconds(""))

    def test_wrk(self):
        out = ("Running 2s test @ http://127.0.0.1:1/\n  1 threads and 64 connections\n"
               "  120000 requests in 2.00s, 40.00MB read\nRequests/sec:  59999.61\nTransfer/sec:     20.00MB\n")
        self.assertEqual(lib.parse_wrk(out), (59999.61, []))
        bad = out + "  Socket errors: connect 0, read 3, write 0, timeout 0\n  Non-2xx or 3xx responses: 12\n"
        rps, errors = lib.parse_wrk(bad)
        self.assertEqual(errors, ["  Socket errors: connect 0, read 3, write 0, timeout 0", "12"])
        self.assertIsNone(lib.parse_wrk("wrk: bad URL")[0])

    def test_prometheus_sum_over_labels_only(self):
        self.assertEqual(lib.prometheus_sum(METRICS, "fetchbus_pages_total"), 2000.0)
        self.assertEqual(fetchbus_node.metric_sum(METRICS, "jvm_gc_pause_seconds_sum"), 0.25)

    def test_wget2_stats_rows_keep_commas_inside_urls(self):
        plain = "1,0,http://127.0.0.1:18083/,200,1,1,26385,26385,1,0,0,0\n"
        anchor = ("96,9,http://h/TreeVisitor.html#visit(com.sun.Tree,P),200,1,1,124640,124640,8,1,0,0\n")
        broken = "7,3,http://h/missing.html,404,1,1,153,153,0,0,0,0\r\n"
        self.assertEqual(fetchbus_node.wget2_stats_row(plain), ("http://127.0.0.1:18083/", 200))
        self.assertEqual(fetchbus_node.wget2_stats_row(anchor), ("http://h/TreeVisitor.html#visit(com.sun.Tree,P)", 200))
        self.assertEqual(fetchbus_node.wget2_stats_row(broken), ("http://h/missing.html", 404))

    def test_launcher_java_opts_are_the_launchers_and_c2_drops_only_the_tier_cap(self):
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..")
        c1 = fetchbus_node.launcher_java_opts(root).split()
        c2 = fetchbus_node.launcher_java_opts(root, c2=True).split()
        self.assertIn("-XX:TieredStopAtLevel=1", c1)
        self.assertIn("-Xmx256m", c1)
        self.assertEqual(c2, [o for o in c1 if o != "-XX:TieredStopAtLevel=1"])
        self.assertEqual(lib.prometheus_sum(METRICS, "fetchbus_missing_total"), 0.0)


class FiguresTest(unittest.TestCase):
    def test_export_check(self):
        check = lib.ExportCheck(2)
        for i, (status, error) in enumerate(((200, None), (200, None), (404, None), (200, "reset"))):
            check.add(json.dumps({"url": f"u{i % 3}", "status": status, "error": error, "cursor": 10 + i}).encode())
        check.add(b"")
        self.assertEqual((check.lines, len(check.urls), check.ok200, check.cursor), (4, 3, 2, 11))
        self.assertEqual(check.differing(["u0", "u1", "u2"]), 0)
        self.assertEqual(check.differing(["u0", "u1", "u9"]), 2)

    def test_compare_records(self):
        rec = lambda url, title, **kw: dict({"url": url, "status": 200, "error": None, "contentHash": "h",
                                             "title": title}, **kw)
        records = [rec("a", None), rec("a", None), rec("b", None), rec("c", "t"), rec("d", None, contentHash=None),
                   rec("e", None, status=500)]
        self.assertEqual(lib.compare_records_ok(records, "fetch-only"), 2)
        self.assertEqual(lib.compare_records_ok(records, "full"), 1)

    def test_fetch_window(self):
        records = [{"fetchedAt": t} for t in ("2026-01-01T00:00:01.5Z", "2026-01-01T00:00:00Z",
                                              "2026-01-01T00:00:03.250000Z")]
        self.assertAlmostEqual(lib.fetch_window(records), 3.25)
        self.assertEqual(lib.fetch_window([]), 0.0)
        self.assertEqual(lib.window_rps(1001, 2.0), 500)
        self.assertEqual(lib.window_rps(1, 0), 0)

    def test_job_seconds(self):
        job = {"startedAt": "2026-12-07T15:44:34.034608Z", "finishedAt": "2026-12-07T15:44:38.348925Z"}
        self.assertAlmostEqual(lib.job_seconds(job), 4.314317, places=6)

    def test_cpu_used_counts_a_restarted_process_twice(self):
        before, mid, after = [100, 10, 20, 0, 50], [200, 15, 30, 0, 90], [300, 18, 5, 0, 30]
        self.assertEqual(lib.cpu_used(before, after), [200, 8, -15, 0, -20])
        self.assertEqual(lib.cpu_used(before, after, mid, (2, 4)), [200, 8, 15, 0, 70])

    def test_median_text_as_sort_and_awk_gave_it(self):
        self.assertEqual(lib.median_text(["3", "10", "2"]), "3")
        self.assertEqual(lib.median_text(["0.20", "0.10", "0.30"]), "0.20")          # the text itself
        self.assertEqual(lib.median_text(["5000", "6001"]), "5500.5")
        self.assertEqual(lib.median_text(["0.00", "0.00"]), "0")
        self.assertEqual(lib.median_text(["0.0075", "0.0075"]), "0.0075")
        self.assertEqual(lib.median_text(["0.333333333", "0.333333333"]), "0.333333")
        self.assertEqual(lib.median_text(["nan", "2", "1"]), "1")
        self.assertEqual(lib.median_text([]), "")

    def test_numbers(self):
        self.assertEqual(lib.rate(2000, 0.43), "4651")
        self.assertEqual(lib.rate(5, 0), "0")
        self.assertEqual(lib.cpu_text(330, 100, 3.6), "   3.3 s  (  92% of one core)")
        self.assertEqual(lib.ratio("2191.5", "56501.5"), "0.039")
        self.assertEqual(lib.json_number(742.4), "742.4")
        self.assertEqual(lib.json_number(500.0), "500")


def job_figures(**changes):
    r = dict(cores=2, load="1.00 2.00 3.00", job=1, started="2026-12-07T15:47:48.855560Z",
             finished="2026-12-07T15:47:51.549514Z", secs=2.69, wall=3.6, job_pps=742.4, done=2000, failed=0,
             ndjson_lines=2000, distinct=2000, ok200=2000, differing=0, csv_lines=2001, ingest_s=0.43,
             upload_bytes=64893, cursor=1000, export_ndjson=(2000, 1089616, 0.15), export_csv=(2001, 473818, 0.10),
             export_after=(1000, 500000, 0.06), fetched=[2000], clk=100, top_file="target/bench/top.txt",
             cpu_used=[720, 7, 20, 0, 330], killed_at=None, restart_s=None, java_opts="-Xmx1g",
             phases=["ready", "ingest", "fetch", "export"], hwm_at={"ready": 411750, "ingest": 415130, "export": 420250},
             samples=[(1, "ready", 411000, 411750), (2, "fetch", 418000, 419000)], rss_file="target/bench/rss.txt")
    r.update(changes)
    return r


class ReportTest(unittest.TestCase):
    def test_list_job_report(self):
        lines = lib.report_lines(options("--urls", "2000"), job_figures())
        text = "\n".join(lines)
        self.assertEqual(lines[1], "fetchbus bench: 2000 URLs on 1 host(s) (nginx on loopback), 1 node(s), "
                                   "hostConcurrency=64")
        for expected in ("  job time:       2.69 s (startedAt -> finishedAt); wall from submit to seen done: 3.60 s",
                         "  pages/s:        743 (job's own figure: 742.4)",
                         "  urls:           done=2000 failed=0",
                         "  NDJSON lines:   2000 (2000 distinct URLs, 2000 with status 200, 0 differing from the "
                         "submitted set)",
                         "  CSV lines:      2001 (header + 2000)",
                         "  ingest:         0.43 s from POST to 201 = 4651 URLs/s (64893 bytes)",
                         "  export NDJSON:  2000 lines, 1089616 bytes in 0.15 s = 13333 rows/s",
                         "  export CSV:     2001 lines, 473818 bytes in 0.10 s = 20000 rows/s",
                         "  export ?after:  1000 lines after cursor 1000 (record 1000) in 0.06 s = 16667 rows/s",
                         "  pages fetched (fetchbus_pages_total during the job), total 2000:",
                         "    node 1      2000  (100%)",
                         "    node 1  JVM      3.3 s  (  92% of one core)",
                         "    whole machine    7.2 s  ( 200% of one core)  (includes anything else running)"):
            self.assertIn(expected + "\n", text + "\n")
        self.assertNotIn("db JVM", text)
        self.assertNotIn("kill -9", text)
        self.assertNotIn("memory", text)

    def test_cluster_kill_rss_and_gzip_lines(self):
        o = options("--urls", "2000", "--nodes", "2", "--warmup", "500", "--gzip")
        text = "\n".join(lib.report_lines(o, job_figures(fetched=[1500, 500], cpu_used=[720, 7, 20, 3, 330, 200])))
        self.assertIn("2 node(s), hostConcurrency=64, after a 500-URL warm-up job", text)
        self.assertIn("    node 1      1500  ( 75%)\n    node 2       500  ( 25%)", text)
        self.assertIn("    node 2  JVM      2.0 s", text)
        self.assertIn("    db JVM           0.0 s", text)
        self.assertIn("(64893 bytes, gzip)", text)
        text = "\n".join(lib.report_lines(options("--urls", "3000", "--kill"), job_figures(killed_at=612, restart_s=5.23)))
        self.assertIn(", kill -9 mid-job", text)
        self.assertIn("  kill -9:        at 612/3000 finished; restart to ready took 5.2 s", text)
        text = "\n".join(lib.report_lines(options("--urls", "2000", "--rss"), job_figures()))
        self.assertIn("  node 1 memory (JVM flags '-Xmx1g'), MiB: VmHWM at the end of each phase, max VmRSS sampled in it",
                      text)
        self.assertIn("    ready   VmHWM   402.1   max VmRSS   401.4", text)
        self.assertIn("    ingest  VmHWM   405.4   max VmRSS     nan", text)
        self.assertIn("    fetch   VmHWM     0.0   max VmRSS   408.2", text)
        self.assertIn("  peak RSS:       410.4 MiB (VmHWM after the exports; samples in target/bench/rss.txt)", text)

    def test_checks(self):
        o = options("--urls", "2000")
        self.assertEqual(lib.failed_checks(o, job_figures()), [])
        self.assertEqual(lib.checks_line(o, []),
                         "  checks:         PASS (NDJSON=2000, distinct=2000, CSV=2001, ?after=1000, done=2000)")
        failures = lib.failed_checks(o, job_figures(distinct=1999, differing=1, export_after=(999, 1, 0.1)))
        self.assertEqual(failures, ["NDJSON has 1999 distinct URLs, expected 2000",
                                    "NDJSON URLs differ from the submitted set in 1 places",
                                    "?after=1000 gave 999 lines, expected 1000"])
        self.assertEqual(lib.checks_line(o, failures), "  checks:         FAIL")
        odd = options("--urls", "2001")
        self.assertIn("?after=1001", lib.checks_line(odd, []))

    def test_compare_rows_and_summary(self):
        o = options("--compare", "--urls", "2000", "--runs", "2", "--wrk-seconds", "2")
        before, after = [0, 0, 0, 0, 0], [442, 86, 0, 0, 11]
        wrk = lib.compare_row(1, "wrk", "1.5", "56502", "2", before, after, "0.97", "405", "0.000", 8, "56502", 100, 2000)
        self.assertEqual(wrk, ["1", "wrk", "1.5", "56502", "2", "0.11", "0.00", "0.86", "0.97", "4.42", "405", "0.000",
                               "0.000", "0.08", "56502"])
        full = lib.compare_row(1, "full", "1.5", "1401", "1.43", before, [523, 4, 22, 0, 130], "0", "409", "0.005", 92,
                               "1769", 100, 2000)
        self.assertEqual(full[5], "1.30")
        self.assertEqual(full[12], "0.650")                       # ms of node CPU per page
        rows = [wrk, full, lib.compare_row(1, "fetch-only", "1", "2192", "0.91", before, after, "0", "410", "0.01", 50,
                                           "2501", 100, 2000)]
        lines = lib.compare_summary(rows, o, 64, "t.tsv", 2, "1 2 3", "logs", 100)
        self.assertEqual(lines[1], "fetchbus bench --compare: 2000 paths on 1 host(s) (nginx, 1 worker, loopback), "
                                   "1 node, hostConcurrency=64,")
        self.assertEqual(lines[2], "  wrk -t 1 -c 64 -d 2s; warm-up 2000 URLs; medians of 2 run(s) (per run: t.tsv)")
        self.assertEqual(lines[4].split(), ["mode", "req|pg/s", "window/s", "seconds", "node", "CPU", "pg", "CPU",
                                            "nginx", "CPU", "wrk", "CPU", "machine", "node", "RSS", "node", "GC",
                                            "ms/page", "node", "JIT"])
        self.assertEqual(lines[5].split()[:4], ["wrk", "56502", "56502", "2s"])
        self.assertEqual(lines[7].split()[:4], ["full", "1401", "1769", "1.43s"])
        self.assertIn("405MB", lines[5])
        self.assertEqual(lines[9], "  ratios (medians, job pages/s): fetch-only/wrk 0.039, full/wrk 0.025")
        self.assertEqual(lines[10], "  ratios (medians, fetch window): fetch-only/wrk 0.044, full/wrk 0.031")
        self.assertTrue(lines[11].startswith("  checks:         PASS (every job: 2000 records"))


if __name__ == "__main__":
    unittest.main()
