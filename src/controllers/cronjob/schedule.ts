// Cron schedules as Kubernetes accepts them (robfig/cron's standard parser): five
// fields (minute hour day-of-month month day-of-week) of lists, ranges, steps and names,
// or @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly, optionally prefixed
// TZ=<zone> or CRON_TZ=<zone>. When both day fields are restricted a day matching
// either runs, as in classic cron; a field starting with * leaves the other in charge.

import { instantOf, wallOf } from './timezone.js';

export class ScheduleParseError extends Error {
  override name = 'ScheduleParseError';
}

interface Field {
  bits: Set<number>;
  star: boolean;
}

export interface Schedule {
  minute: Field;
  hour: Field;
  dom: Field;
  month: Field;
  dow: Field;
  /** The zone from a TZ=/CRON_TZ= prefix. */
  timeZone?: string;
}

const descriptors: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dowNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function value(s: string, names?: string[], nameBase = 0): number {
  const i = names?.indexOf(s.toLowerCase()) ?? -1;
  if (i >= 0) return i + nameBase;
  if (!/^\d+$/.test(s)) throw new ScheduleParseError(`failed to parse int from ${s}`);
  return Number(s);
}

function parseField(expr: string, min: number, max: number, names?: string[], nameBase = 0): Field {
  const bits = new Set<number>();
  let star = false;
  for (const part of expr.split(',')) {
    const [range, stepStr, extra] = part.split('/');
    if (extra !== undefined) throw new ScheduleParseError(`too many slashes: ${part}`);
    let lo: number;
    let hi: number;
    let isStar = false;
    if (range === '*' || range === '?') {
      lo = min;
      hi = max;
      isStar = true;
    } else {
      const [a, b, more] = range.split('-');
      if (more !== undefined) throw new ScheduleParseError(`too many hyphens: ${range}`);
      lo = value(a, names, nameBase);
      hi = b === undefined ? lo : value(b, names, nameBase);
    }
    let step = 1;
    if (stepStr !== undefined) {
      if (!/^\d+$/.test(stepStr) || Number(stepStr) === 0) throw new ScheduleParseError(`step of range should be a positive number: ${part}`);
      step = Number(stepStr);
      // "N/step" means N through the maximum.
      if (!range.includes('-') && !isStar) hi = max;
      if (step > 1) isStar = false;
    }
    if (lo < min) throw new ScheduleParseError(`beginning of range (${lo}) below minimum (${min}): ${part}`);
    if (hi > max) throw new ScheduleParseError(`end of range (${hi}) above maximum (${max}): ${part}`);
    if (lo > hi) throw new ScheduleParseError(`beginning of range (${lo}) beyond end of range (${hi}): ${part}`);
    for (let v = lo; v <= hi; v += step) bits.add(v);
    star ||= isStar;
  }
  return { bits, star };
}

export function parseSchedule(input: string): Schedule {
  let spec = input.trim();
  let timeZone: string | undefined;
  const tz = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(spec);
  if (tz) {
    timeZone = tz[1];
    spec = tz[2].trim();
  }
  if (spec.startsWith('@')) {
    const d = descriptors[spec.toLowerCase()];
    if (!d) throw new ScheduleParseError(`unrecognized descriptor: ${spec}`);
    spec = d;
  }
  const f = spec.split(/\s+/);
  if (f.length !== 5) throw new ScheduleParseError(`expected exactly 5 fields, found ${f.length}: ${spec}`);
  return {
    minute: parseField(f[0], 0, 59),
    hour: parseField(f[1], 0, 23),
    dom: parseField(f[2], 1, 31),
    month: parseField(f[3], 1, 12, monthNames, 1),
    dow: parseField(f[4], 0, 6, dowNames, 0),
    timeZone,
  };
}

function dayMatches(s: Schedule, d: Date): boolean {
  const dom = s.dom.bits.has(d.getUTCDate());
  const dow = s.dow.bits.has(d.getUTCDay());
  return s.dom.star || s.dow.star ? dom && dow : dom || dow;
}

/** The first wall time (UTC-clock ms) strictly after wall that matches, within five years. */
export function nextWall(s: Schedule, wall: number): number | undefined {
  let t = Math.floor(wall / 60000) * 60000 + 60000;
  const limit = new Date(t).getUTCFullYear() + 5;
  for (;;) {
    const d = new Date(t);
    const y = d.getUTCFullYear();
    if (y > limit) return undefined;
    const mo = d.getUTCMonth();
    if (!s.month.bits.has(mo + 1)) {
      t = Date.UTC(y, mo + 1, 1);
      continue;
    }
    if (!dayMatches(s, d)) {
      t = Date.UTC(y, mo, d.getUTCDate() + 1);
      continue;
    }
    if (!s.hour.bits.has(d.getUTCHours())) {
      t = Date.UTC(y, mo, d.getUTCDate(), d.getUTCHours() + 1);
      continue;
    }
    if (!s.minute.bits.has(d.getUTCMinutes())) {
      t += 60000;
      continue;
    }
    return t;
  }
}

/** The first scheduled instant strictly after `after`, in zone tz. */
export function nextTime(s: Schedule, after: number, tz: string): number | undefined {
  let wall = wallOf(after, tz);
  for (let guard = 0; guard < 1000; guard++) {
    const w = nextWall(s, wall);
    if (w === undefined) return undefined;
    const i = instantOf(w, tz, after);
    // A wall time repeated when clocks go back may map to an instant already past.
    if (i > after) return i;
    wall = w;
  }
  return undefined;
}

export interface MostRecent {
  /** The latest scheduled instant in (earliest, now], if any. */
  time?: number;
  /** How many were missed since earliest (counting stops a little past 100). */
  missed: number;
}

/**
 * The most recent time the schedule fell due after earliest and not after now. Long
 * gaps are searched from a window before now, so a CronJob created years ago with an
 * every-minute schedule costs a few dozen steps, not millions.
 */
export function mostRecentTime(s: Schedule, earliest: number, now: number, tz: string): MostRecent {
  let t = nextTime(s, earliest, tz);
  let missed = 0;
  let last: number | undefined;
  while (t !== undefined && t <= now && missed <= 100) {
    last = t;
    missed++;
    t = nextTime(s, t, tz);
  }
  if (t === undefined || t > now) return { time: last, missed };
  // Over a hundred missed: the latest lies within some window before now.
  for (const windowMs of [3_600_000, 86_400_000, 7 * 86_400_000, 32 * 86_400_000, 367 * 86_400_000, 5 * 367 * 86_400_000]) {
    let u = nextTime(s, Math.max(earliest, now - windowMs), tz);
    if (u === undefined || u > now) continue;
    let latest = u;
    while (u !== undefined && u <= now) {
      latest = u;
      u = nextTime(s, u, tz);
    }
    return { time: latest, missed: missed + 1 };
  }
  return { time: last, missed };
}
