// The host's resolvers, from /etc/resolv.conf: where the cluster DNS forwards names that
// are not the cluster's. Its own listen addresses are skipped so it never forwards to itself.

import { readFileSync } from 'node:fs';
import { parseEndpoint, type Endpoint } from './transport.js';

export function parseResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) out.push(m[1]!.replace(/%.*$/, ''));
  }
  return out;
}

export function hostUpstreams(self: Endpoint[], path = '/etc/resolv.conf'): Endpoint[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return parseResolvConf(text)
    .map(parseEndpoint)
    .filter((u) => !self.some((s) => s.address === u.address && s.port === u.port));
}
