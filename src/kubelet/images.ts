// Getting a container's image onto the node per imagePullPolicy, as the kubelet's image
// manager does: Never (present or ErrImageNeverPull), IfNotPresent, Always; failed
// pulls answer ErrImagePull and then ImagePullBackOff while the back-off lasts.
// Credentials come from the pod's imagePullSecrets (dockerconfigjson / dockercfg).

import type { Clock } from '../client/index.js';
import type { AuthConfig, ImageService } from '../runtime/cri.js';
import type { Backoff } from './backoff.js';
import type { ContainerSpec, Pod } from './types.js';

export type Recorder = (pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string) => void;

/** Why a container cannot start for its image; `reason` goes into state.waiting. */
export class ImageError extends Error {
  constructor(readonly reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName', message: string) {
    super(message);
    this.name = 'ImageError';
  }
}

/** The registry host an image reference names, Docker Hub when it names none. */
export function registryOf(image: string): string {
  const first = image.split('/')[0];
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first;
  return 'docker.io';
}

type DockerAuths = Record<string, { username?: string; password?: string; auth?: string; identitytoken?: string }>;

function hostOfKey(key: string): string {
  const h = key.replace(/^https?:\/\//, '').split('/')[0];
  return h === 'index.docker.io' || h === 'registry-1.docker.io' ? 'docker.io' : h;
}

/** Credentials for an image from decoded secret data; undefined when none match. */
export function credentialsFor(image: string, secrets: Record<string, string>[]): AuthConfig | undefined {
  const want = registryOf(image);
  for (const data of secrets) {
    let auths: DockerAuths = {};
    try {
      if (data['.dockerconfigjson']) auths = (JSON.parse(data['.dockerconfigjson']) as { auths?: DockerAuths }).auths ?? {};
      else if (data['.dockercfg']) auths = JSON.parse(data['.dockercfg']) as DockerAuths;
    } catch {
      continue;
    }
    for (const [key, a] of Object.entries(auths)) {
      if (hostOfKey(key) !== want) continue;
      let { username, password } = a;
      if (!username && a.auth) [username, password] = Buffer.from(a.auth, 'base64').toString('utf8').split(/:(.*)/s, 2);
      return { username, password, identityToken: a.identitytoken };
    }
  }
  return undefined;
}

/** Docker's defaulting: no tag (and no digest) means :latest. */
function hasTag(image: string): boolean {
  if (image.includes('@')) return true;
  const last = image.split('/').pop() ?? '';
  return last.includes(':');
}

export function pullPolicy(c: ContainerSpec): 'Always' | 'IfNotPresent' | 'Never' {
  if (c.imagePullPolicy) return c.imagePullPolicy;
  const img = c.image ?? '';
  return !hasTag(img) || img.endsWith(':latest') ? 'Always' : 'IfNotPresent';
}

/** A duration as Go prints one (523ms, 1.2s, 1m2.5s), since the messages are Kubernetes'. */
export function goDuration(ms: number): string {
  if (ms <= 0) return '0s';
  if (ms < 1000) return `${+ms.toFixed(3)}ms`;
  const trim = (x: number) => `${+x.toFixed(3)}`;
  if (ms < 60_000) return `${trim(ms / 1000)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m${trim((ms - m * 60_000) / 1000)}s`;
}

export interface ImageManagerOptions {
  images: ImageService;
  backoff: Backoff;
  clock: Clock;
  record: Recorder;
  /** Decoded data of the pod's pull secrets. */
  pullSecrets(pod: Pod): Promise<Record<string, string>[]>;
}

export class ImageManager {
  /** When the last failed pull of a (pod, image) ended, for the back-off. */
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly o: ImageManagerOptions) {}

  /** Makes sure the image is present; returns its id (imageRef) or throws ImageError. */
  async ensure(pod: Pod, c: ContainerSpec, fieldPath: string): Promise<string> {
    const image = c.image ?? '';
    if (!image) throw new ImageError('InvalidImageName', `container ${c.name} has no image`);
    const policy = pullPolicy(c);
    const present = await this.o.images.imageStatus({ image }).catch(() => null);
    if (present && policy !== 'Always') {
      this.o.record(pod, 'Normal', 'Pulled', `Container image "${image}" already present on machine`, fieldPath);
      return present.id;
    }
    if (policy === 'Never') {
      const msg = `Container image "${image}" is not present with pull policy of Never`;
      this.o.record(pod, 'Warning', 'ErrImageNeverPull', msg, fieldPath);
      this.o.record(pod, 'Warning', 'Failed', 'Error: ErrImageNeverPull', fieldPath);
      throw new ImageError('ErrImageNeverPull', msg);
    }
    const key = `${pod.metadata.uid}/${image}`;
    const failed = this.failedAt.get(key);
    if (failed !== undefined && this.o.backoff.isInBackOffSince(key, failed)) {
      this.o.record(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, fieldPath);
      this.o.record(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', fieldPath);
      throw new ImageError('ImagePullBackOff', `Back-off pulling image "${image}"`);
    }
    this.o.record(pod, 'Normal', 'Pulling', `Pulling image "${image}"`, fieldPath);
    const start = this.o.clock.now();
    try {
      const auth = credentialsFor(image, await this.o.pullSecrets(pod));
      const ref = await this.o.images.pullImage({ image }, auth);
      const took = goDuration(this.o.clock.now() - start);
      const size = (await this.o.images.imageStatus({ image }).catch(() => null))?.size;
      this.o.record(pod, 'Normal', 'Pulled', `Successfully pulled image "${image}" in ${took} (${took} including waiting)${size !== undefined ? `. Image size: ${size} bytes.` : ''}`, fieldPath);
      this.failedAt.delete(key);
      this.o.backoff.reset(key);
      return ref;
    } catch (e) {
      this.o.backoff.next(key);
      this.failedAt.set(key, this.o.clock.now());
      const msg = `Failed to pull image "${image}": ${(e as Error).message}`;
      this.o.record(pod, 'Warning', 'Failed', msg, fieldPath);
      this.o.record(pod, 'Warning', 'Failed', 'Error: ErrImagePull', fieldPath);
      throw new ImageError('ErrImagePull', msg);
    }
  }

  forgetPod(uid: string): void {
    for (const k of this.failedAt.keys()) if (k.startsWith(`${uid}/`)) this.failedAt.delete(k);
    this.o.backoff.resetPrefix(`${uid}/`);
  }
}
