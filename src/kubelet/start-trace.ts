// Where a pod's first sync spends its time: waiting for a start slot, the sandbox (the
// runtime's namespaces and the CNI plugins), volumes, each container's create and
// start, the status write. One log line per pod when it is up, for the pod-startup
// benchmark to sum; off unless asked for (K8TS_KUBELET_TRACE=1), since 100 pods give
// 100 lines.

import type { Logger } from '../client/index.js';

export type StartStage = 'wait' | 'sandbox' | 'volumes' | 'image' | 'create' | 'start' | 'status';

export class StartTrace {
  private readonly pods = new Map<string, { t0: number; stages: Map<StartStage, number> }>();

  constructor(private readonly log: Logger, readonly enabled = process.env.K8TS_KUBELET_TRACE === '1') {}

  begin(uid: string): void {
    if (this.enabled && !this.pods.has(uid)) this.pods.set(uid, { t0: performance.now(), stages: new Map() });
  }

  add(uid: string, stage: StartStage, ms: number): void {
    const p = this.pods.get(uid);
    if (p) p.stages.set(stage, (p.stages.get(stage) ?? 0) + ms);
  }

  /** Runs fn, adding its time to the stage of a pod being traced. */
  async time<T>(uid: string, stage: StartStage, fn: () => Promise<T>): Promise<T> {
    const p = this.pods.get(uid);
    if (!p) return fn();
    const t = performance.now();
    try {
      return await fn();
    } finally {
      p.stages.set(stage, (p.stages.get(stage) ?? 0) + performance.now() - t);
    }
  }

  /** Logs the pod's line and stops tracing it. */
  end(uid: string, name: string): void {
    const p = this.pods.get(uid);
    if (!p) return;
    this.pods.delete(uid);
    const parts = [...p.stages].map(([s, ms]) => `${s}=${ms.toFixed(0)}`);
    this.log.info(`kubelet-trace pod=${name} total=${(performance.now() - p.t0).toFixed(0)} ${parts.join(' ')}`);
  }
}
