// The compiled default profile, run by a small classic-BPF interpreter over every
// blocked call on each ABI and a set of calls that must pass; crun then runs it for real
// (isolation.test.ts: mount is refused, Seccomp: 2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { compileDefaultSeccomp, defaultSeccompBpfBase64 } from './seccomp-bpf.js';
import { BLOCKED_SYSCALLS } from './seccomp.js';

const X86_64 = 0xc000003e, I386 = 0x40000003, AARCH64 = 0xc00000b7, X32_BIT = 0x40000000;
const ALLOW = 0x7fff0000, EPERM = 0x00050001, KILL = 0;

/** Runs the program on seccomp_data { nr, arch }: the value it returns. */
function run(prog: Buffer, nr: number, arch: number): number {
  let a = 0;
  for (let pc = 0; pc < prog.length / 8;) {
    const code = prog.readUInt16LE(pc * 8), jt = prog[pc * 8 + 2]!, jf = prog[pc * 8 + 3]!, k = prog.readUInt32LE(pc * 8 + 4);
    pc++;
    if (code === 0x20) a = k === 0 ? nr >>> 0 : k === 4 ? arch >>> 0 : NaN;
    else if (code === 0x15) pc += a === k ? jt : jf;
    else if (code === 0x35) pc += a >= k ? jt : jf;
    else if (code === 0x06) return k;
    else throw new Error(`unexpected opcode ${code}`);
  }
  throw new Error('fell off the end');
}

/** name -> number from the kernel's header, when the headers are installed. */
function header(file: string): Map<string, number> | undefined {
  let text: string;
  try { text = readFileSync(`/usr/include/x86_64-linux-gnu/asm/${file}`, 'utf8'); } catch { return undefined; }
  const m = new Map<string, number>();
  for (const l of text.split('\n')) {
    const r = /^#define __NR_(\w+)\s+(?:\(__X32_SYSCALL_BIT \+ )?(\d+)\)?$/.exec(l);
    if (r) m.set(r[1]!, Number(r[2]) + (file.includes('x32') ? X32_BIT : 0));
  }
  return m;
}

test('every blocked call is EPERM on x86-64, x32 and i386; everything else passes; other ABIs are killed', () => {
  const prog = compileDefaultSeccomp();
  for (const [file, arch] of [['unistd_64.h', X86_64], ['unistd_x32.h', X86_64], ['unistd_32.h', I386]] as const) {
    const table = header(file);
    if (!table) continue; // no kernel headers here: the fixed numbers below still run
    for (const [name, nr] of table) {
      assert.equal(run(prog, nr, arch), BLOCKED_SYSCALLS.includes(name) ? EPERM : ALLOW, `${name} (${nr}) in ${file}`);
    }
  }
  // Fixed numbers: x86-64 read 0, getpid 39, unshare 272, mount 165; i386 mount 21, getpid 20; x32 ptrace 521.
  assert.equal(run(prog, 0, X86_64), ALLOW);
  assert.equal(run(prog, 39, X86_64), ALLOW);
  assert.equal(run(prog, 272, X86_64), EPERM);
  assert.equal(run(prog, 165, X86_64), EPERM);
  assert.equal(run(prog, 21, I386), EPERM);
  assert.equal(run(prog, 20, I386), ALLOW);
  assert.equal(run(prog, X32_BIT + 521, X86_64), EPERM);
  assert.equal(run(prog, X32_BIT + 39, X86_64), ALLOW);
  assert.equal(run(prog, 39, AARCH64), KILL);
  if (process.arch === 'x64') assert.equal(defaultSeccompBpfBase64(), prog.toString('base64'));
});
