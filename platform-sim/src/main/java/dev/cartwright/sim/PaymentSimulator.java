package dev.cartwright.sim;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import dev.cartwright.proto.common.v1.Money;
import dev.cartwright.proto.platform.v1.AuthorizationStatus;
import dev.cartwright.proto.platform.v1.AuthorizePaymentRequest;
import dev.cartwright.proto.platform.v1.CapturePaymentRequest;
import dev.cartwright.proto.platform.v1.GetRefundRequest;
import dev.cartwright.proto.platform.v1.PaymentAuthorization;
import dev.cartwright.proto.platform.v1.PaymentRefund;
import dev.cartwright.proto.platform.v1.PaymentRefundStatus;
import dev.cartwright.proto.platform.v1.PaymentServiceService;
import dev.cartwright.proto.platform.v1.RefundPaymentRequest;
import dev.cartwright.proto.platform.v1.VoidAuthorizationRequest;

import io.vertx.core.Future;

/**
 * The simulated payment neighbour. Owns authorisations (by id and by idempotency key) and refunds (by idempotency
 * key), in memory. Every mutating call is idempotent on its key: the same key always gets the same answer and never
 * moves money twice. It also counts, per refund key, how many requests arrived and how many refunds were issued, so a
 * test can prove a retried refund paid out once.
 *
 * <p>Declines: a payment method id equal to "declined" or starting with "decline", or the {@code declineAll} knob.
 * A refund larger than what is left of a known authorisation fails with PAYMENT_REFUND_STATUS_FAILED.
 * All state is guarded by {@code this}.
 */
public final class PaymentSimulator extends PaymentServiceService {

    private final ServiceKnobs knobs;
    private final SimIds authorizationIds;
    private final SimIds refundIds;
    private final Map<String, String> authorizationByKey = new HashMap<>();
    private final Map<String, PaymentAuthorization> authorizations = new HashMap<>();
    private final Map<String, PaymentRefund> refundByKey = new HashMap<>();
    private final Map<String, Integer> refundRequestsByKey = new HashMap<>();
    private final Map<String, List<PaymentRefund>> refundsByOrder = new HashMap<>();
    private final Map<String, Long> refundedByReference = new HashMap<>();

    PaymentSimulator(ServiceKnobs knobs, long idBase) {
        this.knobs = knobs;
        this.authorizationIds = new SimIds("auth-", idBase);
        this.refundIds = new SimIds("refund-", idBase);
    }

    public ServiceKnobs knobs() {
        return knobs;
    }

    /** Turns the decline-everything knob. */
    public PaymentSimulator declineAll(boolean decline) {
        knobs.declineAll(decline);
        return this;
    }

    /** The authorisation with this id, as it stands. */
    public synchronized Optional<PaymentAuthorization> authorization(String authorizationId) {
        return Optional.ofNullable(authorizations.get(authorizationId));
    }

    /** The authorisation made under this idempotency key, as it stands, if any. */
    public synchronized Optional<PaymentAuthorization> authorizationByKey(String idempotencyKey) {
        return Optional.ofNullable(authorizationByKey.get(idempotencyKey)).map(authorizations::get);
    }

    /** How many authorisations (approved or declined) exist: one per distinct idempotency key. */
    public synchronized int authorizationCount() {
        return authorizations.size();
    }

    /** The refund issued under this key, if any. */
    public synchronized Optional<PaymentRefund> refund(String idempotencyKey) {
        return Optional.ofNullable(refundByKey.get(idempotencyKey));
    }

    /** How many RefundPayment calls carried this key (retries included). */
    public synchronized int refundRequests(String idempotencyKey) {
        return refundRequestsByKey.getOrDefault(idempotencyKey, 0);
    }

    /** How many refunds were issued under this key: 0 or 1 unless idempotency is broken. */
    public synchronized int refundsIssued(String idempotencyKey) {
        return refundByKey.containsKey(idempotencyKey) ? 1 : 0;
    }

    /** Every successful refund issued for an order, oldest first, whatever its key. */
    public synchronized List<PaymentRefund> refundsForOrder(String orderId) {
        return List.copyOf(refundsByOrder.getOrDefault(orderId, List.of()));
    }

