package dev.cartwright.cart.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * One Lua script of the store: its source (read once from the class path at start-up) and its SHA-1, called with
 * EVALSHA. A server that does not know the script (restarted, flushed, failed over) answers NOSCRIPT; the call is
 * then repeated once with EVAL, which also caches the script again, so no call ever loads the script up front.
 */
final class LuaScript {

    private final String name;
    private final String source;
    private final String sha;
    /** The script and its SHA-1 as the bytes the commands carry, encoded once rather than at every call. */
    private final byte[] sourceBytes;
    private final byte[] shaBytes;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sha = sha1(source);
        this.sourceBytes = source.getBytes(StandardCharsets.UTF_8);
        this.shaBytes = sha.getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads {@code lua/<name>} from the class path; blocking, for start-up only. */
    static LuaScript load(String name) {
        String path = "lua/" + name;
        try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("Lua script not on the class path: " + path);
            }
            return new LuaScript(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read Lua script " + path, e);
        }
    }

    String name() {
        return name;
    }

    String sha() {
        return sha;
    }

    /** Loads the script into the server's script cache (start-up, so the first EVALSHA finds it). */
    Future<Void> preload(Redis redis) {
        return redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(source)).mapEmpty();
    }

    Future<Response> call(Redis redis, List<String> keys, List<String> args) {
        return redis.send(request(Command.EVALSHA, shaBytes, keys, args)).recover(failure -> {
            String message = failure.getMessage();
            if (message != null && message.startsWith("NOSCRIPT")) {
                return redis.send(request(Command.EVAL, sourceBytes, keys, args));
            }
            return Future.failedFuture(failure);
        });
    }

    /**
     * Calls the script and then WAIT {@code replicas} {@code timeoutMillis}, pipelined as one batch on one connection,
     * which a Redis Cluster client sends to the master of the script's slot: WAIT counts the replicas that hold every
     * write made on that connection so far, the script's among them. Answers the script's reply, or fails with
     * {@link ReplicasBehind} when fewer replicas acknowledged it in time (the script ran: the change stands on the
     * master). A batch is not redirected by the client: a failure naming MOVED, ASK, TRYAGAIN or CLUSTERDOWN means the
     * script did not run, and the caller may send it again once the cluster's slot map is current.
     */
    Future<Response> callReplicated(Redis redis, List<String> keys, List<String> args, int replicas, long timeoutMillis) {
        return replicated(redis, Command.EVALSHA, shaBytes, keys, args, replicas, timeoutMillis).recover(failure -> {
            String message = failure.getMessage();
            if (message != null && message.contains("NOSCRIPT")) {
                return replicated(redis, Command.EVAL, sourceBytes, keys, args, replicas, timeoutMillis);
            }
            return Future.failedFuture(failure);
        });
    }

    private static Future<Response> replicated(Redis redis, Command command, byte[] script, List<String> keys, List<String> args,
                                               int replicas, long timeoutMillis) {
        List<Request> batch = List.of(request(command, script, keys, args), Request.cmd(Command.WAIT).arg(replicas).arg(timeoutMillis));
        return redis.batch(batch).compose(replies -> {
            long acknowledged = replies.get(1).toLong();
            return acknowledged >= replicas ? Future.succeededFuture(replies.get(0))
                : Future.failedFuture(new ReplicasBehind(replicas, acknowledged));
        });
    }

    /** Whether a failure says the cluster sent the call elsewhere, or asked for it again later: the script did not run. */
    static boolean redirected(Throwable failure) {
        String message = failure.getMessage();
        return message != null && (message.contains("MOVED ") || message.contains("ASK ") || message.contains("TRYAGAIN")
            || message.contains("CLUSTERDOWN"));
    }

    /** Fewer replicas than asked for acknowledged a change in time: its outcome is unknown after a failover. */
    static final class ReplicasBehind extends RuntimeException {

        private static final long serialVersionUID = 1L;

        ReplicasBehind(int wanted, long acknowledged) {
            super("the change reached " + acknowledged + " of the " + wanted + " replicas it waits for; it stands on the master,"
                + " and whether it survives a failover is unknown");
        }
    }

    /** The most calls {@link #callAll} sends in one batch: well inside a client's waiting queue (2 048 by default). */
    static final int MAX_BATCH = 1_000;

    /** The keys and arguments of one call of the script. */
    record Invocation(List<String> keys, List<String> args) {
    }

    /**
     * Several calls pipelined in one batch; if the server lost the script (NOSCRIPT), the batch is
     * sent once more with EVAL, which caches the script again. (A failed batch reports each failed call as
     * {@code ERR [index] <error>}, so NOSCRIPT is looked for anywhere in the message.)
     */
    Future<List<Response>> callAll(Redis client, List<Invocation> calls) {
        if (calls.size() <= MAX_BATCH) {
            return callBatch(client, calls);
        }
        // A client refuses a batch of more commands than its waiting queue holds (2 048 by default: "Redis waiting queue
        // is full"), and a write-behind batch refused so would be refused again at every retry: in batches one after
        // the other, the replies in the order of the calls.
        List<Response> replies = new ArrayList<>(calls.size());
        Future<Void> done = Future.succeededFuture();
        for (int from = 0; from < calls.size(); from += MAX_BATCH) {
            List<Invocation> part = calls.subList(from, Math.min(calls.size(), from + MAX_BATCH));
            done = done.compose(v -> callBatch(client, part).map(answered -> {
                replies.addAll(answered);
                return null;
            }));
        }
        return done.map(v -> replies);
    }

    private Future<List<Response>> callBatch(Redis client, List<Invocation> calls) {
        return client.batch(requests(Command.EVALSHA, shaBytes, calls)).recover(failure -> {
            String message = failure.getMessage();
            if (message != null && message.contains("NOSCRIPT")) {
                return client.batch(requests(Command.EVAL, sourceBytes, calls));
            }
            return Future.failedFuture(failure);
        });
    }

    private static List<Request> requests(Command command, byte[] script, List<Invocation> calls) {
        List<Request> requests = new ArrayList<>(calls.size());
        for (Invocation call : calls) {
            requests.add(request(command, script, call.keys(), call.args()));
        }
        return requests;
    }

    /**
     * The command with all its arguments given at once: the client then holds them in an array of the right size,
     * where adding them one by one grew its list six times for a cart change's twenty arguments.
     */
    static Request request(Command command, byte[] script, List<String> keys, List<String> args) {
        Object[] arguments = new Object[2 + keys.size() + args.size()];
        arguments[0] = script;
        arguments[1] = keys.size();
        int i = 2;
        for (String key : keys) {
            arguments[i++] = key;
        }
        for (String arg : args) {
            arguments[i++] = arg;
        }
        return Request.cmd(command, arguments);
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every Java platform", e);
        }
    }
}
