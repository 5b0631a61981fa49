// A small deterministic tar writer (ustar, with a pax header for names or link targets
// that do not fit). Used to build test images and synthetic layers byte-for-byte
// reproducibly: the caller supplies every field, nothing comes from the clock.
import type { TarEntryType } from './tar-reader.js';

export interface TarWriteEntry {
  name: string;
  type: TarEntryType;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  /** File contents (type 'file' only). */
  data?: Buffer;
  /** Extended attributes, written as pax `SCHILY.xattr.<name>` records. */
  xattrs?: Record<string, Buffer>;
}

const FLAGS: Record<TarEntryType, string> = { file: '0', hardlink: '1', symlink: '2', char: '3', block: '4', directory: '5', fifo: '6' };

function octal(b: Buffer, off: number, len: number, v: number): void {
  b.write(v.toString(8).padStart(len - 1, '0') + '\0', off, len, 'ascii');
}

function header(name: string, flag: string, size: number, e: TarWriteEntry, linkname: string): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  octal(h, 100, 8, e.mode ?? (e.type === 'directory' ? 0o755 : 0o644));
  octal(h, 108, 8, e.uid ?? 0);
  octal(h, 116, 8, e.gid ?? 0);
  octal(h, 124, 12, size);
  octal(h, 136, 12, e.mtime ?? 0);
  h.fill(0x20, 148, 156);
  h.write(flag, 156, 1, 'ascii');
  h.write(linkname, 157, 100, 'utf8');
  h.write('ustar\0', 257, 6, 'latin1');
  h.write('00', 263, 2, 'ascii');
  octal(h, 329, 8, e.devmajor ?? 0);
  octal(h, 337, 8, e.devminor ?? 0);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += h[i]!;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'ascii');
  return h;
}

function paxRecord(key: string, value: string | Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

const padding = (n: number): Buffer => Buffer.alloc((512 - (n % 512)) % 512);

/** The bytes of one entry (header(s), data, padding). */
export function tarEntryBytes(e: TarWriteEntry): Buffer[] {
  const data = e.type === 'file' ? e.data ?? Buffer.alloc(0) : Buffer.alloc(0);
  const name = e.type === 'directory' && !e.name.endsWith('/') ? `${e.name}/` : e.name;
  const linkname = e.linkname ?? '';
  const out: Buffer[] = [];
  const pax: Buffer[] = [];
  if (Buffer.byteLength(name) > 100) pax.push(paxRecord('path', name));
  if (Buffer.byteLength(linkname) > 100) pax.push(paxRecord('linkpath', linkname));
  for (const [k, v] of Object.entries(e.xattrs ?? {}).sort(([a], [b]) => a.localeCompare(b))) pax.push(paxRecord(`SCHILY.xattr.${k}`, v));
  if (pax.length > 0) {
    const body = Buffer.concat(pax);
    out.push(header('PaxHeader', 'x', body.length, { name: 'PaxHeader', type: 'file', mtime: e.mtime ?? 0 }, ''), body, padding(body.length));
  }
  out.push(header(name.slice(0, 100), FLAGS[e.type], data.length, e, linkname.slice(0, 100)), data, padding(data.length));
  return out;
}

/** A whole archive in memory, with the two zero blocks that end it. */
export function buildTar(entries: TarWriteEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) parts.push(...tarEntryBytes(e));
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}
