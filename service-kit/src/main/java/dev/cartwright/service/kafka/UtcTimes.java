package dev.cartwright.service.kafka;

import java.time.LocalDate;

/**
 * Writes a UTC time of the years 0000 to 9999 as RFC 3339 text ({@code 2026-12-07T03:47:47.12Z}) straight into a
 * builder, without the formatter objects of {@code java.time} or protobuf: the events' time, written once per event
 * sent, in the data ({@code CartEventJson}) and in the {@code ce_time} header ({@link BinaryCloudEventSerializer}).
 */
public final class UtcTimes {

    /** How the fraction of a second is written; none at all when it is zero. */
    public enum Fraction {
        /** 3, 6 or 9 digits, as protobuf's {@code Timestamps.toString} writes them. */
        PROTOBUF,
        /** The digits without their trailing zeros, as {@code DateTimeFormatter.ISO_OFFSET_DATE_TIME} writes them. */
        SHORTEST
    }

    private UtcTimes() {
    }

    /** Appends the time {@code epochSeconds} and {@code nanos} after the epoch, which falls in the years 0000 to 9999. */
    public static StringBuilder append(StringBuilder out, long epochSeconds, int nanos, Fraction fraction) {
        long days = Math.floorDiv(epochSeconds, 86_400L);
        int secondOfDay = (int) Math.floorMod(epochSeconds, 86_400L);
        LocalDate date = LocalDate.ofEpochDay(days);
        digits(out, date.getYear(), 4).append('-');
        digits(out, date.getMonthValue(), 2).append('-');
        digits(out, date.getDayOfMonth(), 2).append('T');
        digits(out, secondOfDay / 3600, 2).append(':');
        digits(out, secondOfDay / 60 % 60, 2).append(':');
        digits(out, secondOfDay % 60, 2);
        if (nanos != 0) {
            out.append('.');
            if (fraction == Fraction.SHORTEST) {
                int width = 9;
                while (nanos % 10 == 0) {
                    nanos /= 10;
                    width--;
                }
                digits(out, nanos, width);
            } else if (nanos % 1_000_000 == 0) {
                digits(out, nanos / 1_000_000, 3);
            } else if (nanos % 1000 == 0) {
                digits(out, nanos / 1000, 6);
            } else {
                digits(out, nanos, 9);
            }
        }
        return out.append('Z');
    }

    /** Appends {@code value} (not negative) in {@code width} digits at least, zeros first. */
    private static StringBuilder digits(StringBuilder out, int value, int width) {
        for (int limit = 10, left = width - 1; left > 0; limit *= 10, left--) {
            if (value < limit) {
                out.append('0');
            }
        }
        return out.append(value);
    }
}
