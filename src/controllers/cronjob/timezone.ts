// Wall-clock time in an IANA time zone, through Intl (the zone database Node ships). A
// wall time is kept as the milliseconds a UTC clock would show for it, so schedule
// arithmetic can use Date's UTC getters and never meets a daylight-saving shift.

export class UnknownTimeZoneError extends Error {
  override name = 'UnknownTimeZoneError';
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    } catch (err) {
      throw new UnknownTimeZoneError(`unknown time zone ${tz}`, { cause: err });
    }
    formatters.set(tz, f);
  }
  return f;
}

export function checkTimeZone(tz: string): void {
  formatter(tz);
}

/** The zone the controller runs in, used when a CronJob names none. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** The wall time (as UTC-clock milliseconds) an instant shows in tz, to the second. */
export function wallOf(instant: number, tz: string): number {
  if (tz === 'UTC' || tz === 'Etc/UTC') return Math.floor(instant / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(instant))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
}

/** Offset of tz from UTC at an instant, in ms (positive east of Greenwich). */
export function offsetAt(instant: number, tz: string): number {
  return wallOf(instant, tz) - Math.floor(instant / 1000) * 1000;
}

/** The instant a wall time falls on; inside a spring-forward gap, the instant just after it. */
export function instantOf(wall: number, tz: string, near: number): number {
  let i = wall - offsetAt(near, tz);
  for (let k = 0; k < 3; k++) {
    const next = wall - offsetAt(i, tz);
    if (next === i) break;
    i = next;
  }
  return i;
}

/** RFC 3339 with the zone's offset, as Go formats a time in a location ("Z" for UTC). */
export function formatInZone(instant: number, tz: string): string {
  const off = offsetAt(instant, tz);
  const wall = new Date(wallOf(instant, tz)).toISOString().slice(0, 19);
  if (off === 0) return `${wall}Z`;
  const m = Math.abs(off) / 60000;
  return `${wall}${off > 0 ? '+' : '-'}${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}
