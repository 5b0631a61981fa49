// What a pod is given, on a real `k8ts server` with its agent and busybox containers:
// ConfigMaps and Secrets as environment and as volumes (files updated in place when the
// objects change), an emptyDir shared by two containers, a memory limit that OOM-kills,
// and images: one that does not exist (ErrImagePull, ImagePullBackOff, the agent
// unaffected), pull secrets against a loopback docker-registry with basic auth, and
// imagePullPolicy Never. All read back through the real kubectl (1.33, and 1.27).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestServer } from './harness.js';
import { freePort } from './harness.js';
import { bb, buildTestImage, container, eventually, Kube, podManifest, skipReason, sleep, startAgentServer, stopAgentServer } from './agent-fixture.js';
import { startRegistry, skopeoPush, type RunningRegistry } from '../../src/runtime/oci/image/testing/registry.js';

/** Debian's docker-registry with htpasswd (bcrypt) basic auth, on a loopback port. */
async function startAuthRegistry(user: string, password: string): Promise<{ host: string; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-authreg-'));
  const port = await freePort();
  // docker-registry takes bcrypt only; python's crypt makes it (cost 4: 2^4 rounds, quick).
  const hash = execFileSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', password], { encoding: 'utf8' }).trim();
  writeFileSync(join(dir, 'htpasswd'), `${user}:${hash}\n`);
  writeFileSync(join(dir, 'config.yml'), [
    'version: 0.1', 'log:', '  level: warn', '  accesslog:', '    disabled: true',
    'storage:', '  filesystem:', `    rootdirectory: ${join(dir, 'data')}`,
    'auth:', '  htpasswd:', '    realm: k8ts-e2e', `    path: ${join(dir, 'htpasswd')}`,
    'http:', `  addr: 127.0.0.1:${port}`, '',
  ].join('\n'));
  const proc: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGKILL');
      await gone;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await eventually('the auth registry', async () => ((await fetch(`http://127.0.0.1:${port}/v2/`).catch(() => null))?.status === 401 ? true : undefined), 15_000, 100);
  } catch (e) {
    await stop();
    throw e;
  }
  return { host: `127.0.0.1:${port}`, stop };
}

