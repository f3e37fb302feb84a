package dev.cartwright.returns.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class PageCursorTest {

    @Test
    void aTokenCarriesItsCursorExactly() {
        PageCursor cursor = new PageCursor(Instant.parse("2026-03-01T10:00:00.123456Z"), "5b1c0a3e-aaaa-bbbb-cccc-000000000001");
        assertThat(PageCursor.parse(cursor.token())).contains(cursor);
        assertThat(cursor.token()).doesNotContain("2026").doesNotContain("/");
    }

    @Test
    void tokensNotHandedOutAreRefused() {
        assertThat(PageCursor.parse("not a token")).isEmpty();
        assertThat(PageCursor.parse("")).isEmpty();
        assertThat(PageCursor.parse("MTIz")).isEmpty();
    }
}
