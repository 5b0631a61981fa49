// Attaching to a container's stdio through conmon's attach socket (<bundle>/attach).
// It is a SOCK_SEQPACKET socket, which Node cannot open, so a few lines of Perl
// (perl-base is part of every Debian system) bridge it: our bytes go to the container's
// stdin; each packet from conmon (one byte naming the stream, 2 stdout or 3 stderr, then
// the data) comes back framed as <stream byte><u32 length><data>. Terminal size
// changes go to conmon's control fifo (<bundle>/ctl) as "1 <rows> <cols>". The bridge
// runs in the bundle directory and connects to "attach" by relative name, because the
// full path can exceed the 108 bytes a unix socket address may hold. An empty frame of
// stream 0 says the connection is up.

import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { OciRuntimeError, type StreamHandle } from '../cri.js';

const BRIDGE = String.raw`
use strict; use Socket;
my $path = shift;
socket(my $s, AF_UNIX, SOCK_SEQPACKET, 0) or die "socket: $!\n";
connect($s, pack_sockaddr_un($path)) or die "connect $path: $!\n";
binmode STDIN; binmode STDOUT;
syswrite(STDOUT, pack('CN', 0, 0));
my $pid = fork();
if (defined $pid && $pid == 0) {
  my $buf;
  while (my $n = sysread(STDIN, $buf, 8192)) { send($s, $buf, 0) or last; }
  shutdown($s, 1);
  exit 0;
}
my $buf;
while (defined(recv($s, $buf, 8193, 0)) && length($buf) > 0) {
  my $d = substr($buf, 1);
  syswrite(STDOUT, pack('CN', ord($buf), length($d)) . $d);
}
kill 'TERM', $pid if $pid;
exit 0;
`;

export interface AttachOptions {
  bundle: string;
  stdin: boolean;
  tty: boolean;
  /** Resolves with the container's exit code once it has ended. */
  exitCode: () => Promise<number>;
}

export async function attachSocket(opts: AttachOptions): Promise<StreamHandle> {
  const child = spawn('perl', ['-e', BRIDGE, 'attach'], { cwd: opts.bundle, stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
  let isUp = false;
  let connected!: () => void;
  const up = new Promise<void>((r) => { connected = () => { isUp = true; r(); }; });
  const stdout = new PassThrough();
  const stderr = opts.tty ? null : new PassThrough();
  let pending = Buffer.alloc(0);
  child.stdout!.on('data', (d: Buffer) => {
    pending = Buffer.concat([pending, d]);
    while (pending.length >= 5) {
      const len = pending.readUInt32BE(1);
      if (pending.length < 5 + len) break;
      const data = pending.subarray(5, 5 + len);
      if (pending[0] === 0) connected();
      else (pending[0] === 3 && stderr ? stderr : stdout).write(data);
      pending = pending.subarray(5 + len);
    }
  });
  let bridgeErr = '';
  child.stderr!.on('data', (d: Buffer) => { bridgeErr += d.toString(); });
  const closed = new Promise<void>((r) => child.on('close', () => r()));
  await Promise.race([up, closed]);
  if (!isUp) {
    throw new OciRuntimeError(`attach to ${opts.bundle} failed: ${bridgeErr.trim() || 'bridge exited'}`);
  }
  const exit = closed.then(async () => {
    stdout.end();
    stderr?.end();
    return opts.exitCode();
  });
  return {
    stdin: child.stdin ?? null,
    stdout,
    stderr,
    exit,
    async resize(size) {
      if (!opts.tty) return;
      const fh = await open(join(opts.bundle, 'ctl'), 'w');
      try { await fh.write(`1 ${size.height} ${size.width}\n`); } finally { await fh.close(); }
    },
  };
}
