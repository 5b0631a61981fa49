// Joining a container's streams to this terminal: raw mode for TTYs, window size
// changes, and stdin piped through.

import { spawnSync } from 'node:child_process';
import type { StreamHandle } from '../../runtime/cri.js';

export async function pumpSession(h: StreamHandle, opts: { tty: boolean; stdin: boolean }): Promise<number> {
  const stdin = process.stdin;
  const rawTty = opts.tty && opts.stdin && stdin.isTTY;
  if (rawTty) {
    stdin.setRawMode(true);
    // libuv's raw mode keeps output post-processing, which would turn the container's
    // \r\n into \r\r\n; the container's own pty already did that translation.
    spawnSync('stty', ['-opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
  }
  const onResize = () => { void h.resize({ width: process.stdout.columns ?? 80, height: process.stdout.rows ?? 24 }); };
  if (opts.tty && process.stdout.isTTY) {
    onResize();
    process.stdout.on('resize', onResize);
  }
  h.stdout.pipe(process.stdout, { end: false });
  h.stderr?.pipe(process.stderr, { end: false });
  if (opts.stdin && h.stdin) {
    stdin.pipe(h.stdin);
    h.stdin.on('error', () => {});
  }
  try {
    const code = await h.exit;
    // Let the last bytes through before we return the exit code.
    await Promise.all([ended(h.stdout), h.stderr ? ended(h.stderr) : Promise.resolve()]);
    return code;
  } finally {
    if (rawTty) {
      spawnSync('stty', ['opost'], { stdio: ['inherit', 'ignore', 'ignore'] });
      stdin.setRawMode(false);
    }
    process.stdout.off('resize', onResize);
    // A TTY stdin left referenced would keep the process alive after the session.
    if (opts.stdin) { stdin.unpipe(); stdin.pause(); if (stdin.isTTY) stdin.unref(); else stdin.destroy(); }
  }
}

function ended(s: NodeJS.ReadableStream): Promise<void> {
  return new Promise((r) => {
    if ((s as { readableEnded?: boolean }).readableEnded) return r();
    s.once('end', () => r());
    s.once('close', () => r());
    setTimeout(r, 2000).unref();
  });
}
