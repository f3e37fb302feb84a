/**
 * One policy for every call a service makes to another: {@link dev.cartwright.service.call.GuardedCall} (a circuit
 * breaker per neighbour, a deadline per attempt, bounded retries with exponential back-off and jitter) and one
 * classification of how a call that got no answer ended ({@link dev.cartwright.service.call.CallFailure}): a definite
 * refusal, unavailable (it cannot have acted, safe to repeat), or an unknown outcome (it may have acted; only the same
 * call with the same idempotency key can tell). Nothing here knows a neighbour's messages; callers map the outcome
 * into their own words.
 */
package dev.cartwright.service.call;
