// The pod status the kubelet reports, computed from the runtime's containers, the
// reasons the last sync left (image errors, back-off) and probe results: container
// statuses with state and lastState, the phase by Kubernetes' rules, and the
// conditions with lastTransitionTime kept while a condition does not change.

import type { ContainerStatus } from '../../runtime/cri.js';
import { RUNTIME_SCHEME } from '../labels.js';
import { qosClass } from '../resources.js';
import { instances, nsToMs, type ContainerKind, type PodRuntimeState } from '../runtime-state.js';
import type { ContainerSpec, ContainerStateV1, ContainerStatusV1, Pod, PodCondition, PodStatusV1 } from '../types.js';

export interface Waiting { reason: string; message?: string }

export interface StatusInput {
  pod: Pod;
  state: PodRuntimeState;
  /** Why a container is waiting, as the last sync found it (key `init/<name>` or `app/<name>`). */
  waiting: Map<string, Waiting>;
  /** Termination messages by container id. */
  messages: Map<string, string>;
  ready(name: string): boolean;
  started(name: string): boolean;
  podIPs: string[];
  hostIPs: string[];
  /** The pod's containers have all been stopped by the kubelet (deletion or terminal phase). */
  terminal: boolean;
  nowMs: number;
}

export const rfc3339 = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const nsTime = (ns: number): string => rfc3339(nsToMs(ns));

function terminated(c: ContainerStatus, messages: Map<string, string>): ContainerStateV1 {
  return {
    terminated: {
      exitCode: c.exitCode,
      reason: c.reason || (c.exitCode === 0 ? 'Completed' : 'Error'),
      ...(messages.get(c.id) || c.message ? { message: messages.get(c.id) || c.message } : {}),
      startedAt: c.startedAt ? nsTime(c.startedAt) : undefined,
      finishedAt: c.finishedAt ? nsTime(c.finishedAt) : undefined,
      containerID: RUNTIME_SCHEME + c.id,
    },
  };
}

function stateOf(c: ContainerStatus, messages: Map<string, string>): ContainerStateV1 {
  if (c.state === 'CONTAINER_RUNNING') return { running: { startedAt: nsTime(c.startedAt) } };
  if (c.state === 'CONTAINER_EXITED') return terminated(c, messages);
  return { waiting: { reason: 'ContainerCreating' } };
}

function containerStatus(spec: ContainerSpec, kind: ContainerKind, inp: StatusInput, defaultWaiting: string): ContainerStatusV1 {
  const [latest, prev] = instances(inp.state, spec.name, kind);
  const waiting = inp.waiting.get(`${kind}/${spec.name}`);
  const base = { name: spec.name, image: spec.image ?? '', imageID: '', restartCount: 0, ready: false, started: false };
  if (!latest) {
    return { ...base, state: { waiting: { reason: waiting?.reason ?? defaultWaiting, ...(waiting?.message ? { message: waiting.message } : {}) } }, lastState: {} };
  }
  const out: ContainerStatusV1 = {
    ...base,
    imageID: latest.imageRef ? RUNTIME_SCHEME + latest.imageRef : '',
    containerID: RUNTIME_SCHEME + latest.id,
    restartCount: latest.metadata.attempt,
    state: stateOf(latest, inp.messages),
    lastState: prev && prev.state === 'CONTAINER_EXITED' ? terminated(prev, inp.messages) : {},
  };
  // A container waiting to be restarted shows waiting, its last run in lastState.
  if (waiting && latest.state !== 'CONTAINER_RUNNING' && !inp.terminal) {
    out.lastState = latest.state === 'CONTAINER_EXITED' ? terminated(latest, inp.messages) : out.lastState;
    out.state = { waiting: { reason: waiting.reason, ...(waiting.message ? { message: waiting.message } : {}) } };
  }
  const running = latest.state === 'CONTAINER_RUNNING';
  out.started = running && (kind === 'init' || inp.started(spec.name));
  out.ready = kind === 'init' ? latest.state === 'CONTAINER_EXITED' && latest.exitCode === 0 : running && out.started && inp.ready(spec.name);
  return out;
}

function succeeded(s: ContainerStatusV1): boolean {
  return s.state.terminated?.exitCode === 0;
}

/** Kubernetes' phase rules (getPhase), with `terminal` for pods whose containers were all stopped. */
export function podPhase(pod: Pod, init: ContainerStatusV1[], apps: ContainerStatusV1[], terminal: boolean): NonNullable<PodStatusV1['phase']> {
  const policy = pod.spec.restartPolicy ?? 'Always';
  for (const s of init) {
    if (succeeded(s)) continue;
    const failedOnce = s.state.terminated || s.lastState.terminated;
    if (failedOnce && policy === 'Never') return 'Failed';
    if (terminal) return 'Failed';
    return 'Pending';
  }
  let running = 0, waiting = 0, stopped = 0, ok = 0;
  for (const s of apps) {
    if (s.state.running) running++;
    else if (s.state.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) ok++;
    } else if (s.lastState.terminated) stopped++;
    else waiting++;
  }
  if (terminal) return stopped === ok && running === 0 && waiting === 0 ? 'Succeeded' : 'Failed';
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === ok) return 'Succeeded';
    if (policy === 'OnFailure') return 'Running';
    return 'Failed';
  }
  return 'Pending';
}

