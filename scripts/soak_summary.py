#!/usr/bin/env python3
"""Summarises one `./cartwright soak` run (scripts/soak.sh): the samples it took, the latency per interval read
from Gatling's simulation.log, and one verdict per criterion computed from both. Writes soak.md and soak.json into
the run's folder; with --record, adds soak.md to BENCHMARKS.md under "## Soak" (newest run first).

Gatling 3.12 and later write simulation.log in a binary form (big-endian, as java.io.DataOutputStream): a run
record first, then one record per event, each starting with its kind (0 run, 1 request, 2 user, 3 group, 4 error).
A string is its length as an int, then (when not empty) its bytes and a coder byte (0 Latin-1, 1 UTF-16); a
"cached" string is an int index first: not negative, the string follows and takes that index; negative, it is the
string seen before under minus that index. Times are ints, milliseconds since the run's start (a long in the run
record). Only the requests' end, duration and status are kept here."""
import csv
import glob
import json
import os
import struct
import sys

from bench_summary import read_kv, record_under  # the same directory

MARK = "<!-- soak-runs: newest first; written by ./cartwright soak -->"
DRIFT_RATIO, DRIFT_MS = 1.25, 2.0   # latency drifted: last p95 above first p95 by more than 25 % and 2 ms
GROWTH_RATIO = 1.10                 # memory, stream or lag grew: last third's maximum above the first third's by 10 %
LAG_FLOOR = 1000                    # a lag never above this is bounded (bench.sh's "caught up"): one write-behind batch
RAMP_S = 30                         # CartSoakSimulation's ramp: the first window starts after it
STREAM_AGE_FLOOR = 60               # a stream whose oldest entry is never older than this is trimmed (1 s trim period)


class LogReader:
    def __init__(self, path):
        self.f = open(path, "rb")
        self.cache = {}

    def take(self, n):
        b = self.f.read(n)
        if len(b) < n:
            raise EOFError
        return b

    def byte(self):
        return self.take(1)[0]

    def int(self):
        return struct.unpack(">i", self.take(4))[0]

    def long(self):
        return struct.unpack(">q", self.take(8))[0]

    def string(self):
        n = self.int()
        if n == 0:
            return ""
        raw = self.take(n)
        coder = self.byte()
        return raw.decode("latin-1") if coder == 0 else raw.decode("utf-16-le", "replace")

    def cached(self):
        i = self.int()
        if i >= 0:
            s = self.string()
            self.cache[i] = s
            return s
        return self.cache.get(-i, "")


def read_requests(path):
    """[(end epoch ms, duration ms, ok)] of every request in a binary simulation.log, and the run's start."""
    r = LogReader(path)
    if r.byte() != 0:
        raise ValueError(f"{path} does not start with a run record (a Gatling older than 3.12?)")
    r.string()                      # Gatling version
    r.string()                      # simulation class
    start = r.long()
    r.string()                      # description
    for _ in range(r.int()):        # scenarios
        r.string()
    for _ in range(r.int()):        # assertions, each a length and its bytes
        r.take(r.int())
    requests = []
    try:
        while True:
            head = r.f.read(1)
            if not head:
                break
            kind = head[0]
            if kind == 1:
                for _ in range(r.int()):
                    r.cached()
                r.cached()
                t0, t1, ok = r.int(), r.int(), r.byte() != 0
                r.cached()
                requests.append((start + t1, t1 - t0, ok))
            elif kind == 2:
                r.int(); r.byte(); r.int()
            elif kind == 3:
                for _ in range(r.int()):
                    r.cached()
                r.int(); r.int(); r.int(); r.byte()
            elif kind == 4:
                r.cached(); r.int()
            else:
                raise ValueError(f"unknown record kind {kind} in {path}")
    except EOFError:
        pass                        # a log cut short: what was read counts
    return requests, start


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def latency(requests):
    d = sorted(x[1] for x in requests)
    return {"count": len(d), "ko": sum(1 for x in requests if not x[2]),
            "p50": percentile(d, 50), "p95": percentile(d, 95), "p99": percentile(d, 99), "max": d[-1] if d else None}


