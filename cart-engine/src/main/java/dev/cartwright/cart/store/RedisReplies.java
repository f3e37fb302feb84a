package dev.cartwright.cart.store;

import java.util.ArrayList;
import java.util.List;

import io.vertx.redis.client.Response;

/** Reads Redis replies the same way whether the connection speaks RESP2 (flat arrays) or RESP3 (maps). */
final class RedisReplies {

    private RedisReplies() {
    }

    /** Field and value strings of a hash or map reply, alternating; empty for nil. */
    static List<String> fieldsAndValues(Response response) {
        List<String> out = new ArrayList<>();
        if (response == null) {
            return out;
        }
        if (response.isMap()) {
            for (String key : response.getKeys()) {
                out.add(key);
                out.add(string(response.get(key)));
            }
            return out;
        }
        for (Response element : response) {
            out.add(string(element));
        }
        return out;
    }

    /** The elements of an array reply from {@code from} on, as strings. */
    static List<String> strings(Response response, int from) {
        List<String> out = new ArrayList<>(Math.max(0, response.size() - from));
        for (int i = from; i < response.size(); i++) {
            out.add(string(response.get(i)));
        }
        return out;
    }

    static String string(Response response) {
        return response == null ? null : response.toString();
    }

    /** A value looked up by name in a map reply (RESP3) or a flat name/value array (RESP2). */
    static Response field(Response response, String name) {
        if (response.isMap()) {
            return response.get(name);
        }
        for (int i = 0; i + 1 < response.size(); i += 2) {
            if (name.equals(response.get(i).toString())) {
                return response.get(i + 1);
            }
        }
        return null;
    }
}
