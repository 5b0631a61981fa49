// The logger shape every client component takes: the same three methods as cli's
// logger, so the CLI can hand its own in.

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
