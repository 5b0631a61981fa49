// Runs short-lived programs (the CNI plugins) from a small long-lived helper process
// instead of from the agent itself. Node's spawn forks the whole agent (hundreds of MB
// of page tables) and blocks its event loop until the child has exec'd, which on a
// loaded 2-core node is milliseconds per plugin: a CPU profile of 100 pods started at
// once showed a quarter of the agent's CPU in ChildProcess.spawn. One perl process
// (perl-base is on every Debian system, a few MB) forks instead, many children at a
// time, feeds each its stdin, collects stdout and stderr and reports the exit status.
//
// Protocol, one line each way, fields hex-encoded (lists NUL-separated):
//   x <id> <path> <argv> <env K=V> <stdin>       ->  r <id> <status> <stdout> <stderr>
//   d <id> <path> <argv> <env K=V> <cwd>         ->  s <id> <pid> <fd 3 message> <stderr>
//   k <id>                                        (SIGKILL the job's process)
// `d` starts a monitor such as conmon: in a session of its own, stdin and stdout on
// /dev/null, and replies with what it writes on fd 3 up to its first '}' (or at EOF)
// while the program keeps running; the helper reaps it when it exits.
// status is the exit code, or 128 + the signal that ended it; 127 with "exec: ..." on
// stderr when the program could not be executed. The helper exits when our end of its
// stdin closes; it keeps our event loop up only while jobs run.

import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

