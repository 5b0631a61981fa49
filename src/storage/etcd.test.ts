// The conformance suite against a real etcd (Debian's etcd-server) on loopback. One etcd
// serves the whole file; each fixture gets a key prefix of its own, so tests share only
// the revision counter, which the suite allows for (sharesRevisions).

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
}
