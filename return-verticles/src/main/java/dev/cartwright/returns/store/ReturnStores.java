package dev.cartwright.returns.store;

/** The stores of return_db, one job each, made once per service and handed to whoever needs them. */
public record ReturnStores(OrderProjection orders, ReturnRequests requests, RefundLedger refunds, RestockQueue restocks) {

    public static ReturnStores create() {
        return new ReturnStores(new OrderProjection(), new ReturnRequests(), new RefundLedger(), new RestockQueue());
    }
}
