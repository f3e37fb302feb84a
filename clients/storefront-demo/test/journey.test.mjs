// The whole shopper journey in a real browser (Debian's Chromium, driven by playwright-core): browse, add, change
// quantities, a promotion code, checkout, confirm, return; and the errors a shopper meets: out of stock, an invalid
// code, a stale version, and a page on an origin the services do not allow. What the page shows is compared with
// what the services answer over HTTP/JSON. Screenshots go to STOREFRONT_ARTIFACTS.
//
// Environment (StorefrontIT in order-legacy sets it up on a stack of its own):
//   STOREFRONT_URL        the page on an allowed origin, with its ?checkout=&returns= settings
//   STOREFRONT_OTHER_URL  the same page on an origin the services do not allow
//   CARTWRIGHT_CHECKOUT_URL, CARTWRIGHT_RETURNS_URL   the services, for reading what they computed
//   STOREFRONT_HOST_RULES Chromium --host-resolver-rules (the test origins' names mapped to 127.0.0.1)
//   STOREFRONT_ARTIFACTS  where screenshots go (default: target/storefront-screenshots)
//   CHROMIUM              the browser (default /usr/bin/chromium)
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { chromium } from "playwright-core";

const pageUrl = process.env.STOREFRONT_URL;
const otherUrl = process.env.STOREFRONT_OTHER_URL;
const checkoutUrl = process.env.CARTWRIGHT_CHECKOUT_URL;
const artifacts = process.env.STOREFRONT_ARTIFACTS ?? "target/storefront-screenshots";
const skip = pageUrl && checkoutUrl ? false : "set STOREFRONT_URL and CARTWRIGHT_CHECKOUT_URL (StorefrontIT does)";

let browser;
let profile;
let page;

before(async () => {
  if (skip) {
    return;
  }
  mkdirSync(artifacts, { recursive: true });
  profile = mkdtempSync(join(tmpdir(), "storefront-chromium-"));
  // Debian's Chromium, no browser download; without the background-networking flags a closed network makes it hang.
  const args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"];
  if (process.env.STOREFRONT_HOST_RULES) {
    args.push(`--host-resolver-rules=${process.env.STOREFRONT_HOST_RULES}`);
  }
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", headless: true, args, viewport: { width: 1280, height: 1000 },
  });
  browser = context;
  page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
});

after(async () => {
  await browser?.close();
  if (profile) {
    rmSync(profile, { recursive: true, force: true });
  }
});

const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
const testid = (id) => page.getByTestId(id);

/** What the service holds, read over HTTP/JSON (no Origin: not a browser call). */
async function service(path, init) {
  const response = await fetch(checkoutUrl + path, init);
  const body = await response.json();
  assert.ok(response.ok, `${path}: ${JSON.stringify(body)}`);
  return body;
}

/** A Money as the page must show it: the exact decimal of its minor units, formatted for en-US. */
function shown(m) {
  const minor = BigInt(m?.amountMinor ?? "0");
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(3, "0");
  const decimal = `${negative ? "-" : ""}${digits.slice(0, -2)}.${digits.slice(-2)}`;
  return new Intl.NumberFormat("en-US", { style: "currency", currency: m?.currencyCode ?? "USD" }).format(decimal);
}

async function pageTotals(prefix = "") {
  const scope = prefix ? page.getByTestId(prefix) : page.getByTestId("totals");
  return {
    subtotal: await scope.getByTestId("subtotal").textContent(),
    discount: await scope.getByTestId("discount").textContent(),
    shipping: await scope.getByTestId("shipping").textContent(),
    tax: await scope.getByTestId("tax").textContent(),
    grandTotal: await scope.getByTestId("grand-total").textContent(),
  };
}

function serviceTotals(t) {
  return { subtotal: shown(t.subtotal), discount: shown(t.discount), shipping: shown(t.shipping), tax: shown(t.tax),
    grandTotal: shown(t.grandTotal) };
}

async function cartId() {
  return (await testid("cart-id").textContent()).split(" ")[0];
}

/** Waits for the page to finish the action it is running. */
async function settled() {
  await page.waitForFunction(() => !document.body.dataset.busy);
}

async function findAndAdd(productId) {
  await testid("find-product").fill(productId);
  await testid("find-product").press("Enter");
  await testid(`add-${productId}`).click();
  await testid(`line-${productId}`).waitFor();
  await settled();
}

async function setQuantity(productId, quantity) {
  await testid(`qty-${productId}`).fill(String(quantity));
  await testid(`qty-${productId}`).press("Tab"); // leaving the field commits it, as a shopper does
  await settled();
}

async function expectError(pattern, code) {
  await testid("error").waitFor({ state: "visible" });
  const text = await testid("error").textContent();
  assert.match(text, pattern);
  if (code) {
    assert.equal(await testid("error").getAttribute("data-code"), code);
  }
  return text;
}

