// The default seccomp profile compiled to a classic BPF program, once, and handed to
// crun through its `run.oci.seccomp_bpf_data` annotation: crun otherwise compiles the
// profile with libseccomp at every container start (0.8 ms of a 5.9 ms `crun run` of
// k8ts's spec here). The spec keeps the profile itself for runc, which ignores the
// annotation. Only the default profile of seccomp.ts on x86-64 is compiled; anything else
// goes to the runtime's own compiler.
//
// The program follows libseccomp's shape for a default-allow list over x86-64, x32 and
// i386: an unknown audit architecture kills, an x86-64 call numbered from
// __X32_SYSCALL_BIT up is an x32 call, each architecture has its own numbers (from the
// kernel's asm/unistd_64.h, unistd_x32.h and unistd_32.h; names an ABI lacks are absent
// there, as in libseccomp), and a listed call answers EPERM.

import { BLOCKED_SYSCALLS, EPERM } from './seccomp.js';

const X86_64: Readonly<Record<string, number>> = {
  acct: 163, add_key: 248, bpf: 321, clock_adjtime: 305, clock_settime: 227, create_module: 174,
  delete_module: 176, finit_module: 313, get_kernel_syms: 177, get_mempolicy: 239, init_module: 175,
  ioperm: 173, iopl: 172, kcmp: 312, kexec_file_load: 320, kexec_load: 246, keyctl: 250,
  lookup_dcookie: 212, mbind: 237, mount: 165, mount_setattr: 442, move_mount: 429, move_pages: 279,
  name_to_handle_at: 303, nfsservctl: 180, open_by_handle_at: 304, open_tree: 428, fsopen: 430,
  fsconfig: 431, fsmount: 432, fspick: 433, perf_event_open: 298, pivot_root: 155,
  process_vm_readv: 310, process_vm_writev: 311, ptrace: 101, query_module: 178, quotactl: 179,
  reboot: 169, request_key: 249, set_mempolicy: 238, setns: 308, settimeofday: 164, swapon: 167,
  swapoff: 168, sysfs: 139, _sysctl: 156, syslog: 103, umount2: 166, unshare: 272, uselib: 134,
  userfaultfd: 323, ustat: 136
};
const X32: Readonly<Record<string, number>> = {
  acct: 163, add_key: 248, bpf: 321, clock_adjtime: 305, clock_settime: 227, delete_module: 176,
  finit_module: 313, get_mempolicy: 239, init_module: 175, ioperm: 173, iopl: 172, kcmp: 312,
  kexec_file_load: 320, kexec_load: 528, keyctl: 250, lookup_dcookie: 212, mbind: 237, mount: 165,
  mount_setattr: 442, move_mount: 429, move_pages: 533, name_to_handle_at: 303, open_by_handle_at: 304,
  open_tree: 428, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, perf_event_open: 298,
  pivot_root: 155, process_vm_readv: 539, process_vm_writev: 540, ptrace: 521, quotactl: 179,
  reboot: 169, request_key: 249, set_mempolicy: 238, setns: 308, settimeofday: 164, swapon: 167,
  swapoff: 168, sysfs: 139, syslog: 103, umount2: 166, unshare: 272, userfaultfd: 323, ustat: 136
};
const I386: Readonly<Record<string, number>> = {
  acct: 51, add_key: 286, bpf: 357, clock_adjtime: 343, clock_settime: 264, create_module: 127,
  delete_module: 129, finit_module: 350, get_kernel_syms: 130, get_mempolicy: 275, init_module: 128,
  ioperm: 101, iopl: 110, kcmp: 349, kexec_load: 283, keyctl: 288, lookup_dcookie: 253, mbind: 274,
  mount: 21, mount_setattr: 442, move_mount: 429, move_pages: 317, name_to_handle_at: 341,
  nfsservctl: 169, open_by_handle_at: 342, open_tree: 428, fsopen: 430, fsconfig: 431, fsmount: 432,
  fspick: 433, perf_event_open: 336, pivot_root: 217, process_vm_readv: 347, process_vm_writev: 348,
  ptrace: 26, query_module: 167, quotactl: 131, reboot: 88, request_key: 287, set_mempolicy: 276,
  setns: 346, settimeofday: 79, stime: 25, swapon: 87, swapoff: 115, sysfs: 135, _sysctl: 149,
  syslog: 103, umount: 22, umount2: 52, unshare: 310, uselib: 86, userfaultfd: 374, ustat: 62,
  vm86: 166, vm86old: 113
};

