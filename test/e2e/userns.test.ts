// Pods with `hostUsers: false` on a real `k8ts server` with its agent: each gets its own
// user namespace (65536 ids from a multiple of 65536), its root is uid 0 inside and an
// unprivileged host uid outside, yet writes the image's /etc (into its own layer), an
// emptyDir (disk and memory) and its /etc/hosts, and reads its ConfigMap, Secret and
// service account token; a non-root user writes the emptyDir too. A second such pod gets
// another range, also after a restart of the server and its agent; the API server
// refuses hostUsers: false beside hostNetwork as Kubernetes does.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestServer } from './harness.js';
import { bb, container, eventually, Kube, podManifest, runtimeRecords, skipReason, startAgentServer, stopAgentServer } from './agent-fixture.js';

const loop = 'trap "exit 0" TERM; while true; do sleep 1; done';

function usernsPod(name: string): object {
  return podManifest(name, {
    hostUsers: false,
    volumes: [
      { name: 'scratch', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory' } },
      { name: 'cfg', configMap: { name: 'userns-cfg' } }, { name: 'sec', secret: { secretName: 'userns-secret' } },
    ],
    containers: [
      bb('main', loop, { volumeMounts: [
        { name: 'scratch', mountPath: '/scratch' }, { name: 'mem', mountPath: '/mem' },
        { name: 'cfg', mountPath: '/cfg' }, { name: 'sec', mountPath: '/sec' },
      ] }),
      bb('user', `echo from-1000 > /scratch/by-1000 && id -u > /scratch/uid-1000; ${loop}`, {
        securityContext: { runAsUser: 1000, runAsGroup: 1000 },
        volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }, { name: 'cfg', mountPath: '/cfg' }, { name: 'sec', mountPath: '/sec' }],
      }),
    ],
  }, { suite: 'userns-e2e' });
}

/** "0 <host> 65536" from /proc/self/uid_map inside the pod: the host id. */
function hostIdOf(uidMap: string): number {
  const m = /^\s*0\s+(\d+)\s+65536\s*$/.exec(uidMap.trim());
  assert.ok(m, `uid_map: ${uidMap}`);
  return Number(m[1]);
}