const SCRIPT = String.raw`
use strict;
use POSIX ();
use IO::Select;
$| = 1;
$SIG{PIPE} = 'IGNORE';
my $sel = IO::Select->new(\*STDIN);
my (%byfd, %job, @waiting);
my $in = '';
my $eof = 0;
my %detached;
sub setenv { my ($env) = @_; %ENV = map { my ($k, $v) = split /=/, $_, 2; ($k, $v // '') } grep { length } split /\0/, $env; }
sub detach {
  my ($id, $path, $argv, $env, $cwd) = @_;
  pipe(my $sr, my $sw) or return reply_fail($id, "pipe: $!");
  pipe(my $er, my $ew) or return reply_fail($id, "pipe: $!");
  my $pid = fork();
  return reply_fail($id, "fork: $!") unless defined $pid;
  if ($pid == 0) {
    close $sr; close $er;
    POSIX::setsid();
    chdir($cwd) if length $cwd;
    open(my $null, '+<', '/dev/null');
    POSIX::dup2(fileno($null), 0); POSIX::dup2(fileno($null), 1); POSIX::dup2(fileno($ew), 2);
    # fd 3 may be one of the pipes already: move the sync end out of the way first.
    my $s = POSIX::dup(fileno($sw)); POSIX::dup2($s, 3); POSIX::close($s) if $s != 3;
    setenv($env);
    exec { $path } $path, grep { length } split /\0/, $argv or do { print STDERR "exec: $!"; POSIX::_exit(127); };
  }
  close $sw; close $ew;
  $detached{$pid} = 1;
  $job{$id} = { pid => $pid, out => '', err => '', open => 2, sync => 1 };
  for ([$sr, 'out'], [$er, 'err']) { $byfd{fileno($_->[0])} = [$id, $_->[1], $_->[0]]; $sel->add($_->[0]); }
}
sub synced {
  my ($id) = @_;
  my $j = delete $job{$id};
  for my $fd (keys %byfd) { next unless $byfd{$fd}[0] eq $id; $sel->remove($byfd{$fd}[2]); close $byfd{$fd}[2]; delete $byfd{$fd}; }
  print "s $id " . unpack('H*', "$j->{pid}") . ' ' . unpack('H*', $j->{out}) . ' ' . unpack('H*', $j->{err}) . "\n";
}
sub start {
  my ($id, $path, $argv, $env, $stdin) = @_;
  pipe(my $ir, my $iw) or return reply_fail($id, "pipe: $!");
  pipe(my $or, my $ow) or return reply_fail($id, "pipe: $!");
  pipe(my $er, my $ew) or return reply_fail($id, "pipe: $!");
  my $pid = fork();
  return reply_fail($id, "fork: $!") unless defined $pid;
  if ($pid == 0) {
    close $iw; close $or; close $er;
    POSIX::dup2(fileno($ir), 0); POSIX::dup2(fileno($ow), 1); POSIX::dup2(fileno($ew), 2);
    setenv($env);
    exec { $path } $path, grep { length } split /\0/, $argv or do { print STDERR "exec: $!"; POSIX::_exit(127); };
  }
  close $ir; close $ow; close $ew;
  $job{$id} = { pid => $pid, out => '', err => '', open => 2 };
  for ([$or, 'out'], [$er, 'err']) { $byfd{fileno($_->[0])} = [$id, $_->[1], $_->[0]]; $sel->add($_->[0]); }
  # Plugins read their whole stdin before they answer; a configuration is a few KB.
  print {$iw} $stdin;
  close $iw;
}
sub reply_fail { my ($id, $msg) = @_; print "r $id " . unpack('H*', '127') . " " . " " . unpack('H*', $msg) . "\n"; }
sub finish {
  my ($id, $st) = @_;
  my $j = delete $job{$id};
  my $code = ($st & 127) ? 128 + ($st & 127) : ($st >> 8);
  print "r $id " . unpack('H*', "$code") . ' ' . unpack('H*', $j->{out}) . ' ' . unpack('H*', $j->{err}) . "\n";
}
while (1) {
  last if $eof && !%job;
  my @ready = $sel->can_read(@waiting ? 0.005 : %detached ? 1 : undef);
  for my $pid (keys %detached) { delete $detached{$pid} if waitpid($pid, POSIX::WNOHANG()) > 0; }
  for my $fh (@ready) {
    # A pipe closed earlier in this round (a detached job answered) has no fd any more.
    my $fd = fileno($fh);
    next unless defined $fd;
    if ($fd == 0) {
      my $n = sysread(STDIN, my $buf, 65536);
      if (!$n) { $sel->remove(\*STDIN); $eof = 1; next; }
      $in .= $buf;
      while ($in =~ s/^([^\n]*)\n//) {
        my ($op, $id, @h) = split / /, $1;
        my @a = map { pack('H*', $_) } @h;
        if ($op eq 'x') { start($id, @a); }
        elsif ($op eq 'd') { detach($id, @a); }
        elsif ($op eq 'k' && $job{$id}) { kill 'KILL', $job{$id}{pid}; }
      }
      next;
    }
    my $e = $byfd{$fd};
    next unless $e;
    my ($id, $which) = @$e;
    my $n = sysread($fh, my $buf, 65536);
    if ($n) {
      $job{$id}{$which} .= $buf;
      synced($id) if $job{$id}{sync} && $which eq 'out' && index($job{$id}{out}, '}') >= 0;
      next;
    }
    if ($job{$id}{sync} && $which eq 'out') { synced($id); next; }
    $sel->remove($fh); delete $byfd{fileno($fh)}; close $fh;
    next if $job{$id}{sync};
    push @waiting, $id if --$job{$id}{open} == 0;
  }
  # Both pipes closed: the program is exiting (or left a child holding nothing of ours).
  @waiting = grep {
    my $id = $_;
    my $r = waitpid($job{$id}{pid}, POSIX::WNOHANG());
    if ($r > 0) { finish($id, $?); 0 } else { 1 }
  } @waiting;
}
`;

export interface SpawnResult { code: number; stdout: string; stderr: string }
/** A detached program's pid, what it wrote on fd 3 (up to its first '}'), its stderr so far. */
export interface DetachedStart { pid: number; message: string; stderr: string }

/** The helper cannot run (no perl): callers spawn the program themselves. */
export class SpawnerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpawnerUnavailableError';
  }
}

interface Job { resolve(r: SpawnResult & { pid?: number }): void; reject(e: Error): void }
interface Helper { child: ChildProcess; jobs: Map<string, Job> }

const hex = (s: string) => Buffer.from(s).toString('hex');
const unhex = (s: string | undefined) => Buffer.from(s ?? '', 'hex').toString('utf8');