    /** The sum of successful refunds for an order, in minor units. */
    public synchronized long refundedForOrder(String orderId) {
        long total = 0;
        for (PaymentRefund refund : refundsByOrder.getOrDefault(orderId, List.of())) {
            total = Math.addExact(total, refund.getAmount().getAmountMinor());
        }
        return total;
    }

    /** Successful refunds issued since start. */
    public synchronized int refundCount() {
        int count = 0;
        for (List<PaymentRefund> refunds : refundsByOrder.values()) {
            count += refunds.size();
        }
        return count;
    }

    @Override
    public Future<PaymentAuthorization> authorizePayment(AuthorizePaymentRequest request) {
        return knobs.gate(() -> {
            if (request.getIdempotencyKey().isEmpty()) {
                return Status.invalidField("idempotency_key", "is required");
            }
            Status.FieldProblem invalidAmount = invalidAmount(request.getAmount());
            if (invalidAmount != null) {
                return Status.invalidField(invalidAmount);
            }
            synchronized (this) {
                String existing = authorizationByKey.get(request.getIdempotencyKey());
                if (existing != null) {
                    return Future.succeededFuture(authorizations.get(existing));
                }
                PaymentAuthorization.Builder authorization = PaymentAuthorization.newBuilder()
                    .setAuthorizationId(authorizationIds.next())
                    .setAmount(request.getAmount());
                String declineReason = declineReason(request.getPaymentMethodId());
                if (declineReason != null) {
                    authorization.setStatus(AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED).setDeclineReason(declineReason);
                } else {
                    authorization.setStatus(AuthorizationStatus.AUTHORIZATION_STATUS_AUTHORIZED);
                }
                PaymentAuthorization stored = authorization.build();
                authorizationByKey.put(request.getIdempotencyKey(), stored.getAuthorizationId());
                authorizations.put(stored.getAuthorizationId(), stored);
                return Future.succeededFuture(stored);
            }
        });
    }

    @Override
    public Future<PaymentAuthorization> capturePayment(CapturePaymentRequest request) {
        return knobs.gate(() -> {
            synchronized (this) {
                PaymentAuthorization authorization = authorizations.get(request.getAuthorizationId());
                if (authorization == null) {
                    return Status.notFound("AUTHORIZATION_NOT_FOUND", "no authorization " + request.getAuthorizationId());
                }
                return switch (authorization.getStatus()) {
                    case AUTHORIZATION_STATUS_AUTHORIZED -> Future.succeededFuture(
                        replace(authorization.toBuilder().setStatus(AuthorizationStatus.AUTHORIZATION_STATUS_CAPTURED).build()));
                    case AUTHORIZATION_STATUS_CAPTURED -> Future.succeededFuture(authorization);
                    default -> Status.failedPrecondition("AUTHORIZATION_NOT_CAPTURABLE",
                        "authorizations/" + authorization.getAuthorizationId(),
                        "authorization " + authorization.getAuthorizationId() + " is " + word(authorization.getStatus())
                            + ", cannot capture");
                };
            }
        });
    }

    @Override
    public Future<PaymentAuthorization> voidAuthorization(VoidAuthorizationRequest request) {
        return knobs.gate(() -> {
            synchronized (this) {
                PaymentAuthorization authorization = authorizations.get(request.getAuthorizationId());
                if (authorization == null) {
                    return Status.notFound("AUTHORIZATION_NOT_FOUND", "no authorization " + request.getAuthorizationId());
                }
                return switch (authorization.getStatus()) {
                    case AUTHORIZATION_STATUS_AUTHORIZED -> Future.succeededFuture(
                        replace(authorization.toBuilder().setStatus(AuthorizationStatus.AUTHORIZATION_STATUS_VOIDED).build()));
                    case AUTHORIZATION_STATUS_CAPTURED -> Status.failedPrecondition("AUTHORIZATION_CAPTURED",
                        "authorizations/" + authorization.getAuthorizationId(),
                        "authorization " + authorization.getAuthorizationId() + " is captured; refund it instead");
                    // Voided already, or declined (nothing was held): voiding again changes nothing.
                    default -> Future.succeededFuture(authorization);
                };
            }
        });
    }

