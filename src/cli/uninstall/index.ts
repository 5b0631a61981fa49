// `k8ts uninstall`: takes this machine out of k8ts, as k3s' uninstall script does: every
// container and pod sandbox, the pod network, the service proxy's rules, the DNS
// address, host-gw routes, pod cgroups, mounts, and (unless --keep-data) the data dir.

import { existsSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { FlagError, parseFlags } from '../flags.js';
import { logger } from '../log.js';
import { removeNodeState } from './node-state.js';
import { DEFAULT_DATA_DIR, findK8tsProcesses, type K8tsProcess } from './processes.js';

const usage = `usage: k8ts uninstall [--data-dir DIR] [--keep-data]

Stops and removes every container and pod k8ts runs on this machine and everything its
node agent added to the kernel (bridge k8ts0, nftables tables k8ts-podnet and
k8ts-proxy, link k8ts-dns, pod routes, kubepods cgroups), then the data directory.
Stop \`k8ts server\` and \`k8ts agent\` first.

  --data-dir DIR   the data directory of the server or agent (default ${DEFAULT_DATA_DIR})
  --keep-data      keep DIR's certificates, datastore and images
`;

/** What a k8ts data dir holds at its top (server: tls, db; agent: agent; both: runtime). */
const K8TS_ENTRIES = ['runtime', 'agent', 'tls', 'kubeconfig.yaml', 'token', 'db'];

/** Why this uninstall may not go ahead, or undefined. */
export function refusal(dataDir: string, running: K8tsProcess[], entries: string[] | undefined): string | undefined {
  const same = running.find((p) => p.dataDir === dataDir);
  if (same) return `k8ts ${same.command} (pid ${same.pid}) is running with data dir ${dataDir}: stop it first`;
  if (dataDir === '/' || dataDir.split('/').length < 3) return `refusing to remove ${dataDir}: give the k8ts data directory itself`;
  if (entries && entries.length > 0 && !entries.some((e) => K8TS_ENTRIES.includes(e))) {
    return `${dataDir} holds none of k8ts' files (${K8TS_ENTRIES.join(', ')}): not a k8ts data directory`;
  }
  const agent = running.find((p) => p.runsNodeAgent);
  if (agent) return `k8ts ${agent.command} (pid ${agent.pid}, data dir ${agent.dataDir}) runs this machine's node agent, whose pod network and rules uninstall would remove: stop it first`;
  return undefined;
}

export async function runUninstall(args: string[]): Promise<number> {
  let flags;
  try {
    flags = parseFlags(args, { values: { 'data-dir': DEFAULT_DATA_DIR }, switches: ['keep-data', 'help'], aliases: { h: 'help' } });
  } catch (err) {
    if (err instanceof FlagError) {
      process.stderr.write(`k8ts uninstall: ${err.message}\n${usage}`);
      return 2;
    }
    throw err;
  }
  if (flags.switches.has('help')) {
    process.stdout.write(usage);
    return 0;
  }
  if (flags.positional.length > 0) {
    process.stderr.write(`k8ts uninstall: unexpected argument ${JSON.stringify(flags.positional[0])}\n${usage}`);
    return 2;
  }
  const dataDir = resolve(flags.values['data-dir'] as string);
  const entries = existsSync(dataDir) ? readdirSync(dataDir) : undefined;
  const why = refusal(dataDir, await findK8tsProcesses(), entries);
  if (why) {
    process.stderr.write(`k8ts uninstall: ${why}\n`);
    return 1;
  }
  const log = logger('uninstall');
  log.info(`removing k8ts from this machine (data dir ${dataDir}${flags.switches.has('keep-data') ? ', kept' : ''})`);
  const failed = await removeNodeState({ dataDir, keepData: flags.switches.has('keep-data'), log });
  if (failed.length > 0) {
    process.stderr.write(`k8ts uninstall: ${failed.length} step(s) failed:\n${failed.map((f) => `  ${f}`).join('\n')}\n`);
    return 1;
  }
  log.info(flags.switches.has('keep-data') ? `done: k8ts is stopped and its node state removed; ${dataDir} kept` : 'done: nothing of k8ts is left on this machine');
  return 0;
}