export class Spawner {
  private current: Helper | null = null;
  private broken: string | null = null;
  private next = 0;

  /** Runs `path` with exactly `env`, writes `stdin`, and resolves with its status and output. */
  run(path: string, env: Record<string, string | undefined>, stdin: string, timeoutMs: number, argv: string[] = []): Promise<SpawnResult> {
    return this.request('x', path, argv, env, stdin, timeoutMs);
  }

  /**
   * Starts `path` detached (own session, stdio on /dev/null but stderr) and resolves once
   * it has written a message ending in '}' on fd 3 or closed it; it keeps running.
   */
  async detached(path: string, argv: string[], env: Record<string, string | undefined>, cwd: string, timeoutMs: number): Promise<DetachedStart> {
    const r = await this.request('d', path, argv, env, cwd, timeoutMs);
    return { pid: r.pid ?? 0, message: r.stdout, stderr: r.stderr };
  }

  private request(op: 'x' | 'd', path: string, argv: string[], env: Record<string, string | undefined>, last: string, timeoutMs: number): Promise<SpawnResult & { pid?: number }> {
    const h = this.current ?? this.start();
    if (!h) return Promise.reject(new SpawnerUnavailableError(this.broken ?? 'spawner unavailable'));
    const id = String(++this.next);
    const envText = Object.entries(env).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${v}`).join('\0');
    if (argv.some((a) => a === '' || a.includes('\0'))) return Promise.reject(new TypeError('spawner arguments must be non-empty and hold no NUL'));
    return new Promise<SpawnResult & { pid?: number }>((resolve, reject) => {
      const timer = setTimeout(() => h.child.stdin!.write(`k ${id}\n`), timeoutMs);
      timer.unref();
      if (h.jobs.size === 0) hold(h.child, true);
      h.jobs.set(id, {
        resolve: (r) => { clearTimeout(timer); resolve(r); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      });
      h.child.stdin!.write(`${op} ${id} ${hex(path)} ${hex(argv.join('\0'))} ${hex(envText)} ${hex(last)}\n`);
    });
  }

  /** Ends the helper once its jobs are done; the next run starts another. */
  close(): void {
    this.current?.child.stdin?.end();
    this.current = null;
  }

  private start(): Helper | null {
    if (this.broken) return null;
    const child = spawn('perl', ['-e', SCRIPT], { stdio: ['pipe', 'pipe', 'ignore'] });
    const h: Helper = { child, jobs: new Map() };
    this.current = h;
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const [op, id, code, out, err] = l.split(' ');
      const job = (op === 'r' || op === 's') && id !== undefined ? h.jobs.get(id) : undefined;
      if (!job) return;
      h.jobs.delete(id!);
      if (h.jobs.size === 0) hold(child, false);
      if (op === 's') job.resolve({ code: 0, pid: Number(unhex(code)), stdout: unhex(out), stderr: unhex(err) });
      else job.resolve({ code: Number(unhex(code)), stdout: unhex(out), stderr: unhex(err) });
    });
    const fail = (why: string, permanent: boolean) => {
      if (this.current === h) this.current = null;
      if (permanent) this.broken = why;
      for (const j of h.jobs.values()) j.reject(new SpawnerUnavailableError(why));
      h.jobs.clear();
    };
    child.on('error', (e) => fail(`cannot run perl: ${e.message}`, true));
    child.on('exit', (code, sig) => fail(`spawner exited (${sig ?? code})`, false));
    child.stdin!.on('error', () => { /* reported through exit */ });
    hold(child, false);
    return h;
  }
}

/** Keeps the event loop up only while a job runs. */
function hold(child: ChildProcess, on: boolean): void {
  const streams = [child.stdin, child.stdout] as ({ ref?(): void; unref?(): void } | null)[];
  if (on) { child.ref(); for (const s of streams) s?.ref?.(); } else { child.unref(); for (const s of streams) s?.unref?.(); }
}

/** The process-wide spawner. */
export const spawner = new Spawner();