function condition(old: PodCondition[] | undefined, type: string, ok: boolean, nowMs: number, reason?: string, message?: string): PodCondition {
  const status = ok ? 'True' : 'False';
  const prev = old?.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: null,
    lastTransitionTime: prev && prev.status === status && prev.lastTransitionTime ? prev.lastTransitionTime : rfc3339(nowMs),
    ...(ok ? {} : { reason, message }),
  };
}

/** Ready needs ready containers and every readiness gate's condition True. */
function readyCondition(pod: Pod, cs: PodCondition[] | undefined, containersReady: boolean, nowMs: number, reason: string, message: string | undefined): PodCondition {
  if (!containersReady) return condition(cs, 'Ready', false, nowMs, reason, message);
  const gates = (pod.spec.readinessGates as { conditionType: string }[] | undefined) ?? [];
  const problems: string[] = [];
  for (const g of gates) {
    const c = cs?.find((x) => x.type === g.conditionType);
    if (!c) problems.push(`corresponding condition of pod readiness gate "${g.conditionType}" does not exist.`);
    else if (c.status !== 'True') problems.push(`the status of pod readiness gate "${g.conditionType}" is not "True", but ${c.status}`);
  }
  if (problems.length) return condition(cs, 'Ready', false, nowMs, 'ReadinessGatesNotReady', problems.join(', '));
  return condition(cs, 'Ready', true, nowMs);
}

export function computePodStatus(inp: StatusInput): PodStatusV1 {
  const { pod } = inp;
  const old = pod.status ?? {};
  const initSpecs = pod.spec.initContainers ?? [];
  const init = initSpecs.map((c) => containerStatus(c, 'init', inp, 'PodInitializing'));
  const initialized = init.every(succeeded) || pod.spec.containers.some((c) => instances(inp.state, c.name, 'app').length > 0);
  const apps = pod.spec.containers.map((c) => containerStatus(c, 'app', inp, initialized ? 'ContainerCreating' : 'PodInitializing'));
  let phase = podPhase(pod, init, apps, inp.terminal);
  if (old.phase === 'Succeeded' || old.phase === 'Failed') phase = old.phase; // terminal phases never change
  const terminalPhase = phase === 'Succeeded' || phase === 'Failed';
  const sandboxReady = !!inp.state.sandboxes[0] && inp.state.sandboxes[0].state === 'SANDBOX_READY';
  const list = (xs: ContainerStatusV1[]) => `[${xs.map((x) => x.name).join(' ')}]`;
  const unready = apps.filter((s) => !s.ready);
  const notInit = init.filter((s) => !succeeded(s));
  const cs = old.conditions;
  const readyReason = terminalPhase ? 'PodCompleted' : 'ContainersNotReady';
  const conditions: PodCondition[] = [
    condition(cs, 'PodReadyToStartContainers', sandboxReady && !inp.terminal, inp.nowMs),
    condition(cs, 'Initialized', initialized, inp.nowMs, terminalPhase && initialized ? 'PodCompleted' : 'ContainersNotInitialized', `containers with incomplete status: ${list(notInit)}`),
    readyCondition(pod, cs, unready.length === 0 && !terminalPhase, inp.nowMs, readyReason, terminalPhase ? undefined : `containers with unready status: ${list(unready)}`),
    condition(cs, 'ContainersReady', unready.length === 0 && !terminalPhase, inp.nowMs, readyReason, terminalPhase ? undefined : `containers with unready status: ${list(unready)}`),
  ];
  if (initialized && notInit.length > 0) conditions[1] = condition(cs, 'Initialized', true, inp.nowMs);
  for (const c of conditions) if (c.status === 'True' || c.message === undefined) delete c.message;
  // A pod on a node is scheduled, also when it was bound by spec.nodeName without the scheduler.
  const scheduled = cs?.find((c) => c.type === 'PodScheduled');
  conditions.push(scheduled?.status === 'True' ? scheduled : condition(cs, 'PodScheduled', true, inp.nowMs));
  // Conditions others own (readiness gates, disruption targets) are kept as they are.
  for (const c of cs ?? []) if (!conditions.some((x) => x.type === c.type)) conditions.push(c);
  const ipList = (ips: string[]) => ips.map((ip) => ({ ip }));
  return {
    phase,
    conditions,
    hostIP: inp.hostIPs[0],
    hostIPs: ipList(inp.hostIPs),
    ...(inp.podIPs.length ? { podIP: inp.podIPs[0], podIPs: ipList(inp.podIPs) } : old.podIP ? { podIP: old.podIP, podIPs: old.podIPs } : {}),
    startTime: old.startTime ?? rfc3339(inp.nowMs),
    qosClass: qosClass(pod),
    ...(init.length ? { initContainerStatuses: init } : {}),
    containerStatuses: apps,
  };
}
