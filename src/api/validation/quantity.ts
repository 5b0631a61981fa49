// Kubernetes resource quantities ("100m", "1Gi", "1e3", "0.5"): parsing into exact
// values and canonical formatting. Values are kept as a BigInt count of nano-units, the
// finest precision Kubernetes keeps (finer input is rounded up, as Kubernetes does).

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value in billionths of the base unit. */
  nanos: bigint;
  /** The notation the value was written in; canonical output keeps it. */
  format: QuantityFormat;
}

export const quantityRegexp = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

export class QuantityParseError extends Error {
  readonly code = 'QUANTITY_PARSE';
  constructor(readonly input: string) {
    super(`quantities must match the regular expression '${quantityRegexp}'`);
    this.name = 'QuantityParseError';
  }
}

const binary: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const decimalByExp = new Map(Object.entries(decimal).map(([s, e]) => [e, s]));
const binaryByShift = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const pow10Table: bigint[] = Array.from({ length: 64 }, (_, i) => 10n ** BigInt(i));
const pow10 = (n: number): bigint => pow10Table[n] ?? 10n ** BigInt(n);

/** Division rounding toward positive infinity ("rounded up", as Kubernetes rounds). */
function divCeil(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a > 0n) === (b > 0n) ? q + 1n : q;
}

/**
 * Parses a quantity; JSON numbers are accepted as Kubernetes accepts them. The same few
 * strings ("100m", "64Mi") come with every pod, so parsed values are remembered (frozen).
 */
export function parseQuantityExact(input: string | number): Quantity {
  const s = typeof input === 'number' ? String(input) : input;
  let q = parsed.get(s);
  if (q === undefined) {
    q = Object.freeze(parseNow(s));
    if (parsed.size >= maxRemembered) parsed.clear();
    parsed.set(s, q);
  }
  return q;
}

const parsed = new Map<string, Quantity>();
const maxRemembered = 4096;

function parseNow(s: string): Quantity {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(.*)$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new QuantityParseError(s);
  const [, sign, whole, frac = '', suffix] = m;
  let format: QuantityFormat;
  let exp10 = 0;
  let shift2 = 0;
  if (suffix in binary) {
    format = 'BinarySI';
    shift2 = binary[suffix];
  } else if (suffix in decimal) {
    format = 'DecimalSI';
    exp10 = decimal[suffix];
  } else {
    const e = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (!e) throw new QuantityParseError(s);
    format = 'DecimalExponent';
    exp10 = Number(e[1]);
  }
  // value = digits * 10^(exp10 - frac.length) * 2^shift2, in nanos: * 10^9.
  let n = BigInt(`${whole}${frac}` || '0') * (1n << BigInt(shift2));
  const scale = exp10 - frac.length + 9;
  n = scale >= 0 ? n * pow10(scale) : divCeil(n, pow10(-scale));
  if (sign === '-') n = -n;
  return { nanos: n, format };
}

export function isValidQuantity(s: unknown): boolean {
  if (typeof s !== 'string' && typeof s !== 'number') return false;
  try {
    parseQuantityExact(s);
    return true;
  } catch {
    return false;
  }
}

/** The value in base units (bytes, cores) as a float. */
export function parseQuantity(s: string | number): number {
  return Number(parseQuantityExact(s).nanos) / 1e9;
}

/** The value in thousandths of the base unit (millicores), rounded up like MilliValue(). */
export function parseMilliQuantity(s: string | number): number {
  return Number(divCeil(parseQuantityExact(s).nanos, 1_000_000n));
}

/** Kubernetes' canonical form: the same notation, the largest suffix that keeps an integer. */
export function formatQuantity(q: Quantity): string {
  const neg = q.nanos < 0n;
  const abs = neg ? -q.nanos : q.nanos;
  const sign = neg ? '-' : '';
  if (q.format === 'BinarySI' && abs >= 1024n * 1_000_000_000n && abs % 1_000_000_000n === 0n) {
    let v = abs / 1_000_000_000n;
    let k = 0;
    while (k < 6 && v % 1024n === 0n) {
      v /= 1024n;
      k++;
    }
    return `${sign}${v}${binaryByShift[k]}`;
  }
  if (abs === 0n) return '0';
  // Largest exponent (a multiple of 3) at which the value is still an integer.
  let e = -9;
  let v = abs;
  while (v % 1000n === 0n && (q.format === 'DecimalExponent' || e < 18)) {
    v /= 1000n;
    e += 3;
  }
  if (q.format === 'DecimalExponent') return `${sign}${v}${e === 0 ? '' : `e${e}`}`;
  return `${sign}${v}${decimalByExp.get(e) ?? ''}`;
}

/** Parses and re-prints a quantity canonically: "1000m" -> "1", "1024Mi" -> "1Gi". */
export function canonicalQuantity(s: string | number): string {
  return formatQuantity(parseQuantityExact(s));
}

export function compareQuantities(a: string | number, b: string | number): number {
  const x = parseQuantityExact(a).nanos;
  const y = parseQuantityExact(b).nanos;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A quantity from a count of milli-units, printed canonically in DecimalSI ("250m"). */
export function milliQuantity(milli: number): string {
  return formatQuantity({ nanos: BigInt(Math.round(milli)) * 1_000_000n, format: 'DecimalSI' });
}
