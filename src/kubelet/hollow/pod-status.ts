// The status a hollow kubelet writes for a pod it "runs": Running and Ready at once
// (the containers run nothing, so there is nothing to wait for), and Succeeded for
// pods that asked to exit (annotation hollow.k8ts.io/exit-after-seconds).

import { rfc3339 } from './node-object.js';

export const exitAfterAnnotation = 'hollow.k8ts.io/exit-after-seconds';

interface PodLike {
  metadata: { uid?: string; namespace?: string; name?: string; annotations?: Record<string, string> };
  spec?: { containers?: { name?: string; image?: string }[]; restartPolicy?: string };
  status?: { startTime?: string; podIP?: string };
}

function imageID(image: string): string {
  // A stable fake digest: the same image always gets the same id.
  let h = 0n;
  for (const c of image) h = (h * 131n + BigInt(c.codePointAt(0)!)) % (1n << 128n);
  return `${image.includes(':') || image.includes('@') ? image.split(/[:@]/)[0] : image}@sha256:${h.toString(16).padStart(64, '0').slice(0, 64)}`;
}

function containerID(pod: PodLike, name: string): string {
  return `fake://${pod.metadata.uid ?? ''}-${name}`;
}

export function runningStatus(pod: PodLike, hostIP: string, podIP: string, now: number): Record<string, unknown> {
  const ts = rfc3339(now);
  const start = pod.status?.startTime ?? ts;
  const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: ts });
  return {
    phase: 'Running',
    hostIP,
    hostIPs: [{ ip: hostIP }],
    podIP,
    podIPs: [{ ip: podIP }],
    startTime: start,
    conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), cond('PodScheduled')],
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name ?? '',
      image: c.image ?? '',
      imageID: imageID(c.image ?? ''),
      containerID: containerID(pod, c.name ?? ''),
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: start } },
    })),
  };
}

export function succeededStatus(pod: PodLike, now: number): Record<string, unknown> {
  const ts = rfc3339(now);
  const start = pod.status?.startTime ?? ts;
  const cond = (type: string, status: string, reason?: string) => ({ type, status, lastProbeTime: null, lastTransitionTime: ts, ...(reason ? { reason } : {}) });
  return {
    phase: 'Succeeded',
    conditions: [cond('PodReadyToStartContainers', 'False'), cond('Initialized', 'True', 'PodCompleted'), cond('Ready', 'False', 'PodCompleted'), cond('ContainersReady', 'False', 'PodCompleted'), cond('PodScheduled', 'True')],
    containerStatuses: (pod.spec?.containers ?? []).map((c) => ({
      name: c.name ?? '',
      image: c.image ?? '',
      imageID: imageID(c.image ?? ''),
      containerID: containerID(pod, c.name ?? ''),
      ready: false,
      started: false,
      restartCount: 0,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: start, finishedAt: ts, containerID: containerID(pod, c.name ?? '') } },
    })),
  };
}

/** Seconds after start at which the pod exits, or undefined when it runs forever. */
export function exitAfterSeconds(pod: PodLike): number | undefined {
  const v = pod.metadata.annotations?.[exitAfterAnnotation];
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (v === undefined || policy === 'Always') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
