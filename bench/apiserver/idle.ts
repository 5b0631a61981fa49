// Idle cost of `k8ts server`: resident memory and CPU over a minute with nothing to do,
// after start-up (controllers running, as a user starts it).
//
//   node dist/bench/apiserver/idle.js [seconds = 60]

import { startServer } from './server-process.js';

const seconds = Number(process.argv[2] ?? 60);
const started = performance.now();
const server = await startServer();
const ready = performance.now() - started;
try {
  await new Promise((r) => setTimeout(r, 5000));
  const before = server.usage();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const after = server.usage();
  const cpu = ((after.cpuSeconds - before.cpuSeconds) / seconds) * 100;
  console.log(`start to ready ${ready.toFixed(0)} ms (process spawn included); idle for ${seconds} s: resident ${(after.rss / 1048576).toFixed(0)} MB, CPU ${cpu.toFixed(2)}% of one core`);
} finally {
  await server.stop();
}
