// Durability: a writer killed with SIGKILL mid-stream loses no acknowledged write.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { SqliteStore } from './sqlite.js';

const WRITER = fileURLToPath(new URL('./crash-writer.js', import.meta.url));

interface Ack { key: string; revision: number }

/** Runs the writer until it has acknowledged `killAfter` writes, then kills it with SIGKILL. */
function runAndKill(path: string, prefix: string, killAfter: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, path, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    const acks: Ack[] = [];
    let buf = '';
    let stderr = '';
    let killed = false;
    const guard = setTimeout(() => { child.kill('SIGKILL'); }, 30_000);
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => { stderr += d; });
    child.stdout.on('data', (d: string) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop()!; // a partial last line is not an acknowledgement
      for (const line of lines) {
        const m = /^ack (\S+) (\d+)$/.exec(line);
        if (m) acks.push({ key: m[1]!, revision: Number(m[2]) });
      }
      if (!killed && acks.length >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      if (signal !== 'SIGKILL') reject(new Error(`writer ended on its own (code ${code}): ${stderr}`));
      else resolve(acks);
    });
  });
}

test('every write acknowledged before kill -9 is there after reopening', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-crash-'));
  try {
    const path = join(dir, 'state.db');
    let lastRevision = 0;
    // Twice on the same file: the second run starts from the recovered state.
    for (const [round, killAfter] of [[0, 3000], [1, 1500]] as const) {
      const acks = await runAndKill(path, `/crash/${round}/`, killAfter);
      assert.ok(acks.length >= killAfter);
      const store = new SqliteStore({ path, compactIntervalMs: 0 });
      try {
        const rev = await store.currentRevision();
        for (const ack of acks) {
          const kv = await store.get(ack.key);
          assert.ok(kv, `acknowledged ${ack.key} is missing after the crash`);
          assert.equal(kv.modRevision, ack.revision);
          assert.ok(kv.value.startsWith(`${ack.key}:`));
          assert.ok(ack.revision > lastRevision, 'revisions continue from the recovered state');
        }
        assert.ok(rev >= Math.max(...acks.map((a) => a.revision)));
        // The log holds no hole: every revision up to the recovered one is a row.
        assert.equal(store.stats().rows, rev);
        lastRevision = rev;
      } finally {
        await store.close();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
