// Starting and killing one container instance, with the events Kubernetes records:
// image (through the image manager), Created, Started, postStart, and on the way down
// Killing with preStop run inside the grace period before the stop signal.

import { mkdir, readFile, writeFile, chmod } from 'node:fs/promises';
import path from 'node:path';
import type { ContainerStatus, Mount, PodSandboxConfig } from '../runtime/cri.js';
import { buildContainerConfig, MountError } from './container-config.js';
import type { SyncDeps } from './deps.js';
import { containerEnv, EnvError } from './env.js';
import { ImageError } from './images.js';
import { runHandler } from './prober/probe.js';
import type { ContainerKind } from './runtime-state.js';
import type { Waiting } from './status/compute.js';
import type { ContainerSpec, LifecycleHandler, Pod } from './types.js';

export function fieldPathOf(kind: ContainerKind, name: string): string {
  return kind === 'init' ? `spec.initContainers{${name}}` : `spec.containers{${name}}`;
}

export function podDir(d: SyncDeps, uid: string): string {
  return path.join(d.rootDir, 'pods', uid);
}

export function terminationLogPath(d: SyncDeps, uid: string, name: string, attempt: number): string {
  return path.join(podDir(d, uid), 'containers', name, `${attempt}-termination-log`);
}

export interface StartInput {
  pod: Pod;
  spec: ContainerSpec;
  kind: ContainerKind;
  attempt: number;
  sandboxId: string;
  sandboxConfig: PodSandboxConfig;
  podIPs: string[];
  volumes: Map<string, string>;
  etcMounts: Mount[];
}

/** Starts a container; answers why it is waiting instead, or null once it runs. */
export async function startContainer(d: SyncDeps, s: StartInput): Promise<Waiting | null> {
  const { pod, spec, kind } = s;
  const fp = fieldPathOf(kind, spec.name);
  const fail = (reason: string, message: string): Waiting => {
    d.record(pod, 'Warning', 'Failed', `Error: ${message}`, fp);
    return { reason, message };
  };
  const uid = pod.metadata.uid ?? '';
  try {
    await (d.trace ? d.trace.time(uid, 'image', () => d.images.ensure(pod, spec, fp)) : d.images.ensure(pod, spec, fp));
  } catch (e) {
    if (e instanceof ImageError) return { reason: e.reason, message: e.message };
    throw e;
  }
  let env;
  try {
    env = await containerEnv({ pod, podIPs: s.podIPs, hostIPs: d.hostIPs, nodeAllocatable: d.nodeAllocatable, sources: d.envSources, serviceEnv: d.serviceEnv }, spec);
  } catch (e) {
    if (e instanceof EnvError) return fail('CreateContainerConfigError', e.message);
    throw e;
  }
  const tlog = terminationLogPath(d, uid, spec.name, s.attempt);
  await mkdir(path.dirname(tlog), { recursive: true });
  await writeFile(tlog, '');
  await chmod(tlog, 0o666); // any user in the container may write its message
  let id: string;
  try {
    const config = buildContainerConfig({ pod, container: spec, kind, attempt: s.attempt, env, volumes: s.volumes, etcMounts: s.etcMounts, terminationLog: tlog });
    id = await (d.trace ? d.trace.time(uid, 'create', () => d.runtime.createContainer(s.sandboxId, config, s.sandboxConfig)) : d.runtime.createContainer(s.sandboxId, config, s.sandboxConfig));
  } catch (e) {
    if (e instanceof MountError) return fail('CreateContainerConfigError', e.message);
    return fail('CreateContainerError', (e as Error).message);
  }
  d.record(pod, 'Normal', 'Created', `Created container: ${spec.name}`, fp);
  try {
    await (d.trace ? d.trace.time(uid, 'start', () => d.runtime.startContainer(id)) : d.runtime.startContainer(id));
  } catch (e) {
    return fail('RunContainerError', (e as Error).message);
  }
  d.record(pod, 'Normal', 'Started', `Started container ${spec.name}`, fp);
  if (spec.lifecycle?.postStart) {
    const r = await runLifecycle(d, spec.lifecycle.postStart, id, spec, s.podIPs[0] ?? '', 30);
    if (!r.ok) {
      d.record(pod, 'Warning', 'FailedPostStartHook', r.output, fp);
      await killContainer(d, pod, spec, kind, id, pod.spec.terminationGracePeriodSeconds ?? 30);
      return { reason: 'PostStartHookError', message: r.output };
    }
  }
  return null;
}

