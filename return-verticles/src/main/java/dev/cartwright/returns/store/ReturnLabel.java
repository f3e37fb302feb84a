package dev.cartwright.returns.store;

/** The label the customer sends the parcel back with. */
public record ReturnLabel(String carrier, String trackingNumber, String labelUrl) {
}
