package dev.cartwright.returns.store;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * Where the next page of a newest-first listing starts: after the return created at {@code createdAt} with id
 * {@code returnId}. Handed to clients as an opaque token.
 */
public record PageCursor(Instant createdAt, String returnId) {

    public String token() {
        String raw = createdAt.getEpochSecond() + "." + createdAt.getNano() + "/" + returnId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }

    /** The cursor in a token; empty when the token is not one this service handed out. */
    public static Optional<PageCursor> parse(String token) {
        try {
            String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int slash = raw.indexOf('/');
            int dot = raw.indexOf('.');
            if (slash < 0 || dot < 0 || dot > slash || slash == raw.length() - 1) {
                return Optional.empty();
            }
            long seconds = Long.parseLong(raw.substring(0, dot));
            int nanos = Integer.parseInt(raw.substring(dot + 1, slash));
            return Optional.of(new PageCursor(Instant.ofEpochSecond(seconds, nanos), raw.substring(slash + 1)));
        } catch (IllegalArgumentException | java.time.DateTimeException e) {
            return Optional.empty();
        }
    }
}