describe('pod configuration, volumes and images on a real node agent', { skip: skipReason }, () => {
  let server: TestServer;
  let k: Kube;
  let old: Kube;
  let registry: RunningRegistry | undefined;
  let authRegistry: { host: string; stop(): Promise<void> } | undefined;
  const images = mkdtempSync(join(tmpdir(), 'k8ts-e2e-config-images-'));
  const forever = "trap 'exit 0' TERM; while true; do sleep 1; done";

  before(async () => {
    server = await startAgentServer('config');
    k = new Kube(server);
    old = new Kube(server, '1.27');
    registry = await startRegistry();
    authRegistry = await startAuthRegistry('puller', 'pull-pw');
    const archive = buildTestImage(images);
    await skopeoPush(`oci-archive:${archive}`, `${registry.host}/k8ts/busybox:1`);
    execFileSync('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', '--dest-creds', 'puller:pull-pw', `oci-archive:${archive}`, `docker://${authRegistry.host}/private/busybox:1`]);
  });

  after(async () => {
    if (server) await stopAgentServer(server);
    await registry?.stop();
    await authRegistry?.stop();
    rmSync(images, { recursive: true, force: true });
  }, { timeout: 180_000 });

  describe('side by side', { concurrency: true, timeout: 240_000 }, () => {
    test('ConfigMap and Secret as env and as volumes; the files follow kubectl apply, the env does not', async () => {
      const objects = (greeting: string, password: string) => [
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-config' }, data: { greeting, mode: 'fast' } },
        { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'app-secret' }, type: 'Opaque', stringData: { password } },
      ];
      for (const o of objects('hello', 's3cret')) await k.apply(o);
      await k.apply(podManifest('configured', {
        volumes: [{ name: 'cfg', configMap: { name: 'app-config' } }, { name: 'sec', secret: { secretName: 'app-secret', defaultMode: 0o400 } }],
        containers: [bb('c', forever, {
          env: [
            { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'greeting' } } },
            { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'app-secret', key: 'password' } } },
            { name: 'MISSING_OK', valueFrom: { configMapKeyRef: { name: 'app-config', key: 'nope', optional: true } } },
          ],
          envFrom: [{ configMapRef: { name: 'app-config' }, prefix: 'CFG_' }, { secretRef: { name: 'app-secret' } }],
          volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg' }, { name: 'sec', mountPath: '/etc/sec', readOnly: true }],
        })],
      }));
      await eventually('configured to run', async () => (container(await k.pod('configured'))?.state.running ? true : undefined));
      const sh = (script: string) => k.ok('exec', 'configured', '--', 'sh', '-c', script);
      assert.equal(await sh('echo "$GREETING $PASSWORD $CFG_greeting $CFG_mode $password [${MISSING_OK-unset}]"'), 'hello s3cret hello fast s3cret [unset]\n');
      assert.equal(await sh('cat /etc/cfg/greeting; echo; cat /etc/sec/password'), 'hello\ns3cret');
      assert.match(await sh('ls -lL /etc/sec/password'), /^-r-------- /, 'defaultMode 0400');
      assert.match(await sh('grep " /etc/sec " /proc/mounts'), /^\S+ \/etc\/sec tmpfs /, 'secrets are on tmpfs');
      // Over SPDY with the older kubectl too.
      assert.equal(await old.ok('exec', 'configured', '--', 'cat', '/etc/cfg/mode'), 'fast');
      for (const o of objects('bonjour', 'n3w-pw')) await k.apply(o);
      const t0 = Date.now();
      await eventually('the files to change', async () => ((await sh('cat /etc/cfg/greeting; echo; cat /etc/sec/password')) === 'bonjour\nn3w-pw' ? true : undefined), 90_000, 1000);
      assert.ok(Date.now() - t0 < 70_000, `updated after ${Date.now() - t0} ms`);
      assert.equal(await sh('echo "$GREETING $PASSWORD"'), 'hello s3cret\n', 'the environment is fixed at container start');
      await k.ok('delete', 'pod', 'configured', '--timeout=60s');
      await k.ok('delete', 'configmap', 'app-config');
      await k.ok('delete', 'secret', 'app-secret');
    });

    test('a missing ConfigMap key holds the container in CreateContainerConfigError until it exists', async () => {
      await k.apply(podManifest('wants-config', {
        containers: [bb('c', forever, { env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'later', key: 'x' } } }] })],
      }));
      const p = await eventually('CreateContainerConfigError', async () => {
        const q = await k.pod('wants-config');
        return container(q)?.state.waiting?.reason === 'CreateContainerConfigError' ? q : undefined;
      });
      assert.match(container(p)!.state.waiting!.message ?? '', /configmap "later" not found/);
      await k.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later' }, data: { x: 'now' } });
      await eventually('wants-config to run', async () => (container(await k.pod('wants-config'))?.state.running ? true : undefined), 60_000);
      assert.equal(await k.ok('exec', 'wants-config', '--', 'sh', '-c', 'echo $X'), 'now\n');
      await k.ok('delete', 'pod', 'wants-config', '--timeout=60s');
      await k.ok('delete', 'configmap', 'later');
    });

    test('an emptyDir is shared by the two containers of a pod; medium Memory is a tmpfs', async () => {
      const mounts = { volumeMounts: [{ name: 'shared', mountPath: '/shared' }, { name: 'mem', mountPath: '/mem' }] };
      await k.apply(podManifest('two', {
        volumes: [{ name: 'shared', emptyDir: {} }, { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } }],
        containers: [
          bb('writer', `echo from-writer > /shared/msg; ${forever}`, mounts),
          bb('reader', `until [ -f /shared/msg ]; do sleep 0.2; done; cat /shared/msg; ${forever}`, mounts),
        ],
      }));
      await eventually('two to run', async () => {
        const q = await k.pod('two');
        return q.status.containerStatuses?.every((c) => c.state.running) ? true : undefined;
      });
      assert.equal(await eventually('the reader log', async () => (await k.ok('logs', 'two', '-c', 'reader')) || undefined), 'from-writer\n');
      await k.ok('exec', 'two', '-c', 'reader', '--', 'sh', '-c', 'echo back > /shared/reply; echo in-memory > /mem/m');
      assert.equal(await k.ok('exec', 'two', '-c', 'writer', '--', 'cat', '/shared/reply', '/mem/m'), 'back\nin-memory\n');
      assert.match(await k.ok('exec', 'two', '-c', 'writer', '--', 'grep', ' /mem ', '/proc/mounts'), /^\S+ \/mem tmpfs .*size=8192k/);
      await k.ok('delete', 'pod', 'two', '--timeout=60s');
    });

    test('a memory limit OOM-kills: OOMKilled as state (Never) and as lastState (Always)', async () => {
      const hog = (name: string) => bb(name, 'echo hogging; tail /dev/zero', { resources: { limits: { memory: '20Mi' } } });
      await k.apply(podManifest('oom-never', { restartPolicy: 'Never', containers: [hog('hog')] }));
      await k.apply(podManifest('oom-always', { containers: [hog('hog')] }));
      const never = await eventually('oom-never to fail', async () => {
        const q = await k.pod('oom-never');
        return q.status.phase === 'Failed' ? q : undefined;
      }, 60_000);
      assert.equal(container(never)!.state.terminated?.reason, 'OOMKilled');
      assert.equal(container(never)!.state.terminated?.exitCode, 137);
      assert.match(await k.ok('get', 'pod', 'oom-never'), /^oom-never\s+0\/1\s+OOMKilled\s+0\s/m);
      const always = await eventually('oom-always to restart', async () => {
        const q = await k.pod('oom-always');
        const c = container(q)!;
        return c.restartCount >= 1 && c.lastState.terminated ? q : undefined;
      }, 60_000);
      assert.equal(container(always)!.lastState.terminated?.reason, 'OOMKilled');
      assert.equal(container(always)!.lastState.terminated?.exitCode, 137);
      assert.equal((JSON.parse(await k.ok('get', 'pod', 'oom-always', '-o', 'json')) as { status: { qosClass: string } }).status.qosClass, 'Burstable');
      await k.ok('delete', 'pod', 'oom-never', 'oom-always', '--timeout=60s');
    });

    test('an image that does not exist: ErrImagePull, then ImagePullBackOff, an event naming it, and other pods still start', async () => {
      const missing = `${registry!.host}/k8ts/does-not-exist:1`;
      await k.apply(podManifest('no-image', { containers: [{ name: 'c', image: missing }] }));
      const seen = new Set<string>();
      await eventually('ErrImagePull and ImagePullBackOff', async () => {
        const r = container(await k.pod('no-image'))?.state.waiting?.reason;
        if (r) seen.add(r);
        return seen.has('ErrImagePull') && seen.has('ImagePullBackOff') ? true : undefined;
      }, 60_000, 250, () => k.describe('no-image'));
      const events = await k.describe('no-image');
      assert.match(events, new RegExp(`Failed to pull image "${missing.replace(/[.]/g, '\\.')}"`));
      assert.match(events, /Error: ErrImagePull/);
      assert.match(events, /Back-off pulling image/);
      assert.match(await k.ok('get', 'pod', 'no-image'), /^no-image\s+0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0\s/m);
      // The agent carries on meanwhile, also with an image it pulls.
      await k.apply(podManifest('bystander', { containers: [{ name: 'c', image: `${registry!.host}/k8ts/busybox:1`, command: ['sh', '-c', forever] }] }));
      await eventually('bystander to run', async () => (container(await k.pod('bystander'))?.state.running ? true : undefined));
      const p = await k.pod('no-image');
      assert.equal(p.status.phase, 'Pending');
      assert.match(container(p)!.state.waiting?.reason ?? '', /^(ErrImagePull|ImagePullBackOff)$/);
      await k.ok('delete', 'pod', 'no-image', 'bystander', '--timeout=60s');
    });

    test('imagePullSecrets: a kubernetes.io/dockerconfigjson secret pulls from a registry with basic auth; without it ErrImagePull', async () => {
      const ref = `${authRegistry!.host}/private/busybox:1`;
      await old.ok('create', 'secret', 'docker-registry', 'regcred', `--docker-server=${authRegistry!.host}`, '--docker-username=puller', '--docker-password=pull-pw');
      assert.equal(await k.ok('get', 'secret', 'regcred', '-o', 'jsonpath={.type}'), 'kubernetes.io/dockerconfigjson');
      const spec = (secret: boolean) => ({ ...(secret ? { imagePullSecrets: [{ name: 'regcred' }] } : {}), containers: [{ name: 'c', image: ref, imagePullPolicy: 'Always', command: ['sh', '-c', forever] }] });
      await k.apply(podManifest('no-secret', spec(false)));
      const denied = await eventually('no-secret to fail its pull', async () => {
        const q = await k.pod('no-secret');
        return container(q)?.state.waiting?.reason === 'ErrImagePull' ? q : undefined;
      }, 60_000, 250, () => k.describe('no-secret'));
      assert.match(container(denied)!.state.waiting!.message ?? '', new RegExp(`Failed to pull image "${ref.replace(/[.]/g, '\\.')}"`));
      await k.apply(podManifest('with-secret', spec(true)));
      const p = await eventually('with-secret to run', async () => {
        const q = await k.pod('with-secret');
        return container(q)?.state.running ? q : undefined;
      }, 60_000);
      assert.match(container(p)!.imageID ?? '', /sha256:[0-9a-f]{64}/);
      assert.match(await k.describe('with-secret'), new RegExp(`Successfully pulled image "${ref.replace(/[.]/g, '\\.')}"`));
      // Present on the node now, yet Always pulls again, and without credentials that fails.
      await sleep(1_000);
      assert.match(container(await k.pod('no-secret'))!.state.waiting?.reason ?? '', /^(ErrImagePull|ImagePullBackOff)$/);
      await k.ok('delete', 'pod', 'no-secret', 'with-secret', '--timeout=60s');
      await k.ok('delete', 'secret', 'regcred');
    });

    test('imagePullPolicy Never with an image not on the node: ErrImageNeverPull', async () => {
      await k.apply(podManifest('never-pull', { containers: [{ name: 'c', image: 'k8ts.test/not-here:1', imagePullPolicy: 'Never' }] }));
      const p = await eventually('ErrImageNeverPull', async () => {
        const q = await k.pod('never-pull');
        return container(q)?.state.waiting?.reason === 'ErrImageNeverPull' ? q : undefined;
      });
      assert.match(container(p)!.state.waiting!.message ?? '', /Container image "k8ts\.test\/not-here:1" is not present with pull policy of Never/);
      assert.match(await k.describe('never-pull'), /ErrImageNeverPull/);
      assert.match(await k.ok('get', 'pod', 'never-pull'), /^never-pull\s+0\/1\s+ErrImageNeverPull\s+0\s/m);
      assert.equal(p.status.phase, 'Pending');
      await k.ok('delete', 'pod', 'never-pull', '--timeout=60s');
    });
  });
});
