package dev.cartwright.cart.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hash tags of the shards: for {@code n} shards, shard k's tag is the first of "s<k>", "s<k>-1", "s<k>-2", ... whose
 * hash slot lies in the k-th of n equal ranges of the 16384 slots. A Redis Cluster made by {@code redis-cli --cluster
 * create} gives each master an equal range of slots, so the shards spread evenly over the masters (3 shards on 3
 * masters: one each) instead of wherever CRC16 happens to put them.
 */
final class ShardTags {

    /** More streams than this would cost more in consumers than they spread. */
    static final int MAX_SHARDS = 1024;

    private static final Map<Integer, List<String>> BY_COUNT = new ConcurrentHashMap<>();

    private ShardTags() {
    }

    static List<String> of(int shards) {
        return BY_COUNT.computeIfAbsent(shards, ShardTags::compute);
    }

    private static List<String> compute(int shards) {
        List<String> tags = new ArrayList<>(shards);
        for (int shard = 0; shard < shards; shard++) {
            long from = (long) HashSlots.SLOTS * shard / shards;
            long to = (long) HashSlots.SLOTS * (shard + 1) / shards;
            String tag = "s" + shard;
            for (int attempt = 1; !within(HashSlots.crc16(tag) % HashSlots.SLOTS, from, to); attempt++) {
                tag = "s" + shard + "-" + attempt;
            }
            tags.add(tag);
        }
        return List.copyOf(tags);
    }

    private static boolean within(int slot, long from, long to) {
        return slot >= from && slot < to;
    }
}
