// A streaming tar reader: ustar, pax extended headers (path, linkpath, size, ids,
// mtime, xattrs) and GNU long names ('L'/'K') and base-256 numbers. Entries are
// yielded one at a time; a body not consumed by the caller is skipped.
import { ByteReader } from './byte-reader.js';
import { InvalidArchiveError } from './errors.js';

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo';

export interface TarHeader {
  name: string;
  type: TarEntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  linkname: string;
  devmajor: number;
  devminor: number;
  /** From pax `SCHILY.xattr.<name>` records; values are raw bytes. */
  xattrs: Record<string, Buffer>;
}

export interface TarEntry extends TarHeader {
  /** The entry's bytes; only valid until the next entry is requested. */
  body: AsyncIterable<Buffer>;
}

const TYPES: Record<string, TarEntryType> = {
  '0': 'file', '\0': 'file', '7': 'file', '1': 'hardlink', '2': 'symlink',
  '3': 'char', '4': 'block', '5': 'directory', '6': 'fifo',
};

function cstring(b: Buffer, start: number, len: number): string {
  const slice = b.subarray(start, start + len);
  const nul = slice.indexOf(0);
  return (nul >= 0 ? slice.subarray(0, nul) : slice).toString('utf8');
}

function number(b: Buffer, start: number, len: number): number {
  const f = b.subarray(start, start + len);
  if (f[0]! & 0x80) {
    // GNU base-256: big-endian two's complement; the top bit only marks the format.
    let v = f[0]! & 0x7f;
    for (let i = 1; i < f.length; i++) v = v * 256 + f[i]!;
    return v;
  }
  const s = cstring(b, start, len).trim();
  if (s === '') return 0;
  const v = parseInt(s, 8);
  if (!Number.isFinite(v)) throw new InvalidArchiveError(`bad octal field "${s}"`);
  return v;
}

function checksumOk(h: Buffer): boolean {
  const want = number(h, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < 512; i++) {
    const c = i >= 148 && i < 156 ? 32 : h[i]!;
    unsigned += c;
    signed += c > 127 ? c - 256 : c;
  }
  return want === unsigned || want === signed;
}

/** pax records as raw values: xattr values are bytes, not text. */
function parsePax(data: Buffer): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp < 0) break;
    const len = parseInt(data.subarray(pos, sp).toString('ascii'), 10);
    if (!Number.isFinite(len) || len <= 0 || pos + len > data.length) throw new InvalidArchiveError('bad pax record');
    const rec = data.subarray(sp + 1, pos + len - 1);
    const eq = rec.indexOf(0x3d);
    if (eq > 0) out[rec.subarray(0, eq).toString('utf8')] = Buffer.from(rec.subarray(eq + 1));
    pos += len;
  }
  return out;
}

const pad = (n: number): number => (512 - (n % 512)) % 512;

/** Iterate the entries of an (already decompressed) tar stream. */
export async function* readTar(source: AsyncIterable<Buffer | Uint8Array | string>): AsyncGenerator<TarEntry> {
  const r = new ByteReader(source);
  let globalPax: Record<string, Buffer> = {};
  let pax: Record<string, Buffer> = {};
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      const h = await r.read(512);
      if (h === null) return; // some writers omit the end-of-archive blocks
      if (h.every((c) => c === 0)) {
        // End of archive. Anything after it must be zero padding.
        if (!(await r.drainIsZero())) throw new InvalidArchiveError('data after end-of-archive marker');
        return;
      }
      if (!checksumOk(h)) throw new InvalidArchiveError('header checksum mismatch (not a tar stream?)');
      const flag = String.fromCharCode(h[156]!);
      const size = number(h, 124, 12);
      if (flag === 'x' || flag === 'g' || flag === 'L' || flag === 'K') {
        const data = await r.read(size);
        if (data === null) throw new InvalidArchiveError('truncated extended header');
        await r.skip(pad(size));
        if (flag === 'x') pax = { ...pax, ...parsePax(data) };
        else if (flag === 'g') globalPax = { ...globalPax, ...parsePax(data) };
        else if (flag === 'L') longName = cstring(data, 0, data.length);
        else longLink = cstring(data, 0, data.length);
        continue;
      }
      const type = TYPES[flag];
      if (type === undefined) throw new InvalidArchiveError(`unsupported tar entry type "${flag}"`);
      const magic = h.subarray(257, 263).toString('latin1');
      let name = cstring(h, 0, 100);
      // POSIX ustar splits long names into prefix/name; GNU uses that space for times.
      if (magic === 'ustar\0') {
        const prefix = cstring(h, 345, 155);
        if (prefix) name = `${prefix}/${name}`;
      }
      const raw = { ...globalPax, ...pax };
      const p: Record<string, string | undefined> = {};
      const xattrs: Record<string, Buffer> = {};
      for (const [k, v] of Object.entries(raw)) {
        if (k.startsWith('SCHILY.xattr.')) xattrs[k.slice(13)] = v;
        else p[k] = v.toString('utf8');
      }
      const hdr: TarHeader = {
        name: p.path ?? longName ?? name,
        type,
        mode: number(h, 100, 8) & 0o7777,
        uid: p.uid !== undefined ? Number(p.uid) : number(h, 108, 8),
        gid: p.gid !== undefined ? Number(p.gid) : number(h, 116, 8),
        size: p.size !== undefined ? Number(p.size) : size,
        mtime: p.mtime !== undefined ? Number(p.mtime) : number(h, 136, 12),
        linkname: p.linkpath ?? longLink ?? cstring(h, 157, 100),
        devmajor: number(h, 329, 8),
        devminor: number(h, 337, 8),
        xattrs,
      };
      pax = {};
      longName = undefined;
      longLink = undefined;
      // Only regular files carry data (a hardlink's size field must be ignored).
      const bodySize = type === 'file' ? hdr.size : 0;
      if (!Number.isSafeInteger(bodySize) || bodySize < 0) throw new InvalidArchiveError(`bad entry size for ${hdr.name}`);
      // Count what the caller read so a body abandoned midway is still skipped whole.
      let started = false;
      let read = 0;
      const body: AsyncIterable<Buffer> = {
        [Symbol.asyncIterator]: () => {
          if (started) throw new InvalidArchiveError(`body of ${hdr.name} read twice`);
          started = true;
          const inner = r.chunks(bodySize);
          return (async function* () {
            for await (const c of inner) {
              read += c.length;
              yield c;
            }
          })();
        },
      };
      yield { ...hdr, body };
      await r.skip(bodySize - read);
      await r.skip(pad(bodySize));
    }
  } finally {
    await r.close();
  }
}
