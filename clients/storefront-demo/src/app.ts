// The demo storefront: browse the catalogue, fill a cart, check out, return what was bought, with every total shown
// exactly as the services computed it and every error a shopper can meet shown as the service worded it.
//
// Settings come from the page's query string: ?checkout=<url>&returns=<url>&customer=<id> (defaults: the Checkout
// Service and the Return Service on this host, ports 9003 and 9004, and a fresh customer id per visit). The catalogue
// and its list prices are the platform simulator's, called over gRPC-Web on this page's own origin (serve.py passes
// those calls on), so they need no CORS.
import {
  CartStatus,
  Code,
  ReturnStatus,
  createCartwrightClient,
  describeError,
  formatMoney,
  newIdempotencyKey,
  type Cart,
  type CartTotals,
  type Checkout,
  type Money,
  type Order,
} from "@cartwright/client";
import { createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { CatalogService, type Product } from "../../typescript/src/gen/platform/v1/catalog_pb.js";
import { PricingService } from "../../typescript/src/gen/platform/v1/pricing_pb.js";

const params = new URLSearchParams(location.search);
const host = location.hostname.includes(":") ? `[${location.hostname}]` : location.hostname;
const checkoutUrl = params.get("checkout") ?? `${location.protocol}//${host}:9003`;
const returnsUrl = params.get("returns") ?? `${location.protocol}//${host}:9004`;
const customer = params.get("customer") ?? `shopper-${Math.random().toString(36).slice(2, 10)}`;
const CURRENCY = "USD";
const PAGE_SIZE = 12;

const shop = createCartwrightClient({
  baseUrl: checkoutUrl,
  returnsBaseUrl: returnsUrl,
  // Through the gateway, the customer decides which side serves the calls.
  headers: { "x-customer-id": customer },
});
const sameOrigin = createGrpcWebTransport({ baseUrl: location.origin });
const catalogue = createClient(CatalogService, sameOrigin);
const pricing = createClient(PricingService, sameOrigin);

let cart: Cart | undefined;
let checkout: Checkout | undefined;
let order: Order | undefined;
let pageTokens: string[] = [""];

const $ = <T extends HTMLElement = HTMLElement>(selector: string) => document.querySelector(selector) as T;
const money = (m: Money | undefined) => (m ? formatMoney(m, "en-US") : "");

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

function showError(error: unknown): void {
  const e = describeError(error);
  const reason = e.errorInfo ? ` [${e.errorInfo.reason}]` : "";
  const field = e.fieldViolations.map((v) => ` (${v.field}: ${v.description})`).join("");
  const box = $("#error");
  box.textContent = `${Code[e.code]}: ${e.message}${reason}${field}`;
  box.dataset.code = Code[e.code];
  box.hidden = false;
}

function clearError(): void {
  $("#error").hidden = true;
  $("#error").textContent = "";
  delete $("#error").dataset.code;
}

/** Runs one shopper action; its failure is shown, never swallowed. */
async function act(action: () => Promise<void>): Promise<void> {
  clearError();
  document.body.dataset.busy = "true";
  try {
    await action();
  } catch (error) {
    showError(error);
  } finally {
    delete document.body.dataset.busy;
  }
}

function totals(target: HTMLElement, t: CartTotals | undefined): void {
  target.replaceChildren();
  if (!t) {
    return;
  }
  const rows: [string, Money | undefined, string][] = [
    ["Subtotal", t.subtotal, "subtotal"],
    ["Discount", t.discount, "discount"],
    ["Shipping", t.shipping, "shipping"],
    [t.taxInclusive ? "Tax (included)" : "Tax", t.tax, "tax"],
    ["Total", t.grandTotal, "grand-total"],
  ];
  for (const [label, value, id] of rows) {
    target.append(el("dt", {}, label), el("dd", { "data-testid": id }, money(value)));
  }
}

// --- catalogue ---------------------------------------------------------------------------------------------------

async function showProducts(products: Product[]): Promise<void> {
  const ids = products.map((p) => p.productId);
  const prices = ids.length ? (await pricing.getPrices({ productIds: ids, currencyCode: CURRENCY })).prices : [];
  const priceOf = new Map(prices.map((p) => [p.productId, p.unitPrice]));
  $("#products").replaceChildren(...products.map((p) => {
    const add = el("button", { "data-testid": `add-${p.productId}` }, "Add to cart");
    add.addEventListener("click", () => act(() => addToCart(p.productId)));
    return el("li", { "data-testid": `product-${p.productId}` },
      el("strong", {}, p.name), el("br"), `#${p.productId} · ${money(priceOf.get(p.productId))}`,
      p.sellable ? "" : " · not sold", el("br"), add);
  }));
}

async function showPage(index: number): Promise<void> {
  const page = await catalogue.listProducts({ pageSize: PAGE_SIZE, pageToken: pageTokens[index] });
  pageTokens = pageTokens.slice(0, index + 1);
  if (page.nextPageToken) {
    pageTokens.push(page.nextPageToken);
  }
  $("#products").dataset.page = String(index);
  await showProducts(page.products);
}

// --- cart --------------------------------------------------------------------------------------------------------

async function ensureCart(): Promise<Cart> {
  if (!cart) {
    cart = await shop.carts.createCart({ customerId: customer, currencyCode: CURRENCY, idempotencyKey: newIdempotencyKey() });
  }
  return cart;
}

async function addToCart(productId: string): Promise<void> {
  const current = await ensureCart();
  showCart(await shop.carts.addItem({ cartId: current.cartId, productId, quantity: 1, idempotencyKey: newIdempotencyKey() }));
}

/**
 * A refused change is shown with the cart as it was; after a stale version (the cart changed in another tab) the cart
 * is read again, so the shopper sees it as it is now.
 */
async function changeCart(change: (c: Cart) => Promise<Cart>): Promise<void> {
  const current = await ensureCart();
  try {
    showCart(await change(current));
  } catch (error) {
    // The page shows the cart as it is: read again after a stale version, else as before the refused change.
    showCart(describeError(error).code === Code.Aborted ? await shop.carts.getCart({ cartId: current.cartId }) : current);
    throw error;
  }
}

function showCart(next: Cart): void {
  cart = next;
  document.body.dataset.cartVersion = String(next.version);
  $("[data-testid=cart-id]").textContent = `${next.cartId} (version ${next.version})`;
  $("#lines").replaceChildren(...next.items.map((line) => {
    const quantity = el("input", { type: "number", min: "0", value: String(line.quantity), size: "3",
      "data-testid": `qty-${line.productId}` }) as HTMLInputElement;
    quantity.addEventListener("change", () => act(() => changeCart((c) => Number(quantity.value) === 0
      ? shop.carts.removeItem({ cartId: c.cartId, productId: line.productId, expectedVersion: c.version })
      : shop.carts.updateItem({ cartId: c.cartId, productId: line.productId, quantity: Number(quantity.value),
        expectedVersion: c.version, idempotencyKey: newIdempotencyKey() }))));
    const remove = el("button", { "data-testid": `remove-${line.productId}` }, "Remove");
    remove.addEventListener("click", () => act(() => changeCart((c) =>
      shop.carts.removeItem({ cartId: c.cartId, productId: line.productId, expectedVersion: c.version }))));
    return el("tr", { "data-testid": `line-${line.productId}` },
      el("td", {}, line.name || line.productId), el("td", {}, quantity),
      el("td", { class: "money" }, `× ${money(line.unitPrice)}`),
      el("td", { class: "money", "data-testid": `line-total-${line.productId}` }, money(line.total)), el("td", {}, remove));
  }));
  $("#promotions").replaceChildren(...next.promotions.map((p) => {
    const remove = el("button", {}, "Remove");
    remove.addEventListener("click", () => act(() => changeCart((c) => shop.carts.removePromotion({ cartId: c.cartId, code: p.code }))));
    return el("li", { "data-testid": `promotion-${p.code}` },
      `${p.code}: ${p.description} ${p.active ? `(−${money(p.discount)})` : `(not applied: ${p.inactiveReason})`} `, remove);
  }));
  totals($("#totals"), next.totals);
  ($("#start-checkout") as HTMLButtonElement).disabled = next.items.length === 0 || next.status !== CartStatus.ACTIVE;
}

// --- checkout ----------------------------------------------------------------------------------------------------

function showCheckout(next: Checkout): void {
  checkout = next;
  $("#checkout-panel").hidden = false;
  $("[data-testid=checkout-id]").textContent = next.checkoutId;
  const select = $("#shipping-method") as HTMLSelectElement;
  select.replaceChildren(el("option", { value: "" }, "choose…"), ...next.availableShippingMethods.map((m) =>
    el("option", { value: m.shippingMethodId }, `${m.name} (${money(m.price)}, ${m.estimatedDays} days)`)));
  select.value = next.shippingMethod?.shippingMethodId ?? "";
}

async function saveAddress(form: HTMLFormElement): Promise<void> {
  if (!checkout) {
    return;
  }
  const data = new FormData(form);
  const address = {
    name: String(data.get("name")), line1: String(data.get("line1")), city: String(data.get("city")),
    region: String(data.get("region")), postalCode: String(data.get("postalCode")), countryCode: String(data.get("countryCode")),
  };
  let next = await shop.checkouts.updateShippingAddress({ checkoutId: checkout.checkoutId, address, expectedVersion: checkout.version,
    idempotencyKey: newIdempotencyKey() });
  if (data.get("billingSame")) {
    next = await shop.checkouts.updateBillingAddress({ checkoutId: next.checkoutId, address, expectedVersion: next.version,
      idempotencyKey: newIdempotencyKey() });
  }
  showCheckout(next);
  $("#address").dataset.saved = "true";
}

async function preview(): Promise<void> {
  if (!checkout) {
    return;
  }
  const p = await shop.checkouts.previewOrder({ checkoutId: checkout.checkoutId });
  totals($("#preview-totals"), p.totals);
  $("#preview-issues").replaceChildren(...p.issues.map((issue) => el("li", {}, issue)));
  ($("#confirm") as HTMLButtonElement).disabled = !p.ready;
}

/** One key for this confirmation: pressing again after an unknown outcome repeats it, it never buys twice. */
let confirmKey = "";

async function confirm(): Promise<void> {
  if (!checkout) {
    return;
  }
  confirmKey ||= newIdempotencyKey();
  order = await shop.checkouts.confirmCheckout({ checkoutId: checkout.checkoutId, paymentMethodId: "pm-demo-visa",
    idempotencyKey: confirmKey });
  $("#order-panel").hidden = false;
  $("[data-testid=order-id]").textContent = order.orderId;
  totals($("#order-totals"), order.totals);
  ($("#confirm") as HTMLButtonElement).disabled = true;
}

async function requestReturn(): Promise<void> {
  if (!order) {
    return;
  }
  const line = order.items[0];
  const request = await shop.returns.createReturnRequest({ orderId: order.orderId, customerId: customer,
    items: [{ orderItemId: line.orderItemId, quantity: 1, reason: "defective" }], idempotencyKey: newIdempotencyKey() });
  $("[data-testid=return-id]").textContent = request.returnId;
  $("[data-testid=return-status]").textContent = ReturnStatus[request.status];
}

// --- wiring ------------------------------------------------------------------------------------------------------

$("[data-testid=customer]").textContent = customer;
$("#find").addEventListener("submit", (e) => {
  e.preventDefault();
  const id = ($("#find-product") as HTMLInputElement).value.trim();
  void act(async () => {
    if (!id) {
      return showPage(0);
    }
    const found = await catalogue.getProducts({ productIds: [id] });
    if (found.products.length === 0) {
      throw new Error(`no product ${id} in the catalogue`);
    }
    await showProducts(found.products);
  });
});
$("#next-page").addEventListener("click", () => act(() => showPage(Math.min(Number($("#products").dataset.page) + 1, pageTokens.length - 1))));
$("#prev-page").addEventListener("click", () => act(() => showPage(Math.max(Number($("#products").dataset.page) - 1, 0))));
$("#promo").addEventListener("submit", (e) => {
  e.preventDefault();
  const code = ($("#promo-code") as HTMLInputElement).value.trim();
  void act(() => changeCart((c) => shop.carts.applyPromotion({ cartId: c.cartId, code })));
});
$("#start-checkout").addEventListener("click", () => act(async () => {
  const current = await ensureCart();
  showCheckout(await shop.checkouts.startCheckout({ cartId: current.cartId, idempotencyKey: newIdempotencyKey() }));
}));
$("#address").addEventListener("submit", (e) => {
  e.preventDefault();
  void act(() => saveAddress(e.target as HTMLFormElement));
});
$("#shipping-method").addEventListener("change", () => act(async () => {
  if (checkout) {
    const shippingMethodId = ($("#shipping-method") as HTMLSelectElement).value;
    showCheckout(await shop.checkouts.selectShippingMethod({ checkoutId: checkout.checkoutId, shippingMethodId,
      expectedVersion: checkout.version, idempotencyKey: newIdempotencyKey() }));
  }
}));
$("#preview").addEventListener("click", () => act(preview));
$("#confirm").addEventListener("click", () => act(confirm));
$("#request-return").addEventListener("click", () => act(requestReturn));
void act(() => showPage(0)).then(() => {
  document.body.dataset.ready = "true";
});
