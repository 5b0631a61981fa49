// The default seccomp profile: allow everything except the system calls that let a
// container reach past its namespaces (kernel modules, kexec, mount, namespace
// changes, raw kernel memory, clocks, keyrings, tracing other processes). It follows
// the list Docker's default profile blocks, written as a deny-list over a default
// allow, which is simpler to audit than Docker's allow-list and blocks the same calls
// that exist on x86-64.

export interface SeccompProfile {
  defaultAction: string;
  architectures: string[];
  syscalls: { names: string[]; action: string; errnoRet?: number }[];
}

export const BLOCKED_SYSCALLS: readonly string[] = [
  'acct', 'add_key', 'bpf', 'clock_adjtime', 'clock_settime', 'create_module', 'delete_module',
  'finit_module', 'get_kernel_syms', 'get_mempolicy', 'init_module', 'ioperm', 'iopl', 'kcmp',
  'kexec_file_load', 'kexec_load', 'keyctl', 'lookup_dcookie', 'mbind', 'mount', 'mount_setattr',
  'move_mount', 'move_pages', 'name_to_handle_at', 'nfsservctl', 'open_by_handle_at', 'open_tree',
  'fsopen', 'fsconfig', 'fsmount', 'fspick', 'perf_event_open', 'pivot_root', 'process_vm_readv',
  'process_vm_writev', 'ptrace', 'query_module', 'quotactl', 'reboot', 'request_key', 'set_mempolicy',
  'setns', 'settimeofday', 'stime', 'swapon', 'swapoff', 'sysfs', '_sysctl', 'syslog', 'umount',
  'umount2', 'unshare', 'uselib', 'userfaultfd', 'ustat', 'vm86', 'vm86old',
];

export const EPERM = 1;

export function defaultSeccompProfile(): SeccompProfile {
  return {
    defaultAction: 'SCMP_ACT_ALLOW',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [{ names: [...BLOCKED_SYSCALLS], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM }],
  };
}
