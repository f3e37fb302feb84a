package dev.cartwright.chaos;

import dev.cartwright.sim.Knobs;
import dev.cartwright.sim.SimService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The full fault suite ({@code ./cartwright chaos}): everything on the suite's own servers and ports (PostgreSQL
 * cluster, Kafka broker, Redis with AOF always, the Checkout Service process), each phase on a fresh schema and fresh
 * topics, then one table row per phase appended to RELIABILITY.md.
 *
 * <pre>
 * ChaosMain [--service-kills 100] [--redis-kills 10] [--kill-minutes 45] [--pg-down 60] [--kafka-down 60] [--fuzz 10000]
 *           [--confirm-carts 100] [--confirm-attempts 10] [--refund-returns 100] [--refund-attempts 10] [--fuzz-returns 10000]
 *           [--shoppers 6] [--carts 4] [--between 3]
 *           [--return-kills 10] [--return-workers 4]
 *           [--only kills,return-kills,postgres,kafka,neighbours,proxy,confirm,refunds,fuzz,fuzz-returns,jwt]
 *           [--record RELIABILITY.md | --no-record]
 * </pre>
 */
public final class ChaosMain {

    private record Row(String phase, String faults, long acknowledged, long lost, long duplicated, String other, boolean clean) {
    }

    /** The rig of the phase running now, for the clean-up on Ctrl-C. */
    private static final java.util.concurrent.atomic.AtomicReference<AutoCloseable> CURRENT =
        new java.util.concurrent.atomic.AtomicReference<>();

