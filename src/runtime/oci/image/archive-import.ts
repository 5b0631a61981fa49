// Import of image archives: `docker save` tars (manifest.json + config + layer tars)
// and OCI image-layout tars (oci-layout + index.json + blobs/sha256/...), gzipped or
// not. Every file is streamed into the content store as it is read (hashing it), so an
// archive is read once and never fully held in memory; OCI blobs must match the
// digest in their names. Returns manifests ready for ImageStore.commit().
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { ContentStore } from './content-store.js';
import { detectCompression, openUncompressed } from './decompress.js';
import { sha256Digest } from './digest.js';
import { DigestMismatchError, InvalidArchiveError, PlatformNotFoundError } from './errors.js';
import type { StagedImage } from './image-store.js';
import { isIndexType, MediaType, parseImageConfig, parseManifestOrIndex, selectPlatform, type Descriptor, type Manifest, type Platform } from './media-types.js';
import { parseReference, taggedName } from './reference.js';
import { readTar } from './tar-reader.js';

interface StoredFile {
  digest: string;
  size: number;
}

interface SourceFile {
  name: string;
  type: 'file' | 'symlink' | 'hardlink' | 'other';
  linkname: string;
  body: AsyncIterable<Buffer>;
}

async function* tarFiles(path: string): AsyncGenerator<SourceFile> {
  for await (const e of readTar(await openUncompressed(path))) {
    const type = e.type === 'file' || e.type === 'symlink' || e.type === 'hardlink' ? e.type : 'other';
    yield { name: e.name, type, linkname: e.linkname, body: e.body };
  }
}

/** An OCI layout directory (as `skopeo copy ... oci:DIR` writes) read like an archive. */
async function* dirFiles(root: string, rel = ''): AsyncGenerator<SourceFile> {
  for (const d of await readdir(join(root, rel), { withFileTypes: true })) {
    const name = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) yield* dirFiles(root, name);
    else if (d.isFile()) yield { name, type: 'file', linkname: '', body: createReadStream(join(root, name), { highWaterMark: 1024 * 1024 }) };
  }
}

/** Import from a tar (docker save or OCI layout, maybe gzipped) or an OCI layout directory. */
export async function importArchive(path: string, content: ContentStore, platform: Platform, hold: (digest: string) => Promise<void> = async () => undefined): Promise<StagedImage[]> {
  const files = new Map<string, StoredFile>();
  const links = new Map<string, string>();
  const existedBefore = new Set(await content.list());
  const source = (await stat(path)).isDirectory() ? dirFiles(path) : tarFiles(path);
  for await (const e of source) {
    const name = posix.normalize(e.name).replace(/^(\.\/|\/)+/, '').replace(/\/$/, '');
    if (e.type === 'symlink') links.set(name, posix.normalize(posix.join(posix.dirname(name), e.linkname)));
    if (e.type === 'hardlink') links.set(name, posix.normalize(e.linkname).replace(/^(\.\/|\/)+/, ''));
    if (e.type !== 'file') continue;
    const stored = await content.putStream(e.body, hold);
    const m = /^blobs\/sha256\/([a-f0-9]{64})$/.exec(name);
    if (m && stored.digest !== `sha256:${m[1]}`) {
      if (!existedBefore.has(stored.digest)) await content.delete(stored.digest);
      throw new DigestMismatchError(`sha256:${m[1]}`, stored.digest, `archive entry ${name}`);
    }
    files.set(name, stored);
  }
  const lookup = (name: string): StoredFile => {
    let n = posix.normalize(name).replace(/^(\.\/|\/)+/, '');
    for (let hops = 0; !files.has(n) && links.has(n) && hops < 10; hops++) n = links.get(n)!;
    const f = files.get(n);
    if (!f) throw new InvalidArchiveError(`archive has no file ${name}`);
    return f;
  };
  let staged: StagedImage[];
  if (files.has('manifest.json')) staged = await fromDockerSave(content, lookup, hold);
  else if (files.has('index.json')) staged = await fromOciLayout(content, lookup('index.json'), platform);
  else throw new InvalidArchiveError('neither manifest.json (docker save) nor index.json (OCI layout) in the archive');
  // Drop what the archive brought that no image uses (manifest.json, VERSION, ...).
  const used = new Set<string>();
  for (const s of staged) {
    used.add(s.manifestDigest).add(s.manifest.config.digest);
    if (s.indexDigest) used.add(s.indexDigest);
    for (const l of s.manifest.layers) used.add(l.digest);
  }
  for (const f of files.values()) if (!used.has(f.digest) && !existedBefore.has(f.digest)) await content.delete(f.digest);
  return staged;
}

interface DockerSaveEntry {
  Config: string;
  RepoTags?: string[] | null;
  Layers: string[];
}

