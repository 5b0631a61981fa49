// One exec or attach session over a WebSocket speaking the channel protocol: the
// process's stdout and stderr go out as channel 1 and 2 frames, stdin and resize
// frames come in, and when the process has exited and its output is drained the
// session ends with a Status on the error channel and a normal close, which is how
// kubectl learns the exit code.

import type { Readable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { StreamHandle } from '../../runtime/cri.js';
import { silentLogger, type Logger } from '../../client/log.js';
import {
  ChannelClose, ChannelError, ChannelResize, ChannelStderr, ChannelStdin, ChannelStdout, FrameError,
  decodeFrame, encodeFrame, exitCodeStatus, failureStatus, parseResize, protocolV5, type StreamStatus,
} from './channels.js';

export interface RemoteCommandOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

function send(ws: WebSocket, frame: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState !== ws.OPEN) return resolve();
    // The callback fires once the frame is handed to the socket: awaiting it is the back-pressure.
    ws.send(frame, { binary: true }, () => resolve());
  });
}

async function pump(ws: WebSocket, channel: number, stream: Readable | null, forward: boolean): Promise<void> {
  if (!stream) return;
  for await (const chunk of stream) {
    if (forward) await send(ws, encodeFrame(channel, typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer)));
  }
}

export async function finishSession(ws: WebSocket, status: StreamStatus): Promise<void> {
  await send(ws, encodeFrame(ChannelError, JSON.stringify(status)));
  if (ws.readyState === ws.OPEN) ws.close(1000);
}

/**
 * Runs the session to its end. `start` opens the runtime's stream (exec or attach);
 * its failure becomes a Failure status on the error channel.
 */
export async function serveRemoteCommand(ws: WebSocket, protocol: string, start: () => Promise<StreamHandle>, opts: RemoteCommandOptions, log: Logger = silentLogger): Promise<void> {
  // Frames can arrive before the runtime answers: keep them until stdin exists.
  const early: Buffer[] = [];
  let handle: StreamHandle | undefined;
  let clientGone = false;
  let onGone: () => void = () => {};
  const gone = new Promise<void>((resolve) => { onGone = resolve; });
  const onFrame = (msg: Buffer) => {
    let f;
    try {
      f = decodeFrame(msg);
    } catch {
      return;
    }
    if (!handle) { early.push(msg); return; }
    switch (f.channel) {
      case ChannelStdin:
        if (handle.stdin && !handle.stdin.writableEnded) handle.stdin.write(f.data);
        break;
      case ChannelResize:
        try {
          const size = parseResize(f.data);
          void handle.resize(size).catch((err: unknown) => log.warn(`resize failed: ${(err as Error).message}`));
        } catch (err) {
          if (!(err instanceof FrameError)) throw err;
          log.warn(`ignoring a bad resize message: ${err.message}`);
        }
        break;
      case ChannelClose:
        // v5: the client closed one of its streams; only stdin is the client's to close.
        if (protocol === protocolV5 && f.data[0] === ChannelStdin) handle.stdin?.end();
        break;
    }
  };
  ws.on('message', (data: Buffer | ArrayBuffer | Buffer[]) => onFrame(Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data)));
  ws.on('close', () => {
    clientGone = true;
    onGone();
    if (handle) {
      handle.stdin?.end();
      // An attach ends with the client; the container goes on.
      handle.stdout.destroy();
      handle.stderr?.destroy();
    }
  });
  ws.on('error', (err) => log.warn(`stream websocket: ${err.message}`));

  try {
    handle = await start();
  } catch (err) {
    await finishSession(ws, failureStatus((err as Error).message));
    return;
  }
  if (!opts.stdin) handle.stdin?.end();
  if (clientGone) { handle.stdin?.end(); handle.stdout.destroy(); handle.stderr?.destroy(); }
  for (const m of early.splice(0)) onFrame(m);

  const output = Promise.all([
    pump(ws, ChannelStdout, handle.stdout, opts.stdout).catch(() => undefined),
    pump(ws, ChannelStderr, handle.stderr, opts.stderr && !opts.tty).catch(() => undefined),
  ]);
  let status: StreamStatus;
  try {
    // An attach outlives a client that went away: stop waiting for the container then.
    const code = await Promise.race([handle.exit, gone.then(() => undefined)]);
    if (code === undefined) return;
    await output;
    status = exitCodeStatus(code);
  } catch (err) {
    await output;
    status = failureStatus((err as Error).message);
  }
  if (!clientGone) await finishSession(ws, status);
}
