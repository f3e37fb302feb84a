// Every cart, checkout and return call against the running services, over gRPC-Web and over HTTP/JSON.
// Needs the services: CARTWRIGHT_CHECKOUT_URL and CARTWRIGHT_RETURNS_URL (e.g. http://127.0.0.1:9003 and :9004 after
// ./cartwright start). OrderToReturnIT (order-legacy) runs this file against a stack of its own.
import type { MessageInitShape } from "@bufbuild/protobuf";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import {
  CartStatus,
  CheckoutStatus,
  Code,
  ReturnStatus,
  createCartwrightClient,
  describeError,
  newIdempotencyKey,
  toDecimalString,
  AddressSchema,
  type Cart,
  type CartwrightClient,
  type Order,
  type Protocol,
} from "../src/index.js";

const checkoutUrl = process.env.CARTWRIGHT_CHECKOUT_URL;
const returnsUrl = process.env.CARTWRIGHT_RETURNS_URL;
const skip = checkoutUrl && returnsUrl ? false : "set CARTWRIGHT_CHECKOUT_URL and CARTWRIGHT_RETURNS_URL to run against the services";

/** Plenty in stock; 101 has 3 units (the simulator's low-stock products). */
const PLENTIFUL = "456";
const OTHER = "457";
const LOW_STOCK = "101";

const address: MessageInitShape<typeof AddressSchema> = {
  name: "Ada Shopper", line1: "1 Market St", city: "San Francisco", region: "CA", postalCode: "94105", countryCode: "US",
};

async function failure(call: Promise<unknown>): Promise<ReturnType<typeof describeError>> {
  try {
    await call;
  } catch (e) {
    return describeError(e);
  }
  assert.fail("the call succeeded");
}

