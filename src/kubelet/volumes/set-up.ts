// Sets up one volume of a pod: the directory (and tmpfs) it lives in and, for volumes
// whose content comes from the API (configMap, secret, downwardAPI, projected), its
// files. Answers the host path the kubelet bind-mounts into containers.

import { createHash } from 'node:crypto';
import { chmod, chown, lstat, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseQuantity } from '../../api/validation/quantity.js';
import type { RestClient } from '../../client/rest-client.js';
import type { Pod } from '../types.js';
import { writeAtomic, type Payload } from './atomic-writer.js';
import { prepareHostPath } from './host-path.js';
import { hasOwnFilesystem, mountTmpfs, type VolumeMounter } from './mounts.js';
import { plugins, volumeDir, type PluginName } from './paths.js';
import { configMapPayload, downwardApiPayload, ProjectionError, projectedPayload, secretPayload } from './projection.js';
import { resolveClaimPath } from './pvc.js';
import type { ObjectSource, VolumeSpec } from './sources.js';

export interface SetUpContext {
  rootDir: string;
  client: RestClient;
  objects: ObjectSource;
  /** Mount tmpfs for memory-backed volumes (needs root). */
  tmpfs: boolean;
  /** What mounts them; default mount(8). */
  mounter?: VolumeMounter;
  /** Re-read the objects and rewrite the files of a volume already written. */
  refreshContent: boolean;
  /** Called when rewriting a volume that already has content fails; without it the failure throws. */
  onStaleContent?: (volume: string, err: Error) => void;
  /**
   * Digest of the payload this process last wrote, per volume directory: a refresh whose
   * objects are unchanged (nearly every one) leaves the files alone without reading
   * them back. Default: none (the writer compares with what is on disk).
   */
  lastWritten?: Map<string, string>;
}

/** A payload's identity: paths, modes, bytes and the owning group. */
export function payloadDigest(p: Payload, gid: number | undefined): string {
  const h = createHash('sha256');
  h.update(String(gid ?? ''));
  for (const k of [...p.keys()].sort()) {
    const f = p.get(k)!;
    h.update(`\0${k}\0${f.mode}\0${f.data.length}\0`);
    h.update(f.data);
  }
  return h.digest('base64');
}

export class UnsupportedVolumeTypeError extends Error {
  constructor(readonly volume: string) {
    super(`volume "${volume}" has a type this node does not support`);
    this.name = 'UnsupportedVolumeTypeError';
  }
}

/** Half the host's memory: the kernel's own default tmpfs size. */
export function defaultTmpfsSize(): number {
  return Math.floor(os.totalmem() / 2);
}

async function ensureDir(dir: string, tmpfs: boolean, sizeBytes: number, fsGroup: number | undefined, mounter: VolumeMounter | undefined): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (tmpfs && !(await hasOwnFilesystem(dir))) await mountTmpfs(dir, sizeBytes, undefined, mounter);
  // 0777 so any container user can write, as emptyDir is made in Kubernetes; with an
  // fsGroup the directory belongs to that group and is setgid, so new files do too.
  if (fsGroup !== undefined) await chown(dir, -1, fsGroup);
  await chmod(dir, fsGroup !== undefined ? 0o2777 : 0o777);
}

function fsGroupOf(pod: Pod): number | undefined {
  const g = pod.spec.securityContext?.fsGroup;
  return typeof g === 'number' && Number.isInteger(g) && g >= 0 ? g : undefined;
}

/** With an fsGroup, Kubernetes makes API data readable by the group whatever the mode said. */
function withGroupRead(p: Payload, fsGroup: number | undefined): Payload {
  if (fsGroup === undefined) return p;
  return new Map([...p].map(([k, f]) => [k, { data: f.data, mode: f.mode | 0o440 }]));
}

async function hasData(dir: string): Promise<boolean> {
  return lstat(path.join(dir, '..data')).then(() => true, () => false);
}

type ContentKind = 'configMap' | 'secret' | 'downwardAPI' | 'projected';

function payloadFor(pod: Pod, v: VolumeSpec, kind: ContentKind, objects: ObjectSource): Promise<Payload> {
  switch (kind) {
    case 'configMap':
      return configMapPayload(pod, v.configMap!, objects);
    case 'secret':
      return secretPayload(pod, v.secret!, objects);
    case 'downwardAPI':
      return downwardApiPayload(pod, v.downwardAPI!, objects);
    case 'projected':
      return projectedPayload(pod, v.projected!, objects);
  }
}

const contentPlugin: Record<ContentKind, PluginName> = {
  configMap: plugins.configMap,
  secret: plugins.secret,
  downwardAPI: plugins.downwardAPI,
  projected: plugins.projected,
};

/** ConfigMaps sit on disk; the rest are kept in memory, as the kubelet does (secrets never touch disk). */
const onTmpfs: Record<ContentKind, boolean> = { configMap: false, secret: true, downwardAPI: true, projected: true };

export async function setUpVolume(pod: Pod, v: VolumeSpec, ctx: SetUpContext): Promise<string> {
  const uid = pod.metadata.uid ?? '';
  if (v.hostPath) return prepareHostPath(v.hostPath.path, v.hostPath.type ?? '');
  if (v.persistentVolumeClaim) return resolveClaimPath(ctx.client, pod.metadata.namespace ?? 'default', v.persistentVolumeClaim.claimName);
  // A generic ephemeral volume is a claim named <pod>-<volume>, made by the ephemeral volume controller.
  if (v.ephemeral) return resolveClaimPath(ctx.client, pod.metadata.namespace ?? 'default', `${pod.metadata.name ?? ''}-${v.name}`);
  if (v.emptyDir) {
    const dir = volumeDir(ctx.rootDir, uid, plugins.emptyDir, v.name);
    const medium = v.emptyDir.medium ?? '';
    if (medium !== '' && medium !== 'Memory') throw new ProjectionError(`emptyDir medium "${medium}" is not supported on this node`);
    const memory = medium === 'Memory';
    if (memory && !ctx.tmpfs) throw new ProjectionError('emptyDir medium Memory needs tmpfs mounts, which this node has turned off');
    const size = v.emptyDir.sizeLimit ? parseQuantity(v.emptyDir.sizeLimit) : defaultTmpfsSize();
    await ensureDir(dir, memory, size, fsGroupOf(pod), ctx.mounter);
    return dir;
  }
  const kind = (['configMap', 'secret', 'downwardAPI', 'projected'] as const).find((k) => v[k] !== undefined);
  if (!kind) throw new UnsupportedVolumeTypeError(v.name);
  const dir = volumeDir(ctx.rootDir, uid, contentPlugin[kind], v.name);
  const fsGroup = fsGroupOf(pod);
  await ensureDir(dir, ctx.tmpfs && onTmpfs[kind], defaultTmpfsSize(), undefined, ctx.mounter);
  const written = await hasData(dir);
  if (ctx.refreshContent || !written) {
    try {
      const payload = withGroupRead(await payloadFor(pod, v, kind, ctx.objects), fsGroup);
      const digest = ctx.lastWritten && payloadDigest(payload, fsGroup);
      if (!written || !digest || ctx.lastWritten!.get(dir) !== digest) {
        await writeAtomic(dir, payload, { gid: fsGroup });
        if (digest) ctx.lastWritten!.set(dir, digest);
      }
    } catch (e) {
      // A volume already in use keeps its last content (running containers are not
      // disturbed by an API hiccup or a deleted object); only a first set-up fails.
      if (!written || !ctx.onStaleContent) throw e;
      ctx.onStaleContent(v.name, e as Error);
    }
  }
  return dir;
}
