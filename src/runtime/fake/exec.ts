// The fake runtime's exec: a handful of deterministic commands, enough for probes and
// the contract suite, with no process behind them.

import type { ExecSyncResult } from '../cri.js';

export type FakeExecHandler = (containerId: string, cmd: string[], stdin: Buffer) => ExecSyncResult;

const ok = (out: string): ExecSyncResult => ({ stdout: Buffer.from(out), stderr: Buffer.alloc(0), exitCode: 0 });

/** echo, cat (echoes stdin), true, false, `sh -c 'exit N'`; anything else exits 127. */
export const defaultExec: FakeExecHandler = (_id, cmd, stdin) => {
  const [name, ...rest] = cmd;
  switch (name) {
    case 'echo': return ok(rest.join(' ') + '\n');
    case 'cat': return { stdout: stdin, stderr: Buffer.alloc(0), exitCode: 0 };
    case 'true': return ok('');
    case 'false': return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: 1 };
    case 'sh': {
      const m = rest[0] === '-c' ? /^exit (\d+)$/.exec((rest[1] ?? '').trim()) : null;
      if (m) return { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), exitCode: Number(m[1]) };
    }
  }
  return { stdout: Buffer.alloc(0), stderr: Buffer.from(`${name ?? ''}: not found\n`), exitCode: 127 };
};
