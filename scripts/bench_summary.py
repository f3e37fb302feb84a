#!/usr/bin/env python3
"""Summarises one `./cartwright bench` run: every figure, its ratio to the ceiling measured in the
same run, CPU per process, GC pauses and the machine. Writes summary.json and summary.md into the
run's folder; with --record, adds the Markdown to BENCHMARKS.md (newest run first)."""
import csv
import glob
import json
import os
import re
import sys

MARK = "<!-- bench-runs: newest first; written by ./cartwright bench -->"


def read_kv(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out


def read_cpu(path):
    out = {}
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if len(parts) == 2:
                out[parts[0]] = int(parts[1])
    return out


def cpu_use(out_dir, phase, seconds, clk_tck):
    before = read_cpu(os.path.join(out_dir, f"cpu-{phase}-before.txt"))
    after = read_cpu(os.path.join(out_dir, f"cpu-{phase}-after.txt"))
    if not seconds:
        return {}
    return {name: round((after[name] - before.get(name, 0)) / clk_tck / seconds, 2)
            for name in after if name in before}


PG_BACKGROUND = ("checkpointer", "background writer", "walwriter", "autovacuum launcher", "autovacuum worker",
                 "logical replication launcher", "logical replication worker", "stats collector", "archiver",
                 "walsender", "walreceiver", "startup")


def postgres_process_kind(title):
    """What a PostgreSQL process is, from the title it shows: a background process by name, a connection as
    'connections to <database>', the postmaster as 'postmaster'."""
    words = title.split()
    if not words or not words[0].startswith("postgres:"):
        return "postmaster"
    rest = words[1:]
    if rest and rest[0].endswith(":"):  # the cluster's name, as Debian's clusters show it ("15/main:")
        rest = rest[1:]
    text = " ".join(rest)
    for kind in PG_BACKGROUND:
        if text.startswith(kind):
            return kind
    return f"connections to {rest[1]}" if len(rest) > 1 else text or "postmaster"


def read_postgres(path):
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) >= 2 and parts[0].isdigit() and parts[1].isdigit():
                out[parts[0]] = (int(parts[1]), parts[2] if len(parts) > 2 else "")
    return out


def postgres_use(out_dir, phase, seconds, clk_tck):
    """PostgreSQL's CPU over a phase by kind of process, in cores, largest first: a process that started during the
    phase counts whole, one that ended during it is not counted (its share is lost, as in the total above)."""
    before = read_postgres(os.path.join(out_dir, f"cpu-{phase}-before-postgres.txt"))
    after = read_postgres(os.path.join(out_dir, f"cpu-{phase}-after-postgres.txt"))
    if not seconds or not after:
        return {}
    kinds = {}
    for pid, (ticks, title) in after.items():
        used = ticks - before.get(pid, (0, ""))[0]
        kind = postgres_process_kind(title)
        kinds[kind] = kinds.get(kind, 0) + max(used, 0)
    cores = {kind: round(ticks / clk_tck / seconds, 2) for kind, ticks in kinds.items()}
    return dict(sorted(((k, v) for k, v in cores.items() if v > 0), key=lambda kv: (-kv[1], kv[0])))


def postgres_sentence(phase):
    """' PostgreSQL by process: ...' for a phase's line, or nothing when the run did not record it."""
    by = phase.get("postgresByProcess")
    return " PostgreSQL by process: " + ", ".join(f"{k} {v}" for k, v in by.items()) + "." if by else ""


def gc(out_dir, phase):
    def parse(path):
        total = count = 0.0
        if os.path.exists(path):
            for line in open(path):
                m = re.match(r'jvm_gc_pause_seconds_(sum|count)\{[^}]*\}\s+([0-9.eE+-]+)', line)
                if m:
                    if m.group(1) == "sum":
                        total += float(m.group(2))
                    else:
                        count += float(m.group(2))
        return total, count
    s0, c0 = parse(os.path.join(out_dir, f"metrics-{phase}-before.txt"))
    s1, c1 = parse(os.path.join(out_dir, f"metrics-{phase}-after.txt"))
    if not os.path.exists(os.path.join(out_dir, f"metrics-{phase}-after.txt")):
        return None
    return {"pauses": int(c1 - c0), "pauseTotalMs": round((s1 - s0) * 1000, 1)}


