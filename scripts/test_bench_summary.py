"""Unit tests of bench_summary.py's reading of the ceiling (run by ./cartwright test: python3 -m unittest)."""
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


if __name__ == "__main__":
    unittest.main()
