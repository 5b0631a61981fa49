// IPv6 addresses between text and the 16 bytes of an AAAA record or an ip6.arpa name.

import { DnsFormatError } from './errors.js';

export function ipv6Bytes(addr: string): Buffer {
  let text = addr;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.', lastColon)) {
    // An embedded IPv4 tail, as in ::ffff:10.0.0.1, becomes two hex groups.
    const v4 = text.slice(lastColon + 1).split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) throw new DnsFormatError(`bad IPv6 address ${addr}`);
  const parse = (s: string) => (s === '' ? [] : s.split(':').filter((g) => g !== '').map((g) => parseInt(g, 16)));
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  const fill = 8 - head.length - rest.length;
  if (halves.length === 2 && fill < 1) throw new DnsFormatError(`bad IPv6 address ${addr}`);
  const groups = halves.length === 2 ? [...head, ...new Array<number>(fill).fill(0), ...rest] : head;
  if (groups.length !== 8 || groups.some((g) => !(g >= 0 && g <= 0xffff))) throw new DnsFormatError(`bad IPv6 address ${addr}`);
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(g, i * 2));
  return b;
}

/** RFC 5952 text: the longest run of two or more zero groups becomes '::'. */
export function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

export function ipv6Text(addr: string): string {
  const b = ipv6Bytes(addr);
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  return compressIpv6(groups);
}
