// Taking a pod down: kill its containers within the grace period (preStop, stop signal,
// SIGKILL), tear down the network, stop the sandboxes and report the final status;
// then, once the pod object is going away, remove containers, sandboxes, volumes, the
// pod cgroup and the pod's directories.

import { rm } from 'node:fs/promises';
import path from 'node:path';
import { killContainer } from './containers.js';
import { drainPodEndpoints } from './drain.js';
import { kindOf, readPodState } from './runtime-state.js';
import { podLogDir } from './sandbox.js';
import type { PodSyncer } from './sync-pod.js';
import { qosClass } from './resources.js';
import type { Pod } from './types.js';

/** The grace period Kubernetes gives a pod's containers when it is deleted. */
export function gracePeriodOf(pod: Pod): number {
  return pod.metadata.deletionGracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds ?? 30;
}

/** Stops everything the pod runs; with `report`, writes the terminal status. */
export async function killPod(s: PodSyncer, pod: Pod, graceSeconds: number, report: boolean): Promise<void> {
  const d = s.d;
  const uid = pod.metadata.uid ?? '';
  // Out of every service's rules first, inside the grace period (see drain.ts).
  const drainedMs = await drainPodEndpoints(d, pod, s.podIP(uid) || (pod.status?.podIP ?? ''), graceSeconds);
  if (drainedMs > 0) graceSeconds = Math.max(1, Math.ceil(graceSeconds - drainedMs / 1000));
  let state = await readPodState(d.runtime, uid);
  const live = state.containers.filter((c) => c.state === 'CONTAINER_RUNNING');
  const specOf = (name: string, kind: 'init' | 'app') => (kind === 'init' ? pod.spec.initContainers ?? [] : pod.spec.containers).find((x) => x.name === name);
  await Promise.all(live.map((c) => killContainer(d, pod, specOf(c.metadata.name, kindOf(c)), kindOf(c), c.id, graceSeconds)));
  d.probes.removePod(uid);
  for (const sb of state.sandboxes) await s.stopSandbox(pod, sb.id, sb.netnsPath, sb.state === 'SANDBOX_READY');
  if (report) {
    state = await readPodState(d.runtime, uid);
    await s.writeStatus(pod, state, true);
  }
  await d.volumes.unmountPodVolumes(uid);
}

/** Removes what is left of a pod on the node (after killPod); safe to repeat. */
export async function cleanupPod(s: PodSyncer, uid: string, pod?: Pod): Promise<void> {
  const d = s.d;
  const state = await readPodState(d.runtime, uid);
  for (const c of state.containers) await d.runtime.removeContainer(c.id);
  for (const sb of state.sandboxes) await d.runtime.removePodSandbox(sb.id);
  await d.volumes.unmountPodVolumes(uid);
  await d.cgroups.remove(uid, pod && pod.spec.containers.length ? qosClass(pod) : undefined);
  await rm(path.join(d.rootDir, 'pods', uid), { recursive: true, force: true });
  if (pod) await rm(podLogDir(d, pod), { recursive: true, force: true });
  d.images.forgetPod(uid);
  d.backoff.resetPrefix(`${uid}/`);
  d.status.forget(uid);
  s.forget(uid);
}