def write_behind_lag(out_dir, phase):
    path = os.path.join(out_dir, f"metrics-{phase}-after.txt")
    lag = {}
    if os.path.exists(path):
        for line in open(path):
            m = re.match(r'(cartwright_writebehind_[a-z_]+)(\{[^}]*\})?\s+([0-9.eE+-]+)', line)
            if m:
                lag[m.group(1)] = float(m.group(3))
    return lag


def ceiling_sample(path):
    rows = list(csv.reader(open(path)))
    header, data = rows[0], rows[1]
    row = dict(zip(header, data))
    return {"scriptsPerSecond": float(row["rps"]), "p50Ms": float(row.get("p50_latency_ms", 0)),
            "p95Ms": float(row.get("p95_latency_ms", 0)), "p99Ms": float(row.get("p99_latency_ms", 0))}


def ceiling(out_dir):
    """The ceiling the run's ratios are taken against: redis-benchmark measured before the capacity run
    (ceiling.csv) and, in runs since 2026-12-06, again right after it (ceiling-after.csv); with both, each figure
    is their mean, so that the ceiling stands for the same stretch of a noisy machine as the run it is compared
    with. The samples are kept."""
    paths = [os.path.join(out_dir, name) for name in ("ceiling.csv", "ceiling-after.csv")]
    samples = [ceiling_sample(path) for path in paths if os.path.exists(path)]
    if not samples or not os.path.exists(paths[0]):
        return None
    mean = {key: round(sum(sample[key] for sample in samples) / len(samples), 3) for key in samples[0]}
    mean["samples"] = samples
    return mean


def gatling_phases(out_dir):
    """(think time in ms or None, phase name) of each Gatling run in the folder, by think time; runs recorded before
    Gatling ran once per think time have a single gatling.log."""
    phases = []
    for path in glob.glob(os.path.join(out_dir, "gatling-think*.log")):
        phase = os.path.basename(path)[:-len(".log")]
        phases.append((int(phase[len("gatling-think"):]), phase))
    if not phases and os.path.exists(os.path.join(out_dir, "gatling.log")):
        phases.append((None, "gatling"))
    return sorted(phases, key=lambda p: -1 if p[0] is None else p[0])


def gatling(out_dir, phase="gatling"):
    """Reads the "Global Information" block Gatling prints at the end of a run (its HTML report
    embeds the same figures; newer Gatling versions no longer write a stats.json)."""
    log = os.path.join(out_dir, phase + ".log")
    if not os.path.exists(log):
        return None
    text = open(log).read()
    block = text.rsplit("---- Global Information", 1)
    if len(block) < 2:
        return None
    rows = {}
    for line in block[1].splitlines():
        m = re.match(r">\s+(.+?)\s+\|\s+([0-9.,-]+)\s+\|\s+([0-9.,-]+)\s+\|\s+([0-9.,-]+)", line)
        if m:
            rows[m.group(1).strip()] = [m.group(i).replace(",", "") for i in (2, 3, 4)]

    def num(name, column=0):
        value = rows.get(name, ["-", "-", "-"])[column]
        return 0 if value == "-" else float(value)
    reports = re.findall(r"file://(\S+/index\.html)", text)
    return {
        "requests": int(num("request count")),
        "failed": int(num("request count", 2)),
        "throughputPerSecond": num("mean throughput (rps)"),
        "p50Ms": num("response time 50th percentile (ms)"), "p75Ms": num("response time 75th percentile (ms)"),
        "p95Ms": num("response time 95th percentile (ms)"), "p99Ms": num("response time 99th percentile (ms)"),
        "maxMs": num("max response time (ms)"),
        "report": os.path.relpath(reports[-1], os.path.dirname(os.path.dirname(os.path.dirname(out_dir)))) if reports else "",
        "assertionsPassed": "false (actual" not in text,
    }