/** Retries while the order is not yet delivered (the simulator delivers shortly after the order is placed). */
async function eventually<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await attempt();
    } catch (e) {
      if (i >= 60 || describeError(e).code !== Code.FailedPrecondition) {
        throw e;
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

for (const protocol of ["grpc-web", "http-json"] as Protocol[]) {
  describe(`over ${protocol}`, { skip }, () => {
    const customer = `ts-${protocol}-${Date.now().toString(36)}`;
    const client: CartwrightClient = createCartwrightClient({
      baseUrl: checkoutUrl ?? "", returnsBaseUrl: returnsUrl, protocol, headers: { "x-customer-id": customer },
    });
    let cart: Cart;
    let order: Order;

    test("CartService: create, read, add, update, remove, promotions, clear, merge", async () => {
      cart = await client.carts.createCart({ customerId: customer, currencyCode: "USD", idempotencyKey: newIdempotencyKey() });
      assert.equal(cart.status, CartStatus.ACTIVE);
      assert.equal(cart.customerId, customer);

      const add = { cartId: cart.cartId, productId: PLENTIFUL, quantity: 2, expectedVersion: cart.version, idempotencyKey: newIdempotencyKey() };
      cart = await client.carts.addItem(add);
      assert.equal(cart.items.length, 1);
      assert.equal(cart.items[0].quantity, 2);
      const unit = cart.items[0].unitPrice!;
      assert.equal(cart.items[0].subtotal!.amountMinor, unit.amountMinor * 2n);
      // The same change again with the same key applies nothing twice.
      const again = await client.carts.addItem(add);
      assert.equal(again.items[0].quantity, 2);
      assert.equal(again.version, cart.version);

      const stale = await failure(client.carts.updateItem({ cartId: cart.cartId, productId: PLENTIFUL, quantity: 5, expectedVersion: cart.version - 1n }));
      assert.equal(stale.code, Code.Aborted, stale.message);

      cart = await client.carts.updateItem({ cartId: cart.cartId, productId: PLENTIFUL, quantity: 3, expectedVersion: cart.version });
      assert.equal(cart.items[0].quantity, 3);
      cart = await client.carts.addItem({ cartId: cart.cartId, productId: OTHER, quantity: 1 });
      assert.equal(cart.items.length, 2);
      cart = await client.carts.removeItem({ cartId: cart.cartId, productId: OTHER, expectedVersion: cart.version });
      assert.deepEqual(cart.items.map((l) => l.productId), [PLENTIFUL]);

      const outOfStock = await failure(client.carts.addItem({ cartId: cart.cartId, productId: LOW_STOCK, quantity: 50 }));
      assert.equal(outOfStock.code, Code.FailedPrecondition);
      assert.match(outOfStock.message, /out of stock|insufficient stock/);

      const invalid = await failure(client.carts.applyPromotion({ cartId: cart.cartId, code: "NOSUCHCODE" }));
      assert.ok([Code.FailedPrecondition, Code.NotFound, Code.InvalidArgument].includes(invalid.code), invalid.message);
      const missingField = await failure(client.carts.addItem({ cartId: cart.cartId, productId: "", quantity: 1 }));
      assert.equal(missingField.code, Code.InvalidArgument);
      assert.match(missingField.message, /product_id/);

      cart = await client.carts.applyPromotion({ cartId: cart.cartId, code: "SAVE10" });
      assert.deepEqual(cart.promotions.map((p) => p.code), ["SAVE10"]);
      assert.ok(cart.totals!.discount!.amountMinor > 0n);
      const t = cart.totals!;
      assert.equal(t.grandTotal!.amountMinor,
        t.subtotal!.amountMinor - t.discount!.amountMinor + t.shipping!.amountMinor + (t.taxInclusive ? 0n : t.tax!.amountMinor));
      cart = await client.carts.removePromotion({ cartId: cart.cartId, code: "SAVE10" });
      assert.equal(cart.promotions.length, 0);
      cart = await client.carts.applyPromotion({ cartId: cart.cartId, code: "SAVE10" });

      const read = await client.carts.getCart({ cartId: cart.cartId });
      assert.equal(read.version, cart.version);
      assert.equal(toDecimalString(read.totals!.grandTotal!), toDecimalString(cart.totals!.grandTotal!));

      // A guest's cart merged into the customer's cart; another cart cleared.
      const guest = await client.carts.createCart({ currencyCode: "USD" });
      await client.carts.addItem({ cartId: guest.cartId, productId: OTHER, quantity: 1 });
      cart = await client.carts.mergeCarts({ sourceCartId: guest.cartId, customerId: customer });
      assert.ok(cart.items.some((l) => l.productId === OTHER));
      assert.equal((await client.carts.getCart({ cartId: guest.cartId })).status, CartStatus.MERGED);
      cart = await client.carts.removeItem({ cartId: cart.cartId, productId: OTHER });

      // A customer has one active cart (CreateCart answers it again), so the cart to clear is a guest's.
      const spare = await client.carts.createCart({ currencyCode: "USD" });
      await client.carts.addItem({ cartId: spare.cartId, productId: OTHER, quantity: 4 });
      const cleared = await client.carts.clearCart({ cartId: spare.cartId });
      assert.equal(cleared.items.length, 0);
    });

    test("CheckoutService: start, read, addresses, shipping method, preview, confirm", async () => {
      let checkout = await client.checkouts.startCheckout({ cartId: cart.cartId, idempotencyKey: newIdempotencyKey() });
      assert.equal(checkout.status, CheckoutStatus.OPEN);
      assert.ok(checkout.availableShippingMethods.length > 0);
      checkout = await client.checkouts.getCheckout({ checkoutId: checkout.checkoutId });
      checkout = await client.checkouts.updateShippingAddress({ checkoutId: checkout.checkoutId, address, expectedVersion: checkout.version });
      assert.equal(checkout.shippingAddress!.city, "San Francisco");
      checkout = await client.checkouts.updateBillingAddress({ checkoutId: checkout.checkoutId, address });
      const method = checkout.availableShippingMethods[0];
      checkout = await client.checkouts.selectShippingMethod({ checkoutId: checkout.checkoutId, shippingMethodId: method.shippingMethodId });
      assert.equal(checkout.shippingMethod!.shippingMethodId, method.shippingMethodId);

      const preview = await client.checkouts.previewOrder({ checkoutId: checkout.checkoutId });
      assert.ok(preview.ready, preview.issues.join("; "));
      assert.equal(preview.totals!.shipping!.amountMinor, method.price!.amountMinor);

      const key = newIdempotencyKey();
      order = await client.checkouts.confirmCheckout({ checkoutId: checkout.checkoutId, paymentMethodId: "pm-visa", idempotencyKey: key });
      assert.ok(order.orderId);
      assert.equal(order.totals!.grandTotal!.amountMinor, preview.totals!.grandTotal!.amountMinor);
      // Confirming again with the same key answers with the same order.
      const again = await client.checkouts.confirmCheckout({ checkoutId: checkout.checkoutId, paymentMethodId: "pm-visa", idempotencyKey: key });
      assert.equal(again.orderId, order.orderId);
      assert.equal((await client.checkouts.getCheckout({ checkoutId: checkout.checkoutId })).status, CheckoutStatus.COMPLETED);
    });

    test("ReturnService: request, read, list, approve, receive, refund; reject; cancel", async () => {
      const line = order.items[0];
      assert.ok(line.quantity >= 3, "the order has three units to return one by one");
      const request = (reason: string) => ({
        orderId: order.orderId, customerId: customer, idempotencyKey: newIdempotencyKey(),
        items: [{ orderItemId: line.orderItemId, quantity: 1, reason }],
      });
      let refunded = await eventually(() => client.returns.createReturnRequest(request("defective")));
      assert.equal(refunded.status, ReturnStatus.REQUESTED);
      assert.equal((await client.returns.getReturnRequest({ returnId: refunded.returnId })).orderId, order.orderId);
      refunded = await client.returns.approveReturn({ returnId: refunded.returnId, expectedVersion: refunded.version });
      assert.equal(refunded.status, ReturnStatus.APPROVED);
      refunded = await client.returns.receiveItems({
        returnId: refunded.returnId,
        items: [{ orderItemId: line.orderItemId, quantityReceived: 1, condition: "resellable", passedInspection: true }],
      });
      assert.equal(refunded.status, ReturnStatus.ITEMS_RECEIVED);
      refunded = await client.returns.processRefund({ returnId: refunded.returnId });
      assert.ok([ReturnStatus.REFUNDED, ReturnStatus.COMPLETED, ReturnStatus.ITEMS_RECEIVED].includes(refunded.status));
      assert.equal(refunded.refundAmount!.currencyCode, "USD");

      const rejected = await client.returns.rejectReturn({ returnId: (await client.returns.createReturnRequest(request("changed_mind"))).returnId,
        reason: "outside policy" });
      assert.equal(rejected.status, ReturnStatus.REJECTED);
      const cancelled = await client.returns.cancelReturn({ returnId: (await client.returns.createReturnRequest(request("changed_mind"))).returnId,
        reason: "kept it" });
      assert.equal(cancelled.status, ReturnStatus.CANCELLED);

      const listed = await client.returns.listReturnRequests({ customerId: customer, orderId: order.orderId, pageSize: 10 });
      assert.deepEqual(new Set(listed.returnRequests.map((r) => r.returnId)),
        new Set([refunded.returnId, rejected.returnId, cancelled.returnId]));

      const missing = await failure(client.returns.getReturnRequest({ returnId: "no-such-return" }));
      assert.equal(missing.code, Code.NotFound);
    });
  });
}