def between(requests, t0_ms, t1_ms):
    return [x for x in requests if t0_ms <= x[0] < t1_ms]


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def thirds(samples, column):
    values = [(s["elapsed_s"], num(s.get(column))) for s in samples if s["steady"]]
    values = [(t, v) for t, v in values if v is not None]
    if len(values) < 3:
        return None, None
    n = len(values) // 3
    return max(v for _, v in values[:n]), max(v for _, v in values[-n:])


def growth_verdict(label, samples, column, unit, words=("GREW", "flat"), floor=0):
    """The maximum of the last third of the samples against the first third's, and whether it stayed within bounds."""
    first, last = thirds(samples, column)
    if first is None:
        return f"{label}: not measured (fewer than 3 samples with a value)", None
    grew = last > first * GROWTH_RATIO and last - first > 0 and last > floor
    ratio = f"{last / first:.2f}x" if first else ("no change" if last == 0 else "from 0")
    bar = f"more than {GROWTH_RATIO:.2f}x" + (f" and above {floor:g} {unit}" if floor else "")
    return (f"{label}: {words[0] if grew else words[1]}: max of the last third {last:g} {unit} against {first:g} {unit} "
            f"in the first third ({ratio}; grew means {bar})"), not grew


def summarise(out_dir):
    settings = read_kv(os.path.join(out_dir, "settings.txt"))
    machine = read_kv(os.path.join(out_dir, "machine.txt"))
    full_gc = read_kv(os.path.join(out_dir, "fullgc.txt")) if os.path.exists(os.path.join(out_dir, "fullgc.txt")) else {}
    samples = list(csv.DictReader(open(os.path.join(out_dir, "samples.csv"))))
    for s in samples:
        s["elapsed_s"] = int(s["elapsed_s"])
    logs = sorted(glob.glob(os.path.join(out_dir, "gatling", "*", "simulation.log")))
    requests, run_start, log_error = [], None, None
    if logs:
        try:
            requests, run_start = read_requests(logs[-1])
        except (ValueError, OSError) as e:
            log_error = str(e)
    else:
        log_error = "no simulation.log under gatling/"

    # The samples under full load: after the ramp and before the last request. The ones before show what the warm-up
    # or an earlier run left behind, the ones after how the backlog drains; the table keeps them, the verdicts do not.
    steady_from = (run_start + RAMP_S * 1000) if requests else None
    steady_to = max(x[0] for x in requests) if requests else None
    for s in samples:
        t = int(s["epoch_s"]) * 1000
        s["steady"] = steady_from is None or steady_from <= t <= steady_to
        s["phase"] = "load" if s["steady"] else ("before" if t < steady_from else "after")

    # Latency of each sample's interval: the requests that ended since the sample before.
    previous = None
    for s in samples:
        t = int(s["epoch_s"]) * 1000
        lat = latency(between(requests, previous, t)) if previous is not None and requests else None
        s["requests"] = lat["count"] if lat else ""
        s["p95_ms"] = lat["p95"] if lat and lat["count"] else ""
        s["p99_ms"] = lat["p99"] if lat and lat["count"] else ""
        previous = t

    # Latency per window: 5 minutes, or a third of the run when it is shorter than 15 minutes.
    windows, verdicts = [], []
    if requests:
        first_ms = run_start + RAMP_S * 1000
        end_ms = max(x[0] for x in requests)
        span = end_ms - first_ms
        window = 300_000 if span >= 900_000 else max(span // 3, 1)
        # Whole windows from the end of the ramp; a remainder shorter than half a window goes into the last one.
        bounds, t = [], first_ms
        while t < end_ms:
            bounds.append([t, min(t + window, end_ms + 1)])
            t += window
        if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < window // 2:
            remainder = bounds.pop()
            bounds[-1][1] = remainder[1]
        for t0, t1 in bounds:
            lat = latency(between(requests, t0, t1))
            lat["from_s"], lat["to_s"] = (t0 - run_start) // 1000, (t1 - run_start) // 1000
            windows.append(lat)
        first = latency(between(requests, first_ms, first_ms + window))
        last = latency(between(requests, end_ms - window, end_ms + 1))
        if first["p95"] is not None and last["p95"] is not None:
            drifted = last["p95"] > first["p95"] * DRIFT_RATIO and last["p95"] - first["p95"] > DRIFT_MS
            verdicts.append((f"latency: {'DRIFTED' if drifted else 'no drift'}: p95 {last['p95']} ms in the last "
                             f"{window // 1000} s against {first['p95']} ms in the first {window // 1000} s after the ramp "
                             f"(p99 {last['p99']} against {first['p99']} ms; drift means more than {DRIFT_RATIO:.2f}x "
                             f"and {DRIFT_MS:g} ms)", not drifted))
    else:
        verdicts.append((f"latency: not measured ({log_error})", None))

    # Heap: the live data after the full GCs the run asked for, just before the load and just after it; without
    # them, the live data after a major GC where there were major GCs early and late, else the old generation.
    live_before, live_after = num(full_gc.get("live_before_mib")), num(full_gc.get("live_after_mib"))
    memories = [("Redis used_memory", "redis_used_mib", "MiB"), ("RSS of the service", "rss_mib", "MiB")]
    if live_before and live_after is not None:
        grew = live_after > live_before * GROWTH_RATIO
        verdicts.append((f"heap (live data after a full GC, jcmd GC.run): {'GREW' if grew else 'flat'}: {live_after:g} MiB "
                         f"after the load against {live_before:g} MiB before it ({live_after / live_before:.2f}x; grew "
                         f"means more than {GROWTH_RATIO:.2f}x)", not grew))
    else:
        majors = [num(s["major_gcs"]) or 0 for s in samples]
        n = len(samples) // 3
        live_usable = n > 0 and majors[n - 1] > 0 and majors[-1] > majors[-n]
        memories.insert(0, ("heap (live data after major GC)" if live_usable
                            else "heap (old generation; no major GC in both thirds, so this includes promoted garbage)",
                            "live_after_major_gc_mib" if live_usable else "old_gen_mib", "MiB"))
    for label, column, unit in memories:
        text, ok = growth_verdict(label, samples, column, unit)
        if column == "redis_used_mib":
            # Every visit makes a new cart, kept for the idle TTL: memory that follows the keys is not a leak.
            keys_first, keys_last = thirds(samples, "redis_keys")
            if keys_first:
                text += f"; keys {keys_first:g} -> {keys_last:g} ({keys_last / keys_first:.2f}x)"
        verdicts.append((text, ok))

    def peak(column):
        values = [num(s.get(column)) for s in samples if num(s.get(column)) is not None]
        return max(values) if values else None

    # The stream by the age of its oldest entry where the samples have it (its length is a sawtooth of the trimming's
    # 1 s period, caught at a drifting phase); runs from before that column by the length.
    stream = (("change stream trimming (age of its oldest entry)", "stream_oldest_s", "s", STREAM_AGE_FLOOR)
              if any(num(s.get("stream_oldest_s")) is not None for s in samples)
              else ("change stream length (XLEN, longest stream)", "stream_len_max", "entries", 0))
    for label, column, unit, floor in (stream,
                                       ("write-behind pending", "writebehind_pending", "entries", LAG_FLOOR),
                                       ("Kafka bridge lag", "bridge_lag", "entries", LAG_FLOOR)):
        top = peak(column)
        text, ok = growth_verdict(f"{label}, max {top:g} {unit} over the run" if top is not None else label,
                                  samples, column, unit, words=("GREW (unbounded?)", "bounded"), floor=floor)
        verdicts.append((text, ok))

    summary = {"settings": settings, "machine": machine, "full_gc": full_gc, "samples": samples, "windows": windows,
               "overall": latency(requests) if requests else None, "verdicts": [v[0] for v in verdicts],
               "simulation_log": logs[-1] if logs else None, "simulation_log_error": log_error}
    json.dump(summary, open(os.path.join(out_dir, "soak.json"), "w"), indent=2, default=str)
    md = markdown(os.path.basename(os.path.normpath(out_dir)), summary, verdicts)
    open(os.path.join(out_dir, "soak.md"), "w").write(md)
    print(md)


def markdown(stamp, s, verdicts):
    st, m = s["settings"], s["machine"]
    lines = [f"### Soak {stamp}", "",
             f"`./cartwright soak --minutes {st.get('minutes')} --users {st.get('users')} --think-ms {st.get('think_ms')} "
             f"--sample-s {st.get('sample_s')}` against {st.get('target')} (Redis {st.get('redis')}); "
             f"Gatling exit code {st.get('gatling_exit', '?')}.", "",
             f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory', '?')}; {m.get('java', '?')}; "
             f"Redis {m.get('redis', '?')} (appendonly {m.get('redis_aof', '?')}, fsync {m.get('redis_fsync', '?')}); "
             f"PostgreSQL autovacuum {m.get('pg_autovacuum', '?')}.",
             f"Service: `{m.get('service_jvm', '?')}`; order_db: {m.get('service_order_db', '?')}; "
             f"started by this run: {'yes' if m.get('service_started_by_run') == '1' else 'no'}"
             + (f"; {m['service_warmup']}" if m.get("service_warmup") else "")
             + (f"; carts idle TTL {m['service_idle_ttl']}, idempotency records TTL {m['service_idempotency_ttl']}"
                if m.get("service_idle_ttl") else "") + ".",
             f"Streams: {m.get('streams', '?')}."
             + (f" The cart tables vacuumed every {st['vacuum_min']} min under load (autovacuum off), "
                f"{s['full_gc'].get('vacuums', '?')} times." if st.get("vacuum_min", "0") != "0" else ""),
             "", "Verdicts:", ""]
    lines += [f"- {text}" for text, _ in verdicts]
    o = s["overall"]
    if o:
        lines += ["", f"All requests: {o['count']}, failed {o['ko']}, p50 {o['p50']} ms, p95 {o['p95']} ms, "
                      f"p99 {o['p99']} ms, max {o['max']} ms."]
    if s["windows"]:
        lines += ["", "Latency per window (requests that ended in it; seconds since Gatling started):", "",
                  "| window s | requests | failed | p50 ms | p95 ms | p99 ms | max ms |", "|---|---|---|---|---|---|---|"]
        for w in s["windows"]:
            lines.append(f"| {w['from_s']}-{w['to_s']} | {w['count']} | {w['ko']} | {w['p50']} | {w['p95']} | {w['p99']} | {w['max']} |")
    lines += ["", "Samples (load: before the ramp ended, under load, or after the last request; only the samples under "
                  "load count in the verdicts; heap, old generation and live data after the last major GC from the service's /metrics; RSS "
                  "and CPU of its process; CPU in % of one core since the sample before; PG dead rows in the cart tables; the write-behind's mean batch "
                  "time since the sample before; "
                  "latency of the requests that "
                  "ended since the sample before):", "",
              "| s | load | heap MiB | old gen MiB | live after major GC MiB | major GCs | RSS MiB | CPU % | Redis MiB | Redis keys | XLEN | "
              "write-behind pending | write-behind oldest s | bridge lag | bridge oldest s | PG dead rows | write-behind batch ms | oldest stream entry s | requests | p95 ms | p99 ms |",
              "|" + "---|" * 21]
    for r in s["samples"]:
        lines.append("| " + " | ".join("" if r.get(c) is None else str(r[c]) for c in (
            "elapsed_s", "phase", "heap_used_mib", "old_gen_mib", "live_after_major_gc_mib", "major_gcs", "rss_mib", "cpu_pct",
            "redis_used_mib", "redis_keys", "stream_len_total", "writebehind_pending", "writebehind_oldest_s", "bridge_lag",
            "bridge_oldest_s", "pg_dead_rows", "writebehind_batch_ms", "stream_oldest_s", "requests", "p95_ms", "p99_ms")) + " |")
    lines.append("")
    return "\n".join(lines)


def record(out_dir, benchmarks):
    record_under(benchmarks, MARK, "## Soak (`./cartwright soak`)\n\n"
                 "Issue 12: 30 minutes at 1000 shoppers with a 1 s think time; latency does not drift, heap and Redis "
                 "memory stay flat, the change stream is trimmed and the write-behind lag stays bounded. How the "
                 "verdicts are computed: scripts/soak.sh.", open(os.path.join(out_dir, "soak.md")).read())


if __name__ == "__main__":
    if sys.argv[1] == "--record":
        record(sys.argv[2], sys.argv[3])
    else:
        summarise(sys.argv[1])
