// One object with the three typed service clients (cart, checkout, returns), over gRPC-Web or HTTP/JSON.
import { createClient, type Client, type Interceptor, type Transport } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { CartService } from "./gen/checkout/v1/cart_pb.js";
import { CheckoutService } from "./gen/checkout/v1/checkout_pb.js";
import { ReturnService } from "./gen/return/v1/return_pb.js";
import { createHttpJsonTransport } from "./http-json-transport.js";

export type Protocol = "grpc-web" | "http-json";

export interface CartwrightClientOptions {
  /**
   * Where cart and checkout calls go: the gateway ("http://localhost:9000"), or the Checkout Service itself
   * ("http://localhost:9003").
   */
  baseUrl: string;
  /** Where return calls go when not through the gateway ("http://localhost:9004"); `baseUrl` by default. */
  returnsBaseUrl?: string;
  /** gRPC-Web (binary, the default) or the HTTP/JSON mapping of the same calls. */
  protocol?: Protocol;
  /**
   * The signed-in shopper's access token (a JWT from the identity provider), sent as `authorization: Bearer ...` on
   * every call; asked for again before each call, so a refreshed token is used at once. None: the caller is a guest.
   */
  token?: () => string | undefined | Promise<string | undefined>;
  /** Extra headers on every call, e.g. the gateway's routing subject: { "x-customer-id": "c-123" }. */
  headers?: Record<string, string>;
  /** More interceptors (logging, tracing), run after the ones above. */
  interceptors?: Interceptor[];
  /** The fetch to use; the global one by default. */
  fetch?: typeof globalThis.fetch;
}

export interface CartwrightClient {
  carts: Client<typeof CartService>;
  checkouts: Client<typeof CheckoutService>;
  returns: Client<typeof ReturnService>;
}

function headerInterceptor(options: CartwrightClientOptions): Interceptor {
  return (next) => async (req) => {
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      req.header.set(name, value);
    }
    const token = options.token ? await options.token() : undefined;
    if (token) {
      req.header.set("authorization", `Bearer ${token}`);
    }
    return next(req);
  };
}

function transport(baseUrl: string, options: CartwrightClientOptions): Transport {
  const interceptors = [headerInterceptor(options), ...(options.interceptors ?? [])];
  if ((options.protocol ?? "grpc-web") === "http-json") {
    return createHttpJsonTransport({ baseUrl, interceptors, fetch: options.fetch });
  }
  return createGrpcWebTransport({ baseUrl, interceptors, fetch: options.fetch });
}

/** The cart, checkout and return clients; every method is typed from the contracts in protos/. */
export function createCartwrightClient(options: CartwrightClientOptions): CartwrightClient {
  const checkout = transport(options.baseUrl, options);
  const returns = options.returnsBaseUrl ? transport(options.returnsBaseUrl, options) : checkout;
  return {
    carts: createClient(CartService, checkout),
    checkouts: createClient(CheckoutService, checkout),
    returns: createClient(ReturnService, returns),
  };
}

/**
 * Web Crypto: a global in browsers and in Node 19 and later; Node 18 (Debian bookworm's) has it only as node:crypto's
 * webcrypto, looked up once when this module loads (the specifier is not a literal, so bundlers for the browser leave
 * it alone).
 */
const webCrypto: Crypto = globalThis.crypto ?? (await nodeWebCrypto());

async function nodeWebCrypto(): Promise<Crypto> {
  const specifier = "node:crypto";
  const module = (await import(specifier)) as { webcrypto: Crypto };
  return module.webcrypto;
}

/**
 * A fresh idempotency key for one logical change (an AddItem, a ConfirmCheckout): send the same key again when you
 * retry that change after an unknown outcome, and a new key for the next change.
 */
export function newIdempotencyKey(): string {
  const crypto = webCrypto;
  if (typeof crypto.randomUUID === "function") {
    return crypto.randomUUID();
  }
  // randomUUID exists only in secure contexts (https, localhost); a page on plain http gets a v4 UUID made the same way.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
