/**
 * The checkout's values in the messages of its contracts (checkout.v1, common.v1): what the gRPC edge answers with and
 * the stored form of a confirmed order ({@link dev.cartwright.checkout.contract.CheckoutContract}). The saga and the
 * domain never see these messages.
 */
package dev.cartwright.checkout.contract;
