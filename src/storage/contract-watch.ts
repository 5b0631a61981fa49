// Store contract, watches: order, filtering, replay from the past with writes running,
// and a slow or failing watcher ending alone.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertStrictlyIncreasing, collect, range, withStore, type NewStore } from './contract-helpers.js';
import type { WatchEvent } from './store.js';
import { DEFAULT_MAX_BUFFERED_EVENTS } from './watch-subscription.js';

export function runWatchContract(newStore: NewStore): void {
  test('watch delivers puts and deletes in order, with prevKv and the deleted value', () => withStore(newStore, async (s) => {
    const b = (await s.create('/w/before', 'x')).modRevision - 1;
    const c = await collect(s, '/w/', b + 1);
    await s.create('/w/a', 'one');           // b+2
    await s.update('/w/a', 'two', b + 2);    // b+3
    await s.delete('/w/a');                  // b+4
    await s.delete('/w/before');             // b+5
    await c.until((evs) => evs.length >= 4);
    const rel = (e: WatchEvent): string => `${e.type} ${e.kv.key}=${e.kv.value}@${e.revision - b}` +
      (e.prevKv ? ` prev=${e.prevKv.value}@${e.prevKv.modRevision - b}` : '');
    assert.deepEqual(c.events.map(rel), [
      'put /w/a=one@2', 'put /w/a=two@3 prev=one@2', 'delete /w/a=two@4 prev=two@3', 'delete /w/before=x@5 prev=x@1',
    ]);
    const del = c.events[2]!;
    assert.equal(del.kv.createRevision, b + 2);
    assert.equal(del.kv.modRevision, b + 4);
    c.handle.close();
  }));

  test('watch keeps only keys under its prefix', () => withStore(newStore, async (s) => {
    const b = await s.currentRevision();
    const c = await collect(s, '/x/', b);
    await s.create('/y/1', 'no');
    await s.create('/x/1', 'yes');
    await s.create('/x', 'no');
    await s.create('/x/2', 'yes');
    await c.until((evs) => evs.length >= 2);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(c.events.map((e) => e.kv.key), ['/x/1', '/x/2']);
    assert.deepEqual(c.events.map((e) => e.revision), [b + 2, b + 4]);
  }));

  test('a watch from the past replays history exactly, then continues live', () => withStore(newStore, async (s) => {
    const b = await s.currentRevision();
    await Promise.all(range(50).map((i) => s.create(`/r/${i}`, 'v0')));
    await s.create('/other', 'x');
    const c = await collect(s, '/r/', b + 10);
    await s.update('/r/0', 'v1', (await s.get('/r/0'))!.modRevision);
    const last = await s.currentRevision();
    await c.until((evs) => evs.length > 0 && evs[evs.length - 1]!.revision === last);
    assert.deepEqual(c.events.map((e) => e.revision), [...range(40).map((i) => b + i + 11), last]);
    assert.equal(c.events[c.events.length - 1]!.prevKv?.value, 'v0');
  }));

  test('a watch started at an old revision while writes run misses and repeats nothing', () => withStore(newStore, async (s) => {
    const b = await s.currentRevision();
    await Promise.all(range(100).map((i) => s.create(`/c/${i}`, 'v0')));
    let stop = false;
    let writes = 0;
    // 8 writers keep updating and deleting/recreating keys while watches start.
    const writers = range(8).map(async (w) => {
      for (let i = 0; !stop && i < 250; i++) {
        const key = `/c/${(w * 13 + i) % 100}`;
        const cur = await s.get(key);
        try {
          if (!cur) await s.create(key, `w${w}-${i}`);
          else if (i % 5 === 0) await s.delete(key, cur.modRevision);
          else await s.update(key, `w${w}-${i}`, cur.modRevision);
          writes++;
        } catch { /* lost a race with another writer: fine */ }
        if (i % 10 === 0) await new Promise((r) => setImmediate(r));
      }
    });
    const starts = [b + 5, b + 50, b + 150];
    const collectors = [];
    for (const from of starts) {
      await new Promise((r) => setTimeout(r, 5));
      collectors.push({ from, c: await collect(s, '/c/', from) });
    }
    await Promise.all(writers);
    stop = true;
    const last = await s.currentRevision();
    assert.ok(writes > 100, `writers made ${writes} writes`);
    for (const { from, c } of collectors) {
      await c.until((evs) => evs.length > 0 && evs[evs.length - 1]!.revision === last);
      assertStrictlyIncreasing(c.events);
      // Every key is under /c/, so every revision after `from` must appear once.
      assert.deepEqual(c.events.map((e) => e.revision), range(last - from).map((i) => i + from + 1), `watch from ${from}`);
      c.handle.close();
    }
  }));

  test('a closed watch gets nothing more and no onClose', () => withStore(newStore, async (s) => {
    const c = await collect(s, '', await s.currentRevision());
    await s.create('/a', '1');
    await c.until((evs) => evs.length === 1);
    c.handle.close();
    await s.create('/b', '2');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(c.events.length, 1);
    assert.equal(c.closed, false);
  }));

  test('a slow watcher is closed with WatchOverflowError; others carry on', () => withStore(newStore, async (s, fx) => {
    const bound = fx.maxBufferedEvents ?? DEFAULT_MAX_BUFFERED_EVENTS;
    let slowCalls = 0;
    let slowErr: Error | undefined;
    // Never finishes taking its first batch: everything after it piles up.
    await s.watch('', await s.currentRevision(), {
      onEvents: () => { slowCalls++; return new Promise<void>(() => {}); },
      onClose: (err) => { slowErr = err; },
    });
    const fast = await collect(s, '', await s.currentRevision());
    // How many go in its first batch depends on the backend, so write until it overflows.
    let total = 0;
    const wave = Math.min(500, bound);
    while (!slowErr && total < 3 * bound) {
      await Promise.all(range(wave).map((j) => s.create(`/k/${total + j}`, 'v')));
      total += wave;
      await new Promise((r) => setImmediate(r));
    }
    await fast.until((evs) => evs.length === total, 30_000);
    assert.equal(slowErr?.name, 'WatchOverflowError');
    assert.equal((slowErr as { code?: string } | undefined)?.code, 'WATCH_OVERFLOW');
    assert.equal(slowCalls, 1);
    assertStrictlyIncreasing(fast.events);
  }));

  test('a watcher that throws is closed with its error', () => withStore(newStore, async (s) => {
    let closedWith: Error | undefined;
    const b = await s.currentRevision();
    await s.watch('', b, {
      onEvents: () => { throw new RangeError('consumer broke'); },
      onClose: (err) => { closedWith = err; },
    });
    await s.create('/a', '1');
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(closedWith instanceof RangeError);
    // The store itself is unharmed: another watch replays the same event.
    const c = await collect(s, '', b);
    await c.until((evs) => evs.length === 1);
  }));

  test('closing the store ends its watches with StoreClosedError', () => withStore(newStore, async (s) => {
    const c = await collect(s, '', await s.currentRevision());
    await s.close();
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(c.closed, true);
    assert.equal(c.closedWith?.name, 'StoreClosedError');
  }));
}
