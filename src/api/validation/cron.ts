// CronJob schedules in the standard five-field cron syntax Kubernetes accepts (that of
// robfig/cron's standard parser): minute hour day-of-month month day-of-week, names for
// months and weekdays, ranges, steps, '?', the @yearly..@hourly descriptors, @every and
// an optional TZ=/CRON_TZ= prefix. Errors are worded as that parser words them, since
// Kubernetes passes its message through to the user.

export class CronParseError extends Error {
  readonly code = 'CRON_PARSE';
  constructor(message: string) {
    super(message);
    this.name = 'CronParseError';
  }
}

export interface CronSchedule {
  /** Allowed values of each field (minutes 0-59, hours 0-23, dom 1-31, months 1-12, dow 0-6). */
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** '*' or '?' in day-of-month / day-of-week: then both must match, else either. */
  domStar: boolean;
  dowStar: boolean;
  /** Set for @every schedules: a fixed interval in seconds instead of the fields. */
  everySeconds?: number;
  /** The TZ= prefix, if any. */
  timeZone?: string;
}

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const months: Bounds = { min: 1, max: 12, names: { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 } };
const dows: Bounds = { min: 0, max: 6, names: { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 } };
const bounds: Bounds[] = [{ min: 0, max: 59 }, { min: 0, max: 23 }, { min: 1, max: 31 }, months, dows];

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *',
};

function parseInt10(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new CronParseError(`failed to parse int from ${s}: strconv.Atoi: parsing "${s}": invalid syntax`);
  const n = Number(s);
  if (n < 0) throw new CronParseError(`negative number (${n}) not allowed: ${s}`);
  return n;
}

function parseValue(s: string, b: Bounds): number {
  const named = b.names?.[s.toLowerCase()];
  return named !== undefined ? named : parseInt10(s);
}

function parseRange(expr: string, b: Bounds, out: Set<number>): boolean {
  const rangeAndStep = expr.split('/');
  const lowAndHigh = rangeAndStep[0].split('-');
  const single = lowAndHigh.length === 1;
  let start: number;
  let end: number;
  let star = false;
  if (lowAndHigh[0] === '*' || lowAndHigh[0] === '?') {
    start = b.min;
    end = b.max;
    star = true;
  } else {
    start = parseValue(lowAndHigh[0], b);
    if (lowAndHigh.length === 1) end = start;
    else if (lowAndHigh.length === 2) end = parseValue(lowAndHigh[1], b);
    else throw new CronParseError(`too many hyphens: ${expr}`);
  }
  let step = 1;
  if (rangeAndStep.length === 2) {
    step = parseInt10(rangeAndStep[1]);
    // "N/step" means "N-max/step".
    if (single) end = b.max;
    if (step > 1) star = false;
  } else if (rangeAndStep.length > 2) {
    throw new CronParseError(`too many slashes: ${expr}`);
  }
  if (start < b.min) throw new CronParseError(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new CronParseError(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new CronParseError(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
  if (step === 0) throw new CronParseError(`step of range should be a positive number: ${expr}`);
  for (let v = start; v <= end; v += step) out.add(v);
  return star;
}

function parseField(field: string, b: Bounds): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const part of field.split(',')) if (parseRange(part, b, values)) star = true;
  return { values, star };
}

/** Go duration syntax as @every takes it: "1h30m", "90s", "1.5h". */
function parseGoDuration(s: string): number {
  const re = /([0-9]*\.?[0-9]+)(ns|us|µs|ms|s|m|h)/g;
  const unit: Record<string, number> = { ns: 1e-9, us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * unit[m[2]];
    consumed += m[0].length;
  }
  if (consumed !== s.length || s.length === 0) throw new CronParseError(`failed to parse duration ${s}: time: invalid duration "${s}"`);
  return total;
}

export function parseCronSchedule(spec: string): CronSchedule {
  let s = spec.trim();
  if (s.length === 0) throw new CronParseError('empty spec string');
  let timeZone: string | undefined;
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+/.exec(s);
  if (tz) {
    timeZone = tz[1];
    s = s.slice(tz[0].length).trim();
  }
  if (s.startsWith('@')) {
    if (s.startsWith('@every ')) {
      const secs = Math.max(1, Math.floor(parseGoDuration(s.slice('@every '.length).trim())));
      const all = (lo: number, hi: number): Set<number> => new Set(Array.from({ length: hi - lo + 1 }, (_, i) => lo + i));
      return { minutes: all(0, 59), hours: all(0, 23), daysOfMonth: all(1, 31), months: all(1, 12), daysOfWeek: all(0, 6), domStar: true, dowStar: true, everySeconds: secs, timeZone };
    }
    const d = descriptors[s];
    if (!d) throw new CronParseError(`unrecognized descriptor: ${s}`);
    s = d;
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) throw new CronParseError(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const [mi, h, dom, mo, dow] = fields.map((f, i) => parseField(f, bounds[i]));
  // 7 is accepted for Sunday by some crons, not by this parser: 0-6 only.
  return { minutes: mi.values, hours: h.values, daysOfMonth: dom.values, months: mo.values, daysOfWeek: dow.values, domStar: dom.star, dowStar: dow.star, timeZone };
}

/**
 * The first time strictly after `after` (minute resolution) that the schedule fires,
 * reading its fields in `timeZone` (an IANA name; the schedule's own TZ= prefix, then
 * UTC, when not given).
 */
export function nextCronTime(sched: CronSchedule, after: Date, timeZone?: string): Date | undefined {
  if (sched.everySeconds !== undefined) return new Date(after.getTime() + sched.everySeconds * 1000);
  const tz = timeZone ?? sched.timeZone;
  if (!tz || tz === 'UTC' || tz === 'Etc/UTC') return nextUTC(sched, after);
  // Search in wall-clock time (a Date whose UTC fields are the zone's local fields),
  // then map the wall time found back to an instant.
  const wall = nextUTC(sched, new Date(after.getTime() + offsetAt(after.getTime(), tz)));
  if (!wall) return undefined;
  let t = wall.getTime() - offsetAt(wall.getTime(), tz);
  t = wall.getTime() - offsetAt(t, tz);
  return new Date(t);
}

/** The zone's offset from UTC at an instant, in ms (local = utc + offset). */
function offsetAt(ms: number, tz: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(ms));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - Math.floor(ms / 1000) * 1000;
}

function nextUTC(sched: CronSchedule, after: Date): Date | undefined {
  const t = new Date(after.getTime());
  t.setUTCSeconds(0, 0);
  t.setUTCMinutes(t.getUTCMinutes() + 1);
  // Five years covers every valid schedule (Feb 29 on a given weekday included).
  const limit = after.getTime() + 5 * 366 * 24 * 3600 * 1000;
  while (t.getTime() <= limit) {
    if (!sched.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0);
      continue;
    }
    const domOk = sched.daysOfMonth.has(t.getUTCDate());
    const dowOk = sched.daysOfWeek.has(t.getUTCDay());
    const dayOk = sched.domStar || sched.dowStar ? domOk && dowOk : domOk || dowOk;
    if (!dayOk) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0);
      continue;
    }
    if (!sched.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0);
      continue;
    }
    if (!sched.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1);
      continue;
    }
    return t;
  }
  return undefined;
}
