// The errors the running services send, as describeError decodes them: the gRPC code and message and the google.rpc
// details (ErrorInfo's reason, domain and metadata, BadRequest's field violations, PreconditionFailure's type and
// subject, RetryInfo's delay), over gRPC-Web (grpc-status-details-bin) and over HTTP/JSON (the body's details), and the
// same error decoded alike over both.
// Needs the services: CARTWRIGHT_CHECKOUT_URL and CARTWRIGHT_RETURNS_URL; the RetryInfo case also needs the
// simulators' admin endpoint, CARTWRIGHT_SIM_ADMIN_URL (e.g. http://127.0.0.1:9100), to take the shipping simulator
// down for one call. StorefrontIT (order-legacy) runs this file against a stack of its own.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  Code,
  createCartwrightClient,
  describeError,
  newIdempotencyKey,
  type CartwrightClient,
  type CartwrightError,
  type Protocol,
} from "../src/index.js";

const checkoutUrl = process.env.CARTWRIGHT_CHECKOUT_URL;
const returnsUrl = process.env.CARTWRIGHT_RETURNS_URL;
const simAdminUrl = process.env.CARTWRIGHT_SIM_ADMIN_URL;
const skip = checkoutUrl && returnsUrl ? false : "set CARTWRIGHT_CHECKOUT_URL and CARTWRIGHT_RETURNS_URL to run against the services";
const skipSim = skip || (simAdminUrl ? false : "set CARTWRIGHT_SIM_ADMIN_URL to take a neighbour down");

const DOMAIN = "cartwright.dev";
/** Plenty in stock; 101 has 3 units (the simulator's low-stock products). */
const PLENTIFUL = "456";
const LOW_STOCK = "101";

const clientOver = (protocol: Protocol): CartwrightClient =>
  createCartwrightClient({ baseUrl: checkoutUrl ?? "", returnsBaseUrl: returnsUrl, protocol });

async function failure(call: Promise<unknown>): Promise<CartwrightError> {
  try {
    await call;
  } catch (e) {
    return describeError(e);
  }
  assert.fail("the call succeeded");
}

/** ErrorInfo's reason and domain, and that the error came with the status the reason belongs to. */
function assertReason(error: CartwrightError, code: Code, reason: string): void {
  assert.equal(error.code, code, `${Code[error.code]}: ${error.message}`);
  assert.ok(error.errorInfo, `no ErrorInfo with ${Code[error.code]}: ${error.message}`);
  assert.equal(error.errorInfo.reason, reason, error.message);
  assert.equal(error.errorInfo.domain, DOMAIN);
}

