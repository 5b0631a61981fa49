// IPv4 addresses and prefixes as plain numbers: just enough arithmetic to tell whether
// an address lies on a subnet and to write a prefix in its canonical form.

export interface Ipv4Prefix {
  /** The network address (host bits cleared), as an unsigned 32-bit number. */
  base: number;
  bits: number;
}

export function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function maskOf(bits: number): number {
  return bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
}

/** Parses "a.b.c.d/n"; host bits are cleared, as the kernel does for a route's destination. */
export function parseIPv4Prefix(s: string): Ipv4Prefix | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = parseIPv4(s.slice(0, slash));
  const bitsText = s.slice(slash + 1);
  if (addr === undefined || !/^\d{1,2}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > 32) return undefined;
  return { base: (addr & maskOf(bits)) >>> 0, bits };
}

export function formatPrefix(p: Ipv4Prefix): string {
  return `${formatIPv4(p.base)}/${p.bits}`;
}

export function prefixContains(p: Ipv4Prefix, addr: number): boolean {
  return ((addr & maskOf(p.bits)) >>> 0) === p.base;
}

/** Whether two prefixes share any address (one contains the other). */
export function prefixesOverlap(a: Ipv4Prefix, b: Ipv4Prefix): boolean {
  const bits = Math.min(a.bits, b.bits);
  return ((a.base & maskOf(bits)) >>> 0) === ((b.base & maskOf(bits)) >>> 0);
}
