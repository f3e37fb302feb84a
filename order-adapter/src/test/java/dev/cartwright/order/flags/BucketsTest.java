package dev.cartwright.order.flags;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BucketsTest {

    @Test
    void murmur3MatchesThePublishedReferenceValues() {
        // Reference outputs of MurmurHash3_x86_32 (seed 0 unless given), as produced by the original C++ code.
        assertThat(Buckets.murmur3(bytes(""), 0)).isEqualTo(0);
        assertThat(Buckets.murmur3(bytes(""), 1)).isEqualTo(0x514E28B7);
        assertThat(Buckets.murmur3(bytes("hello"), 0)).isEqualTo(0x248bfa47);
        assertThat(Buckets.murmur3(bytes("The quick brown fox jumps over the lazy dog"), 0)).isEqualTo(0x2e4ff723);
        assertThat(Buckets.murmur3(new byte[] {0x21, 0x43, 0x65, (byte) 0x87}, 0x5082EDEE)).isEqualTo(0x2362F9DE);
        assertThat(Buckets.murmur3(new byte[] {0x21, 0x43, 0x65}, 0)).isEqualTo(0x7E4A8634);
        assertThat(Buckets.murmur3(new byte[] {0x21, 0x43}, 0)).isEqualTo(0xA0F7B07A);
        assertThat(Buckets.murmur3(new byte[] {0x21}, 0)).isEqualTo(0x72661CF4);
    }

    @Test
    void bucketsArePinnedSoTheyNeverMoveBetweenReleases() {
        // If these change, every running rollout reshuffles its subjects: a customer at 10% would flip sides.
        int cart = Buckets.of("migration.read_switch", "cart-42");
        int customer = Buckets.of("migration.read_switch", "123");
        assertThat(cart).isEqualTo((int) (Integer.toUnsignedLong(Buckets.murmur3(bytes("migration.read_switch:cart-42"), 0)) % 10_000));
        assertThat(customer).isBetween(0, 9_999);
        assertThat(Buckets.of("migration.read_switch", "cart-42")).isEqualTo(cart);
    }

    @Test
    void theFlagNameTakesPartSoTwoRolloutsPickDifferentSubjects() {
        int same = 0;
        for (int i = 0; i < 1_000; i++) {
            if (Buckets.of("a.flag", "cart-" + i) == Buckets.of("b.flag", "cart-" + i)) {
                same++;
            }
        }
        assertThat(same).isLessThan(10);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
