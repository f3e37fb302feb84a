package dev.cartwright.service.auth;

import java.util.Set;

/**
 * Who is calling: a customer, a member of staff, or (in development mode only) an anonymous
 * caller trusted to name any customer. Endpoints decide ownership from this, never from a
 * request field alone.
 */
public record Caller(String subject, Set<String> roles, boolean development) {

    public static final String STAFF = "staff";

    public Caller {
        roles = Set.copyOf(roles);
    }

    /** The caller of a service running without authentication. */
    public static Caller developer() {
        return new Caller("", Set.of(STAFF), true);
    }

    public static Caller customer(String customerId) {
        return new Caller(customerId, Set.of(), false);
    }

    public static Caller staff(String subject) {
        return new Caller(subject, Set.of(STAFF), false);
    }

    /** A guest: no token. Guest carts are reachable by their unguessable id alone. */
    public static Caller guest() {
        return new Caller("", Set.of(), false);
    }

    public boolean isStaff() {
        return roles.contains(STAFF);
    }

    public boolean isGuest() {
        return !development && subject.isEmpty();
    }

    /**
     * Whether this caller may act for the given customer: the customer themself, staff, or
     * anyone in development mode.
     */
    public boolean mayActFor(String customerId) {
        return development || isStaff() || (!subject.isEmpty() && subject.equals(customerId));
    }
}
