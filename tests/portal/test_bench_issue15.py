"""Issue 15: the benchmark's pieces that need no server: reading wrk's report, and its own names."""

import shutil

import pytest

from portal import bench

WRK_OUTPUT = """Running 8s test @ http://127.0.0.1:8765/training/wrap/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.01ms    3.20ms  61.50ms   90.12%
    Req/Sec   670.15     40.22   760.00     71.00%
  Latency Distribution
     50%   11.20ms
     75%   12.40ms
     90%   14.10ms
     99%    1.02s
  10689 requests in 8.01s, 98.41MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   1334.45
Transfer/sec:     12.29MB
"""


def test_wrk_report_is_read_with_its_units_and_errors():
    load = bench.wrk_parse(WRK_OUTPUT)
    assert load.requests_per_second == pytest.approx(1334.45)
    assert load.p50_ms == pytest.approx(11.2) and load.p99_ms == pytest.approx(1020)
    assert load.requests == 10689 and load.errors == 4 + 2 + 1


@pytest.mark.skipif(not shutil.which("wrk"), reason="wrk is not installed (make bench installs it)")
def test_wrk_runs_against_a_real_server_and_is_read_back(live_server):
    load = bench.wrk_run(
        port=int(live_server.url.rsplit(":", 1)[1]), path="/healthz", seconds=1, threads=1, connections=1
    )
    assert load.requests > 0 and load.requests_per_second > 0 and load.errors == 0


def test_each_run_has_a_database_name_of_its_own():
    assert bench._database_url("postgres://postgres@127.0.0.1:5432/postgres", "prevent_bench_1") == (
        "postgres://postgres@127.0.0.1:5432/prevent_bench_1"
    )
