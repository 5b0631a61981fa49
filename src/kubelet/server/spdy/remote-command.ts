// exec and attach over SPDY, as kubectl before 1.30 (and later ones falling back)
// speak them: the client opens one stream per channel, named by the `streamtype`
// header (error, stdin, stdout, stderr, resize); once all it asked for are open the
// session runs, and it ends with a Status on the error stream, every stream closed,
// then the connection.

import type { StreamHandle } from '../../../runtime/cri.js';
import { silentLogger, type Logger } from '../../../client/log.js';
import { exitCodeStatus, failureStatus, parseResize, type StreamStatus } from '../channels.js';
import type { RemoteCommandOptions } from '../remote-command.js';
import type { SpdySession, SpdyStream } from './session.js';

/** SPDY's stream protocols for exec and attach (header X-Stream-Protocol-Version), best first. */
export const spdyRemoteCommandProtocols = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;

/** How long a client may take to open all its streams (the kubelet waits 30 s). */
const streamCreationTimeoutMs = 30_000;

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

function expectedStreams(opts: RemoteCommandOptions): StreamType[] {
  const want: StreamType[] = ['error'];
  if (opts.stdin) want.push('stdin');
  if (opts.stdout) want.push('stdout');
  if (opts.stderr && !opts.tty) want.push('stderr');
  if (opts.tty) want.push('resize');
  return want;
}

function waitForStreams(session: SpdySession, want: StreamType[]): Promise<Map<StreamType, SpdyStream> | undefined> {
  return new Promise((resolve) => {
    const got = new Map<StreamType, SpdyStream>();
    const timer = setTimeout(() => finish(undefined), streamCreationTimeoutMs);
    const onStream = (s: SpdyStream) => {
      const t = (s.headers.streamtype ?? '') as StreamType;
      if (want.includes(t)) got.set(t, s);
      if (want.every((w) => got.has(w))) finish(got);
    };
    const onClose = () => finish(undefined);
    function finish(v: Map<StreamType, SpdyStream> | undefined) {
      clearTimeout(timer);
      session.off('stream', onStream);
      session.off('close', onClose);
      resolve(v);
    }
    session.on('stream', onStream);
    session.on('close', onClose);
  });
}

function endOf(s: SpdyStream | undefined): Promise<void> {
  if (!s) return Promise.resolve();
  return new Promise((resolve) => {
    if (s.writableFinished || s.destroyed) return resolve();
    s.once('finish', resolve);
    s.once('close', resolve);
  });
}

export async function serveSpdyRemoteCommand(session: SpdySession, start: () => Promise<StreamHandle>, opts: RemoteCommandOptions, log: Logger = silentLogger): Promise<void> {
  const streams = await waitForStreams(session, expectedStreams(opts));
  if (!streams) { session.destroy(); return; }
  const errorStream = streams.get('error')!;
  const finish = async (status: StreamStatus) => {
    errorStream.end(JSON.stringify(status));
    await endOf(errorStream);
    await session.close();
  };
  let handle: StreamHandle;
  try {
    handle = await start();
  } catch (err) {
    await finish(failureStatus((err as Error).message));
    return;
  }
  const stdin = streams.get('stdin');
  if (stdin && handle.stdin) stdin.pipe(handle.stdin);
  else handle.stdin?.end();
  const resize = streams.get('resize');
  if (resize) {
    let buf = '';
    resize.on('data', (c: Buffer) => {
      buf += c.toString();
      // json.Encoder writes one object per line.
      for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
        const line = buf.slice(0, i).trim();
        buf = buf.slice(i + 1);
        if (!line) continue;
        try {
          void handle.resize(parseResize(Buffer.from(line))).catch((err: unknown) => log.warn(`resize failed: ${(err as Error).message}`));
        } catch (err) {
          log.warn(`ignoring a bad resize message: ${(err as Error).message}`);
        }
      }
    });
  }
  const stdout = streams.get('stdout');
  const stderr = streams.get('stderr');
  if (stdout) handle.stdout.pipe(stdout); else handle.stdout.resume();
  if (handle.stderr) { if (stderr) handle.stderr.pipe(stderr); else handle.stderr.resume(); }
  else stderr?.end();
  const gone = new Promise<undefined>((resolve) => session.once('close', () => resolve(undefined)));
  let status: StreamStatus;
  try {
    const code = await Promise.race([handle.exit, gone]);
    if (code === undefined) {
      handle.stdin?.end();
      handle.stdout.destroy();
      handle.stderr?.destroy();
      return;
    }
    await Promise.all([endOf(stdout), endOf(stderr)]);
    status = exitCodeStatus(code);
  } catch (err) {
    status = failureStatus((err as Error).message);
  }
  await finish(status);
}
