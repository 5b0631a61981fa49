// Key ordering and prefix bounds shared by the backends.
//
// etcd orders keys by their bytes; SQLite's BINARY collation compares UTF-8 bytes too.
// UTF-8 byte order equals Unicode code point order, which differs from JavaScript's
// UTF-16 code unit order only when a surrogate meets a unit at or above U+E000, so the
// memory backend needs this comparator to agree with SQLite on every key.

/** Compare two keys as etcd does (by their UTF-8 bytes). */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

// Surrogates encode code points above U+FFFF, so they must sort after every other unit.
function codePointRank(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit;
}

/**
 * The smallest string greater than every string that starts with prefix, or undefined
 * when there is none (empty prefix, or one made only of U+10FFFF).
 * Keys k with `prefix <= k < prefixEnd(prefix)` are exactly those starting with prefix.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = Array.from(prefix);
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Skip the surrogate block: a lone surrogate cannot be encoded as UTF-8.
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** Index of the first element of sorted keys not less than key. */
export function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(sorted[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