async function fromDockerSave(content: ContentStore, lookup: (n: string) => StoredFile, hold: (digest: string) => Promise<void>): Promise<StagedImage[]> {
  let entries: DockerSaveEntry[];
  try {
    entries = JSON.parse((await content.read(lookup('manifest.json').digest)).toString('utf8')) as DockerSaveEntry[];
  } catch (e) {
    throw new InvalidArchiveError('manifest.json is not JSON', { cause: e });
  }
  if (!Array.isArray(entries)) throw new InvalidArchiveError('manifest.json is not a list');
  const out: StagedImage[] = [];
  for (const entry of entries) {
    if (typeof entry.Config !== 'string' || !Array.isArray(entry.Layers)) throw new InvalidArchiveError('manifest.json entry needs Config and Layers');
    const cfgFile = lookup(entry.Config);
    const configBytes = await content.read(cfgFile.digest);
    const config = parseImageConfig(configBytes);
    const layers: Descriptor[] = [];
    for (const l of entry.Layers) {
      const f = lookup(l);
      const gz = (await detectCompression(content.path(f.digest))) === 'gzip';
      layers.push({ mediaType: gz ? MediaType.dockerLayerGzip : MediaType.dockerLayer, digest: f.digest, size: f.size });
    }
    if (layers.length !== config.rootfs.diff_ids.length) throw new InvalidArchiveError(`${entry.Config}: ${layers.length} layers but ${config.rootfs.diff_ids.length} diff_ids`);
    // docker save carries no manifest: write the schema-2 manifest it stands for.
    const manifest: Manifest = {
      schemaVersion: 2,
      mediaType: MediaType.dockerManifest,
      config: { mediaType: MediaType.dockerConfig, digest: cfgFile.digest, size: cfgFile.size },
      layers,
    };
    const bytes = Buffer.from(JSON.stringify(manifest));
    const manifestDigest = sha256Digest(bytes);
    await hold(manifestDigest);
    await content.put(bytes, manifestDigest);
    const repoTags = (entry.RepoTags ?? []).map(normaliseTag).filter((t): t is string => t !== undefined);
    out.push({ manifest, manifestDigest, config, repoTags, repoDigests: [] });
  }
  return out;
}

async function fromOciLayout(content: ContentStore, indexFile: StoredFile, platform: Platform): Promise<StagedImage[]> {
  const top = parseManifestOrIndex(await content.read(indexFile.digest), MediaType.ociIndex);
  if (top.kind !== 'index') throw new InvalidArchiveError('index.json is not an image index');
  const out: StagedImage[] = [];
  for (const entry of top.value.manifests) {
    let desc = entry;
    let indexDigest: string | undefined;
    if (isIndexType(entry.mediaType)) {
      const nested = parseManifestOrIndex(await readBlob(content, entry), entry.mediaType);
      if (nested.kind !== 'index') throw new InvalidArchiveError(`${entry.digest} is not an index`);
      const pick = selectPlatform(nested.value, platform);
      if (!pick) throw new PlatformNotFoundError(entry.annotations?.['org.opencontainers.image.ref.name'] ?? entry.digest, `${platform.os}/${platform.architecture}`);
      indexDigest = entry.digest;
      desc = pick;
    } else if (entry.platform && (entry.platform.os !== platform.os || entry.platform.architecture !== platform.architecture)) {
      continue; // a single-platform entry for another machine
    }
    const parsed = parseManifestOrIndex(await readBlob(content, desc), desc.mediaType);
    if (parsed.kind !== 'manifest') throw new InvalidArchiveError(`${desc.digest} is not a manifest`);
    const manifest = parsed.value;
    const config = parseImageConfig(await readBlob(content, manifest.config));
    for (const l of manifest.layers) if (!(await content.has(l.digest, l.size))) throw new InvalidArchiveError(`layer ${l.digest} missing from the archive`);
    if (manifest.layers.length !== config.rootfs.diff_ids.length) throw new InvalidArchiveError(`${desc.digest}: layers and diff_ids differ in number`);
    const name = entry.annotations?.['io.containerd.image.name'] ?? entry.annotations?.['org.opencontainers.image.ref.name'];
    const tag = name !== undefined && /[/:]/.test(name) ? normaliseTag(name) : undefined;
    out.push({ manifest, manifestDigest: desc.digest, config, ...(indexDigest ? { indexDigest } : {}), repoTags: tag ? [tag] : [], repoDigests: [] });
  }
  if (out.length === 0) throw new InvalidArchiveError(`no image for ${platform.os}/${platform.architecture} in index.json`);
  return out;
}

async function readBlob(content: ContentStore, d: Descriptor): Promise<Buffer> {
  if (!(await content.has(d.digest))) throw new InvalidArchiveError(`blob ${d.digest} missing from the archive`);
  const b = await content.read(d.digest);
  if (sha256Digest(b) !== d.digest || b.length !== d.size) throw new DigestMismatchError(d.digest, sha256Digest(b));
  return b;
}

function normaliseTag(t: string): string | undefined {
  try {
    return taggedName(parseReference(t));
  } catch {
    return undefined;
  }
}