def backlog(out_dir, phase):
    """Write-behind and Kafka bridge backlog at the start and end of a phase: growing means they fell behind.
    Each change stream has a series of its own (label stream); the backlog is their sum."""
    def read(path):
        out = {}
        if os.path.exists(path):
            for line in open(path):
                m = re.match(r'(cartwright_writebehind_pending|cartwright_kafka_bridge_lag)(\{.*\})?\s+([0-9.eE+-]+)$', line)
                if m:
                    out[m.group(1)] = out.get(m.group(1), 0.0) + float(m.group(3))
        return out
    before = read(os.path.join(out_dir, f"metrics-{phase}-before.txt"))
    after = read(os.path.join(out_dir, f"metrics-{phase}-after.txt"))
    return {name: [before.get(name), value] for name, value in after.items()}


def jmh(out_dir):
    """One row per JMH benchmark and parameter set of the run, from the jmh-<module>.json files (bench.sh --jmh)."""
    rows = []
    for path in sorted(glob.glob(os.path.join(out_dir, "jmh-*.json"))):
        module = os.path.basename(path)[len("jmh-"):-len(".json")]
        for b in json.load(open(path)):
            secondary = b.get("secondaryMetrics", {})
            row = {"module": module, "benchmark": ".".join(b["benchmark"].split(".")[-2:]), "params": b.get("params", {}),
                   "mode": b["mode"], "score": b["primaryMetric"]["score"], "error": b["primaryMetric"]["scoreError"],
                   "unit": b["primaryMetric"]["scoreUnit"]}
            if "mutations" in secondary:
                row["mutationsPerSecond"] = secondary["mutations"]["score"]
            if "gc.alloc.rate.norm" in secondary:
                row["allocBytesPerOp"] = secondary["gc.alloc.rate.norm"]["score"]
            rows.append(row)
    return rows


def protocol_cost(out_dir, duration, clk_tck):
    """The Checkout Service's CPU per 1000 requests over gRPC and over HTTP/JSON (the protocol-<protocol>-<round> phases:
    the same sessions at the same rate), each summed over its rounds, and the ratio HTTP/JSON / gRPC."""
    per = {}
    for path in sorted(glob.glob(os.path.join(out_dir, "protocol-*.json"))):
        phase = os.path.basename(path)[:-len(".json")]
        d = json.load(open(path))
        service = d.get("service")
        if not service:
            continue
        before = read_cpu(os.path.join(out_dir, f"cpu-{phase}-before.txt"))
        after = read_cpu(os.path.join(out_dir, f"cpu-{phase}-after.txt"))
        p = per.setdefault(d.get("protocol", "?"), {"rounds": 0, "requests": 0, "cpuMs": 0, "seconds": 0.0, "machineTicks": 0,
                                                    "machineSeconds": 0, "errors": 0, "p99Ms": []})
        p["rounds"] += 1
        # The driver read the service's CPU over exactly its measured requests (from the end of its warm-up until the
        # last answer); the machine's busy time comes from the bench's own snapshots, over --duration seconds.
        p["requests"] += service["requests"]
        p["cpuMs"] += service["cpuMs"]
        p["seconds"] += service["elapsedSeconds"]
        if "machine" in before and "machine" in after:
            p["machineTicks"] += after["machine"] - before["machine"]
            p["machineSeconds"] += duration
        p["errors"] += d.get("errorCount", 0)
        p["p99Ms"].append(d["all"].get("p99Ms"))
    out = {}
    for name, p in per.items():
        if not p["requests"]:
            continue
        out[name] = {"rounds": p["rounds"], "requests": p["requests"], "errors": p["errors"], "p99Ms": p["p99Ms"],
                     "serviceCpuMsPer1000": round(p["cpuMs"] / p["requests"] * 1000, 1),
                     "serviceCores": round(p["cpuMs"] / 1000 / p["seconds"], 2) if p["seconds"] else None,
                     "machineBusyCores": round(p["machineTicks"] / clk_tck / p["machineSeconds"], 2) if p["machineSeconds"] else None}
    if "grpc" in out and "http-json" in out and out["grpc"]["serviceCpuMsPer1000"]:
        out["ratio"] = round(out["http-json"]["serviceCpuMsPer1000"] / out["grpc"]["serviceCpuMsPer1000"], 2)
    return out



