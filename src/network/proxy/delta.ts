// An incremental sync: the commands that turn the table applied last time into the new
// one, still sent as one `nft -f -` transaction (so still atomic). At 10,000 endpoints a
// full replacement costs over a second of kernel work; a one-endpoint change touches
// only a few chains and elements this way.
import { affinitySetBody, type Ruleset } from './render.js';

export function renderDelta(prev: Ruleset, next: Ruleset): string {
  const t = `ip ${next.table}`;
  const out: string[] = [];
  // 1. New affinity sets and chains exist before anything refers to them.
  for (const [name, timeout] of next.affinitySets) {
    if (prev.affinitySets.get(name) !== timeout) {
      if (prev.affinitySets.has(name)) throw new DeltaUnsupportedError(`affinity timeout of ${name} changed`);
      out.push(`add set ${t} ${name} { ${affinitySetBody(timeout)} }`);
    }
  }
  for (const name of next.chains.keys()) if (!prev.chains.has(name)) out.push(`add chain ${t} ${name}`);
  // 2. New or changed chains get their rules (jump targets all declared by now).
  for (const [name, rules] of next.chains) {
    const old = prev.chains.get(name);
    if (old && sameList(old, rules)) continue;
    if (old) out.push(`flush chain ${t} ${name}`);
    for (const r of rules) out.push(`add rule ${t} ${name} ${r}`);
  }
  // 3. Map and set elements.
  diffMap(out, t, 'cluster-ips', prev.clusterIps, next.clusterIps);
  diffMap(out, t, 'node-ports', prev.nodePorts, next.nodePorts);
  diffMap(out, t, 'firewall-ips', prev.firewallIps, next.firewallIps);
  diffSet(out, t, 'no-endpoint-ips', prev.rejectIps, next.rejectIps);
  diffSet(out, t, 'no-endpoint-nodeports', prev.rejectPorts, next.rejectPorts);
  diffSet(out, t, 'hairpin', prev.hairpin, next.hairpin);
  // 4. Chains and sets nothing refers to any more (flushed first: a chain must be empty).
  const gone = [...prev.chains.keys()].filter((n) => !next.chains.has(n));
  for (const name of gone) out.push(`flush chain ${t} ${name}`);
  for (const name of gone) out.push(`delete chain ${t} ${name}`);
  for (const name of prev.affinitySets.keys()) if (!next.affinitySets.has(name)) out.push(`delete set ${t} ${name}`);
  return out.length ? `${out.join('\n')}\n` : '';
}

/** The change cannot be expressed incrementally; the caller does a full sync instead. */
export class DeltaUnsupportedError extends Error {
  constructor(why: string) {
    super(`incremental sync not possible: ${why}`);
    this.name = 'DeltaUnsupportedError';
  }
}

function diffMap(out: string[], t: string, name: string, prev: Map<string, string>, next: Map<string, string>): void {
  const del = [...prev].filter(([k, v]) => next.get(k) !== v).map(([k]) => k);
  const add = [...next].filter(([k, v]) => prev.get(k) !== v).map(([k, v]) => `${k} : ${v}`);
  if (del.length) out.push(`delete element ${t} ${name} { ${del.join(', ')} }`);
  if (add.length) out.push(`add element ${t} ${name} { ${add.join(', ')} }`);
}

function diffSet(out: string[], t: string, name: string, prev: Set<string>, next: Set<string>): void {
  const del = [...prev].filter((k) => !next.has(k));
  const add = [...next].filter((k) => !prev.has(k));
  if (del.length) out.push(`delete element ${t} ${name} { ${del.join(', ')} }`);
  if (add.length) out.push(`add element ${t} ${name} { ${add.join(', ')} }`);
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