test("a shopper browses, fills a cart, checks out and returns what was bought", { skip }, async () => {
  await page.goto(pageUrl);
  await page.waitForSelector("body[data-ready]");
  assert.ok(await page.locator("#products li").count() > 0, "the catalogue lists products");
  await shot("01-catalogue");

  await findAndAdd("456");
  await setQuantity("456", 3);
  const id = await cartId();
  let cart = await service(`/v1/carts/${id}`);
  assert.equal(cart.items[0].quantity, 3);
  assert.equal(await testid("line-total-456").textContent(), shown(cart.items[0].total));
  assert.deepEqual(await pageTotals(), serviceTotals(cart.totals));

  // Out of stock: the simulator's product 101 has 3 units.
  await findAndAdd("101");
  await setQuantity("101", 10);
  await expectError(/out of stock|insufficient stock/, "FailedPrecondition");
  await shot("02-out-of-stock");
  assert.equal(await testid("qty-101").inputValue(), "1", "the refused quantity is not left on the page");
  await testid("remove-101").click();
  await testid("line-101").waitFor({ state: "detached" });

  // An invalid promotion code, then a good one.
  await testid("promo-code").fill("NOSUCHCODE");
  await testid("apply-promo").click();
  await settled();
  await expectError(/NOSUCHCODE/);
  await testid("promo-code").fill("SAVE10");
  await testid("apply-promo").click();
  await testid("promotion-SAVE10").waitFor();
  await settled();
  cart = await service(`/v1/carts/${id}`);
  assert.ok(BigInt(cart.totals.discount.amountMinor) > 0n);
  assert.deepEqual(await pageTotals(), serviceTotals(cart.totals));
  await shot("03-promotion");

  // Stale version: the cart changes elsewhere (another tab) before the page's next change.
  await service(`/v1/carts/${id}/items`, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ product_id: "457", quantity: 1 }) });
  await setQuantity("456", 2);
  await expectError(/version/i, "Aborted");
  await testid("line-457").waitFor(); // the page read the cart again and shows it as it is now
  await shot("04-stale-version");
  await setQuantity("456", 2);
  cart = await service(`/v1/carts/${id}`);
  assert.deepEqual(await pageTotals(), serviceTotals(cart.totals));
  assert.equal(await testid("error").isVisible(), false);

  // Checkout: address, shipping method, preview, confirm.
  await testid("start-checkout").click();
  await testid("checkout-id").waitFor();
  await settled();
  const checkoutId = await testid("checkout-id").textContent();
  await testid("save-address").click();
  await page.waitForSelector("#address[data-saved]");
  await testid("shipping-method").selectOption("standard");
  await settled();
  await testid("preview").click();
  await testid("preview-totals").getByTestId("grand-total").waitFor();
  await settled();
  const preview = await service(`/v1/checkouts/${checkoutId}/preview`);
  assert.equal(preview.ready, true, JSON.stringify(preview.issues));
  assert.deepEqual(await pageTotals("preview-totals"), serviceTotals(preview.totals));
  await shot("05-preview");
  await testid("confirm").click();
  await page.waitForFunction(() => document.querySelector("[data-testid=order-id]")?.textContent?.length > 0);
  const orderId = await testid("order-id").textContent();
  const checkout = await service(`/v1/checkouts/${checkoutId}`);
  assert.equal(checkout.orderId, orderId);
  assert.deepEqual(await pageTotals("order-totals"), serviceTotals(preview.totals));
  await shot("06-order");

  // A return of one unit; the simulator delivers the order shortly after it is placed.
  for (let attempt = 0; ; attempt++) {
    await testid("request-return").click();
    await settled();
    if ((await testid("return-status").textContent()) !== "") {
      break;
    }
    assert.ok(attempt < 40, `no return after ${attempt} attempts: ${await testid("error").textContent()}`);
    await page.waitForTimeout(500);
  }
  assert.equal(await testid("return-status").textContent(), "REQUESTED");
  const returnId = await testid("return-id").textContent();
  const stored = await (await fetch(`${process.env.CARTWRIGHT_RETURNS_URL}/v1/returns/${returnId}`)).json();
  assert.equal(stored.orderId, orderId);
  assert.equal(stored.status, "RETURN_STATUS_REQUESTED");
  await shot("07-return");
});

test("a page on an origin the services do not allow cannot call them", { skip: skip || (!otherUrl && "no STOREFRONT_OTHER_URL") }, async () => {
  await page.goto(otherUrl);
  await page.waitForSelector("body[data-ready]");
  // The catalogue comes from the page's own origin and shows; the cart service refuses the page.
  assert.ok(await page.locator("#products li").count() > 0);
  await testid("find-product").fill("456");
  await testid("find-product").press("Enter");
  await testid("add-456").click();
  await settled();
  await expectError(/fetch|network|cors/i);
  assert.equal(await testid("cart-id").textContent(), "");
  await shot("08-other-origin-refused");
});
