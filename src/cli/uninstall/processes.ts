// Which k8ts servers and agents run on this machine, read from /proc: uninstall must not
// pull the pod network, the proxy's rules or a data directory from under a live process.

import { readdir, readFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';

export const DEFAULT_DATA_DIR = '/var/lib/k8ts';

export interface K8tsProcess {
  pid: number;
  command: 'server' | 'agent';
  dataDir: string;
  /** A server without --disable-agent and every `k8ts agent` own the machine's pod network. */
  runsNodeAgent: boolean;
}

/** The k8ts command behind an argv (`node …/bin/k8ts server --data-dir D …`), if it is one. */
export function parseK8tsCommandLine(argv: string[]): Omit<K8tsProcess, 'pid'> | undefined {
  // `node [node flags] …/bin/k8ts server …` (how the shebang runs it), or k8ts itself first.
  const at = basename(argv[0] ?? '').startsWith('node') ? argv.findIndex((a, i) => i > 0 && !a.startsWith('-')) : 0;
  const script = argv[at];
  if (at < 0 || script === undefined || !(basename(script) === 'k8ts' || script.endsWith('cli/main.js'))) return undefined;
  const command = argv[at + 1];
  if (command !== 'server' && command !== 'agent') return undefined;
  const rest = argv.slice(at + 2);
  let dataDir = DEFAULT_DATA_DIR;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--data-dir' && rest[i + 1] !== undefined) dataDir = rest[i + 1]!;
    else if (a.startsWith('--data-dir=')) dataDir = a.slice('--data-dir='.length);
  }
  return { command, dataDir: resolve(dataDir), runsNodeAgent: command === 'agent' || !rest.includes('--disable-agent') };
}

/** Every k8ts server and agent process, other than this one. */
export async function findK8tsProcesses(procRoot = '/proc'): Promise<K8tsProcess[]> {
  const found: K8tsProcess[] = [];
  for (const entry of await readdir(procRoot)) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const raw = await readFile(join(procRoot, entry, 'cmdline'), 'utf8').catch(() => '');
    const parsed = raw ? parseK8tsCommandLine(raw.split('\0').filter((a) => a !== '')) : undefined;
    if (parsed) found.push({ pid, ...parsed });
  }
  return found;
}
