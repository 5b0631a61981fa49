// Service proxy sync cost at 1,000 services x 10 endpoints: renderRuleset + one
// `nft -f -` transaction for a full sync (table replaced), then for a change of one
// endpoint (the whole state rebuilt, diffed against the last, only the difference sent,
// as ServiceProxy does between full syncs). Needs root; uses its own table
// and deletes it afterwards.  Run: node dist/bench/proxy/sync.js [services = 1000] [endpoints = 10]

import { performance } from 'node:perf_hooks';
import { deleteTableScript, execNft } from '../../src/network/proxy/nft.js';
import { renderDelta } from '../../src/network/proxy/delta.js';
import { buildRuleset, RenderCache, rulesetText, type Ruleset } from '../../src/network/proxy/render.js';
import { endpoint, service, slice } from '../../src/network/proxy/testing/fixtures.js';
import type { EndpointSlice, Service } from '../../src/network/proxy/types.js';

const nServices = Number(process.argv[2] ?? 1000);
const nEndpoints = Number(process.argv[3] ?? 10);
const table = `k8ts-proxy-bench${process.pid % 100000}`;
const RUNS = 5;

function state(): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < nServices; i++) {
    const name = `svc-${i}`;
    services.push(service(name, `10.43.${(i >> 8) & 255}.${i & 255}`));
    const eps = [];
    for (let j = 0; j < nEndpoints; j++) {
      const n = i * nEndpoints + j;
      eps.push(endpoint(`10.42.${(n >> 8) & 255}.${n & 255}`));
    }
    slices.push(slice(name, eps));
  }
  return { services, slices };
}

/** The same state with one endpoint of the first service turned not-ready: a new slice
 * object for it, every other object the same (as in an informer's cache). */
function oneChanged(s: { services: Service[]; slices: EndpointSlice[] }): { services: Service[]; slices: EndpointSlice[] } {
  const first = s.slices[0]!;
  const eps = (first.endpoints ?? []).map((e, j) => (j === 0 ? { ...e, conditions: { ready: false, serving: false, terminating: false } } : e));
  return { services: s.services, slices: [{ ...first, endpoints: eps }, ...s.slices.slice(1)] };
}

async function timeSync(s: { services: Service[]; slices: EndpointSlice[] }, cache: RenderCache, prev?: Ruleset): Promise<{ render: number; total: number; bytes: number; model: Ruleset }> {
  const t0 = performance.now();
  const model = buildRuleset(s.services, s.slices, { nodeName: 'node-a', clusterCIDR: '10.42.0.0/16', table }, cache);
  const text = prev ? renderDelta(prev, model) : rulesetText(model);
  const t1 = performance.now();
  await execNft.apply(text);
  return { render: t1 - t0, total: performance.now() - t0, bytes: text.length, model };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  try {
    const full: number[] = [];
    const one: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      await execNft.apply(deleteTableScript('ip', table));
      const base = state();
      const cache = new RenderCache(); // fresh: the full sync renders every service
      const f = await timeSync(base, cache); // into an empty table: full sync
      full.push(f.total);
      console.log(`full sync   run ${r + 1}: ${f.total.toFixed(1)} ms (render ${f.render.toFixed(1)} ms, ${(f.bytes / 1e6).toFixed(2)} MB script)`);
      const c = await timeSync(oneChanged(base), cache, f.model); // one endpoint turned not-ready
      one.push(c.total);
      console.log(`one change  run ${r + 1}: ${c.total.toFixed(1)} ms (render+diff ${c.render.toFixed(1)} ms, ${c.bytes} B script)`);
    }
    console.log(`${nServices} services x ${nEndpoints} endpoints: full sync median ${median(full).toFixed(1)} ms (goal < 1000), ` +
      `one-endpoint change median ${median(one).toFixed(1)} ms (goal < 50)`);
  } finally {
    await execNft.apply(deleteTableScript('ip', table));
  }
}

await main();
