package dev.cartwright.returns.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ReturnStateMachineTest {

    /** The whole table of allowed moves; every other (status, action) pair must be refused. */
    private static final Map<ReturnStatus, Map<ReturnAction, ReturnStatus>> ALLOWED = new EnumMap<>(ReturnStatus.class);

    static {
        for (ReturnStatus s : ReturnStatus.values()) {
            ALLOWED.put(s, new EnumMap<>(ReturnAction.class));
        }
        ALLOWED.get(ReturnStatus.REQUESTED).put(ReturnAction.APPROVE, ReturnStatus.APPROVED);
        ALLOWED.get(ReturnStatus.REQUESTED).put(ReturnAction.REJECT, ReturnStatus.REJECTED);
        ALLOWED.get(ReturnStatus.REQUESTED).put(ReturnAction.CANCEL, ReturnStatus.CANCELLED);
        ALLOWED.get(ReturnStatus.APPROVED).put(ReturnAction.RECEIVE_ITEMS, ReturnStatus.ITEMS_RECEIVED);
        ALLOWED.get(ReturnStatus.APPROVED).put(ReturnAction.CANCEL, ReturnStatus.CANCELLED);
        ALLOWED.get(ReturnStatus.ITEMS_RECEIVED).put(ReturnAction.REFUND, ReturnStatus.REFUNDED);
        ALLOWED.get(ReturnStatus.REFUNDED).put(ReturnAction.COMPLETE, ReturnStatus.COMPLETED);
    }

    @Test
    void theHappyPathMovesStepByStep() {
        assertThat(ReturnStateMachine.apply(ReturnStatus.REQUESTED, ReturnAction.APPROVE))
            .isEqualTo(new Transition.Moved(ReturnStatus.REQUESTED, ReturnStatus.APPROVED, ReturnAction.APPROVE));
        assertThat(ReturnStateMachine.apply(ReturnStatus.APPROVED, ReturnAction.RECEIVE_ITEMS))
            .isEqualTo(new Transition.Moved(ReturnStatus.APPROVED, ReturnStatus.ITEMS_RECEIVED, ReturnAction.RECEIVE_ITEMS));
        assertThat(ReturnStateMachine.apply(ReturnStatus.ITEMS_RECEIVED, ReturnAction.REFUND))
            .isEqualTo(new Transition.Moved(ReturnStatus.ITEMS_RECEIVED, ReturnStatus.REFUNDED, ReturnAction.REFUND));
        assertThat(ReturnStateMachine.apply(ReturnStatus.REFUNDED, ReturnAction.COMPLETE))
            .isEqualTo(new Transition.Moved(ReturnStatus.REFUNDED, ReturnStatus.COMPLETED, ReturnAction.COMPLETE));
    }

    @Test
    void aRequestCanBeRejectedOrCancelledAndAnApprovedOneCancelled() {
        assertThat(ReturnStateMachine.apply(ReturnStatus.REQUESTED, ReturnAction.REJECT))
            .isEqualTo(new Transition.Moved(ReturnStatus.REQUESTED, ReturnStatus.REJECTED, ReturnAction.REJECT));
        assertThat(ReturnStateMachine.apply(ReturnStatus.REQUESTED, ReturnAction.CANCEL))
            .isEqualTo(new Transition.Moved(ReturnStatus.REQUESTED, ReturnStatus.CANCELLED, ReturnAction.CANCEL));
        assertThat(ReturnStateMachine.apply(ReturnStatus.APPROVED, ReturnAction.CANCEL))
            .isEqualTo(new Transition.Moved(ReturnStatus.APPROVED, ReturnStatus.CANCELLED, ReturnAction.CANCEL));
    }

    @ParameterizedTest
    @EnumSource(ReturnStatus.class)
    void everyOtherActionIsRefusedNamingTheCurrentState(ReturnStatus status) {
        int refused = 0;
        for (ReturnAction action : ReturnAction.values()) {
            Transition t = ReturnStateMachine.apply(status, action);
            ReturnStatus allowedTo = ALLOWED.get(status).get(action);
            if (allowedTo != null) {
                assertThat(t).isEqualTo(new Transition.Moved(status, allowedTo, action));
            } else {
                refused++;
                assertThat(t).isEqualTo(new Transition.Refused(status, action));
                assertThat(((Transition.Refused) t).message()).contains(status.wireName()).startsWith("cannot ");
            }
        }
        assertThat(refused).isEqualTo(ReturnAction.values().length - ALLOWED.get(status).size());
    }

    @Test
    void cancellingOnceItemsAreReceivedIsRefused() {
        assertThat(ReturnStateMachine.apply(ReturnStatus.ITEMS_RECEIVED, ReturnAction.CANCEL))
            .isEqualTo(new Transition.Refused(ReturnStatus.ITEMS_RECEIVED, ReturnAction.CANCEL));
        assertThat(((Transition.Refused) ReturnStateMachine.apply(ReturnStatus.ITEMS_RECEIVED, ReturnAction.CANCEL)).message())
            .isEqualTo("cannot cancel a return that is items_received");
    }

    @Test
    void terminalStatesAllowNothing() {
        for (ReturnStatus terminal : new ReturnStatus[] {ReturnStatus.REJECTED, ReturnStatus.CANCELLED, ReturnStatus.COMPLETED}) {
            for (ReturnAction action : ReturnAction.values()) {
                assertThat(ReturnStateMachine.apply(terminal, action)).isInstanceOf(Transition.Refused.class);
            }
        }
    }

    @Test
    void wireNamesRoundTrip() {
        for (ReturnStatus s : ReturnStatus.values()) {
            assertThat(ReturnStatus.fromWireName(s.wireName())).contains(s);
        }
        assertThat(ReturnStatus.fromWireName("ITEMS_RECEIVED")).isEmpty();
        assertThat(ReturnStatus.REJECTED.claimsItems()).isFalse();
        assertThat(ReturnStatus.CANCELLED.claimsItems()).isFalse();
        assertThat(ReturnStatus.APPROVED.claimsItems()).isTrue();
    }
}