    private ChaosMain() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        String[] defaults = {"--service-kills", "100", "--redis-kills", "10", "--kill-minutes", "45", "--pg-down", "60",
            "--kafka-down", "60", "--fuzz", "10000",
            "--confirm-carts", "100", "--confirm-attempts", "10", "--refund-returns", "100", "--refund-attempts", "10",
            "--fuzz-returns", "10000", "--shoppers", "6", "--carts", "4", "--between", "3",
            "--return-kills", "10", "--return-workers", "4",
            "--only", "kills,return-kills,postgres,kafka,neighbours,proxy,confirm,refunds,fuzz,fuzz-returns,jwt",
            "--record", "RELIABILITY.md"};
        for (int i = 0; i < defaults.length; i += 2) {
            options.put(defaults[i], defaults[i + 1]);
        }
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--no-record")) {
                options.put("--record", "");
            } else if (options.containsKey(args[i]) && i + 1 < args.length) {
                options.put(args[i], args[++i]);
            } else {
                System.err.println("chaos: unknown option " + args[i] + "; options: " + options.keySet() + " --no-record");
                System.exit(2);
            }
        }
        List<String> only = List.of(options.get("--only").split(","));
        int shoppers = Integer.parseInt(options.get("--shoppers"));
        int carts = Integer.parseInt(options.get("--carts"));
        Duration between = Duration.ofSeconds(Long.parseLong(options.get("--between")));
        Duration catchUp = Duration.ofSeconds(180);
        Instant started = Instant.now();
        String stamp = started.truncatedTo(ChronoUnit.SECONDS).toString().replaceAll("[-:]", "").toLowerCase();
        Path logs = Path.of("chaos", "target", "chaos-run-" + stamp);
        Files.createDirectories(logs);
        // Each finished phase is also written to the run's folder at once, so that an interrupted run keeps its figures.
        List<Row> rows = new ArrayList<>() {
            @Override
            public boolean add(Row row) {
                boolean added = super.add(row);
                try {
                    Files.writeString(logs.resolve("table.md"), table(this, started), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    say("could not write " + logs.resolve("table.md") + ": " + e.getMessage());
                }
                return added;
            }
        };
        say("logs in " + logs.toAbsolutePath());

        say("starting the suite's own PostgreSQL and Kafka");
        try (OwnPostgres postgres = OwnPostgres.start(); OwnKafka kafka = OwnKafka.start()) {
            // Ctrl-C or SIGTERM must not leave the suite's servers and service behind.
            Thread cleanUp = new Thread(() -> {
                AutoCloseable rig = CURRENT.get();
                if (rig != null) {
                    try {
                        rig.close();
                    } catch (Exception e) {
                        say("could not stop the phase's services: " + e);
                    }
                }
                kafka.close();
                postgres.close();
            }, "chaos-clean-up");
            Runtime.getRuntime().addShutdownHook(cleanUp);
            if (only.contains("kills")) {
                try {
                    String run = "kills_" + stamp;
                    try (ChaosRig rig = rig(postgres, kafka, run, logs, false)) {
                        int serviceKills = Integer.parseInt(options.get("--service-kills"));
                        int redisKills = Integer.parseInt(options.get("--redis-kills"));
                        long minutes = Long.parseLong(options.get("--kill-minutes"));
                        say("kills: " + serviceKills + " SIGKILLs of the Checkout Service, " + redisKills + " of Redis, under load; "
                            + "none started after " + minutes + " min");
                        FaultRun.Result result = FaultRun.run(rig, new Ledger(), run, shoppers, carts,
                            FaultRun.kills(rig, serviceKills, redisKills), between, catchUp,
                            Instant.now().plus(Duration.ofMinutes(minutes)));
                        Row row = row("kills", result);
                        boolean cut = result.count(FaultRun.SERVICE_KILL) < serviceKills || result.count(FaultRun.REDIS_KILL) < redisKills;
                        rows.add(cut ? new Row(row.phase(), row.faults() + " (of " + serviceKills + " + " + redisKills + " asked: "
                            + "the " + minutes + " min bound came first)", row.acknowledged(), row.lost(), row.duplicated(), row.other(),
                            row.clean()) : row);
                    }
                } catch (RuntimeException e) {
                    rows.add(failed("kills", e));
                }
            }
            if (only.contains("return-kills")) {
                try {
                    String run = "returnkills_" + stamp;
                    int kills = Integer.parseInt(options.get("--return-kills"));
                    int workers = Integer.parseInt(options.get("--return-workers"));
                    long minutes = Long.parseLong(options.get("--kill-minutes"));
                    try (ReturnRig rig = current(ReturnRig.start(postgres.target(run), kafka.bootstrap(), ReturnRig.Topics.of(run),
                        logs.resolve(run), ReturnKills.serviceSettings()))) {
                        say("return-kills: " + kills + " SIGKILLs of the Return Service while " + workers + " shoppers return and staff "
                            + "approve, receive and refund; none started after " + minutes + " min");
                        Instant deadline = Instant.now().plus(Duration.ofMinutes(minutes));
                        ReturnKills.Result result = ReturnKills.run(rig, run, workers, kills, between, deadline, catchUp);
                        say(result.summary());
                        result.problems().forEach(p -> say("  finding: " + p));
                        String faults = result.kills() + " × " + ReturnKills.RETURN_KILL + (result.kills() < kills ? " (of " + kills
                            + " asked: the " + minutes + " min bound came first)" : "");
                        String other = "returns " + result.returns() + ", refunds " + result.refundsAsked() + " (completed "
                            + result.completed() + ", still pending " + result.unsettled() + "), lost returns " + result.lostReturns()
                            + ", lost refunds " + result.lostRefunds() + ", doubled returns " + result.doubledReturns()
                            + ", doubled refunds " + result.doubledRefunds() + ", retried after an unknown outcome " + result.unknown();
                        rows.add(new Row("Return Service kills", faults, result.acknowledged(),
                            result.lostReturns() + result.lostRefunds(), result.doubledReturns() + result.doubledRefunds(), other,
                            result.clean()));
                    }
                } catch (RuntimeException e) {
                    rows.add(failed("return-kills", e));
                }
            }
            if (only.contains("postgres")) {
                try {
                    String run = "pgdown_" + stamp;
                    Duration down = Duration.ofSeconds(Long.parseLong(options.get("--pg-down")));
                    try (ChaosRig rig = rig(postgres, kafka, run, logs, false)) {
                        say("postgres: PostgreSQL stopped for " + down.toSeconds() + " s under load");
                        FaultRun.Result result = FaultRun.run(rig, new Ledger(), run, shoppers, carts,
                            List.of(new FaultRun.Fault("PostgreSQL stopped " + down.toSeconds() + " s", () -> postgres.stopFor(down))),
                            between.multipliedBy(3), catchUp);
                        rows.add(row("PostgreSQL down", result));
                    }
                } catch (RuntimeException e) {
                    rows.add(failed("postgres", e));
                }
            }
            if (only.contains("kafka")) {
                try {
                    String run = "kafkadown_" + stamp;
                    Duration down = Duration.ofSeconds(Long.parseLong(options.get("--kafka-down")));
                    try (ChaosRig rig = rig(postgres, kafka, run, logs, false)) {
                        say("kafka: the broker stopped for " + down.toSeconds() + " s under load");
                        FaultRun.Result result = FaultRun.run(rig, new Ledger(), run, shoppers, carts,
                            List.of(new FaultRun.Fault("Kafka stopped " + down.toSeconds() + " s", () -> kafka.stopFor(down))),
                            between.multipliedBy(3), catchUp);
                        rows.add(row("Kafka down", result));
                    }
                } catch (RuntimeException e) {
                    rows.add(failed("kafka", e));
                }
            }
            if (only.contains("neighbours")) {
                try {
                    String run = "neighbours_" + stamp;
                    try (ChaosRig rig = rig(postgres, kafka, run, logs, false)) {
                        say("neighbours: pricing and catalog slow, failing, down");
                        List<FaultRun.Fault> faults = new ArrayList<>();
                        for (SimService neighbour : List.of(SimService.PRICING, SimService.CATALOG)) {
                            faults.add(knob(rig, neighbour, "slow (3 s, past the 2 s timeout)", Knobs.NONE.withLatencyMs(3000)));
                            faults.add(knob(rig, neighbour, "failing half the calls", Knobs.NONE.withErrorRate(0.5)));
                            faults.add(knob(rig, neighbour, "down", Knobs.NONE.withDown(true)));
                        }
                        FaultRun.Result result = FaultRun.run(rig, new Ledger(), run, shoppers, carts, faults, between, catchUp);
                        rows.add(row("neighbours", result));
                    }
                } catch (RuntimeException e) {
                    rows.add(failed("neighbours", e));
                }
            }
            if (only.contains("proxy")) {
                try {
                    String run = "proxy_" + stamp;
                    try (ChaosRig rig = rig(postgres, kafka, run, logs, true)) {
                        say("proxy: latency, resets and blackholes between the service and Redis, PostgreSQL, pricing");
                        List<FaultRun.Fault> faults = new ArrayList<>();
                        ChaosRig.Proxies p = rig.proxies;
                        for (Map.Entry<String, FaultProxy> proxy : Map.of("Redis", p.redis(), "PostgreSQL", p.postgres(), "pricing",
                            p.pricing()).entrySet()) {
                            faults.add(proxied(proxy.getKey(), proxy.getValue(), "latency 200 ms", new FaultProxy.Latency(200)));
                            faults.add(proxied(proxy.getKey(), proxy.getValue(), "reset", new FaultProxy.Reset()));
                            faults.add(proxied(proxy.getKey(), proxy.getValue(), "blackhole", new FaultProxy.Blackhole()));
                        }
                        FaultRun.Result result = FaultRun.run(rig, new Ledger(), run, shoppers, carts, faults, between, catchUp);
                        rows.add(row("TCP proxy", result));
                    }
                } catch (RuntimeException e) {
                    rows.add(failed("proxy", e));
                }
            }
            if (only.contains("confirm")) {
                try {
                    String run = "confirm_" + stamp;
                    int cartCount = Integer.parseInt(options.get("--confirm-carts"));
                    int attempts = Integer.parseInt(options.get("--confirm-attempts"));
                    try (ChaosRig rig = rig(postgres, kafka, run, logs, false)) {
                        say("confirm: " + cartCount + " carts, " + attempts + " concurrent start+confirm callers each, order and payment "
                            + "now and then answering after the timeout having done the work");
                        ConfirmStorm.Result result = ConfirmStorm.run(rig, run, cartCount, attempts, Duration.ofSeconds(180));
                        say(result.summary());
                        result.problems().forEach(p -> say("  finding: " + p));
                        rows.add(new Row("concurrent confirms", result.confirmAttempts() + " ConfirmCheckout calls on " + cartCount
                            + " carts, order/payment commit-then-time-out", 0, 0, result.doubleOrders(), "orders " + result.orders()
                            + ", live authorizations " + result.liveAuthorizations()
                            + ", authorizations with no order " + result.orphanCharges()
                            + ", orders without a live authorization " + result.unpaidOrders()
                            + ", still confirming " + result.unsettled(), result.clean()));
                    }
                } catch (RuntimeException e) {
                    rows.add(failed("confirm", e));
                }
            }
            if (only.contains("refunds")) {
                try {
                    String run = "refunds_" + stamp;
                    int returns = Integer.parseInt(options.get("--refund-returns"));
                    int attempts = Integer.parseInt(options.get("--refund-attempts"));
                    try (ReturnRig rig = current(ReturnRig.start(postgres.target(run), kafka.bootstrap(), ReturnRig.Topics.of(run),
                        logs.resolve(run), RefundStorm.serviceSettings()))) {
                        say("refunds: " + returns + " received returns, " + attempts + " concurrent ProcessRefund calls each, payment "
                            + "now and then paying without answering, its connection reset under calls in flight");
                        RefundStorm.Result result = RefundStorm.run(rig, run, returns, attempts, Duration.ofSeconds(180));
                        say(result.summary());
                        result.problems().forEach(p -> say("  finding: " + p));
                        String faults = result.attempts() + " ProcessRefund calls on " + returns + " returns, " + result.heldAnswers()
                            + " payment answers held after the refund (commit, then time out), " + result.resets()
                            + " connection resets, refunds given up after 2 attempts";
                        String other = "paid " + result.paid() + ", completed " + result.completed() + ", given up unpaid "
                            + result.givenUp() + ", failed while paid " + result.failedWhilePaid() + ", completed unpaid "
                            + result.completedUnpaid() + ", still pending " + result.unsettled();
                        rows.add(new Row("concurrent refunds", faults, 0, 0, result.doubleRefunds(), other, result.clean()));
                    }
                } catch (RuntimeException e) {
                    rows.add(failed("refunds", e));
                }
            }
            if (only.contains("fuzz")) {
                try {
                    String run = "fuzz_" + stamp;
                    int count = Integer.parseInt(options.get("--fuzz"));
                    try (ChaosRig rig = rig(postgres, kafka, run, logs, false)) {
                        say("fuzz: " + count + " requests from the proto descriptors over gRPC and HTTP/JSON");
                        InputFuzz fuzz = new InputFuzz(rig);
                        List<String> victims = fuzz.victims(8, run);
                        rows.add(fuzzed(logs, "fuzz", fuzz, new FuzzedRequests(victims), victims, count, started.toEpochMilli()));
                    }
                } catch (RuntimeException e) {
                    rows.add(failed("fuzz", e));
                }
            }
            if (only.contains("fuzz-returns")) {
                try {
                    String run = "fuzzreturns_" + stamp;
                    int count = Integer.parseInt(options.get("--fuzz-returns"));
                    try (ReturnRig rig = current(ReturnRig.start(postgres.target(run), kafka.bootstrap(), ReturnRig.Topics.of(run),
                        logs.resolve(run), Map.of()))) {
                        say("fuzz-returns: " + count + " requests to the Return Service from the proto descriptors, gRPC and HTTP/JSON");
                        ReturnFuzzTarget target = new ReturnFuzzTarget(rig);
                        InputFuzz fuzz = new InputFuzz(rig.vertx, target);
                        List<String> victims = fuzz.victims(9, run);
                        List<String> known = new ArrayList<>(victims);
                        known.addAll(target.related());
                        rows.add(fuzzed(logs, "fuzz (Return Service)", fuzz, FuzzedRequests.returns(known), victims, count,
                            started.toEpochMilli()));
                    }
                } catch (RuntimeException e) {
                    rows.add(failed("fuzz-returns", e));
                }
            }
            if (only.contains("jwt")) {
                try {
                    String run = "jwt_" + stamp;
                    String key = "chaos-" + java.util.UUID.randomUUID() + "-hs256-key";
                    try (ChaosRig rig = current(ChaosRig.start(postgres.target(run), kafka.bootstrap(), topics(run),
                        logs.resolve(run), TokenAbuse.settings(key), false))) {
                        say("jwt: bad credentials against jwt mode");
                        TokenAbuse.Result result = TokenAbuse.run(rig, key, run);
                        say(result.toString());
                        rows.add(new Row("jwt mode", result.attempts() + " calls with expired, wrong-audience, wrong-issuer, alg-none, "
                            + "wrong-key, no-expiry, garbage and other customers' tokens", 0, 0, 0, "successes " + result.successes()
                            + ", victim cart changed " + result.stateMoved(), result.clean()));
                    }
                } catch (RuntimeException e) {
                    rows.add(failed("jwt", e));
                }
            }
            int phase = rows.size();
            Runtime.getRuntime().removeShutdownHook(cleanUp);
            say(phase + " phase(s) done");
        }
        String table = table(rows, started);
        System.out.println(table);
        String record = options.get("--record");
        if (!record.isEmpty()) {
            Files.writeString(Path.of(record), table, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            say("appended to " + record);
        }
        System.exit(rows.stream().allMatch(Row::clean) ? 0 : 1);
    }

    private static ChaosRig rig(OwnPostgres postgres, OwnKafka kafka, String run, Path logs, boolean proxied) {
        return current(ChaosRig.start(postgres.target(run), kafka.bootstrap(), topics(run), logs.resolve(run), Map.of(), proxied));
    }

    private static <T extends AutoCloseable> T current(T rig) {
        CURRENT.set(rig);
        return rig;
    }

    private static ChaosRig.Topics topics(String run) {
        return new ChaosRig.Topics(run + ".cart", run + ".order", run + ".pricing", run + ".warehouse", run + ".catalog",
            run + ".promotion");
    }

    private static Row failed(String phase, RuntimeException e) {
        say(phase + ": could not run: " + e);
        e.printStackTrace();
        return new Row(phase, "", 0, 0, 0, "**the phase could not run**: " + e.getMessage().lines().findFirst().orElse(""), false);
    }

    /** Sends {@code count} fuzzed requests in batches (some bodies are megabytes: ten thousand do not fit in memory at once). */
    private static Row fuzzed(Path logs, String phase, InputFuzz fuzz, FuzzedRequests requests, List<String> victims, int count,
                              long seed) {
        fuzz.diagnoseInto(logs);
        InputFuzz.Result result = null;
        for (int done = 0; done < count; done += 200) {
            InputFuzz.Result batch = fuzz.run(requests.draw(Math.min(200, count - done), seed + done), victims, 4);
            result = result == null ? batch : result.plus(batch);
            if (batch.crashed()) {
                break;
            }
        }
        InputFuzz.Result garbage = fuzz.run(requests.undecodable(), victims, 2);
        long garbageRefusedOtherwise = garbage.requests() - garbage.outcomes().getOrDefault("INVALID_ARGUMENT", 0L);
        say(phase + ": " + result.summary());
        say(phase + " undecodable: " + garbage.summary());
        result.failures().forEach(f -> say("  " + f));
        fuzz.unanswered().forEach(f -> say("  no answer: " + f));
        if (!fuzz.unansweredInFull().isEmpty()) {
            Path file = logs.resolve(phase.replaceAll("[^a-z]+", "-") + "-unanswered.txt");
            try {
                Files.write(file, fuzz.unansweredInFull(), StandardCharsets.UTF_8);
                say("  requests without an answer, in full: " + file);
            } catch (IOException e) {
                say("could not write " + file + ": " + e.getMessage());
            }
        }
        return new Row(phase, count + " requests, then " + garbage.requests() + " undecodable", 0, 0, 0, "INTERNAL/UNKNOWN/5xx "
            + (result.internal() + garbage.internal()) + ", state changes from refused requests "
            + (result.stateChanges() + garbage.stateChanges()) + ", crashes " + (result.crashed() || garbage.crashed() ? 1 : 0)
            + ", no status (stream reset) " + result.noAnswer() + ", of them to well-formed messages " + result.noAnswerWellFormed()
            + ", undecodable not answered INVALID_ARGUMENT " + garbageRefusedOtherwise,
            result.clean() && garbage.clean() && garbageRefusedOtherwise == 0);
    }

    private static FaultRun.Fault knob(ChaosRig rig, SimService neighbour, String what, Knobs knobs) {
        return new FaultRun.Fault(neighbour.name().toLowerCase() + " " + what + " 10 s", () -> {
            rig.sim.knobs(neighbour).set(knobs);
            Loopback.pause(Duration.ofSeconds(10));
            rig.sim.knobs(neighbour).reset();
        });
    }

    private static FaultRun.Fault proxied(String target, FaultProxy proxy, String what, FaultProxy.Mode mode) {
        return new FaultRun.Fault(target + " " + what + " 5 s", () -> {
            proxy.mode(mode);
            Loopback.pause(Duration.ofSeconds(5));
            proxy.mode(new FaultProxy.Pass());
        });
    }

    private static Row row(String phase, FaultRun.Result result) {
        say(phase + ": " + result.summary());
        result.anomalies().stream().limit(20).forEach(a -> say("  anomaly: " + a));
        result.findings().details().forEach(d -> say("  finding: " + d));
        StringBuilder faults = new StringBuilder();
        result.faults().forEach((name, count) -> faults.append(faults.length() == 0 ? "" : ", ").append(count).append(" × ").append(name));
        LedgerCheck.Findings f = result.findings();
        String other = "anomalies " + result.anomalies().size() + ", out of order " + f.outOfOrder() + ", unexpected " + f.unexpected()
            + ", retried after an unknown outcome " + result.unknown().values().stream().mapToLong(Long::longValue).sum();
        return new Row(phase, faults.toString(), f.acknowledged(), f.lost(), f.duplicated(), other, result.clean());
    }

    private static String table(List<Row> rows, Instant started) {
        StringBuilder out = new StringBuilder();
        out.append("\n### Run of ").append(started.truncatedTo(ChronoUnit.SECONDS)).append(" (").append(Machine.describe())
            .append(", ").append(Duration.between(started, Instant.now()).toMinutes()).append(" min)\n\n");
        out.append("| phase | faults | acknowledged ops | lost | duplicated | other | clean |\n");
        out.append("|---|---|---:|---:|---:|---|---|\n");
        for (Row row : rows) {
            out.append("| ").append(row.phase()).append(" | ").append(row.faults()).append(" | ").append(row.acknowledged()).append(" | ")
                .append(row.lost()).append(" | ").append(row.duplicated()).append(" | ").append(row.other()).append(" | ")
                .append(row.clean() ? "yes" : "**no**").append(" |\n");
        }
        return out.toString();
    }

    private static void say(String line) {
        System.out.println("chaos: " + line);
    }
}
