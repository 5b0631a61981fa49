// The node's streaming server: logs, exec and attach for the API server to reach.

export { StreamingServer, parseRoute, remoteCommandOptions, type StreamingServerOptions } from './streaming-server.js';
export { ContainerUnavailableError, type ContainerLocator, type LocatedContainer } from './locator.js';
export { portForwardProtocol, servePortForward, type PortForwarder } from './spdy/port-forward.js';
export { SpdySession, SpdyStream } from './spdy/session.js';
export { streamCriLog, parseCriLogLine, formatRecord, tailRecords, parseRfc3339Ns, type CriLogRecord, type CriLogOptions } from './cri-log.js';
export {
  encodeFrame, decodeFrame, negotiateProtocol, parseResize, exitCodeStatus, successStatus, failureStatus, FrameError,
  ChannelStdin, ChannelStdout, ChannelStderr, ChannelError, ChannelResize, ChannelClose, protocolV4, protocolV5, remoteCommandProtocols,
  type StreamStatus, type TerminalSize,
} from './channels.js';
export { serveRemoteCommand, type RemoteCommandOptions } from './remote-command.js';
export { logOptions } from './logs-handler.js';
export { HttpError } from './http-errors.js';
export { StatsSummaryProvider, parseProcStatCpu, parseMeminfoBytes, nanoCores, type Summary, type PodSummary, type ContainerSummary, type StatsSummaryOptions } from './stats-summary.js';
export { renderResourceMetrics } from './resource-metrics.js';
