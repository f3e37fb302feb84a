import assert from "node:assert/strict";
import { test } from "node:test";
import {
  addMoney,
  formatMoney,
  minorDigits,
  money,
  moneyEquals,
  multiplyMoney,
  parseMoney,
  subtractMoney,
  toDecimalString,
} from "../src/money.js";

test("amounts stay whole minor units through parsing and printing", () => {
  assert.equal(parseMoney("12.34", "USD").amountMinor, 1234n);
  assert.equal(parseMoney("0.1", "USD").amountMinor, 10n);
  assert.equal(parseMoney("-0.05", "EUR").amountMinor, -5n);
  assert.equal(parseMoney("1500", "JPY").amountMinor, 1500n);
  assert.equal(parseMoney("1.234", "KWD").amountMinor, 1234n);
  assert.equal(toDecimalString(money(1234n, "USD")), "12.34");
  assert.equal(toDecimalString(money(5n, "USD")), "0.05");
  assert.equal(toDecimalString(money(-5n, "USD")), "-0.05");
  assert.equal(toDecimalString(money(1500n, "JPY")), "1500");
  assert.equal(toDecimalString(money("1234", "KWD")), "1.234");
});

test("0.1 + 0.2 is 0.30 exactly, as it never is in floating point", () => {
  const sum = addMoney(parseMoney("0.10", "USD"), parseMoney("0.20", "USD"));
  assert.equal(sum.amountMinor, 30n);
  assert.equal(toDecimalString(sum), "0.30");
  assert.notEqual(0.1 + 0.2, 0.3);
});

test("amounts beyond 2^53 minor units keep every digit", () => {
  const big = money("90071992547409930", "USD"); // 2^53 * 10 + 10, not representable as a double
  assert.equal(toDecimalString(big), "900719925474099.30");
  assert.equal(multiplyMoney(big, 3).amountMinor, 270215977642229790n);
  assert.equal(toDecimalString(addMoney(big, money(1n, "USD"))), "900719925474099.31");
  assert.equal(formatMoney(big, "en-US"), "$900,719,925,474,099.30");
  // The locale's own separators and layout, with every digit (Node 18 rounded these through a double).
  assert.equal(formatMoney(money(123456789012345678n, "EUR"), "de-DE"), "1.234.567.890.123.456,78\u00a0€");
  assert.equal(formatMoney(money(-90071992547409931n, "USD"), "en-US"), "-$900,719,925,474,099.31");
  assert.equal(formatMoney(money(-5n, "EUR"), "de-DE"), "-0,05\u00a0€");
});

test("more decimals than the currency has is refused, not rounded", () => {
  assert.throws(() => parseMoney("1.005", "USD"), /more decimals than USD has/);
  assert.throws(() => parseMoney("1.5", "JPY"), /more decimals than JPY has/);
  assert.throws(() => parseMoney("1e3", "USD"), /not a decimal amount/);
  assert.throws(() => money("12.5", "USD"), /integer of minor units/);
  assert.throws(() => multiplyMoney(money(100n, "USD"), 1.5), /whole number/);
  assert.throws(() => money(1n, "usd"), /ISO 4217/);
});

test("currencies are never mixed", () => {
  assert.throws(() => addMoney(money(1n, "USD"), money(1n, "EUR")), /cannot combine USD with EUR/);
  assert.throws(() => subtractMoney(money(1n, "USD"), money(1n, "EUR")), /cannot combine/);
  assert.equal(subtractMoney(money(1000n, "USD"), money(1n, "USD")).amountMinor, 999n);
});

test("formatting shows the currency's own decimals", () => {
  assert.equal(formatMoney(money(1234n, "USD"), "en-US"), "$12.34");
  assert.equal(formatMoney(money(1500n, "JPY"), "en-US"), "¥1,500");
  assert.equal(formatMoney(money(-5n, "USD"), "en-US"), "-$0.05");
  assert.equal(minorDigits("EUR"), 2);
  assert.ok(moneyEquals(parseMoney("9.99", "USD"), money(999n, "USD")));
  assert.ok(!moneyEquals(money(999n, "USD"), money(999n, "CAD")));
});
