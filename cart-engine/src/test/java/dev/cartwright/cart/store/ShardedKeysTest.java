package dev.cartwright.cart.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Hash slots as Redis Cluster computes them, and the sharded key layout: every key one script touches in one slot. */
class ShardedKeysTest {

    @Test
    void hashSlotsAreRedisClusters() {
        // The CRC16 check value of XMODEM, and slots redis-cli's CLUSTER KEYSLOT answers.
        assertThat(HashSlots.crc16("123456789")).isEqualTo(0x31C3);
        assertThat(HashSlots.slotOf("foo")).isEqualTo(12182);
        assertThat(HashSlots.slotOf("{user1000}.following")).isEqualTo(HashSlots.slotOf("{user1000}.followers"));
        assertThat(HashSlots.slotOf("foo{}{bar}")).isEqualTo(HashSlots.crc16("foo{}{bar}") % HashSlots.SLOTS);
    }

    @Test
    void oneShardOnOneRedisKeepsTheKeysOfBefore() {
        CartStoreConfig config = CartStoreConfig.defaults("n").withKeyPrefix("it:x:").withShards(1, false);

        assertThat(config.sharded()).isFalse();
        assertThat(config.cartKey("abc")).isEqualTo("it:x:{cart:abc}");
        assertThat(config.streamKeyOf("abc")).isEqualTo("cartwright:cart-changes");
        assertThat(config.streamKeys()).containsExactly("cartwright:cart-changes");
        assertThat(config.idempotencyCountKey(7, 0)).isEqualTo("it:x:idem-keys:7");
        assertThat(config.customerIndexKey("cust-7")).isEqualTo("it:x:customer-cart:{cust-7}");
        assertThat(config.forStream(0)).isEqualTo(config);
    }

    @Test
    void shardedEveryKeyOfOneScriptCallSharesTheCartsSlot() {
        for (boolean cluster : List.of(true, false)) {
            CartStoreConfig config = CartStoreConfig.defaults("n").withKeyPrefix("it:x:").withShards(5, cluster);
            assertThat(config.sharded()).isTrue();
            for (int i = 0; i < 200; i++) {
                String cartId = "cart-" + i;
                int slot = HashSlots.slotOf(config.cartKey(cartId));
                int shard = config.shardOf(cartId);
                assertThat(HashSlots.slotOf(config.idempotencyKey(cartId, "req"))).isEqualTo(slot);
                assertThat(HashSlots.slotOf(config.streamKeyOf(cartId))).isEqualTo(slot);
                assertThat(HashSlots.slotOf(config.idempotencyCountKey(42, shard))).isEqualTo(slot);
                assertThat(config.streamKeyOf(cartId)).isEqualTo(config.streamKey(shard));
                // The readers of the cart's stream name the cart's keys as the store does.
                assertThat(config.forStream(shard).streamKey()).isEqualTo(config.streamKeyOf(cartId));
                assertThat(config.forStream(shard).cartKey(cartId)).isEqualTo(config.cartKey(cartId));
            }
            assertThat(HashSlots.slotOf(config.customerIndexKey("cust-7"))).isEqualTo(HashSlots.slotOf(config.streamKeyOf("cust-7")));
        }
    }

    @Test
    void shardsSpreadOverEqualRangesOfSlotsAndCartsOverShards() {
        CartStoreConfig config = CartStoreConfig.defaults("n").withShards(3, true);
        List<String> streams = config.streamKeys();
        assertThat(streams).hasSize(3).doesNotHaveDuplicates();
        for (int shard = 0; shard < 3; shard++) {
            int slot = HashSlots.slotOf(streams.get(shard));
            assertThat(slot).isBetween(HashSlots.SLOTS * shard / 3, HashSlots.SLOTS * (shard + 1) / 3 - 1);
        }
        Set<Integer> used = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            used.add(config.shardOf("cart-" + i));
        }
        assertThat(used).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void shardCountIsBounded() {
        assertThatThrownBy(() -> CartStoreConfig.defaults("n").withShards(0, false)).hasMessageContaining("shards");
        assertThatThrownBy(() -> CartStoreConfig.defaults("n").withShards(ShardTags.MAX_SHARDS + 1, false)).hasMessageContaining("shards");
    }
}
