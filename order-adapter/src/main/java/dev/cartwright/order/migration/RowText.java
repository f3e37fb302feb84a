package dev.cartwright.order.migration;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The normalised text of a canonical row, the unit the verifier hashes: the table name, then every column of the new
 * schema in order, separated by U+001F; NULL as {@code \N}; instants in UTC to the microsecond; jsonb in
 * {@link CanonicalJson} form; text with backslash, separators and newlines escaped, so no two different rows share a
 * text.
 */
final class RowText {

    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

    private RowText() {
    }

    static String of(TableMapping table, Map<String, Object> canonical) {
        StringBuilder text = new StringBuilder(table.name());
        for (String column : table.target().columns()) {
            text.append('\u001f');
            Object value = canonical.get(column);
            if (value == null) {
                text.append("\\N");
            } else if (table.target().jsonColumns().contains(column)) {
                text.append(escape(CanonicalJson.of(value.toString())));
            } else if (value instanceof OffsetDateTime at) {
                text.append(INSTANT.format(at.withOffsetSameInstant(ZoneOffset.UTC)));
            } else if (value instanceof BigDecimal amount) {
                text.append(amount.toPlainString());
            } else if (value instanceof Boolean flag) {
                text.append(flag ? 't' : 'f');
            } else {
                text.append(escape(value.toString()));
            }
        }
        return text.toString();
    }

    /** MD5 (hex) of the texts joined by newlines, in the order given. */
    static String md5(List<String> texts) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (String text : texts) {
                md5.update(text.getBytes(StandardCharsets.UTF_8));
                md5.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md5.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every Java runtime", e);
        }
    }

    private static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\u001f' -> out.append("\\u001f");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
