// The runtime's two uses of the image half: a RootfsProvider over the ImageStore
// (overlayfs per container over the shared layer snapshots) and the CRI ImageService.

import {
  ImagePullError, NotFoundError,
  type AuthConfig, type Image, type ImageConfig, type ImageFsInfo, type ImageService, type ImageSpec,
} from '../cri.js';
import type { ImageInfo, ImageStore, PullOptions } from './image/index.js';
import { ImageError } from './image/index.js';
import type { ResolvedImage, RootfsProvider } from './rootfs.js';
import type { IdmapTarget } from './idmap.js';

/** The part of ImageStore the runtime uses; a test may hand in its own. */
export type ImageStoreLike = Pick<ImageStore, 'pull' | 'list' | 'get' | 'remove' | 'diskUsage' | 'prepareRootfs' | 'releaseRootfs'> & { readonly root: string };

function toConfig(i: ImageInfo): ImageConfig {
  const c = i.config;
  return { Env: c.Env, Entrypoint: c.Entrypoint, Cmd: c.Cmd, WorkingDir: c.WorkingDir, User: c.User, StopSignal: c.StopSignal, Labels: c.Labels };
}

export class ImageStoreRootfsProvider implements RootfsProvider {
  constructor(private readonly store: ImageStoreLike) {}

  async resolve(image: string): Promise<ResolvedImage> {
    let info: ImageInfo | undefined;
    try { info = await this.store.get(image); } catch (e) { throw new NotFoundError('image', image, { cause: e }); }
    if (!info) throw new NotFoundError('image', image);
    return { imageId: info.id, imageRef: info.repoDigests[0] ?? info.id, config: toConfig(info), immutable: true };
  }

  prepare(containerId: string, imageId: string, opts: { readOnly?: boolean; idmap?: IdmapTarget }): Promise<{ rootfs: string }> {
    return this.store.prepareRootfs(containerId, imageId, opts);
  }

  release(containerId: string): Promise<void> {
    return this.store.releaseRootfs(containerId);
  }
}

export interface OciImageServiceOptions {
  /** Passed to every pull (docker config path, insecure registries, progress). */
  pullOptions?: Omit<PullOptions, 'auth'>;
}

export class OciImageService implements ImageService {
  constructor(private readonly store: ImageStoreLike, private readonly opts: OciImageServiceOptions = {}) {}

  async pullImage(image: ImageSpec, auth?: AuthConfig): Promise<string> {
    const creds = credentials(auth);
    try {
      return (await this.store.pull(image.image, { ...this.opts.pullOptions, ...(creds ? { auth: creds } : {}) })).id;
    } catch (e) {
      throw new ImagePullError(`pull ${image.image}: ${(e as Error).message}`, { cause: e });
    }
  }

  async listImages(filter: { image?: ImageSpec } = {}): Promise<Image[]> {
    if (filter.image) {
      const one = await this.imageStatus(filter.image);
      return one ? [one] : [];
    }
    return (await this.store.list()).map(toImage);
  }

  async imageStatus(image: ImageSpec): Promise<Image | null> {
    try {
      const i = await this.store.get(image.image);
      return i ? toImage(i) : null;
    } catch (e) {
      if (e instanceof ImageError) return null;
      throw e;
    }
  }

  async removeImage(image: ImageSpec): Promise<void> {
    if (!(await this.store.remove(image.image))) throw new NotFoundError('image', image.image);
  }

  async imageFsInfo(): Promise<ImageFsInfo[]> {
    const u = await this.store.diskUsage();
    return [{ mountpoint: this.store.root, usedBytes: u.blobs + u.snapshots, inodesUsed: 0 }];
  }
}

/** CRI auth to the store's username/password; `auth` is base64 "user:password". */
function credentials(auth: AuthConfig | undefined): { username: string; password: string } | undefined {
  if (!auth) return undefined;
  if (auth.username) return { username: auth.username, password: auth.password ?? '' };
  if (auth.auth) {
    const text = Buffer.from(auth.auth, 'base64').toString();
    const i = text.indexOf(':');
    if (i > 0) return { username: text.slice(0, i), password: text.slice(i + 1) };
  }
  return undefined;
}

function toImage(i: ImageInfo): Image {
  return { id: i.id, repoTags: i.repoTags, repoDigests: i.repoDigests, size: i.size, config: toConfig(i) };
}
