// Shared set-up of the pod e2e suites (pods.test.ts, pod-config.test.ts): one real
// `k8ts server` with its node agent, the busybox test image imported into its runtime,
// an async kubectl (so tests that poll can run side by side), and the cleanup that
// leaves the machine as it was (pods deleted first, then what the agent owns).

import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlPath, repoRoot, TestServer, type KubectlResult } from './harness.js';
import { importTestImage, removeDataDir, uninstallNode, otherAgentRuns, testImage } from './node-state.js';

export { removeDataDir };

export const image = testImage;

// One node agent per machine: it owns the pod bridge, the DNS address and port 10250.
export const otherAgent = otherAgentRuns();
export const skipReason = otherAgent ? 'another k8ts node agent runs on this machine (bridge k8ts0 exists)' : false;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls f until it answers something other than undefined (errors count as "not yet"). */
export async function eventually<T>(what: string, f: () => Promise<T | undefined> | T | undefined, ms = 60_000, every = 500, detail?: () => Promise<string>): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await f();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) {
      const more = detail ? await detail().catch((e: Error) => e.message) : '';
      throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}${more ? `\n${more}` : ''}`);
    }
    await sleep(every);
  }
}

/** kubectl without blocking the event loop, so concurrent tests interleave. */
export function kubectlAsync(server: TestServer, version: string, args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(kubectlPath(version), ['--kubeconfig', server.kubeconfig, ...args], {
      env: { ...process.env, KUBECACHEDIR: join(server.dataDir, 'kubectl-cache'), KUBECONFIG: server.kubeconfig },
      timeout: 90_000, maxBuffer: 32 * 1024 * 1024,
    }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (input !== undefined) child.stdin!.end(input);
    else child.stdin!.end();
  });
}

/** A client bound to one server and kubectl version. */
export class Kube {
  constructor(readonly server: TestServer, readonly version = '1.33') {}

  run(...args: string[]): Promise<KubectlResult> {
    return kubectlAsync(this.server, this.version, args);
  }

  async ok(...args: string[]): Promise<string> {
    const r = await this.run(...args);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${r.code}):\n${r.stderr}${r.stdout}`);
    return r.stdout;
  }

  async apply(manifest: object | string): Promise<string> {
    const text = typeof manifest === 'string' ? manifest : JSON.stringify(manifest);
    const r = await kubectlAsync(this.server, this.version, ['apply', '-f', '-'], text);
    if (r.code !== 0) throw new Error(`kubectl apply failed (${r.code}):\n${r.stderr}${r.stdout}\n${text}`);
    return r.stdout;
  }

  async pod(name: string): Promise<PodView> {
    return JSON.parse(await this.ok('get', 'pod', name, '-o', 'json')) as PodView;
  }

  /** The messages of the pod's events, as kubectl describe lists them. */
  async describe(name: string): Promise<string> {
    return this.ok('describe', 'pod', name);
  }
}

/** What the tests read of a pod (kubectl get -o json). */
export interface PodView {
  metadata: { name: string; uid: string; deletionTimestamp?: string };
  status: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; reason?: string; lastTransitionTime?: string }[];
    containerStatuses?: ContainerStatusView[];
    initContainerStatuses?: ContainerStatusView[];
  };
}

export interface TerminatedView { exitCode: number; reason?: string; startedAt?: string; finishedAt?: string; containerID?: string }

export interface ContainerStatusView {
  name: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  containerID?: string;
  imageID?: string;
  state: { running?: { startedAt: string }; waiting?: { reason: string; message?: string }; terminated?: TerminatedView };
  lastState: { terminated?: TerminatedView };
}

export function condition(p: PodView, type: string): string | undefined {
  return p.status.conditions?.find((c) => c.type === type)?.status;
}

export function container(p: PodView, name?: string): ContainerStatusView | undefined {
  const cs = p.status.containerStatuses ?? [];
  return name ? cs.find((c) => c.name === name) : cs[0];
}

/** A pod manifest with the defaults these suites share (test image, Never pull, short grace). */
export function podManifest(name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): object {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { suite: 'pods-e2e', ...labels } }, spec: { terminationGracePeriodSeconds: 1, ...spec } };
}

export function bb(name: string, script: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name, image, imagePullPolicy: 'Never', command: ['sh', '-c', script], ...extra };
}

/** Builds the busybox test image into dir; returns its OCI archive (k8ts.test/busybox:latest). */
export function buildTestImage(dir: string): string {
  execFileSync('bash', [join(repoRoot, 'scripts/test-image/build.sh'), dir], { stdio: 'ignore' });
  return join(dir, 'busybox-oci.tar');
}

/** Starts `k8ts server` with its agent, imports the test image and waits for the node. */
export async function startAgentServer(prefix: string): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), `k8ts-e2e-${prefix}-`));
  let server: TestServer | undefined;
  try {
    server = await TestServer.start({ dataDir, agent: true });
    importTestImage(dataDir);
    const s = server;
    await eventually('the node to be Ready', () => (/\bReady\b/.test(s.kubectl('1.33', ['get', 'nodes']).stdout) ? true : undefined));
    await eventually('the default service account', () => (s.kubectl('1.33', ['get', 'serviceaccount', 'default']).code === 0 ? true : undefined));
    return server;
  } catch (e) {
    if (server) await stopAgentServer(server);
    else removeDataDir(dataDir);
    throw e;
  }
}

/** Deletes every pod, stops the server and removes what its agent left on the machine. */
export async function stopAgentServer(server: TestServer): Promise<void> {
  if (server.pid !== undefined) {
    server.kubectl('1.33', ['delete', 'pods', '--all', '--grace-period=0', '--force', '--wait=true', '--timeout=60s']);
    // A server that does not stop on SIGTERM must not keep the agent lock (and the machine) forever.
    let timer: NodeJS.Timeout | undefined;
    const stuck = await Promise.race([server.stop('SIGTERM').then(() => false), new Promise<boolean>((r) => { timer = setTimeout(() => r(true), 30_000); })]);
    clearTimeout(timer);
    if (stuck) {
      process.stderr.write(`k8ts server ${server.pid} did not stop within 30 s of SIGTERM; killing it. Its last output:\n${server.output.slice(-4000)}\n`);
      await server.stop('SIGKILL');
    }
  }
  uninstallNode(server.dataDir);
}

/** The runtime's records (sandboxes or containers) of one pod, read from its state directory. */
export function runtimeRecords(dataDir: string, kind: 'sandboxes' | 'containers', uid: string): { id: string; netnsPath?: string; cgroupsPath?: string }[] {
  const dir = join(dataDir, 'runtime', kind);
  const out: { id: string; netnsPath?: string; cgroupsPath?: string }[] = [];
  for (const n of readdirSync(dir)) {
    try {
      const r = JSON.parse(readFileSync(join(dir, n, 'state.json'), 'utf8')) as { id: string; labels: Record<string, string>; netnsPath?: string; cgroupsPath?: string };
      if (r.labels['io.kubernetes.pod.uid'] === uid) out.push(r);
    } catch {
      /* a directory being written or removed */
    }
  }
  return out;
}
