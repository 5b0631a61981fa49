// The conformance suite against a real etcd (Debian's etcd-server) on loopback. One etcd
// serves the whole file; each fixture gets a key prefix of its own, so tests share only
// the revision counter, which the suite allows for (sharesRevisions).

import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { runStoreContract } from './contract.js';
import { EtcdStore } from './etcd.js';
import { startEtcd, type EtcdProcess } from './etcd-test-server.js';

const ETCD = '/usr/bin/etcd';

if (!existsSync(ETCD)) {
  test('etcd store contract', (t) => { t.skip(`${ETCD} is not installed (Debian package etcd-server)`); });
} else {
  let etcd: EtcdProcess | undefined;
  let n = 0;
  before(async () => { etcd = await startEtcd(ETCD); });
  after(async () => { await etcd?.stop(); });
  runStoreContract('etcd', async () => {
    // A small watch buffer keeps the slow-watcher test short over HTTP.
    const opts = { endpoint: etcd!.url, keyPrefix: `/contract-${++n}`, maxBufferedEvents: 300 };
    return {
      store: new EtcdStore(opts),
      reopen: async () => new EtcdStore(opts),
      maxBufferedEvents: opts.maxBufferedEvents,
      sharesRevisions: 'etcd starts at revision 1 and its revision is shared by every key prefix',
      cleanup: async () => {},
    };
  });

  test('without a key prefix the store spans the whole keyspace', async () => {
    const store = new EtcdStore({ endpoint: etcd!.url });
    try {
      const b = await store.currentRevision();
      await store.create('/whole/x', '1');
      const all = await store.range('');
      assert.ok(all.kvs.some((kv) => kv.key === '/whole/x'));
      assert.ok(all.kvs.some((kv) => kv.key.startsWith('/contract-')), 'sees what prefixed stores wrote');
      assert.equal(await store.count(''), all.kvs.length);
      const seen: string[] = [];
      const w = await store.watch('', b, { onEvents: (evs) => { seen.push(...evs.map((e) => e.kv.key)); } });
      await store.delete('/whole/x');
      for (let i = 0; i < 100 && seen.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      w.close();
      assert.deepEqual(seen, ['/whole/x', '/whole/x']);
    } finally {
      await store.close();
    }
  });
}
