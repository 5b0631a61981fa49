// What the runtime holds for one pod, read through the CRI by the pod's labels: its
// sandboxes (newest first) and every container instance with its status. The kubelet
// keeps no container state of its own, so a restarted kubelet sees exactly this.

import type { ContainerStatus, PodSandboxStatus, RuntimeService } from '../runtime/cri.js';
import { NotFoundError } from '../runtime/cri.js';
import { A_CONTAINER_KIND, L_CONTAINER_NAME, L_POD_UID } from './labels.js';

export type ContainerKind = 'init' | 'app';

export interface PodRuntimeState {
  sandboxes: PodSandboxStatus[];
  containers: ContainerStatus[];
}

async function ignoreGone<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
}

/** A runtime that answers a pod's statuses in one go (the kubelet's PodIndexedRuntime). */
interface PodStateSource {
  podState(uid: string): Promise<PodRuntimeState>;
}

function isPodStateSource(r: RuntimeService): r is RuntimeService & PodStateSource {
  return typeof (r as Partial<PodStateSource>).podState === 'function';
}

export async function readPodState(runtime: RuntimeService, uid: string): Promise<PodRuntimeState> {
  if (isPodStateSource(runtime)) return sorted(await runtime.podState(uid));
  const sel = { labelSelector: { [L_POD_UID]: uid } };
  const sbs = await runtime.listPodSandbox(sel);
  const sandboxes = (await Promise.all(sbs.map((s) => ignoreGone(runtime.podSandboxStatus(s.id))))).filter((s): s is PodSandboxStatus => s !== null);
  const cs = await runtime.listContainers(sel);
  const containers = (await Promise.all(cs.map((c) => ignoreGone(runtime.containerStatus(c.id))))).filter((c): c is ContainerStatus => c !== null);
  return sorted({ sandboxes, containers });
}

function sorted({ sandboxes, containers }: PodRuntimeState): PodRuntimeState {
  sandboxes.sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.createdAt - a.createdAt);
  containers.sort((a, b) => b.metadata.attempt - a.metadata.attempt || b.createdAt - a.createdAt);
  return { sandboxes, containers };
}

export function kindOf(c: ContainerStatus): ContainerKind {
  return c.annotations[A_CONTAINER_KIND] === 'init' ? 'init' : 'app';
}

/** Instances of one container, newest first, optionally only those of one sandbox. */
export function instances(state: PodRuntimeState, name: string, kind: ContainerKind, sandboxId?: string): ContainerStatus[] {
  return state.containers.filter((c) => (c.labels[L_CONTAINER_NAME] ?? c.metadata.name) === name && kindOf(c) === kind && (!sandboxId || c.podSandboxId === sandboxId));
}

export function readySandbox(state: PodRuntimeState): PodSandboxStatus | undefined {
  const s = state.sandboxes[0];
  return s && s.state === 'SANDBOX_READY' ? s : undefined;
}

export const nsToMs = (ns: number): number => Math.floor(ns / 1e6);
