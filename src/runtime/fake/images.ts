// An in-memory ImageService: every reference "pulls" instantly unless the test says it
// is unknown; ids are derived from the reference, so they are stable across runs.

import { createHash } from 'node:crypto';
import { ImagePullError, NotFoundError, type Image, type ImageConfig, type ImageFsInfo, type ImageService, type ImageSpec } from '../cri.js';

export interface FakeImageOptions {
  /** Which references can be pulled (default: all). */
  pullable?: (ref: string) => boolean;
  /** Config given to a pulled image (default: Cmd ["sh"]). */
  config?: (ref: string) => ImageConfig;
}

/** Adds ":latest" to a reference without tag or digest, as docker does. */
export function normalizeRef(ref: string): string {
  const lastSlash = ref.lastIndexOf('/');
  return ref.includes('@') || ref.slice(lastSlash + 1).includes(':') ? ref : `${ref}:latest`;
}

export class FakeImageService implements ImageService {
  private readonly images = new Map<string, Image>();
  readonly pulls: string[] = [];

  constructor(private readonly opts: FakeImageOptions = {}) {}

  async pullImage(image: ImageSpec): Promise<string> {
    const ref = normalizeRef(image.image);
    this.pulls.push(ref);
    if (this.opts.pullable && !this.opts.pullable(ref)) throw new ImagePullError(`pull ${ref}: repository not found`);
    const id = 'sha256:' + createHash('sha256').update(ref).digest('hex');
    const existing = this.images.get(id);
    if (existing) return id;
    this.images.set(id, { id, repoTags: [ref], repoDigests: [], size: 1024 * 1024, config: this.opts.config?.(ref) ?? { Cmd: ['sh'] } });
    return id;
  }

  async listImages(filter: { image?: ImageSpec } = {}): Promise<Image[]> {
    const all = [...this.images.values()];
    const wanted = filter.image ? this.find(filter.image.image) : undefined;
    return structuredClone(filter.image ? (wanted ? [wanted] : []) : all);
  }

  async imageStatus(image: ImageSpec): Promise<Image | null> {
    const found = this.find(image.image);
    return found ? structuredClone(found) : null;
  }

  async removeImage(image: ImageSpec): Promise<void> {
    const found = this.find(image.image);
    if (!found) throw new NotFoundError('image', image.image);
    this.images.delete(found.id);
  }

  async imageFsInfo(): Promise<ImageFsInfo[]> {
    let used = 0;
    for (const i of this.images.values()) used += i.size;
    return [{ mountpoint: '/var/lib/k8ts/runtime/fake', usedBytes: used, inodesUsed: this.images.size }];
  }

  private find(refOrId: string): Image | undefined {
    const ref = normalizeRef(refOrId);
    for (const i of this.images.values()) {
      if (i.id === refOrId || i.id === `sha256:${refOrId}` || i.repoTags.includes(ref)) return i;
    }
    return undefined;
  }
}
