package dev.cartwright.cart.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The MessagePack shapes cmsgpack writes for a table of strings, read back into fields and values. */
class PackedFieldsTest {

    /** Writes MessagePack the way Redis's cmsgpack does (shortest form for each length). */
    private static final class Packer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Packer map(int n) {
            return header(n, 0x80, 0xde, 0xdf);
        }

        Packer array(int n) {
            return header(n, 0x90, 0xdc, 0xdd);
        }

        private Packer header(int n, int fix, int sixteen, int thirtyTwo) {
            if (n < 16) {
                out.write(fix | n);
            } else if (n <= 0xffff) {
                out.write(sixteen);
                bigEndian(n, 2);
            } else {
                out.write(thirtyTwo);
                bigEndian(n, 4);
            }
            return this;
        }

        Packer str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length < 32) {
                out.write(0xa0 | b.length);
            } else if (b.length <= 0xff) {
                out.write(0xd9);
                bigEndian(b.length, 1);
            } else if (b.length <= 0xffff) {
                out.write(0xda);
                bigEndian(b.length, 2);
            } else {
                out.write(0xdb);
                bigEndian(b.length, 4);
            }
            out.writeBytes(b);
            return this;
        }

        Packer raw(int... bytes) {
            for (int b : bytes) {
                out.write(b);
            }
            return this;
        }

        private void bigEndian(long value, int size) {
            for (int i = size - 1; i >= 0; i--) {
                out.write((int) (value >>> (8 * i)) & 0xff);
            }
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    @Test
    void aMapOfShortStringsIsReadAsFieldsAndValues() {
        byte[] packed = new Packer().map(3).str("id").str("c-1").str("cu").str("").str("v").str("7").bytes();

        assertThat(PackedFields.decode(packed)).containsExactlyInAnyOrderEntriesOf(Map.of("id", "c-1", "cu", "", "v", "7"));
    }

    @Test
    void longerStringsAndManyFieldsUseTheWiderHeaders() {
        String name = "Bär | Größe M ".repeat(30);
        String medium = "x".repeat(200);
        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < 40; i++) {
            expected.put("l:p" + i, i + "|100|1700000000000|cat|" + (i % 2 == 0 ? name : medium));
        }
        Packer packer = new Packer().map(expected.size());
        expected.forEach((k, v) -> packer.str(k).str(v));

        assertThat(name.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(0xff);
        assertThat(PackedFields.decode(packer.bytes())).containsExactlyInAnyOrderEntriesOf(expected);
    }

    @Test
    void aFlatArrayIsReadAsPairsAndAnEmptyOneAsNoFields() {
        byte[] packed = new Packer().array(4).str("st").str("ACTIVE").str("cur").str("EUR").bytes();

        assertThat(PackedFields.decode(packed)).containsExactlyInAnyOrderEntriesOf(Map.of("st", "ACTIVE", "cur", "EUR"));
        assertThat(PackedFields.decode(new Packer().array(0).bytes())).isEmpty();
    }

    @Test
    void integersAreReadAsTheirDecimalText() {
        byte[] packed = new Packer().map(4)
            .str("a").raw(0x07)
            .str("b").raw(0xcd, 0x30, 0x39)
            .str("c").raw(0xff)
            .str("d").raw(0xd2, 0xff, 0xff, 0xff, 0x85)
            .bytes();

        assertThat(PackedFields.decode(packed)).containsExactlyInAnyOrderEntriesOf(Map.of("a", "7", "b", "12345", "c", "-1", "d", "-123"));
    }

    @Test
    void brokenInputFailsLoudly() {
        byte[] whole = new Packer().map(1).str("id").str("c-1").bytes();

        assertThatThrownBy(() -> PackedFields.decode(Arrays.copyOf(whole, whole.length - 1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> PackedFields.decode(Arrays.copyOf(whole, whole.length + 1))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("after its value");
        assertThatThrownBy(() -> PackedFields.decode(new Packer().array(3).str("a").str("b").str("c").bytes()))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("pairs");
        assertThatThrownBy(() -> PackedFields.decode(new Packer().map(1).str("a").raw(0xc0).bytes()))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a string");
        assertThatThrownBy(() -> PackedFields.decode(new Packer().str("just a string").bytes()))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("neither a map nor an array");
    }
}
