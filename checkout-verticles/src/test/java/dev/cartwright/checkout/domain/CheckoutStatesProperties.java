package dev.cartwright.checkout.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * A checkout's states as a state machine, driven by any sequence of the moves clients and the saga ask for: only an
 * open checkout moves on a client's request, every other state refuses naming itself; the version rises by exactly one
 * on each move another writer must notice and never otherwise; a completed, failed or expired checkout never moves
 * again; what the checkout froze never changes; each confirmation is a new saga run.
 */
class CheckoutStatesProperties {

    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    /** What may be asked of a checkout; the saga's moves apply to the states the saga holds. */
    enum Move { EDIT, CLAIM, EXPIRE, START_STEP, AUTHORIZE, PLACE_ORDER, TAKE_OVER, PARK, REOPEN, FAIL, COMPENSATE, END, COMPLETE }

    /** Which moves must bump the version (fencing off another writer); the rest keep it. */
    private static boolean bumps(Move move) {
        return switch (move) {
            case EDIT, CLAIM, EXPIRE, TAKE_OVER, REOPEN, END, COMPLETE -> true;
            case START_STEP, AUTHORIZE, PLACE_ORDER, PARK, FAIL, COMPENSATE -> false;
        };
    }

    static CheckoutContents contents() {
        return new CheckoutContents("chk-1", "cart-1", Optional.of("cust-1"), 7, "EUR", "DE",
            List.of(new FrozenLine("sku-1", "Mug", "kitchen", 2, 1500, 3000, 0, 0, 479, 3000)), List.of("SAVE10"),
            new CheckoutTotals(3000, 0, 0, 479, 3000, true, 2), Optional.empty(), Optional.empty(),
            List.of(new ShippingOption("std", "Standard", 495, "EUR", 3)), Optional.empty(), "rsv-chk-1",
            Optional.of(T0.plusSeconds(900)), T0);
    }

    private static ConfirmedOrder reply(String orderId, Checkout c) {
        return new ConfirmedOrder(orderId, c.checkoutId(), c.customerId(), "created", List.of(), c.totals(), c.currency(),
            Optional.empty(), T0);
    }

    /** One move applied to {@code c}: the next state, or {@code c} itself when the move is refused or not the state's. */
    private static Checkout apply(Checkout c, Move move, int n) {
        Instant now = T0.plusSeconds(n);
        Instant lease = now.plus(Duration.ofSeconds(30));
        switch (move) {
            case EDIT:
                return moved(c.changeable()).<Checkout>map(open -> open.edited(open.contents().withBillingAddress(
                    PostalAddress.of("Ann", "Main St " + n, "", "Berlin", "", "10115", "DE", "")), Optional.of("key-" + n), now))
                    .orElse(c);
            case CLAIM:
                return moved(c.claim("pm-card", c.contents(), lease, now)).<Checkout>map(x -> x).orElse(c);
            case EXPIRE:
                return moved(c.expire(now)).<Checkout>map(x -> x).orElse(c);
            default:
                break;
        }
        if (!(c instanceof Checkout.Underway underway)) {
            return c;
        }
        switch (move) {
            case START_STEP:
                return underway.starting("step-" + n, lease, now);
            case TAKE_OVER:
                return underway.takenOver(lease, now);
            case PARK:
                return underway.parked(lease, now);
            default:
                break;
        }
        if (underway instanceof Checkout.Confirming confirming) {
            return switch (move) {
                case AUTHORIZE -> confirming.authorized("auth-" + n);
                case PLACE_ORDER -> confirming.ordered("ord-" + n);
                case REOPEN -> confirming.reopened(now);
                case FAIL -> confirming.failing("authorize_payment", "payment declined", CheckoutProblem.Kind.FAILED_PRECONDITION, now);
                case COMPLETE -> confirming.completed(reply("ord-" + n, confirming), now);
                default -> c;
            };
        }
        Checkout.Compensating compensating = (Checkout.Compensating) underway;
        return switch (move) {
            case COMPENSATE -> compensating.compensated("void_authorization", now);
            case END -> compensating.ended(now);
            default -> c;
        };
    }

    private static <T extends Checkout> Optional<T> moved(Transition<T> transition) {
        return transition instanceof Transition.Moved<T> moved ? Optional.of(moved.to()) : Optional.empty();
    }

    private static boolean terminal(Checkout c) {
        return c instanceof Checkout.Completed || c instanceof Checkout.Failed || c instanceof Checkout.Expired;
    }

    @Provide
    Arbitrary<List<Move>> moves() {
        return Arbitraries.of(Move.class).list().ofMaxSize(40);
    }

    @Property
    void theVersionRisesByOneOnEveryFencingMoveAndOnNoOther(@ForAll("moves") List<Move> moves) {
        Checkout c = Checkout.Open.started(contents(), T0);
        int n = 0;
        for (Move move : moves) {
            Checkout next = apply(c, move, ++n);
            if (next == c) {
                continue;
            }
            assertThat(next.version()).as("%s from %s", move, c.getClass().getSimpleName())
                .isEqualTo(c.version() + (bumps(move) ? 1 : 0));
            c = next;
        }
    }

    @Property
    void aCheckoutThatEndedNeverMovesAgain(@ForAll("moves") List<Move> moves) {
        Checkout c = Checkout.Open.started(contents(), T0);
        Checkout ended = null;
        int n = 0;
        for (Move move : moves) {
            c = apply(c, move, ++n);
            if (ended != null) {
                assertThat(c).isSameAs(ended);
            } else if (terminal(c)) {
                ended = c;
            }
        }
    }

