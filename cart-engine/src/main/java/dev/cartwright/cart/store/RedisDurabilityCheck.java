package dev.cartwright.cart.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The start-up check of the Redis settings that decide whether an acknowledged cart change survives until the
 * write-behind has stored it: {@code maxmemory-policy noeviction} (any other policy may evict a cart hash, or the
 * change stream itself, under memory pressure) and AOF on ({@code appendonly yes}; without it a restart loses every
 * change not yet in PostgreSQL, and the stream with them). Asks {@code CONFIG GET}, and where that is refused (managed
 * services rename or forbid it) reads the same settings from {@code INFO}. Production refuses to start on a Redis that
 * is not durable; development warns.
 *
 * <p>What to do with the verdict is {@link Mode}'s to say ({@code CARTWRIGHT_REDIS_CHECK}): {@code auto} enforces in
 * production and warns in development, {@code warn} only warns, {@code skip} asks nothing (for a Redis that answers
 * neither CONFIG nor INFO, or keeps its data safe by other means than AOF, once its settings were checked by hand).
 */
public final class RedisDurabilityCheck {

    /** What start-up does with the verdict. */
    public enum Mode {
        /** Refuse to start on a Redis that is not durable in production; warn in development. */
        AUTO,
        /** Warn, never refuse. */
        WARN,
        /** Do not ask Redis. */
        SKIP;

