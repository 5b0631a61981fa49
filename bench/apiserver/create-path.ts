// CPU per pod create of the pieces of the create path, in this process (no server, no
// sockets): decode-time checks, managed-fields tracking, defaulting and validation. On a
// shared machine these per-piece figures move far less than end-to-end rates do.
//
//   node dist/bench/apiserver/create-path.js [ops = 4000]

import { ResourceRegistry } from '../../src/api/resources.js';
import { builtinHooks } from '../../src/apiserver/builtin/hooks.js';
import { builtinSeams } from '../../src/apiserver/builtin/index.js';
import type { KObject } from '../../src/apiserver/kobject.js';
import { podBody } from './client.js';

const ops = Number(process.argv[2] ?? 4000);
const registry = new ResourceRegistry();
const pods = registry.lookup('', 'v1', 'pods')!;
const stored = registry.storageType(pods);
const seams = builtinSeams();
const hooks = builtinHooks([]);
const bodies = Array.from({ length: 1000 }, (_, i) => podBody(`p${i}`, `node-${i}`));
const now = new Date();
const parse = (i: number): KObject => JSON.parse(bodies[i % bodies.length]) as KObject;

function cpuPerOp(name: string, op: (i: number) => void): void {
  for (let i = 0; i < Math.min(500, ops); i++) op(i);
  const before = process.cpuUsage();
  for (let i = 0; i < ops; i++) op(i);
  const used = process.cpuUsage(before);
  console.log(`${name.padEnd(34)} ${((used.user + used.system) / ops).toFixed(1).padStart(7)} µs`);
}

const tracked = parse(0);
seams.fields.track(pods, undefined, tracked, 'bench', undefined, now);
const valid = parse(0);
valid.metadata.namespace = 'default';
hooks.defaults(stored, valid);
hooks.prepareForCreate(stored, valid);

cpuPerOp('JSON.parse of the body', (i) => parse(i));
cpuPerOp('type check (decode)', (i) => seams.checker.typeError(pods, parse(i)));
cpuPerOp('unknown fields (decode)', (i) => seams.checker.unknownFields(pods, parse(i)));
cpuPerOp('duplicate fields (decode)', (i) => seams.checker.duplicateFields(bodies[i % bodies.length]));
cpuPerOp('managed fields, create', (i) => seams.fields.track(pods, undefined, parse(i), 'bench', undefined, now));
cpuPerOp('managed fields, update of a label', (i) => {
  const next = structuredClone(tracked);
  next.metadata.labels = { ...next.metadata.labels, seq: String(i) };
  seams.fields.track(pods, tracked, next, 'bench', undefined, now);
});
cpuPerOp('defaults', (i) => hooks.defaults(stored, parse(i)));
cpuPerOp('validation', () => hooks.validate(stored, valid, undefined));
