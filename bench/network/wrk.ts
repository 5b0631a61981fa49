// Reading wrk's report (run with --latency): the latency percentiles, requests per
// second and socket errors, with its units (us, ms, s) turned into milliseconds.

export interface WrkResult {
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  requestsPerSecond: number;
  /** connect, read, write and timeout errors together. */
  errors: number;
}

export class WrkParseError extends Error {
  override name = 'WrkParseError';
}

function ms(value: string, unit: string): number {
  const v = Number(value);
  if (unit === 'us') return v / 1000;
  if (unit === 'ms') return v;
  if (unit === 's') return v * 1000;
  if (unit === 'm') return v * 60_000;
  throw new WrkParseError(`unknown time unit ${unit}`);
}

export function parseWrk(out: string): WrkResult {
  const pct = (p: number): number => {
    const m = new RegExp(`^\\s*${p}(?:\\.0+)?%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(out);
    if (!m) throw new WrkParseError(`no ${p}% latency in wrk's output:\n${out}`);
    return ms(m[1]!, m[2]!);
  };
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  if (!rps) throw new WrkParseError(`no Requests/sec in wrk's output:\n${out}`);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const errors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  return { p50Ms: pct(50), p90Ms: pct(90), p99Ms: pct(99), requestsPerSecond: Number(rps[1]), errors };
}
