// Trivial implementations of the kubelet's seams for tests and for running the kubelet
// before the real network and volume managers are wired in.

import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { PodNetwork, PodNetworkResult, SandboxRef, VolumeManager } from '../interfaces.js';
import type { Pod } from '../types.js';

/** A network that gives pods no address (hostNetwork pods, or netns without IP). */
export class NoNetwork implements PodNetwork {
  readonly setUps: string[] = [];
  readonly tearDowns: string[] = [];
  async setUp(_pod: Pod, sandbox: SandboxRef): Promise<PodNetworkResult> {
    this.setUps.push(sandbox.id);
    return { ip: '', ips: [] };
  }
  async tearDown(_pod: Pod, sandbox: SandboxRef): Promise<void> {
    this.tearDowns.push(sandbox.id);
  }
}

/** Hands out 10.42.0.N addresses in order, remembering them per sandbox. */
export class StaticNetwork implements PodNetwork {
  private next = 2;
  readonly assigned = new Map<string, string>();
  async setUp(_pod: Pod, sandbox: SandboxRef): Promise<PodNetworkResult> {
    let ip = this.assigned.get(sandbox.id);
    if (!ip) {
      ip = `10.42.0.${this.next++}`;
      this.assigned.set(sandbox.id, ip);
    }
    return { ip, ips: [ip] };
  }
  async tearDown(_pod: Pod, sandbox: SandboxRef): Promise<void> {
    this.assigned.delete(sandbox.id);
  }
}

/**
 * emptyDir volumes as plain directories under `<rootDir>/pods/<uid>/volumes/<name>`.
 * Other kinds are refused, unless `placeholders` is set: then they are empty
 * directories too (a stand-in until the real volume manager fills them).
 */
export class EmptyDirVolumeManager implements VolumeManager {
  constructor(private readonly rootDir: string, private readonly placeholders = false) {}

  async mountPodVolumes(pod: Pod): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    const uid = pod.metadata.uid ?? '';
    for (const v of pod.spec.volumes ?? []) {
      if (!('emptyDir' in v) && !this.placeholders) throw new UnsupportedVolumeError(v.name);
      const dir = path.join(this.rootDir, 'pods', uid, 'volumes', v.name);
      await mkdir(dir, { recursive: true });
      out.set(v.name, dir);
    }
    return out;
  }

  async unmountPodVolumes(podUid: string): Promise<void> {
    await rm(path.join(this.rootDir, 'pods', podUid, 'volumes'), { recursive: true, force: true });
  }
}

export class UnsupportedVolumeError extends Error {
  constructor(readonly volume: string) {
    super(`volume "${volume}": only emptyDir is supported by this volume manager`);
    this.name = 'UnsupportedVolumeError';
  }
}