    @Override
    public Future<PaymentRefund> refundPayment(RefundPaymentRequest request) {
        return knobs.gate(() -> {
            if (request.getIdempotencyKey().isEmpty()) {
                return Status.invalidField("idempotency_key", "is required");
            }
            Status.FieldProblem invalidAmount = invalidAmount(request.getAmount());
            if (invalidAmount != null) {
                return Status.invalidField(invalidAmount);
            }
            synchronized (this) {
                refundRequestsByKey.merge(request.getIdempotencyKey(), 1, Integer::sum);
                PaymentRefund existing = refundByKey.get(request.getIdempotencyKey());
                if (existing != null) {
                    return Future.succeededFuture(existing);
                }
                PaymentRefund.Builder refund = PaymentRefund.newBuilder()
                    .setRefundId(refundIds.next())
                    .setAmount(request.getAmount())
                    .setIdempotencyKey(request.getIdempotencyKey());
                String failure = refundFailure(request);
                if (failure != null) {
                    refund.setStatus(PaymentRefundStatus.PAYMENT_REFUND_STATUS_FAILED).setFailureReason(failure);
                } else {
                    refund.setStatus(PaymentRefundStatus.PAYMENT_REFUND_STATUS_SUCCEEDED);
                }
                PaymentRefund stored = refund.build();
                refundByKey.put(request.getIdempotencyKey(), stored);
                if (failure == null) {
                    refundsByOrder.computeIfAbsent(request.getOrderId(), o -> new ArrayList<>()).add(stored);
                    if (!request.getPaymentReference().isEmpty()) {
                        refundedByReference.merge(request.getPaymentReference(), request.getAmount().getAmountMinor(), Math::addExact);
                    }
                }
                return Future.succeededFuture(stored);
            }
        });
    }

    @Override
    public Future<PaymentRefund> getRefund(GetRefundRequest request) {
        return knobs.gate(() -> {
            synchronized (this) {
                PaymentRefund refund = refundByKey.get(request.getIdempotencyKey());
                return refund == null
                    ? Status.notFound("REFUND_NOT_FOUND", "no refund with idempotency key " + request.getIdempotencyKey())
                    : Future.succeededFuture(refund);
            }
        });
    }

    private String declineReason(String paymentMethodId) {
        if (paymentMethodId.toLowerCase(Locale.ROOT).startsWith("decline")) {
            return "card_declined";
        }
        if (knobs.current().declineAll()) {
            return "card_declined (all payments declined)";
        }
        return null;
    }

    /** Why a refund cannot be paid, or null; call with the lock held. */
    private String refundFailure(RefundPaymentRequest request) {
        PaymentAuthorization source = authorizations.get(request.getPaymentReference());
        if (source == null) {
            // The money came from a payment this simulator does not know (a seeded order): nothing to check against.
            return null;
        }
        if (source.getStatus() == AuthorizationStatus.AUTHORIZATION_STATUS_DECLINED
            || source.getStatus() == AuthorizationStatus.AUTHORIZATION_STATUS_VOIDED) {
            return "payment " + source.getAuthorizationId() + " is " + word(source.getStatus()) + "; nothing to refund";
        }
        long left = source.getAmount().getAmountMinor() - refundedByReference.getOrDefault(source.getAuthorizationId(), 0L);
        if (request.getAmount().getAmountMinor() > left) {
            return "refund of " + request.getAmount().getAmountMinor() + " exceeds the " + left + " left of payment "
                + source.getAuthorizationId();
        }
        return null;
    }

    private PaymentAuthorization replace(PaymentAuthorization updated) {
        authorizations.put(updated.getAuthorizationId(), updated);
        return updated;
    }

    /** The field of {@code amount} that is refused and why, or null when it is a payable amount. */
    private static Status.FieldProblem invalidAmount(Money amount) {
        if (amount.getAmountMinor() <= 0) {
            return new Status.FieldProblem("amount.amount_minor", "must be > 0");
        }
        if (amount.getCurrencyCode().length() != 3) {
            return new Status.FieldProblem("amount.currency_code", "must be an ISO 4217 code");
        }
        return null;
    }

    private static String word(AuthorizationStatus status) {
        return switch (status) {
            case AUTHORIZATION_STATUS_AUTHORIZED -> "authorized";
            case AUTHORIZATION_STATUS_DECLINED -> "declined";
            case AUTHORIZATION_STATUS_CAPTURED -> "captured";
            case AUTHORIZATION_STATUS_VOIDED -> "voided";
            default -> status.name();
        };
    }
}
