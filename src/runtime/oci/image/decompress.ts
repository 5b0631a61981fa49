// Open a layer blob as a stream of uncompressed tar bytes, whatever it was stored as:
// gzip (node:zlib), zstd (the `zstd` tool, when installed) or plain tar. The format is
// read from the magic bytes, not the media type, because docker-save archives and
// some registries label layers loosely.
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { InvalidArchiveError } from './errors.js';

export type Compression = 'gzip' | 'zstd' | 'none';

export async function detectCompression(path: string): Promise<Compression> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(4);
    const { bytesRead } = await fh.read(b, 0, 4, 0);
    if (bytesRead >= 2 && b[0] === 0x1f && b[1] === 0x8b) return 'gzip';
    if (bytesRead === 4 && b.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
    return 'none';
  } finally {
    await fh.close();
  }
}

/** The uncompressed bytes of a layer file. */
export async function openUncompressed(path: string): Promise<AsyncIterable<Buffer>> {
  const kind = await detectCompression(path);
  const raw = createReadStream(path, { highWaterMark: 1024 * 1024 });
  if (kind === 'none') return raw;
  if (kind === 'gzip') return gunzip(raw);
  return zstd(path);
}

/**
 * Uncompressed bytes of a layer arriving as a stream (gzip or plain; zstd is not
 * streamed: the caller falls back to the file once it is complete).
 */
export async function* uncompressStream(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = source[Symbol.asyncIterator]();
  let first = await it.next();
  while (!first.done && first.value.length < 4) {
    const more = await it.next();
    if (more.done) break;
    first = { done: false, value: Buffer.concat([first.value, more.value]) };
  }
  if (first.done) return;
  const head = first.value;
  async function* rest(): AsyncGenerator<Buffer> {
    yield head;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  if (head[0] === 0x1f && head[1] === 0x8b) yield* gunzip(Readable.from(rest()));
  else if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) throw new InvalidArchiveError('zstd layers are unpacked from the file, not streamed');
  else yield* rest();
}

async function* gunzip(raw: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  const z = createGunzip({ chunkSize: 256 * 1024 });
  // pipe() does not forward errors: a failed source must fail the gunzip, not hang it.
  raw.on('error', (e: Error) => z.destroy(e));
  raw.pipe(z);
  try {
    for await (const c of z) yield c as Buffer;
  } catch (e) {
    throw new InvalidArchiveError(`gzip: ${(e as Error).message}`, { cause: e });
  } finally {
    z.destroy();
    (raw as unknown as { destroy(): void }).destroy();
  }
}

async function* zstd(path: string): AsyncGenerator<Buffer> {
  const p = spawn('zstd', ['-dc', '--', path], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    p.on('error', (e) => reject(new InvalidArchiveError('zstd layer, but the zstd tool is not installed', { cause: e })));
    p.on('close', (code) => resolve(code ?? -1));
  });
  exited.catch(() => undefined);
  try {
    for await (const c of p.stdout) yield c as Buffer;
    const code = await exited;
    if (code !== 0) throw new InvalidArchiveError(`zstd: ${stderr.trim() || `exit ${code}`}`);
  } finally {
    if (p.exitCode === null) p.kill();
  }
}
