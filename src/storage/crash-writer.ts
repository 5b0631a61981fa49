// A child process for the crash test (sqlite-crash.test.ts): creates keys with many
// writes in flight and prints "ack <key> <revision>" once each is acknowledged. The test
// kills it with SIGKILL mid-stream and checks every acknowledged write survived.
// Usage: node crash-writer.js <db path> <key prefix> [in flight = 64] [max writes = 200000]
// Stdout on a pipe is synchronous on Linux, so a printed ack left this process before
// the next write began; the loop is bounded so a forgotten child ends by itself.

import { SqliteStore } from './sqlite.js';

async function main(): Promise<void> {
  const [path, prefix, inFlightArg, maxArg] = process.argv.slice(2);
  if (!path || !prefix) throw new Error('usage: crash-writer <db path> <key prefix> [in flight] [max writes]');
  const inFlight = Number(inFlightArg ?? 64);
  const max = Number(maxArg ?? 200_000);
  const store = new SqliteStore({ path, compactIntervalMs: 0 });
  const value = 'x'.repeat(1500);
  let next = 0;
  process.stdout.write('ready\n');
  const worker = async (): Promise<void> => {
    while (next < max) {
      const key = `${prefix}${next++}`;
      const kv = await store.create(key, `${key}:${value}`);
      process.stdout.write(`ack ${key} ${kv.modRevision}\n`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  await store.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`crash-writer: ${String(err)}\n`);
  process.exit(1);
});
