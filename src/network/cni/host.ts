// Host-side pieces the plugins do not own: the masquerade table (one nftables table of
// our own, replaced atomically), IP forwarding, and cleanup of what plugins leave behind
// at node level (the bridge device).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { PodNetworkSetupError } from './errors.js';

const execFileP = promisify(execFile);

/** Runs a command, optionally feeding stdin; rejects with its stderr in the message. */
export function runCommand(cmd: string, args: string[], stdin?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new PodNetworkSetupError(`${cmd} ${args.join(' ')} failed: ${String(stderr).trim() || err.message}`, err));
      else resolve(String(stdout));
    });
    child.stdin?.on('error', () => {});
    child.stdin?.end(stdin ?? '');
  });
}

/**
 * The nft script that (re)defines the table: declaring then deleting the table first
 * makes the whole file one transaction that works whether or not the table exists.
 */
export function masqueradeScript(table: string, podCIDR: string, clusterCIDR: string): string {
  return [
    `table ip ${table}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    // Pod traffic leaving the cluster network takes the node's address; pod-to-pod
    // traffic (inside clusterCIDR) keeps the pod's source address.
    `    ip saddr ${podCIDR} ip daddr != ${clusterCIDR} masquerade`,
    '  }',
    '}',
    '',
  ].join('\n');
}

export async function applyMasquerade(table: string, podCIDR: string, clusterCIDR: string): Promise<void> {
  await runCommand('nft', ['-f', '-'], masqueradeScript(table, podCIDR, clusterCIDR));
}

export async function removeNftTable(table: string): Promise<void> {
  await runCommand('nft', ['-f', '-'], `table ip ${table}\ndelete table ip ${table}\n`);
}

export async function nftTableExists(table: string): Promise<boolean> {
  const out = await runCommand('nft', ['list', 'tables', 'ip']);
  return out.split('\n').some((l) => l.trim() === `table ip ${table}`);
}

export async function enableIPForward(): Promise<void> {
  const f = '/proc/sys/net/ipv4/ip_forward';
  if ((await readFile(f, 'utf8')).trim() === '1') return;
  await writeFile(f, '1\n');
}

export async function linkExists(name: string): Promise<boolean> {
  try {
    await execFileP('ip', ['link', 'show', 'dev', name]);
    return true;
  } catch {
    return false;
  }
}

export async function deleteLink(name: string): Promise<void> {
  if (await linkExists(name)) await runCommand('ip', ['link', 'delete', 'dev', name]);
}
