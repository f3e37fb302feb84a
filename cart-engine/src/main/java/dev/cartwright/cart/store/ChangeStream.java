package dev.cartwright.cart.store;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The cart change stream seen through its consumer groups: creating a group, and how far each group has got
 * (delivered, still pending, not yet delivered). Shared by the write-behind (its lag) and the trimmer (what may go).
 */
public final class ChangeStream {

    /**
     * One consumer group's progress.
     *
     * @param pending entries delivered to a consumer and not yet acknowledged
     * @param lastDeliveredId the newest entry delivered to the group
     * @param lag entries not yet delivered, when Redis can tell (it cannot after entries were deleted mid-stream)
     * @param oldestPendingId the oldest delivered but unacknowledged entry, if any
     */
    public record GroupState(String name, long pending, String lastDeliveredId, Optional<Long> lag, Optional<String> oldestPendingId) {

        /** The oldest entry the group still needs: its oldest pending entry, else the first one not delivered. */
        public String floor() {
            return oldestPendingId.orElseGet(() -> StreamEntries.successor(lastDeliveredId));
        }
    }

    private final Redis redis;
    private final String streamKey;

    public ChangeStream(Redis redis, String streamKey) {
        this.redis = redis;
        this.streamKey = streamKey;
    }

    public String key() {
        return streamKey;
    }

    /**
     * Creates {@code group} reading from the start of the stream (creating the stream too); an existing group is
     * left as it is.
     */
    public Future<Void> ensureGroup(String group) {
        Request create = Request.cmd(Command.XGROUP).arg("CREATE").arg(streamKey).arg(group).arg("0").arg("MKSTREAM");
        return redis.send(create).<Void>mapEmpty().recover(failure -> {
            String message = failure.getMessage();
            return message != null && message.startsWith("BUSYGROUP") ? Future.succeededFuture() : Future.failedFuture(failure);
        });
    }

    /** The state of every group of the stream, by name; empty if the stream does not exist. */
    public Future<Map<String, GroupState>> groups() {
        return redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(streamKey)).recover(failure -> {
            String message = failure.getMessage();
            return message != null && message.contains("no such key") ? Future.succeededFuture(null) : Future.failedFuture(failure);
        }).compose(reply -> {
            Map<String, GroupState> states = new HashMap<>();
            if (reply == null) {
                return Future.succeededFuture(states);
            }
            Future<Void> all = Future.succeededFuture();
            for (Response group : reply) {
                String name = RedisReplies.field(group, "name").toString();
                long pending = RedisReplies.field(group, "pending").toLong();
                String lastDelivered = RedisReplies.field(group, "last-delivered-id").toString();
                Response lagField = RedisReplies.field(group, "lag");
                Optional<Long> lag = lagField == null ? Optional.empty() : Optional.of(lagField.toLong());
                if (pending == 0) {
                    states.put(name, new GroupState(name, 0, lastDelivered, lag, Optional.empty()));
                    continue;
                }
                all = all.compose(done -> oldestPending(name)).map(oldest -> {
                    states.put(name, new GroupState(name, pending, lastDelivered, lag, oldest));
                    return null;
                });
            }
            return all.map(states);
        });
    }

    private Future<Optional<String>> oldestPending(String group) {
        return redis.send(Request.cmd(Command.XPENDING).arg(streamKey).arg(group)).map(summary -> {
            Response smallest = summary == null || summary.size() < 2 ? null : summary.get(1);
            return Optional.ofNullable(smallest).map(Response::toString);
        });
    }

    /** The id of the first entry after {@code id}, if there is one. */
    public Future<Optional<String>> firstAfter(String id) {
        return redis.send(Request.cmd(Command.XRANGE).arg(streamKey).arg("(" + id).arg("+").arg("COUNT").arg(1))
            .map(reply -> StreamEntries.parse(reply).stream().findFirst().map(StreamEntries.Entry::id));
    }

    /** Removes the entries older than {@code minId}; returns how many went. */
    public Future<Long> trimBelow(String minId) {
        return redis.send(Request.cmd(Command.XTRIM).arg(streamKey).arg("MINID").arg(minId)).map(Response::toLong);
    }
}