def floor_comparison(s):
    """One sentence setting the Checkout Service's capacity run beside the floor's (GrpcFloor) and the ceiling."""
    fl, k, c = s.get("grpcFloor"), s.get("grpcCapacity"), s.get("ceiling")
    if not fl or not k:
        return None
    f, a = fl["all"], k["all"]
    parts = [f"the floor answered {f['throughputPerSecond']} requests/s (p95 {f['p95Ms']} ms), the Checkout Service "
             f"{a['throughputPerSecond']} ({a['p95Ms']} ms): {round(a['throughputPerSecond'] / f['throughputPerSecond'], 2)} of the "
             f"floor's throughput, its p95 {round(a['p95Ms'] / f['p95Ms'], 2)}x the floor's"]
    if c:
        parts.append(f"the floor's own p95 ÷ the ceiling's {round(f['p95Ms'] / c['p95Ms'], 2)} (the bar of 1.5 is the service's)")
    fs, ks = fl.get("service") or {}, k.get("service") or {}
    if fs.get("cpuMsPer1000Requests") and ks.get("cpuMsPer1000Requests"):
        parts.append(f"CPU per 1000 requests: Checkout Service {ks['cpuMsPer1000Requests']} ms, floor {fs['cpuMsPer1000Requests']} ms")
    return "Against the floor, the same driver and requests in flight: " + "; ".join(parts) + "."