/** Turns a knob of the platform simulator (its admin endpoint, not a Cartwright service). */
async function knob(settings: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${simAdminUrl}/knobs`, { method: "POST", body: JSON.stringify(settings) });
  assert.equal(response.status, 200, await response.text());
}

for (const protocol of ["grpc-web", "http-json"] as Protocol[]) {
  describe(`errors over ${protocol}`, { skip }, () => {
    const client = clientOver(protocol);

    test("CART_NOT_FOUND: NOT_FOUND with the ErrorInfo only", async () => {
      const error = await failure(client.carts.getCart({ cartId: `no-such-cart-${Date.now().toString(36)}` }));
      assertReason(error, Code.NotFound, "CART_NOT_FOUND");
      assert.deepEqual(error.fieldViolations, []);
      assert.deepEqual(error.preconditionViolations, []);
      assert.equal(error.retryDelayMs, undefined);
      assert.equal(error.outcomeUnknown, false);
    });

    test("INVALID_FIELD: BadRequest names the field, top-level and nested", async () => {
      const cart = await client.carts.createCart({ currencyCode: "USD" });
      const missing = await failure(client.carts.addItem({ cartId: cart.cartId, productId: "", quantity: 1 }));
      assertReason(missing, Code.InvalidArgument, "INVALID_FIELD");
      assert.equal(missing.errorInfo!.metadata.field, "product_id");
      assert.deepEqual(missing.fieldViolations.map((v) => [v.field, v.description]), [["product_id", "is required"]]);
      assert.equal(missing.message, "product_id is required");

      const filled = await client.carts.addItem({ cartId: cart.cartId, productId: PLENTIFUL, quantity: 1 });
      const checkout = await client.checkouts.startCheckout({ cartId: filled.cartId, idempotencyKey: newIdempotencyKey() });
      const country = await failure(client.checkouts.updateShippingAddress({
        checkoutId: checkout.checkoutId,
        address: { name: "Ada Shopper", line1: "1 Market St", city: "San Francisco", postalCode: "94105", countryCode: "USA" },
      }));
      assertReason(country, Code.InvalidArgument, "INVALID_FIELD");
      assert.equal(country.errorInfo!.metadata.field, "address.country_code");
      assert.deepEqual(country.fieldViolations.map((v) => v.field), ["address.country_code"]);
      assert.match(country.fieldViolations[0].description, /two-letter/);
    });

    test("OUT_OF_STOCK and PROMOTION_REJECTED: PreconditionFailure with the reason as type and the resource as subject", async () => {
      const cart = await client.carts.createCart({ currencyCode: "USD" });
      const stock = await failure(client.carts.addItem({ cartId: cart.cartId, productId: LOW_STOCK, quantity: 50 }));
      assertReason(stock, Code.FailedPrecondition, "OUT_OF_STOCK");
      assert.match(stock.errorInfo!.metadata.available, /^\d+$/);
      assert.ok(Number(stock.errorInfo!.metadata.available) < 50);
      assert.equal(stock.preconditionViolations.length, 1);
      assert.equal(stock.preconditionViolations[0].type, "OUT_OF_STOCK");
      assert.equal(stock.preconditionViolations[0].subject, `products/${LOW_STOCK}`);
      assert.equal(stock.preconditionViolations[0].description, stock.message);
      assert.deepEqual(stock.fieldViolations, []);

      const code = await failure(client.carts.applyPromotion({ cartId: cart.cartId, code: "NOSUCHCODE" }));
      assertReason(code, Code.FailedPrecondition, "PROMOTION_REJECTED");
      assert.ok(code.errorInfo!.metadata.rejection, "metadata.rejection says why");
      assert.deepEqual(code.preconditionViolations.map((v) => [v.type, v.subject]), [["PROMOTION_REJECTED", "promotions/NOSUCHCODE"]]);
    });

    test("STALE_VERSION: ABORTED with the cart's current version", async () => {
      let cart = await client.carts.createCart({ currencyCode: "USD" });
      cart = await client.carts.addItem({ cartId: cart.cartId, productId: PLENTIFUL, quantity: 1 });
      cart = await client.carts.updateItem({ cartId: cart.cartId, productId: PLENTIFUL, quantity: 2, expectedVersion: cart.version });
      const stale = await failure(client.carts.updateItem({
        cartId: cart.cartId, productId: PLENTIFUL, quantity: 3, expectedVersion: cart.version - 1n,
      }));
      assertReason(stale, Code.Aborted, "STALE_VERSION");
      assert.equal(stale.errorInfo!.metadata.current_version, cart.version.toString());
      assert.equal(stale.outcomeUnknown, false);
      assert.equal((await client.carts.getCart({ cartId: cart.cartId })).items[0].quantity, 2, "nothing changed");
    });

    test("RETURN_NOT_FOUND from the Return Service", async () => {
      const error = await failure(client.returns.getReturnRequest({ returnId: `no-such-return-${Date.now().toString(36)}` }));
      assertReason(error, Code.NotFound, "RETURN_NOT_FOUND");
    });

    describe("a neighbour that does not answer", { skip: skipSim }, () => {
      after(() => knob({ service: "shipping", down: false }));

      test("DEPENDENCY_UNAVAILABLE: UNAVAILABLE with RetryInfo, an outcome to retry", async () => {
        let cart = await client.carts.createCart({ currencyCode: "USD" });
        cart = await client.carts.addItem({ cartId: cart.cartId, productId: PLENTIFUL, quantity: 1 });
        await knob({ service: "shipping", down: true });
        const error = await failure(client.checkouts.startCheckout({ cartId: cart.cartId, idempotencyKey: newIdempotencyKey() }));
        await knob({ service: "shipping", down: false });
        assert.equal(error.code, Code.Unavailable, error.message);
        assert.equal(error.errorInfo?.domain, DOMAIN);
        // The shipping rates call got no answer; whether it is told as unavailable or as an unknown outcome, it is retried.
        assert.ok(["DEPENDENCY_UNAVAILABLE", "OUTCOME_UNKNOWN"].includes(error.errorInfo!.reason), error.errorInfo!.reason);
        assert.equal(error.retryDelayMs, 1000);
        assert.equal(error.outcomeUnknown, true);
        // The shipping simulator back, the same request succeeds.
        const checkout = await client.checkouts.startCheckout({ cartId: cart.cartId, idempotencyKey: newIdempotencyKey() });
        assert.ok(checkout.availableShippingMethods.length > 0);
      });
    });
  });
}

describe("the same error over both protocols", { skip }, () => {
  test("decodes to the same code, message and details", async () => {
    const grpcWeb = clientOver("grpc-web");
    const httpJson = clientOver("http-json");
    const cart = await grpcWeb.carts.createCart({ currencyCode: "USD" });
    const filled = await grpcWeb.carts.addItem({ cartId: cart.cartId, productId: PLENTIFUL, quantity: 1 });
    const calls: [string, (c: CartwrightClient) => Promise<unknown>][] = [
      ["out of stock", (c) => c.carts.addItem({ cartId: cart.cartId, productId: LOW_STOCK, quantity: 50 })],
      ["missing field", (c) => c.carts.addItem({ cartId: cart.cartId, productId: "", quantity: 1 })],
      ["stale version", (c) => c.carts.updateItem({ cartId: cart.cartId, productId: PLENTIFUL, quantity: 3, expectedVersion: filled.version - 1n })],
      ["unknown code", (c) => c.carts.applyPromotion({ cartId: cart.cartId, code: "NOSUCHCODE" })],
    ];
    for (const [what, call] of calls) {
      const overGrpcWeb = await failure(call(grpcWeb));
      const overHttpJson = await failure(call(httpJson));
      assert.ok(overGrpcWeb.errorInfo, what);
      assert.deepEqual(overHttpJson, overGrpcWeb, what);
    }
  });
});
