// Differential test: the same seeded random sequence of writes, compactions and reads
// against MemoryStore and SqliteStore must give identical answers and identical errors,
// including the watch streams replayed from random revisions at the end.

import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { collect } from './contract-helpers.js';
import { MemoryStore } from './memory.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './store.js';

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await p };
  } catch (err) {
    return { error: (err as { code?: string }).code ?? String(err) };
  }
}

const KEYS = ['/a', '/a/1', '/a/2', '/a/10', '/ab', '/b/x', '/b/y', '/c', '/\u00e9', '/\u{1F600}'];
const PREFIXES = ['', '/a', '/a/', '/b/', '/c', '/z'];

test('memory and sqlite agree on a random history', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-diff-'));
  const stores: Store[] = [new MemoryStore(), new SqliteStore({ path: join(dir, 'state.db'), compactIntervalMs: 0 })];
  t.after(async () => {
    for (const s of stores) await s.close();
    await rm(dir, { recursive: true, force: true });
  });
  const rand = rng(20260101);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  // Every random choice is drawn before `both`, so the two stores see the same operation.
  const both = async (op: (s: Store) => Promise<unknown>, what: string): Promise<void> => {
    const [m, q] = await Promise.all(stores.map((s) => outcome(op(s))));
    assert.deepEqual(q, m, what);
  };
  for (let step = 0; step < 1500; step++) {
    const rev = await stores[0]!.currentRevision();
    const compacted = await stores[0]!.compactedRevision();
    assert.equal(await stores[1]!.currentRevision(), rev, `${step}: revisions agree`);
    assert.equal(await stores[1]!.compactedRevision(), compacted, `${step}: compacted revisions agree`);
    const key = pick(KEYS);
    const value = `v${step}`;
    const guess = Math.floor(rand() * (rev + 2));
    const r = rand();
    if (r < 0.3) await both((s) => s.create(key, value), `${step}: create ${key}`);
    else if (r < 0.55) {
      const cur = await stores[0]!.get(key);
      const expected = cur && rand() < 0.8 ? cur.modRevision : guess;
      await both((s) => s.update(key, value, expected), `${step}: update ${key}@${expected}`);
    } else if (r < 0.65) {
      const expected = rand() < 0.5 ? undefined : guess;
      await both((s) => s.delete(key, expected), `${step}: delete ${key}@${expected}`);
    } else if (r < 0.67) {
      const target = compacted + Math.floor(rand() * (rev - compacted + 2));
      await both((s) => s.compact(target), `${step}: compact ${target} at ${rev}, compacted ${compacted}`);
    } else if (r < 0.85) {
      const opts = { revision: rand() < 0.5 ? 0 : guess, limit: Math.floor(rand() * 4), startKey: rand() < 0.3 ? pick(KEYS) : undefined };
      const prefix = pick(PREFIXES);
      await both((s) => s.range(prefix, opts), `${step}: range ${prefix} ${JSON.stringify(opts)}`);
    } else if (r < 0.95) {
      const at = rand() < 0.5 ? undefined : guess;
      await both((s) => s.get(key, at), `${step}: get ${key}@${at}`);
    } else {
      const prefix = pick(PREFIXES);
      await both((s) => s.count(prefix), `${step}: count ${prefix}`);
    }
  }
  // Fresh writes under every prefix, so each watch below has history to replay.
  for (let i = 0; i < 60; i++) {
    const key = `${pick(['/a/f', '/b/f', '/c/f'])}${i}`;
    await both((s) => s.create(key, 'final'), `final create ${key}`);
  }
  const last = await stores[0]!.currentRevision();
  const compacted = await stores[0]!.compactedRevision();
  assert.ok(last > 300 && compacted > 0, `history reached revision ${last}, compacted ${compacted}`);
  for (const prefix of PREFIXES) {
    const from = compacted + Math.floor(rand() * (last - compacted));
    const [m, q] = await Promise.all(stores.map(async (s) => {
      const c = await collect(s, prefix, from);
      await new Promise((r) => setTimeout(r, 30));
      c.handle.close();
      return c.events;
    }));
    assert.ok(m!.length > 0 || prefix === '/z', `watch ${prefix} from ${from} saw events`);
    assert.deepEqual(q, m, `watch ${prefix} from ${from}`);
  }
});