def summarise(out_dir, rate, duration, connections, users, think_ms):
    machine = read_kv(os.path.join(out_dir, "machine.txt"))
    clk = int(machine.get("clk_tck", "100"))
    summary = {"run": os.path.basename(out_dir), "machine": machine,
               "settings": {"rate": rate, "durationSeconds": duration, "connections": connections,
                            "users": users, "thinkMs": think_ms}}
    c = ceiling(out_dir)
    summary["ceiling"] = c
    driver_path = os.path.join(out_dir, "driver.json")
    if os.path.exists(driver_path):
        d = json.load(open(driver_path))
        summary["grpcDriver"] = {"all": d["all"], "rpcs": d["rpcs"], "errors": d["errors"], "errorCount": d["errorCount"],
                                 "errorsByCircumstance": d.get("errorsByCircumstance"),
                                 "cpuCoresUsed": cpu_use(out_dir, "driver", duration, clk), "gc": gc(out_dir, "driver"),
                                 "postgresByProcess": postgres_use(out_dir, "driver", duration, clk),
                                 "writeBehind": write_behind_lag(out_dir, "driver")}
    # Which gRPC client the driver ran (reports before 2026-12-07 name none: the Vert.x gRPC client, pooled over
    # --connections), over how many connections, and how it chose one for a call (reports before the choice was
    # reported took them in turn).
    for phase in ("capacity", "driver"):
        path = os.path.join(out_dir, phase + ".json")
        if os.path.exists(path):
            d = json.load(open(path))
            summary["settings"]["grpcClient"] = d.get("client", "vertx-grpc")
            summary["settings"]["grpcConnections"] = d.get("connections", connections)
            summary["settings"]["grpcPick"] = d.get("pick", "turn" if d.get("client") == "h2" else "pool")
            break
    capacity_path = os.path.join(out_dir, "capacity.json")
    if os.path.exists(capacity_path):
        k = json.load(open(capacity_path))
        mutations = sum(r["throughputPerSecond"] for name, r in k["rpcs"].items() if name != "GET")
        summary["grpcCapacity"] = {"all": k["all"], "rpcs": k["rpcs"], "errors": k["errors"], "errorCount": k["errorCount"],
                                   "errorsByCircumstance": k.get("errorsByCircumstance"),
                                   "mutationsPerSecond": mutations,
                                   "cpuCoresUsed": cpu_use(out_dir, "capacity", duration, clk), "gc": gc(out_dir, "capacity"),
                                   "postgresByProcess": postgres_use(out_dir, "capacity", duration, clk)}
        if c:
            summary["grpcCapacity"]["mutationRatioToCeiling"] = round(mutations / c["scriptsPerSecond"], 3)
        summary["grpcCapacity"]["backlog"] = backlog(out_dir, "capacity")
        if k.get("service"):
            summary["grpcCapacity"]["service"] = k["service"]
        if k.get("timeline", {}).get("answersPerSlot"):
            summary["grpcCapacity"]["answersPerSlot"] = dict(k["timeline"]["answersPerSlot"], slotMs=k["timeline"]["slotMs"])
    floor_path = os.path.join(out_dir, "floor.json")
    if os.path.exists(floor_path):
        f = json.load(open(floor_path))
        summary["grpcFloor"] = {"all": f["all"], "errorCount": f["errorCount"], "service": f.get("service"),
                                "cpuCoresUsed": cpu_use(out_dir, "floor", duration, clk)}
    protocols = protocol_cost(out_dir, duration, clk)
    if protocols:
        summary["protocolCost"] = protocols
    j = jmh(out_dir)
    if j:
        settings = os.path.join(out_dir, "jmh-settings.txt")
        summary["jmh"] = {"settings": open(settings).read().strip() if os.path.exists(settings) else "", "benchmarks": j}
    runs = []
    for think, phase in gatling_phases(out_dir):
        g = gatling(out_dir, phase)
        if g:
            g["thinkMs"] = think if think is not None else think_ms
            g["cpuCoresUsed"] = cpu_use(out_dir, phase, duration, clk)
            g["postgresByProcess"] = postgres_use(out_dir, phase, duration, clk)
            g["gc"] = gc(out_dir, phase)
            g["backlog"] = backlog(out_dir, phase)
            runs.append(g)
    if runs:
        summary["gatling"] = runs
    settle = os.path.join(out_dir, "settle.txt")
    if os.path.exists(settle):
        summary["settled"] = [dict([("phase", line.split()[0])] + [kv.split("=", 1) for kv in line.split()[1:]])
                              for line in open(settle) if line.strip()]
    json.dump(summary, open(os.path.join(out_dir, "summary.json"), "w"), indent=2)
    md = markdown(summary)
    open(os.path.join(out_dir, "summary.md"), "w").write(md)
    print(md)


def scale_bars(s, runs):
    """The three bars a run must hold: mutations at 1000 in flight >= 0.5 of the ceiling, their p95 <= 1.5x the
    ceiling's own p95, and p99 < 10 ms for the Gatling shoppers with a 1 s think time."""
    bars = []
    c, k = s.get("ceiling"), s.get("grpcCapacity")
    if c and k:
        ratio = k.get("mutationRatioToCeiling")
        if ratio is not None:
            bars.append(f"mutations/s at {s['settings']['connections']} in flight ÷ ceiling {ratio} (bar >= 0.5: "
                        f"{'held' if ratio >= 0.5 else 'MISSED'})")
        if c.get("p95Ms") and k["all"].get("p95Ms") is not None:
            p95 = round(k["all"]["p95Ms"] / c["p95Ms"], 2)
            bars.append(f"p95 ÷ the ceiling's p95 {p95} ({k['all']['p95Ms']} against {c['p95Ms']} ms; bar <= 1.5: "
                        f"{'held' if p95 <= 1.5 else 'MISSED'})")
    for g in runs:
        if str(g.get("thinkMs")) == "1000":
            bars.append(f"Gatling think 1 s p99 {g['p99Ms']} ms (bar < 10 ms: {'held' if g['p99Ms'] < 10 and g['failed'] == 0 else 'MISSED'})")
    return bars


