// Runs `nft -f -` with a script on stdin; one call is one atomic kernel transaction.
import { spawn } from 'node:child_process';
import type { NftRunner } from './types.js';

export class NftError extends Error {
  constructor(readonly code: number | null, readonly stderr: string) {
    super(`nft -f - failed (exit ${code}): ${stderr.trim().slice(0, 2000)}`);
    this.name = 'NftError';
  }
}

export function runNft(args: string[], stdin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('nft', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new NftError(code, err))));
    child.stdin.end(stdin);
  });
}

export const execNft: NftRunner = {
  async apply(text: string): Promise<void> {
    await runNft(['-f', '-'], text);
  },
};

/** Deletes a table if present (the `destroy` keyword needs nft >= 1.0.8, so add first). */
export function deleteTableScript(family: string, table: string): string {
  return `table ${family} ${table}\ndelete table ${family} ${table}\n`;
}
