// What a contract-suite container does, said once and translated by each runtime's
// harness: the fake maps it onto a FakeProgram, real runtimes onto a busybox shell line.

export interface ContractProgram {
  stdout?: string[];
  stderr?: string[];
  /**
   * 'exit': exit with `exitCode` after printing. 'untilStopped': run until stopped.
   * 'trapTerm': on the stop signal exit with `exitCode`. 'ignoreTerm': ignore it, so
   * only SIGKILL after the grace period ends it.
   */
  run: 'exit' | 'untilStopped' | 'trapTerm' | 'ignoreTerm';
  exitCode?: number;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The program as one POSIX shell script. A container's first process is PID 1, which
 * the kernel shields from signals it has no handler for, so "until stopped" installs
 * an explicit TERM handler that exits like the default action would (143).
 */
export function shellScript(p: ContractProgram): string {
  const parts: string[] = [];
  for (const l of p.stdout ?? []) parts.push(`echo ${quote(l)}`);
  for (const l of p.stderr ?? []) parts.push(`echo ${quote(l)} >&2`);
  switch (p.run) {
    case 'exit': parts.push(`exit ${p.exitCode ?? 0}`); break;
    case 'untilStopped': parts.push(`trap 'exit 143' TERM`, 'sleep 100000 & wait'); break;
    case 'trapTerm': parts.push(`trap 'exit ${p.exitCode ?? 0}' TERM`, 'sleep 100000 & wait'); break;
    case 'ignoreTerm': parts.push(`trap '' TERM`, 'while :; do sleep 100000 & wait; done'); break;
  }
  return parts.join('; ');
}