def markdown(s):
    m, st = s["machine"], s["settings"]
    lines = [f"### Run {s['run']}", "",
             f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory', '?')}; {m.get('java', '?')}; "
             f"Redis {m.get('redis', '?')} with appendonly={m.get('redis_aof', '?')} (appendfsync {m.get('redis_fsync', '?')}); "
             f"PostgreSQL autovacuum {m.get('pg_autovacuum', '?')}; "
             "services, Redis, PostgreSQL, Kafka and the load generators all on this machine.", "",
             f"Settings: gRPC driver ({st.get('grpcClient', 'vertx-grpc')} client) {st['rate']} requests/s open loop for "
             f"{st['durationSeconds']} s over {st.get('grpcConnections', st['connections'])} connections"
             f"{' (each call on the one with the fewest calls open)' if st.get('grpcPick') == 'fewest' else ''}; Gatling {st['users']} concurrent shoppers (closed model) for {st['durationSeconds']} s after a "
             f"10 s ramp, think times {st['thinkMs']} ms.", "",
             "| measurement | throughput /s | p50 ms | p95 ms | p99 ms | p99.9 ms | max ms | errors | ratio to ceiling |",
             "|---|---|---|---|---|---|---|---|---|"]
    if m.get("service_warmup"):
        lines.insert(3, f"Warm-up before measuring, not recorded: {m['service_warmup']}.")
    if not any(s.get(part) for part in ("ceiling", "grpcCapacity", "grpcDriver", "gatling")):
        del lines[-5:]  # a JMH-only or protocol-cost-only run: no load settings, no table of load figures
    c = s.get("ceiling")
    if c:
        samples = c.get("samples", [])
        if len(samples) > 1:
            for when, sample in zip(("before", "after"), samples):
                lines.append(f"| ceiling {when} the capacity run: redis-benchmark, cart-mutate.lua add, {st['connections']} clients | "
                             f"{sample['scriptsPerSecond']:.0f} | {sample['p50Ms']} | {sample['p95Ms']} | {sample['p99Ms']} | | | | |")
            label = "ceiling: the mean of the two"
        else:
            label = f"ceiling: redis-benchmark, cart-mutate.lua add, {st['connections']} clients"
        lines.append(f"| {label} | {c['scriptsPerSecond']:.0f} | {c['p50Ms']} | {c['p95Ms']} | {c['p99Ms']} | | | | 1.0 |")
    k = s.get("grpcCapacity")
    if k:
        a = k["all"]
        lines.append(f"| gRPC capacity, {st['connections']} in flight, all cart RPCs | {a['throughputPerSecond']} | {a['p50Ms']} | "
                     f"{a['p95Ms']} | {a['p99Ms']} | {a['p999Ms']} | {a['maxMs']} | {k['errorCount']} | |")
        lines.append(f"| gRPC capacity, cart mutations only | {k['mutationsPerSecond']} | | | | | | | "
                     f"{k.get('mutationRatioToCeiling', '')} |")
    fl = s.get("grpcFloor")
    if fl:
        a = fl["all"]
        lines.append(f"| gRPC floor (GrpcFloor: the ceiling's call behind a bare Vert.x gRPC server), {st['connections']} in flight | "
                     f"{a['throughputPerSecond']} | {a['p50Ms']} | {a['p95Ms']} | {a['p99Ms']} | {a['p999Ms']} | {a['maxMs']} | "
                     f"{fl['errorCount']} | |")
    d = s.get("grpcDriver")
    if d:
        a = d["all"]
        lines.append(f"| gRPC open loop at {st['rate']}/s, all cart RPCs | {a['throughputPerSecond']} | {a['p50Ms']} | {a['p95Ms']} | {a['p99Ms']} | "
                     f"{a['p999Ms']} | {a['maxMs']} | {d['errorCount']} | |")
        for rpc, r in d["rpcs"].items():
            lines.append(f"| gRPC open loop {rpc} | {r['throughputPerSecond']} | {r['p50Ms']} | {r['p95Ms']} | {r['p99Ms']} | "
                         f"{r['p999Ms']} | {r['maxMs']} | | |")
    runs = s.get("gatling") or []
    if isinstance(runs, dict):  # a summary written before Gatling ran once per think time
        runs = [dict(runs, thinkMs=st["thinkMs"])]
    for g in runs:
        lines.append(f"| Gatling HTTP/JSON, {st['users']} concurrent shoppers, think {g['thinkMs']} ms | {g['throughputPerSecond']} | "
                     f"{g['p50Ms']} | {g['p95Ms']} | {g['p99Ms']} | | {g['maxMs']} | {g['failed']} | |")
    lines.append("")
    if k:
        cpu = ", ".join(f"{n} {v}" for n, v in k["cpuCoresUsed"].items())
        lines.append(f"CPU during the gRPC capacity run, in cores: {cpu}.{postgres_sentence(k)}")
        if k.get("gc"):
            lines.append(f"Checkout service GC during the capacity run: {k['gc']['pauses']} pauses, {k['gc']['pauseTotalMs']} ms in all.")
        if k.get("answersPerSlot"):
            a = k["answersPerSlot"]
            lines.append(f"Answers per {a['slotMs']:g} ms in the capacity run: p5 {a['p5']}, median {a['median']}, max {a['max']}, "
                         f"coefficient of variation {a.get('variation')}; {a['slotsUnderHalfTheMedian']} slots under half the median "
                         "(`scripts/cpu_timeline.py` lines the slots up with each process's CPU).")
        if k.get("backlog"):
            lines.append("Background backlog over the capacity run (start → end; growing means it fell behind): "
                         + ", ".join(f"{n} {b[0] if b[0] is None else f'{b[0]:g}'} → {b[1]:g}" for n, b in k["backlog"].items()) + ".")
    if d:
        cpu = ", ".join(f"{n} {v}" for n, v in d["cpuCoresUsed"].items())
        lines.append(f"CPU during the gRPC open-loop run, in cores: {cpu}.{postgres_sentence(d)}")
        if d.get("gc"):
            lines.append(f"Checkout service GC during the open-loop run: {d['gc']['pauses']} pauses, {d['gc']['pauseTotalMs']} ms in all.")
        if d.get("writeBehind"):
            lines.append("Write-behind at the end of the open-loop run: " + ", ".join(f"{k} {v:g}" for k, v in d["writeBehind"].items()) + ".")
    for name, phase in (("capacity", k), ("open-loop", d)):
        if phase and phase.get("errorsByCircumstance"):
            lines.append(f"Errors in the {name} run by what the shopper had going on (\"none\": nothing in the driver explains "
                         "them): " + ", ".join(f"{n} {v}" for n, v in phase["errorsByCircumstance"].items()) + ".")
    for g in runs:
        think = g["thinkMs"]
        if g.get("cpuCoresUsed"):
            cpu = ", ".join(f"{n} {v}" for n, v in g["cpuCoresUsed"].items())
            lines.append(f"CPU during Gatling with think time {think} ms (after the ramp), in cores: {cpu}.{postgres_sentence(g)}")
        if g.get("backlog"):
            lines.append(f"Background backlog over that run (start → end): "
                         + ", ".join(f"{n} {b[0] if b[0] is None else f'{b[0]:g}'} → {b[1]:g}" for n, b in g["backlog"].items()) + ".")
        if str(think) == "0":
            bar = f"the floor (p95 < 50 ms, no errors) {'held' if g['p95Ms'] < 50 and g['failed'] == 0 else 'was MISSED'}"
        else:
            bar = f"the aim (p99 < 10 ms) {'held' if g['p99Ms'] < 10 and g['failed'] == 0 else 'was MISSED'}"
        lines.append(f"Gatling report (think {think} ms): `{g['report']}`; Gatling's own assertion (p95 < 50 ms, no failures) "
                     f"{'held' if g['assertionsPassed'] else 'failed'}; {bar}.")
    bars = scale_bars(s, runs)
    if bars:
        lines.append("The bars at scale, each a ratio within this run: " + "; ".join(bars) + ".")
    floor_sentence = floor_comparison(s)
    if floor_sentence:
        lines.append(floor_sentence)
    pc = s.get("protocolCost")
    if pc and "grpc" in pc and "http-json" in pc:
        g, h = pc["grpc"], pc["http-json"]
        lines.append(f"Service CPU per 1000 requests (the Checkout Service process, utime + stime from /proc, over the same shopper "
                     f"sessions at the same open-loop rate, {g['rounds']} alternating rounds of {st['durationSeconds']} s per protocol; "
                     f"{m.get('protocol_phases', '')}): gRPC {g['serviceCpuMsPer1000']} ms ({g['requests']} requests, {g['errors']} errors, "
                     f"p99 {g['p99Ms']} ms), HTTP/JSON {h['serviceCpuMsPer1000']} ms ({h['requests']} requests, {h['errors']} errors, "
                     f"p99 {h['p99Ms']} ms): HTTP/JSON costs {pc.get('ratio')}x gRPC (goal <= 1.3x: "
                     f"{'held' if pc.get('ratio') is not None and pc['ratio'] <= 1.3 else 'MISSED'}). Machine busy meanwhile, in cores: "
                     f"{g['machineBusyCores']} (gRPC rounds), {h['machineBusyCores']} (HTTP/JSON rounds).")
    if s.get("settled"):
        waits = ", ".join(f"{w['phase']} {w.get('waited', '?')} s" for w in s["settled"])
        lines.append(f"Waited for the write-behind and the Kafka bridge to catch up before each phase: {waits}.")
    lines.append("")
    jm = s.get("jmh")
    if jm:
        lines += [f"JMH (`{jm['settings']}`; short runs, so the errors are wide on a shared machine):", "",
                  "| module | benchmark | parameters | score | ± error | unit | changes/s | alloc B/op |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in jm["benchmarks"]:
            params = ", ".join(f"{k}={v}" for k, v in r["params"].items())
            mutations = f"{r['mutationsPerSecond']:.0f}" if "mutationsPerSecond" in r else ""
            alloc = f"{r['allocBytesPerOp']:.0f}" if "allocBytesPerOp" in r else ""
            lines.append(f"| {r['module']} | {r['benchmark']} | {params} | {r['score']:.4g} | {r['error']:.2g} | {r['unit']} | "
                         f"{mutations} | {alloc} |")
        lines.append("")
    return "\n".join(lines)


def record_under(benchmarks, mark, section, md):
    """Puts md right after mark in the benchmarks file (newest first), adding section and mark at its end if absent."""
    text = open(benchmarks).read() if os.path.exists(benchmarks) else "# Benchmarks\n"
    if mark not in text:
        text = text.rstrip("\n") + "\n\n" + section + "\n\n" + mark + "\n"
    text = text.replace(mark, mark + "\n\n" + md, 1)
    open(benchmarks, "w").write(text)


def record(out_dir, benchmarks):
    record_under(benchmarks, MARK, "## Cart service end to end (`./cartwright bench`)",
                 open(os.path.join(out_dir, "summary.md")).read())


if __name__ == "__main__":
    if sys.argv[1] == "--record":
        record(sys.argv[2], sys.argv[3])
    else:
        out, rate, duration, connections, users, think = sys.argv[1:7]
        summarise(out, int(rate), int(duration), int(connections), int(users), think)