const AUDIT_ARCH_X86_64 = 0xc000003e;
const AUDIT_ARCH_I386 = 0x40000003;
const X32_SYSCALL_BIT = 0x40000000;
// struct seccomp_data: nr at offset 0, arch at 4.
const LD_W_ABS = 0x20, JEQ_K = 0x15, JGE_K = 0x35, RET_K = 0x06;
const RET_ALLOW = 0x7fff0000, RET_KILL_THREAD = 0x00000000, RET_ERRNO = 0x00050000;

type Insn = { code: number; jt: number | string; jf: number | string; k: number } | { label: string };

/** The program as raw struct sock_filter entries (8 bytes each, little-endian). */
export function compileDefaultSeccomp(): Buffer {
  const arch = (table: Readonly<Record<string, number>>, bias = 0): Insn[] =>
    BLOCKED_SYSCALLS.filter((n) => table[n] !== undefined).map((n) => ({ code: JEQ_K, jt: 'deny', jf: 0, k: (table[n]! + bias) >>> 0 }));
  const prog: Insn[] = [
    { code: LD_W_ABS, jt: 0, jf: 0, k: 4 },
    { code: JEQ_K, jt: 'x86_64', jf: 0, k: AUDIT_ARCH_X86_64 },
    { code: JEQ_K, jt: 'i386', jf: 0, k: AUDIT_ARCH_I386 },
    { code: RET_K, jt: 0, jf: 0, k: RET_KILL_THREAD },
    { label: 'x86_64' },
    { code: LD_W_ABS, jt: 0, jf: 0, k: 0 },
    { code: JGE_K, jt: 'x32', jf: 0, k: X32_SYSCALL_BIT },
    ...arch(X86_64),
    { code: RET_K, jt: 0, jf: 0, k: RET_ALLOW },
    { label: 'x32' },
    ...arch(X32, X32_SYSCALL_BIT),
    { code: RET_K, jt: 0, jf: 0, k: RET_ALLOW },
    { label: 'i386' },
    { code: LD_W_ABS, jt: 0, jf: 0, k: 0 },
    ...arch(I386),
    { code: RET_K, jt: 0, jf: 0, k: RET_ALLOW },
    { label: 'deny' },
    { code: RET_K, jt: 0, jf: 0, k: RET_ERRNO | EPERM },
  ];
  const at = new Map<string, number>();
  const code: Exclude<Insn, { label: string }>[] = [];
  for (const i of prog) { if ('label' in i) at.set(i.label, code.length); else code.push(i); }
  const out = Buffer.alloc(code.length * 8);
  code.forEach((i, pc) => {
    // Jumps are relative to the next instruction and only go forward, at most 255.
    const rel = (j: number | string) => {
      const d = typeof j === 'number' ? j : at.get(j)! - pc - 1;
      if (d < 0 || d > 255) throw new RangeError(`seccomp jump of ${d} at ${pc}`);
      return d;
    };
    out.writeUInt16LE(i.code, pc * 8);
    out.writeUInt8(rel(i.jt), pc * 8 + 2);
    out.writeUInt8(rel(i.jf), pc * 8 + 3);
    out.writeUInt32LE(i.k, pc * 8 + 4);
  });
  return out;
}

let cached: string | undefined;

/** base64 of the compiled default profile, for crun's annotation; undefined off x86-64. */
export function defaultSeccompBpfBase64(): string | undefined {
  if (process.arch !== 'x64') return undefined;
  return (cached ??= compileDefaultSeccomp().toString('base64'));
}

export const SECCOMP_BPF_ANNOTATION = 'run.oci.seccomp_bpf_data';
