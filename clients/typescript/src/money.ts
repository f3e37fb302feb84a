// Money as the services send it: an integer of the currency's minor units (bigint) and an ISO 4217 code. Every helper
// here works on whole minor units; nothing goes through a JavaScript number, so no amount is ever rounded by accident.
import { create } from "@bufbuild/protobuf";
import { MoneySchema, type Money } from "./gen/common/v1/common_pb.js";

export type { Money };

/** Currencies whose minor unit is not the cent (ISO 4217); every other currency has two decimals. */
const MINOR_DIGITS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0,
  XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

function checkCurrency(currencyCode: string): string {
  if (!/^[A-Z]{3}$/.test(currencyCode)) {
    throw new RangeError(`currency_code must be three upper-case letters (ISO 4217), was "${currencyCode}"`);
  }
  return currencyCode;
}

/** How many decimals the currency's minor unit has: 2 for USD and EUR, 0 for JPY, 3 for KWD. */
export function minorDigits(currencyCode: string): number {
  return MINOR_DIGITS[checkCurrency(currencyCode)] ?? 2;
}

/** A Money of `amountMinor` minor units; a string or bigint, never a floating-point number. */
export function money(amountMinor: bigint | string, currencyCode: string): Money {
  const amount = typeof amountMinor === "bigint" ? amountMinor : BigInt(checkInteger(amountMinor));
  return create(MoneySchema, { amountMinor: amount, currencyCode: checkCurrency(currencyCode) });
}

function checkInteger(text: string): string {
  if (!/^-?\d+$/.test(text)) {
    throw new RangeError(`amount_minor must be an integer of minor units, was "${text}"`);
  }
  return text;
}

/**
 * Parses a decimal amount as a shopper or a price list writes it ("12.5", "-0.99", "1000") into minor units. More
 * decimals than the currency has is an error, never a rounding.
 */
export function parseMoney(decimal: string, currencyCode: string): Money {
  const digits = minorDigits(currencyCode);
  const match = /^(-)?(\d+)(?:\.(\d+))?$/.exec(decimal.trim());
  if (!match) {
    throw new RangeError(`"${decimal}" is not a decimal amount`);
  }
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > digits) {
    throw new RangeError(`"${decimal}" has more decimals than ${currencyCode} has (${digits})`);
  }
  const minor = BigInt(whole + fraction.padEnd(digits, "0"));
  return money(sign ? -minor : minor, currencyCode);
}

/** The exact decimal form of an amount: "12.34", "-0.05", "1500" for JPY. */
export function toDecimalString(m: Money): string {
  const digits = minorDigits(m.currencyCode);
  const negative = m.amountMinor < 0n;
  const abs = (negative ? -m.amountMinor : m.amountMinor).toString().padStart(digits + 1, "0");
  const whole = abs.slice(0, abs.length - digits);
  const fraction = abs.slice(abs.length - digits);
  return (negative ? "-" : "") + whole + (digits > 0 ? "." + fraction : "");
}

/**
 * The amount for display in `locale` ("$12.34", "12,34 €"), digit for digit even beyond 2^53 minor units: the whole
 * units are formatted as a bigint (exact in every runtime) and the locale's fraction digits replaced by the amount's
 * own. (Handing Intl.NumberFormat the decimal string is exact only where it implements NumberFormat v3: Node 19+,
 * not the Node 18 of Debian bookworm, which rounds through a double.)
 */
export function formatMoney(m: Money, locale?: string): string {
  const digits = minorDigits(m.currencyCode);
  const format = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: m.currencyCode,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  const negative = m.amountMinor < 0n;
  const abs = negative ? -m.amountMinor : m.amountMinor;
  const scale = 10n ** BigInt(digits);
  const whole = abs / scale;
  const fraction = (abs % scale).toString().padStart(digits, "0");
  // -0 has no bigint: a negative amount below one unit is laid out as -1 with its integer shown as 0.
  const laidOut = negative ? (whole === 0n ? -1n : -whole) : whole;
  return format
    .formatToParts(laidOut)
    .map((part) => {
      if (part.type === "fraction") {
        return fraction;
      }
      if (part.type === "integer" && whole === 0n) {
        return "0";
      }
      return part.value;
    })
    .join("");
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currencyCode !== b.currencyCode) {
    throw new RangeError(`cannot combine ${a.currencyCode} with ${b.currencyCode}`);
  }
}

/** a + b, in the same currency. */
export function addMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amountMinor + b.amountMinor, a.currencyCode);
}

/** a - b, in the same currency. */
export function subtractMoney(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return money(a.amountMinor - b.amountMinor, a.currencyCode);
}

/** A unit price times a whole quantity. */
export function multiplyMoney(m: Money, quantity: number | bigint): Money {
  if (typeof quantity === "number" && !Number.isSafeInteger(quantity)) {
    throw new RangeError(`quantity must be a whole number, was ${quantity}`);
  }
  return money(m.amountMinor * BigInt(quantity), m.currencyCode);
}

/** Whether two amounts are the same amount of the same currency. */
export function moneyEquals(a: Money | undefined, b: Money | undefined): boolean {
  return a !== undefined && b !== undefined && a.currencyCode === b.currencyCode && a.amountMinor === b.amountMinor;
}
