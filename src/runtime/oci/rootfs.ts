// Where a container's root filesystem comes from. The runtime asks a RootfsProvider,
// so it works both with the image store (overlayfs over unpacked layers) and with a
// plain directory (tests, or a rootfs someone prepared by hand).

import { NotFoundError, type ImageConfig } from '../cri.js';
import type { IdmapTarget } from './idmap.js';

export interface ResolvedImage {
  imageId: string;
  imageRef: string;
  config: ImageConfig;
  /** Every container's root starts as an exact copy of this image, which never changes (its id is its content's digest). */
  immutable?: boolean;
}

export interface RootfsProvider {
  /** Finds a local image by reference or id; NotFoundError('image') when absent. */
  resolve(image: string): Promise<ResolvedImage>;
  /**
   * Mounts or otherwise makes the container's root filesystem; returns its path. With
   * `idmap` its files must appear owned by the user namespace's ids (see idmap.ts).
   */
  prepare(containerId: string, imageId: string, opts: { readOnly?: boolean; idmap?: IdmapTarget }): Promise<{ rootfs: string }>;
  /** Undoes prepare; absent is fine. */
  release(containerId: string): Promise<void>;
}

/**
 * Images that are directories on disk. Every container of an image shares the one
 * directory (no copy-on-write layer), which is what tests of the container half need.
 */
export class DirRootfsProvider implements RootfsProvider {
  private readonly images = new Map<string, { dir: string; config: ImageConfig }>();

  add(name: string, dir: string, config: ImageConfig = {}): void {
    this.images.set(name, { dir, config });
  }

  async resolve(image: string): Promise<ResolvedImage> {
    const found = this.images.get(image);
    if (!found) throw new NotFoundError('image', image);
    return { imageId: image, imageRef: image, config: found.config };
  }

  async prepare(_containerId: string, imageId: string): Promise<{ rootfs: string }> {
    const found = this.images.get(imageId);
    if (!found) throw new NotFoundError('image', imageId);
    return { rootfs: found.dir };
  }

  async release(): Promise<void> {}
}