describe('user namespaces (hostUsers: false)', { skip: skipReason }, () => {
  let server: TestServer;
  let kube: Kube;
  /** The host ranges of ua and ub, from the first test. */
  let ranges: number[] = [];

  before(async () => {
    server = await startAgentServer('userns');
    kube = new Kube(server);
    await kube.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'userns-cfg' }, data: { greeting: 'hello-userns' } });
    await kube.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'userns-secret' }, stringData: { key: 'secret-userns' } });
  });

  after(async () => {
    if (server) await stopAgentServer(server);
  });

  test('a pod runs as root in its own user namespace and writes its files, volumes and /etc', async () => {
    await kube.apply(usernsPod('ua'));
    await kube.apply(usernsPod('ub'));
    for (const name of ['ua', 'ub']) {
      await eventually(`${name} to run`, async () => {
        const p = await kube.pod(name);
        return p.status.phase === 'Running' && container(p, 'main')?.ready && container(p, 'user')?.ready ? p : undefined;
      }, 90_000, 500, () => kube.describe(name));
    }
    const exec = (pod: string, script: string, c = 'main') => kube.ok('exec', pod, '-c', c, '--', 'sh', '-c', script);

    assert.match(await exec('ua', 'id'), /^uid=0\(root\) gid=0\(root\)/);
    const ha = hostIdOf(await exec('ua', 'cat /proc/self/uid_map'));
    const hb = hostIdOf(await exec('ub', 'cat /proc/self/uid_map'));
    assert.ok(ha >= 65536 && ha % 65536 === 0, `host range of ua: ${ha}`);
    assert.ok(hb >= 65536 && hb % 65536 === 0 && hb !== ha, `host ranges ${ha} and ${hb}`);
    assert.equal(hostIdOf(await exec('ua', 'cat /proc/self/gid_map')), ha);
    // The range is not in the pod's status.
    assert.ok(!JSON.stringify((await kube.pod('ua')).status).includes(String(ha)));

    // Image files are root's inside; writes to /etc land in the container's own layer.
    assert.equal((await exec('ua', 'stat -c %u:%g /etc/passwd /bin/busybox')).trim(), '0:0\n0:0');
    assert.equal((await exec('ua', 'echo written > /etc/userns-marker && cat /etc/userns-marker')).trim(), 'written');
    assert.equal((await exec('ub', 'cat /etc/userns-marker 2>/dev/null || echo absent')).trim(), 'absent');
    assert.equal((await exec('ua', 'echo "10.9.9.9 extra.example" >> /etc/hosts && grep -c extra.example /etc/hosts')).trim(), '1');
    // The emptyDir: root writes, uid 1000 (the other container) wrote, the ConfigMap reads.
    assert.equal((await exec('ua', 'echo by-root > /scratch/by-root && cat /scratch/by-root /scratch/by-1000 /scratch/uid-1000')).trim(), 'by-root\nfrom-1000\n1000');
    assert.equal((await exec('ua', 'stat -c %u /scratch/by-1000')).trim(), '1000');
    assert.equal((await exec('ua', 'cat /cfg/greeting')).trim(), 'hello-userns');
    assert.equal((await exec('ua', 'cat /sec/key; echo; stat -c %u /sec/key')).trim(), 'secret-userns\n0');
    assert.equal((await exec('ua', 'echo in-memory > /mem/f && cat /mem/f')).trim(), 'in-memory');
    // The service account token the API server projects is readable too.
    assert.match(await exec('ua', 'cat /var/run/secrets/kubernetes.io/serviceaccount/namespace'), /^default$/);
    assert.match(await exec('ua', 'id', 'user'), /^uid=1000 gid=1000/);
    // The non-root user reads its ConfigMap, Secret and /etc files and writes its own layer's /tmp.
    assert.equal((await exec('ua', 'cat /cfg/greeting; echo; cat /sec/key; echo; grep -c localhost /etc/hosts; echo t > /tmp/by-1000 && stat -c %u /tmp/by-1000', 'user')).trim(), 'hello-userns\nsecret-userns\n2\n1000');

    // Outside, the pod's processes run as the range's host uids.
    const uid = (await kube.pod('ua')).metadata.uid;
    const pids = runtimeRecords(server.dataDir, 'containers', uid).map((r) => Number(readFileSync(join(server.dataDir, 'runtime', 'containers', r.id, 'pidfile'), 'utf8').trim()));
    const hostUids = pids.map((pid) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]));
    assert.deepEqual(hostUids.sort((a, b) => a - b), [ha, ha + 1000]);

    ranges = [ha, hb];
  });

  test('the ranges survive a restart of the server and its agent: running pods keep theirs, a new pod gets another', async () => {
    assert.equal(ranges.length, 2, 'the first test ran');
    const before = await kube.pod('ua');
    await server.stop('SIGTERM');
    await server.launch();
    await eventually('the node to be Ready again', async () => (/\bReady\b/.test((await kube.run('get', 'nodes')).stdout) ? true : undefined));
    const exec = (pod: string, script: string) => kube.ok('exec', pod, '-c', 'main', '--', 'sh', '-c', script);
    assert.equal(hostIdOf(await exec('ua', 'cat /proc/self/uid_map')), ranges[0]);
    await kube.apply(usernsPod('uc'));
    await eventually('uc to run', async () => {
      const p = await kube.pod('uc');
      return p.status.phase === 'Running' && container(p, 'main')?.ready ? p : undefined;
    }, 90_000, 500, () => kube.describe('uc'));
    const hc = hostIdOf(await exec('uc', 'cat /proc/self/uid_map'));
    assert.ok(!ranges.includes(hc) && hc % 65536 === 0, `uc's range ${hc} beside ${ranges.join(', ')}`);
    // The agent found the running containers again rather than restarting them.
    const after = await kube.pod('ua');
    assert.equal(container(after, 'main')?.containerID, container(before, 'main')?.containerID);
    assert.equal(container(after, 'main')?.restartCount, 0);
    await kube.ok('delete', 'pod', 'ua', 'ub', 'uc', '--timeout=60s');
  });

  test('hostUsers: false with hostNetwork, hostPID or hostIPC is refused', async () => {
    const bad = server.kubectl('1.33', ['apply', '-f', '-'], JSON.stringify(podManifest('bad', {
      hostUsers: false, hostNetwork: true, hostPID: true, containers: [bb('main', loop)],
    })));
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.hostNetwork: Forbidden: when `pod\.Spec\.HostUsers` is false/);
    assert.match(bad.stderr, /spec\.HostPID: Forbidden: when `pod\.Spec\.HostUsers` is false/);
  });
});
