package dev.cartwright.checkout.events;

import dev.cartwright.cart.store.StreamEntries;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the RESP2 replies of the stream commands the bridge sends: XREADGROUP (entries of one stream) and
 * XINFO GROUPS (a group's lag and pending count).
 */
final class StreamReplies {

    private StreamReplies() {
    }

    /**
     * The entries of an XREADGROUP reply on one stream, in stream order; an entry deleted from the stream while
     * pending comes back with no fields. A null reply (BLOCK timed out) is no entries.
     */
    static List<CartChange> entries(Response reply) {
        List<CartChange> changes = new ArrayList<>();
        if (reply == null || reply.size() == 0) {
            return changes;
        }
        Response stream = reply.get(0);
        Response entries = stream.get(1);
        if (entries == null) {
            return changes;
        }
        for (Response entry : entries) {
            String id = entry.get(0).toString();
            Response raw = entry.size() > 1 ? entry.get(1) : null;
            // The change record may come packed in one field; StreamEntries expands it into the named fields.
            changes.add(new CartChange(id, raw == null ? Map.of() : StreamEntries.fields(raw)));
        }
        return changes;
    }

    /** Entries the group has not yet had delivered (lag) plus those delivered but not acknowledged (pending). */
    static Optional<Long> groupLag(Response groups, String group) {
        if (groups == null) {
            return Optional.empty();
        }
        for (Response info : groups) {
            Map<String, Response> fields = new HashMap<>();
            for (int i = 0; i + 1 < info.size(); i += 2) {
                fields.put(info.get(i).toString(), info.get(i + 1));
            }
            Response name = fields.get("name");
            if (name != null && group.equals(name.toString())) {
                long pending = fields.get("pending") == null ? 0 : fields.get("pending").toLong();
                Response lag = fields.get("lag");
                long waiting = lag == null ? 0 : lag.toLong();
                return Optional.of(pending + waiting);
            }
        }
        return Optional.empty();
    }
}
