/** An exact Kubernetes quantity: numerator / denominator, both integers. */
interface Exact {
  numerator: bigint;
  denominator: bigint;
}

const BINARY: Record<string, bigint> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const FORMAT = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/** Parses a Kubernetes resource quantity (`1Gi`, `1.5G`, `500m`, `1e3`) exactly; undefined when malformed. */
function parseQuantity(text: string): Exact | undefined {
  const match = FORMAT.exec(text.trim());
  if (!match) return undefined;
  const [, sign = '', number = '', exponent, suffix = ''] = match;
  const [whole = '', fraction = ''] = number.split('.');
  let numerator = BigInt(`${sign}${whole || '0'}${fraction}`);
  let decimalExponent = -fraction.length + (exponent === undefined ? (DECIMAL[suffix] ?? 0) : Number(exponent));
  const binary = BINARY[suffix];
  if (binary !== undefined) {
    numerator *= binary;
    decimalExponent = -fraction.length;
  }
  if (decimalExponent >= 0) return { numerator: numerator * 10n ** BigInt(decimalExponent), denominator: 1n };
  return { numerator, denominator: 10n ** BigInt(-decimalExponent) };
}

/**
 * Why `size` cannot be a volume size, or undefined when it can: it must be a Kubernetes quantity
 * (`100Gi`, `500G`, `1e12`, or a plain number of bytes) greater than zero. The CRDs check the same at
 * admission (the quantity pattern of apimachinery's resource.Quantity, plus a CEL rule for the sign).
 */
export function storageSizeProblem(size: string | number): string | undefined {
  const text = String(size);
  const exact = parseQuantity(text);
  if (exact && exact.numerator > 0n && text === text.trim()) return undefined;
  return `storage.size must be a positive Kubernetes quantity such as 100Gi, 500G or 1e12; got ${JSON.stringify(size)}`;
}

/**
 * True when two Kubernetes quantities are the same amount (`1Gi` and `1024Mi`, `1.5G` and `1500M`), as the
 * API server compares them; malformed ones are equal only when their text is.
 */
export function sameQuantity(a: string, b: string): boolean {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (!x || !y) return a === b;
  return x.numerator * y.denominator === y.numerator * x.denominator;
}
