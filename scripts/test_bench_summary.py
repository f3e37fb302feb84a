"""Unit tests of bench_summary.py's reading of the ceiling and of PostgreSQL's CPU by process (run by ./cartwright test:
python3 -m unittest)."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_summary  # noqa: E402

HEADER = '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"\n'


def write_ceiling(folder, name, rps, p50, p95, p99):
    with open(os.path.join(folder, name), "w") as f:
        f.write(HEADER)
        f.write(f'"EVALSHA","{rps}","1.0","0.1","{p50}","{p95}","{p99}","90.0"\n')


class CeilingTest(unittest.TestCase):

    def test_one_sample_is_the_ceiling(self):
        with tempfile.TemporaryDirectory() as folder:
            write_ceiling(folder, "ceiling.csv", 30000.0, 20.0, 30.0, 40.0)
            c = bench_summary.ceiling(folder)
            self.assertEqual(c["scriptsPerSecond"], 30000.0)
            self.assertEqual(c["p95Ms"], 30.0)
            self.assertEqual(len(c["samples"]), 1)

    def test_samples_before_and_after_the_capacity_run_are_averaged_and_kept(self):
        with tempfile.TemporaryDirectory() as folder:
            write_ceiling(folder, "ceiling.csv", 36000.0, 20.0, 30.0, 40.0)
            write_ceiling(folder, "ceiling-after.csv", 24000.0, 30.0, 45.0, 60.0)
            c = bench_summary.ceiling(folder)
            self.assertEqual(c["scriptsPerSecond"], 30000.0)
            self.assertEqual(c["p50Ms"], 25.0)
            self.assertEqual(c["p95Ms"], 37.5)
            self.assertEqual(c["p99Ms"], 50.0)
            self.assertEqual([s["scriptsPerSecond"] for s in c["samples"]], [36000.0, 24000.0])

    def test_no_ceiling_before_the_run_means_none(self):
        with tempfile.TemporaryDirectory() as folder:
            self.assertIsNone(bench_summary.ceiling(folder))
            write_ceiling(folder, "ceiling-after.csv", 24000.0, 30.0, 45.0, 60.0)
            self.assertIsNone(bench_summary.ceiling(folder))


def write_postgres(folder, name, rows):
    with open(os.path.join(folder, name), "w") as f:
        for pid, ticks, title in rows:
            f.write(f"{pid} {ticks} {title}\n")


class PostgresByProcessTest(unittest.TestCase):

    def test_kinds_of_process_from_their_titles(self):
        kind = bench_summary.postgres_process_kind
        self.assertEqual(kind("/usr/lib/postgresql/15/bin/postgres -D /var/lib/postgresql/15/main"), "postmaster")
        self.assertEqual(kind("postgres: 15/main: checkpointer   "), "checkpointer")
        self.assertEqual(kind("postgres: 15/main: background writer "), "background writer")
        self.assertEqual(kind("postgres: walwriter "), "walwriter")
        self.assertEqual(kind("postgres: 15/main: autovacuum worker checkout_db"), "autovacuum worker")
        self.assertEqual(kind("postgres: 15/main: postgres checkout_db 127.0.0.1(50032) idle"), "connections to checkout_db")
        self.assertEqual(kind("postgres: cartwright return_db 127.0.0.1(50040) INSERT"), "connections to return_db")

    def test_cores_by_kind_over_the_phase(self):
        with tempfile.TemporaryDirectory() as folder:
            write_postgres(folder, "cpu-capacity-before-postgres.txt", [
                (10, 500, "postgres: 15/main: checkpointer "),
                (11, 1000, "postgres: 15/main: postgres checkout_db 127.0.0.1(1) idle"),
                (12, 700, "postgres: 15/main: postgres checkout_db 127.0.0.1(2) idle"),
                (13, 900, "postgres: 15/main: postgres return_db 127.0.0.1(3) idle"),  # ends during the phase
            ])
            write_postgres(folder, "cpu-capacity-after-postgres.txt", [
                (10, 530, "postgres: 15/main: checkpointer "),
                (11, 1600, "postgres: 15/main: postgres checkout_db 127.0.0.1(1) UPDATE"),
                (12, 700, "postgres: 15/main: postgres checkout_db 127.0.0.1(2) idle"),
                (14, 300, "postgres: 15/main: postgres order_db 127.0.0.1(4) idle"),  # starts during the phase: counted whole
                (15, 0, "postgres: 15/main: walwriter "),
            ])
            by = bench_summary.postgres_use(folder, "capacity", 30, 100)
            self.assertEqual(list(by.items()), [("connections to checkout_db", 0.2), ("connections to order_db", 0.1),
                                                ("checkpointer", 0.01)])
            self.assertEqual(bench_summary.postgres_sentence({"postgresByProcess": by}),
                             " PostgreSQL by process: connections to checkout_db 0.2, connections to order_db 0.1, checkpointer 0.01.")

    def test_a_run_without_the_files_says_nothing(self):
        with tempfile.TemporaryDirectory() as folder:
            self.assertEqual(bench_summary.postgres_use(folder, "capacity", 30, 100), {})
            self.assertEqual(bench_summary.postgres_sentence({"postgresByProcess": {}}), "")
            self.assertEqual(bench_summary.postgres_sentence({}), "")


if __name__ == "__main__":
    unittest.main()


class FloorComparisonTest(unittest.TestCase):

    def test_the_service_is_set_beside_the_floor_and_the_floor_beside_the_ceiling(self):
        s = {"grpcFloor": {"all": {"throughputPerSecond": 20000, "p95Ms": 80.0}, "service": {"cpuMsPer1000Requests": 20.0}},
             "grpcCapacity": {"all": {"throughputPerSecond": 15000, "p95Ms": 120.0}, "service": {"cpuMsPer1000Requests": 50.0}},
             "ceiling": {"p95Ms": 64.0}}
        sentence = bench_summary.floor_comparison(s)
        self.assertIn("0.75 of the floor's throughput, its p95 1.5x the floor's", sentence)
        self.assertIn("the floor's own p95 ÷ the ceiling's 1.25", sentence)
        self.assertIn("Checkout Service 50.0 ms, floor 20.0 ms", sentence)

    def test_no_floor_no_sentence(self):
        self.assertIsNone(bench_summary.floor_comparison({"grpcCapacity": {"all": {}}}))
