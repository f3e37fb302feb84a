package dev.cartwright.returns.store;

import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;
import java.util.Optional;

/**
 * What a failure of return_db means for whoever asked, read from its SQLSTATE: the only place that reads them.
 */
public enum DatabaseTrouble {

    /** A serialization failure or deadlock: nothing was changed, and trying again may well succeed. */
    CONFLICT,
    /** The database could not be reached or the connection was lost: the outcome of a write is not known here. */
    UNREACHABLE,
    /** A data exception or a constraint violation: the same input will be refused again however often it is sent. */
    REFUSED;

    public static Optional<DatabaseTrouble> of(Throwable e) {
        if (e instanceof ConnectException || e instanceof ClosedConnectionException) {
            return Optional.of(UNREACHABLE);
        }
        if (!(e instanceof PgException pg) || pg.getSqlState() == null) {
            return Optional.empty();
        }
        String state = pg.getSqlState();
        if (state.equals("40001") || state.equals("40P01")) {
            return Optional.of(CONFLICT);
        }
        if (state.startsWith("08")) {
            return Optional.of(UNREACHABLE);
        }
        if (state.startsWith("22") || state.startsWith("23")) {
            return Optional.of(REFUSED);
        }
        return Optional.empty();
    }
}
