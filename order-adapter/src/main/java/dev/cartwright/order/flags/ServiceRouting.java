package dev.cartwright.order.flags;

/**
 * Which side serves a customer's calls at the gateway (deploy/gateway/haproxy.cfg), computed the way the gateway
 * computes it: the new service when its kill switch is on and the customer's bucket for the service's flag lies below
 * the share; the Order service otherwise. A call with no subject goes to the new service only at 100%.
 *
 * <p>The gateway hashes in Lua ({@code deploy/gateway/bucket.lua}) with the same function as {@link Buckets}; the
 * gateway's tests check the two agree, so any Java process can tell where a customer is served.
 */
public enum ServiceRouting {

    /** Cart and checkout calls: kill switch USE_CHECKOUT_SERVICE, share CHECKOUT_SERVICE_SHARE. */
    CHECKOUT("use_checkout_service", "USE_CHECKOUT_SERVICE", "CHECKOUT_SERVICE_SHARE"),
    /** Return calls: kill switch USE_RETURN_SERVICE, share RETURN_SERVICE_SHARE. */
    RETURNS("use_return_service", "USE_RETURN_SERVICE", "RETURN_SERVICE_SHARE");

    private final String flag;
    private final String switchKey;
    private final String shareKey;

    ServiceRouting(String flag, String switchKey, String shareKey) {
        this.flag = flag;
        this.switchKey = switchKey;
        this.shareKey = shareKey;
    }

    /** The flag name hashed with the subject. */
    public String flag() {
        return flag;
    }

    /** The kill switch's key in the gateway's rollout map (1 = on, 0 = off). */
    public String switchKey() {
        return switchKey;
    }

    /** The share's key in the gateway's rollout map, in basis points. */
    public String shareKey() {
        return shareKey;
    }

    /** The subject's bucket for this service, 0..9 999. */
    public int bucket(String subject) {
        return Buckets.of(flag, subject);
    }

    /** Whether the new service serves this subject (null or empty: a call without a subject). */
    public boolean servesNew(boolean switchOn, FlagSetting share, String subject) {
        if (!switchOn) {
            return false;
        }
        if (subject == null || subject.isEmpty()) {
            return share.fullyOn();
        }
        return share.covers(bucket(subject));
    }
}