    @Property
    void onlyAnOpenCheckoutMovesOnAClientsRequestAndEveryOtherStateRefusesNamingItself(@ForAll("moves") List<Move> moves) {
        Checkout c = Checkout.Open.started(contents(), T0);
        int n = 0;
        for (Move move : moves) {
            c = apply(c, move, ++n);
            List<Transition<?>> asked = new ArrayList<>();
            asked.add(c.changeable());
            asked.add(c.claim("pm-card", c.contents(), T0, T0));
            asked.add(c.expire(T0));
            for (Transition<?> t : asked) {
                if (c instanceof Checkout.Open) {
                    assertThat(t).isInstanceOf(Transition.Moved.class);
                } else {
                    assertThat(t).isInstanceOf(Transition.Refused.class);
                    Transition.Refused<?> refused = (Transition.Refused<?>) t;
                    assertThat(refused.current()).isEqualTo(c.status());
                    assertThat(refused.message()).startsWith("checkout chk-1 is " + c.status() + "; only an open checkout can ");
                }
            }
        }
    }

    @Property
    void whatTheCheckoutFrozeNeverChangesAndEachConfirmationIsANewRun(@ForAll("moves") List<Move> moves) {
        Checkout c = Checkout.Open.started(contents(), T0);
        int claims = 0;
        int n = 0;
        for (Move move : moves) {
            Checkout next = apply(c, move, ++n);
            if (move == Move.CLAIM && next != c) {
                claims++;
            }
            c = next;
            assertThat(c.checkoutId()).isEqualTo("chk-1");
            assertThat(c.cartVersion()).isEqualTo(7);
            assertThat(c.lines()).isEqualTo(contents().lines());
            assertThat(c.reservationId()).isEqualTo("rsv-chk-1");
            assertThat(c.createdAt()).isEqualTo(T0);
            Optional<SagaRun> run = c instanceof Checkout.Underway u ? Optional.of(u.run())
                : c instanceof Checkout.Open o ? o.lastRun()
                : c instanceof Checkout.Expired e ? e.lastRun()
                : c instanceof Checkout.Completed done ? Optional.of(done.run())
                : Optional.of(((Checkout.Failed) c).run());
            assertThat(run.map(SagaRun::number).orElse(0)).isEqualTo(claims);
        }
    }

    @Property
    void eachStateHasItsStoredName(@ForAll("moves") List<Move> moves) {
        Checkout c = Checkout.Open.started(contents(), T0);
        int n = 0;
        for (Move move : moves) {
            c = apply(c, move, ++n);
            CheckoutState expected = c instanceof Checkout.Open ? CheckoutState.OPEN
                : c instanceof Checkout.Underway ? CheckoutState.CONFIRMING
                : c instanceof Checkout.Completed ? CheckoutState.COMPLETED
                : c instanceof Checkout.Failed ? CheckoutState.FAILED
                : CheckoutState.EXPIRED;
            assertThat(c.status()).isEqualTo(expected);
        }
    }

    @Example
    void aFailedConfirmationKeepsWhyAndWhatWasUndoneAndAnswersAsBefore() {
        Checkout.Confirming confirming = (Checkout.Confirming) moved(Checkout.Open.started(contents(), T0)
            .claim("pm-card", contents(), T0.plusSeconds(30), T0)).orElseThrow();
        Checkout.Failed failed = confirming.authorized("auth-1")
            .failing("create_order", "order refused CreateOrder (INVALID_ARGUMENT): bad", CheckoutProblem.Kind.FAILED_PRECONDITION, T0)
            .compensated("void_authorization", T0).compensated("release_reservation", T0).ended(T0);

        assertThat(failed.authorizationId()).contains("auth-1");
        assertThat(failed.run().step()).contains("create_order");
        assertThat(failed.run().leaseUntil()).isEmpty();
        assertThat(failed.failure().problem().kind()).isEqualTo(CheckoutProblem.Kind.FAILED_PRECONDITION);
        assertThat(failed.failure().problem().getMessage()).isEqualTo("order refused CreateOrder (INVALID_ARGUMENT): bad"
            + " (checkout failed at create_order; undone: void_authorization, release_reservation)");
    }

    @Example
    void aReopenedCheckoutIsConfirmedInTheNextRunWithItsLeaseGiven() {
        Checkout.Confirming first = (Checkout.Confirming) moved(Checkout.Open.started(contents(), T0)
            .claim("pm-card", contents(), T0.plusSeconds(30), T0)).orElseThrow();
        Checkout.Open reopened = first.starting("reprice", T0.plusSeconds(60), T0).reopened(T0.plusSeconds(1));

        assertThat(reopened.lastRun()).contains(new SagaRun(1, "pm-card", Optional.of("reprice"), Optional.empty()));
        Checkout.Confirming second = (Checkout.Confirming) moved(reopened.claim("pm-other", contents(), T0.plusSeconds(90),
            T0.plusSeconds(2))).orElseThrow();
        assertThat(second.run()).isEqualTo(new SagaRun(2, "pm-other", Optional.empty(), Optional.of(T0.plusSeconds(90))));
        assertThat(second.version()).isEqualTo(4);
    }
}
