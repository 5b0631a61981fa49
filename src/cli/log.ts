// Structured logs: one line per event, `time level component message`, on stderr.

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

export function logger(component: string, out: NodeJS.WritableStream = process.stderr): Logger {
  const line = (level: string, msg: string) => out.write(`${new Date().toISOString()} ${level} ${component}: ${msg}\n`);
  return { info: (m) => line('info', m), warn: (m) => line('warn', m), error: (m) => line('error', m) };
}