async function runLifecycle(d: SyncDeps, h: LifecycleHandler, id: string, c: ContainerSpec, podIP: string, timeoutSeconds: number): Promise<{ ok: boolean; output: string }> {
  if (h.sleep) {
    await new Promise((r) => setTimeout(r, Math.min(h.sleep!.seconds, timeoutSeconds) * 1000));
    return { ok: true, output: '' };
  }
  try {
    const r = await runHandler(h, { runtime: d.runtime, containerId: id, container: c, podIP, timeoutSeconds });
    const what = h.exec ? `Exec lifecycle hook (${JSON.stringify(h.exec.command ?? [])}) for Container "${c.name}" failed` : `HTTP lifecycle hook (${h.httpGet?.path ?? '/'}) for Container "${c.name}" failed`;
    return r.ok ? r : { ok: false, output: `${what} - error: ${r.output}` };
  } catch (e) {
    return { ok: false, output: (e as Error).message };
  }
}

/**
 * Stops a container within the grace period: preStop first (if it runs), then the stop
 * signal with what is left of the grace period before SIGKILL.
 */
export async function killContainer(d: SyncDeps, pod: Pod, spec: ContainerSpec | undefined, kind: ContainerKind, id: string, graceSeconds: number, message?: string): Promise<void> {
  const name = spec?.name ?? 'unknown';
  d.record(pod, 'Normal', 'Killing', message ?? `Stopping container ${name}`, fieldPathOf(kind, name));
  const start = d.clock.now();
  let grace = Math.max(0, graceSeconds);
  if (spec?.lifecycle?.preStop && grace > 0) {
    const st = await d.runtime.containerStatus(id).catch(() => null);
    if (st?.state === 'CONTAINER_RUNNING') {
      const hook = runLifecycle(d, spec.lifecycle.preStop, id, spec, (await podIP(d, pod)) ?? '', grace);
      let timer: NodeJS.Timeout | undefined;
      const r = await Promise.race([hook, new Promise<null>((res) => { timer = setTimeout(() => res(null), grace * 1000); })]);
      clearTimeout(timer);
      if (r && !r.ok) d.record(pod, 'Warning', 'FailedPreStopHook', r.output, fieldPathOf(kind, name));
      // Kubernetes leaves at least 2 s for the stop signal after a preStop hook.
      grace = Math.max(2, Math.ceil(grace - (d.clock.now() - start) / 1000));
    }
  }
  await d.runtime.stopContainer(id, grace);
}

async function podIP(d: SyncDeps, pod: Pod): Promise<string | undefined> {
  return d.status.last(pod.metadata.uid ?? '')?.podIP ?? pod.status?.podIP;
}

/** The terminated state's message: the termination-log file, or (FallbackToLogsOnError) the log's tail. */
export async function terminationMessage(d: SyncDeps, pod: Pod, spec: ContainerSpec | undefined, c: ContainerStatus): Promise<string> {
  const uid = pod.metadata.uid ?? '';
  const file = terminationLogPath(d, uid, c.metadata.name, c.metadata.attempt);
  let msg = (await readFile(file, 'utf8').catch(() => '')).slice(0, 4096);
  if (!msg && c.exitCode !== 0 && spec?.terminationMessagePolicy === 'FallbackToLogsOnError') {
    const lines: string[] = [];
    try {
      for await (const l of d.runtime.readContainerLogs(c.id, { tail: 80 })) lines.push(l.log);
    } catch {
      /* no logs */
    }
    msg = lines.join('\n').slice(-2048);
  }
  return msg;
}
