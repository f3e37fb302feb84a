package dev.cartwright.pricing;

import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Owns exact integer arithmetic on amounts in minor units: division and scaling with a named rounding mode.
 *
 * <p>Everything here works on raw {@code long}s so the totals calculation can stay free of allocation; overflow
 * is never silent (it raises {@link ArithmeticException}), and a product too large for 64 bits falls back to
 * {@link BigInteger} rather than losing precision.
 */
public final class MinorUnits {

    /** One hundred percent in basis points. */
    public static final int FULL_BASIS_POINTS = 10_000;

    private MinorUnits() {
    }

    /**
     * Divides {@code dividend} by {@code divisor} and rounds the quotient with {@code mode}.
     *
     * @throws ArithmeticException for a zero divisor, or for {@link RoundingMode#UNNECESSARY} when the division is inexact
     */
    public static long divide(long dividend, long divisor, RoundingMode mode) {
        if (divisor == 0) {
            throw new ArithmeticException("division by zero");
        }
        if (dividend == Long.MIN_VALUE && divisor == -1) {
            throw new ArithmeticException("long overflow");
        }
        long quotient = dividend / divisor;
        long remainder = dividend % divisor;
        if (remainder == 0) {
            return quotient;
        }
        // The exact quotient lies strictly between quotient and quotient + signum; decide whether to step away from zero.
        int signum = (dividend < 0) == (divisor < 0) ? 1 : -1;
        int half = compareHalf(Math.abs(remainder), Math.abs(divisor));
        boolean awayFromZero = stepAwayFromZero(mode, signum, half, (quotient & 1) != 0);
        return awayFromZero ? quotient + signum : quotient;
    }

    /**
     * Computes {@code value * numerator / denominator} rounded with {@code mode}, exactly even when the
     * intermediate product does not fit in 64 bits.
     *
     * @throws ArithmeticException if the rounded result does not fit in a long
     */
    public static long scale(long value, long numerator, long denominator, RoundingMode mode) {
        long high = Math.multiplyHigh(value, numerator);
        long low = value * numerator;
        // The 128-bit product fits in a long exactly when the high half is the sign extension of the low half.
        if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
            return divide(low, denominator, mode);
        }
        return scaleWide(value, numerator, denominator, mode);
    }

    /** Takes {@code basisPoints} / 10 000 of {@code amount}, rounded with {@code mode}. */
    public static long basisPointsOf(long amount, int basisPoints, RoundingMode mode) {
        return scale(amount, basisPoints, FULL_BASIS_POINTS, mode);
    }

    private static long scaleWide(long value, long numerator, long denominator, RoundingMode mode) {
        if (denominator == 0) {
            throw new ArithmeticException("division by zero");
        }
        BigInteger product = BigInteger.valueOf(value).multiply(BigInteger.valueOf(numerator));
        BigInteger[] qr = product.divideAndRemainder(BigInteger.valueOf(denominator));
        BigInteger quotient = qr[0];
        if (qr[1].signum() != 0) {
            int signum = product.signum() * Long.signum(denominator);
            BigInteger twiceRemainder = qr[1].abs().shiftLeft(1);
            int half = twiceRemainder.compareTo(BigInteger.valueOf(denominator).abs());
            boolean awayFromZero = stepAwayFromZero(mode, signum, half, quotient.testBit(0));
            if (awayFromZero) {
                quotient = quotient.add(BigInteger.valueOf(signum));
            }
        }
        return quotient.longValueExact();
    }

    /**
     * Decides, for an inexact quotient truncated towards zero, whether the rounded result is one step further
     * from zero. {@code signum} is the sign of the exact quotient, {@code half} how the remainder compares with
     * half the divisor, {@code truncatedOdd} whether the truncated quotient is odd (for HALF_EVEN).
     */
    private static boolean stepAwayFromZero(RoundingMode mode, int signum, int half, boolean truncatedOdd) {
        return switch (mode) {
            case UP -> true;
            case DOWN -> false;
            case CEILING -> signum > 0;
            case FLOOR -> signum < 0;
            case HALF_UP -> half >= 0;
            case HALF_DOWN -> half > 0;
            case HALF_EVEN -> half > 0 || (half == 0 && truncatedOdd);
            case UNNECESSARY -> throw new ArithmeticException("rounding necessary");
        };
    }

    /**
     * Compares {@code remainder} with half of {@code divisor}, both magnitudes read as unsigned so that
     * |Long.MIN_VALUE| still compares correctly.
     */
    private static int compareHalf(long remainder, long divisor) {
        long rest = divisor - remainder;
        return Long.compareUnsigned(remainder, rest);
    }
}
