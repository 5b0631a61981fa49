// The Kubernetes channel protocol over WebSocket (`vN.channel.k8s.io`), which kubectl
// 1.30+ speaks for exec and attach: every binary message starts with one byte naming
// its channel (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize), the rest is payload.
// v4 made the error channel a JSON metav1.Status carrying the exit code; v5 added
// channel 255, on which the client says "I closed channel N" (a half-close of stdin).

export const ChannelStdin = 0;
export const ChannelStdout = 1;
export const ChannelStderr = 2;
export const ChannelError = 3;
export const ChannelResize = 4;
export const ChannelClose = 255;

export const protocolV5 = 'v5.channel.k8s.io';
export const protocolV4 = 'v4.channel.k8s.io';

/** The subprotocols this server speaks for exec and attach, best first. */
export const remoteCommandProtocols = [protocolV5, protocolV4] as const;

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

export function encodeFrame(channel: number, data: Buffer | string): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data) : data;
  const out = Buffer.allocUnsafe(payload.length + 1);
  out[0] = channel;
  payload.copy(out, 1);
  return out;
}

export function decodeFrame(msg: Buffer): { channel: number; data: Buffer } {
  if (msg.length === 0) throw new FrameError('empty channel message');
  return { channel: msg[0], data: msg.subarray(1) };
}

/** Picks the best subprotocol both sides speak, or undefined. */
export function negotiateProtocol(offered: Iterable<string>, supported: readonly string[] = remoteCommandProtocols): string | undefined {
  const set = new Set([...offered].map((p) => p.trim()));
  return supported.find((p) => set.has(p));
}

export interface TerminalSize { width: number; height: number }

/** A resize message: `{"Width":80,"Height":24}` (Go field names). */
export function parseResize(data: Buffer): TerminalSize {
  let v: unknown;
  try {
    v = JSON.parse(data.toString('utf8'));
  } catch {
    throw new FrameError('resize message is not JSON');
  }
  const o = v as { Width?: unknown; Height?: unknown };
  if (typeof o !== 'object' || o === null || typeof o.Width !== 'number' || typeof o.Height !== 'number') throw new FrameError('resize message needs numeric Width and Height');
  return { width: o.Width, height: o.Height };
}

export interface StreamStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: { reason: string; message: string }[] };
}

export function successStatus(): StreamStatus {
  return { metadata: {}, status: 'Success' };
}

/** The Status kubectl turns into its own exit code. */
export function exitCodeStatus(code: number): StreamStatus {
  if (code === 0) return successStatus();
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: exit status ${code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
  };
}

export function failureStatus(message: string): StreamStatus {
  return { metadata: {}, status: 'Failure', message };
}
