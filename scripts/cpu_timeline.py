#!/usr/bin/env python3
"""Which process takes the cores when the stack answers less: CPU per process every 100 ms, lined up with the load
driver's timeline (LoadDriver's report, "timeline": answers per 100 ms slot with its wall-clock start).

    scripts/cpu_timeline.py sample SERVICE_PID SECONDS OUT.json [--redis-port 6379]
        samples, every 100 ms for SECONDS, the CPU ticks (utime + stime from /proc) of: the Checkout Service's
        threads by kind (event loops, workers, GC, Kafka producer, other), Redis (the redis-server on --redis-port),
        every PostgreSQL process, the in-process Kafka broker and the load driver. Start it once the driver's
        measured phase has begun.
    scripts/cpu_timeline.py correlate OUT.json DRIVER_REPORT.json
        for each group: its mean share of a core per slot, how much it varies, and its correlation with the answers
        per slot; then the groups' mean in the fifth of the slots with the fewest answers against the fifth with
        the most. A group that is busy when the answers drop is what the latency waits on.
Linux only (it reads /proc); it sends no traffic and changes nothing.
"""
import json
import os
import statistics
import sys
import time


def pids_matching(test):
    out = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="ignore")
        except OSError:
            continue
        if test(cmd):
            out.append(int(pid))
    return out


def ticks_of(stat):
    fields = stat[stat.rindex(")") + 2:].split()
    return int(fields[11]) + int(fields[12])


def process_ticks(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return ticks_of(f.read())
    except OSError:
        return 0


def thread_kind(name):
    # /proc truncates thread names to 15 characters: "vert.x-eventloo", "vert.x-worker-t"
    if "eventloo" in name:
        return "service-eventloops"
    if "worker" in name:
        return "service-workers"
    if "GC" in name:
        return "service-gc"
    if "kafka" in name:
        return "service-kafka-producer"
    return "service-other"


def service_ticks(pid):
    out = {}
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{task}/stat") as f:
                ticks = ticks_of(f.read())
        except OSError:
            continue
        kind = thread_kind(name)
        out[kind] = out.get(kind, 0) + ticks
    return out


def sample(service_pid, seconds, out_path, redis_port):
    groups = {
        "redis": pids_matching(lambda c: c.startswith("redis-server") and f":{redis_port}" in c),
        "postgres": pids_matching(lambda c: c.startswith("postgres")),
        "kafka": pids_matching(lambda c: "EmbeddedKafka" in c),
        "driver": pids_matching(lambda c: "dev.cartwright.loadtest.LoadDriver" in c),
    }
    samples = []
    end = time.time() + seconds
    while time.time() < end:
        began = time.time()
        row = {"t": began}
        for group, pids in groups.items():
            row[group] = sum(process_ticks(p) for p in pids)
        row.update(service_ticks(service_pid))
        samples.append(row)
        time.sleep(max(0.0, 0.1 - (time.time() - began)))
    with open(out_path, "w") as f:
        json.dump({"clkTck": os.sysconf("SC_CLK_TCK"), "processes": {g: len(p) for g, p in groups.items()},
                   "samples": samples}, f)


def correlation(xs, ys):
    mx, my = statistics.mean(xs), statistics.mean(ys)
    sx = sum((x - mx) ** 2 for x in xs) ** 0.5
    sy = sum((y - my) ** 2 for y in ys) ** 0.5
    return 0.0 if sx == 0 or sy == 0 else sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / (sx * sy)


def correlate(samples_path, report_path):
    data = json.load(open(samples_path))
    timeline = json.load(open(report_path))["timeline"]
    start, slot_s, answers = timeline["startEpochMs"] / 1000, timeline["slotMs"] / 1000, timeline["answers"]
    samples, clk = data["samples"], data["clkTck"]
    groups = sorted({k for s in samples for k in s if k != "t"})
    rows = []
    for before, after in zip(samples, samples[1:]):
        slot = int(((before["t"] + after["t"]) / 2 - start) / slot_s)
        if 1 <= slot < len(answers) - 1:  # the first and last slots are cut short by the phase's ends
            span = after["t"] - before["t"]
            rows.append((answers[slot], {g: (after.get(g, 0) - before.get(g, 0)) / clk / span for g in groups}))
    if len(rows) < 10:
        sys.exit("fewer than 10 samples fall inside the driver's measured phase: sample while it runs")
    counts = [r[0] for r in rows]
    print(f"{len(rows)} slots of {timeline['slotMs']:.0f} ms; answers per slot: mean {statistics.mean(counts):.0f}, "
          f"coefficient of variation {statistics.pstdev(counts) / statistics.mean(counts):.2f}")
    ranked = sorted(rows, key=lambda r: r[0])
    fifth = max(1, len(rows) // 5)
    fewest, most = ranked[:fifth], ranked[-fifth:]
    print(f"{'group':24} {'cores':>6} {'sd':>5} {'corr':>6} {'fewest':>7} {'most':>6}")
    for g in groups:
        values = [r[1][g] for r in rows]
        print(f"{g:24} {statistics.mean(values):6.2f} {statistics.pstdev(values):5.2f} {correlation(counts, values):+6.2f} "
              f"{statistics.mean(r[1][g] for r in fewest):7.2f} {statistics.mean(r[1][g] for r in most):6.2f}")
    print(f"answers per slot in the fifth with the fewest: {statistics.mean(r[0] for r in fewest):.0f}, "
          f"with the most: {statistics.mean(r[0] for r in most):.0f}")


def main(argv):
    if len(argv) >= 4 and argv[0] == "sample":
        port = argv[argv.index("--redis-port") + 1] if "--redis-port" in argv else "6379"
        sample(int(argv[1]), float(argv[2]), argv[3], port)
    elif len(argv) == 3 and argv[0] == "correlate":
        correlate(argv[1], argv[2])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