        /** Reads {@code auto}, {@code warn} or {@code skip}; empty for anything else. */
        public static Optional<Mode> parse(String text) {
            for (Mode mode : values()) {
                if (mode.name().equalsIgnoreCase(text.trim())) {
                    return Optional.of(mode);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * The settings as the server reported them.
     *
     * @param appendfsync empty when read from INFO, which does not say
     * @param source {@code CONFIG GET} or {@code INFO}
     */
    public record Settings(String maxmemoryPolicy, boolean appendOnly, Optional<String> appendfsync, String source) {

        public Settings {
            Objects.requireNonNull(maxmemoryPolicy, "maxmemoryPolicy");
            Objects.requireNonNull(appendfsync, "appendfsync");
            Objects.requireNonNull(source, "source");
        }
    }

    /** What the check found. */
    public sealed interface Verdict {

        /** Durable; {@code notes} say what is still worth knowing (a loss window). */
        record Durable(Settings settings, List<String> notes) implements Verdict {
        }

        /** Not durable: each problem says what is wrong and what to set. */
        record NotDurable(Settings settings, List<String> problems, List<String> notes) implements Verdict {
        }

        /** Redis answered neither CONFIG GET nor INFO. */
        record Unknown(String reason) implements Verdict {
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(RedisDurabilityCheck.class);
    private static final String NOEVICTION = "noeviction";

    private RedisDurabilityCheck() {
    }

    /** Asks the server (CONFIG GET, else INFO); the future fails only when Redis cannot be reached at all. */
    public static Future<Verdict> inspect(Redis redis) {
        return fromConfig(redis).map(RedisDurabilityCheck::judge).recover(configRefused -> {
            if (isUnreachable(configRefused)) {
                return Future.failedFuture(configRefused);
            }
            LOG.info("event=redis_config_refused error=\"{}\" next=INFO", configRefused.getMessage());
            return fromInfo(redis).map(RedisDurabilityCheck::judge).recover(infoRefused -> isUnreachable(infoRefused)
                ? Future.failedFuture(infoRefused)
                : Future.succeededFuture(new Verdict.Unknown("Redis refused CONFIG GET (" + configRefused.getMessage()
                    + ") and INFO (" + infoRefused.getMessage() + ")")));
        });
    }

    /** Judges the settings: noeviction and AOF are required; how AOF is flushed is only noted. */
    public static Verdict judge(Settings settings) {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        if (!NOEVICTION.equals(settings.maxmemoryPolicy())) {
            problems.add("maxmemory-policy is " + settings.maxmemoryPolicy() + ", so Redis may evict a cart whose changes are not in"
                + " PostgreSQL yet, or the change stream: set maxmemory-policy noeviction");
        }
        if (!settings.appendOnly()) {
            problems.add("AOF is off (appendonly no), so a restart of Redis loses every cart change not yet in PostgreSQL: set"
                + " appendonly yes with appendfsync always (or everysec, losing up to a second of changes if the host fails)");
        }
        settings.appendfsync().ifPresent(fsync -> {
            if ("everysec".equals(fsync)) {
                notes.add("appendfsync everysec: up to one second of acknowledged cart changes is lost if the Redis host fails");
            } else if ("no".equals(fsync)) {
                notes.add("appendfsync no: the operating system decides when the AOF reaches the disk (often 30 s of changes at"
                    + " risk if the host fails); appendfsync always is the production setting");
            }
        });
        return problems.isEmpty() ? new Verdict.Durable(settings, notes) : new Verdict.NotDurable(settings, problems, notes);
    }

    /**
     * Acts on the verdict: logs it, and fails (with a message saying what to set) when {@code mode} is
     * {@link Mode#AUTO} in production and Redis is not known to be durable.
     *
     * @param redisAddress how the operator knows this Redis (the URL without credentials)
     */
    public static Future<Void> enforce(Verdict verdict, Mode mode, boolean production, String redisAddress) {
        boolean refuse = mode == Mode.AUTO && production;
        if (verdict instanceof Verdict.Durable durable) {
            Settings s = durable.settings();
            LOG.info("event=redis_durable redis={} maxmemory_policy={} appendonly=yes appendfsync={} source=\"{}\"", redisAddress,
                s.maxmemoryPolicy(), s.appendfsync().orElse("unknown"), s.source());
            durable.notes().forEach(note -> LOG.warn("event=redis_durability_note redis={} note=\"{}\"", redisAddress, note));
            return Future.succeededFuture();
        }
        String message;
        if (verdict instanceof Verdict.NotDurable notDurable) {
            notDurable.notes().forEach(note -> LOG.warn("event=redis_durability_note redis={} note=\"{}\"", redisAddress, note));
            message = "Redis at " + redisAddress + " may lose acknowledged cart changes: " + String.join("; ", notDurable.problems())
                + " (on the server: redis.conf, or CONFIG SET and CONFIG REWRITE).";
        } else {
            message = "cannot tell whether Redis at " + redisAddress + " keeps acknowledged cart changes: "
                + ((Verdict.Unknown) verdict).reason() + ". Check on the server (or with the provider) that maxmemory-policy is"
                + " noeviction and AOF is on (appendonly yes, appendfsync always), then set CARTWRIGHT_REDIS_CHECK=skip to start"
                + " without asking Redis.";
        }
        if (refuse) {
            LOG.error("event=redis_not_durable redis={} refusing=true message=\"{}\"", redisAddress, message);
            return Future.failedFuture(new IllegalStateException("production mode (CARTWRIGHT_AUTH_MODE=jwt) refuses to start: " + message
                + " To start anyway, set CARTWRIGHT_REDIS_CHECK=warn."));
        }
        LOG.warn("event=redis_not_durable redis={} refusing=false mode={} message=\"{}\"", redisAddress,
            production ? "production, CARTWRIGHT_REDIS_CHECK=" + mode.name().toLowerCase(Locale.ROOT) : "development", message);
        return Future.succeededFuture();
    }

    /** Inspects and enforces in one go; with {@link Mode#SKIP} Redis is not asked. */
    public static Future<Void> run(Redis redis, Mode mode, boolean production, String redisAddress) {
        if (mode == Mode.SKIP) {
            LOG.warn("event=redis_check_skipped redis={} reason=\"CARTWRIGHT_REDIS_CHECK=skip: maxmemory-policy noeviction and AOF"
                + " are taken on the operator's word\"", redisAddress);
            return Future.succeededFuture();
        }
        return inspect(redis).compose(verdict -> enforce(verdict, mode, production, redisAddress));
    }

    /** A Redis URL as it may be logged: without the password. */
    public static String displayAddress(String redisUrl) {
        int scheme = redisUrl.indexOf("://");
        int at = redisUrl.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return redisUrl;
        }
        return redisUrl.substring(0, scheme + 3) + redisUrl.substring(at + 1);
    }

    private static Future<Settings> fromConfig(Redis redis) {
        return Future.all(configGet(redis, "maxmemory-policy"), configGet(redis, "appendonly"), configGet(redis, "appendfsync"))
            .map(all -> new Settings(all.resultAt(0), "yes".equals(all.resultAt(1)), Optional.of(all.<String>resultAt(2)),
                "CONFIG GET"));
    }

    private static Future<String> configGet(Redis redis, String name) {
        return redis.send(Request.cmd(Command.CONFIG).arg("GET").arg(name)).map(reply -> {
            Response value = reply == null ? null : RedisReplies.field(reply, name);
            if (value == null) {
                throw new IllegalStateException("CONFIG GET " + name + " answered nothing");
            }
            return value.toString().toLowerCase(Locale.ROOT);
        });
    }

    private static Future<Settings> fromInfo(Redis redis) {
        return Future.all(redis.send(Request.cmd(Command.INFO).arg("memory")), redis.send(Request.cmd(Command.INFO).arg("persistence")))
            .map(all -> {
                String policy = infoField(all.<Response>resultAt(0).toString(), "maxmemory_policy");
                String aof = infoField(all.<Response>resultAt(1).toString(), "aof_enabled");
                if (policy == null || aof == null) {
                    throw new IllegalStateException("INFO does not report maxmemory_policy and aof_enabled");
                }
                return new Settings(policy.toLowerCase(Locale.ROOT), "1".equals(aof), Optional.empty(), "INFO");
            });
    }

    private static String infoField(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return line.substring(name.length() + 1).trim();
            }
        }
        return null;
    }

    /** A connection failure, as opposed to the server refusing the command. */
    private static boolean isUnreachable(Throwable failure) {
        String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
        return failure instanceof java.net.ConnectException || failure.getCause() instanceof java.net.ConnectException
            || message.contains("connection refused") || message.contains("connection reset") || message.contains("timeout");
    }
}
