// IntOrString fields (maxUnavailable, maxSurge): a number, or a percentage of a total
// rounded up or down as the field's documentation says.

export class InvalidIntOrStringError extends Error {
  override name = 'InvalidIntOrStringError';
}

export function scaledValue(v: number | string | undefined | null, total: number, roundUp: boolean, dflt: number): number {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) {
    if (/^\d+$/.test(v)) return Number(v);
    throw new InvalidIntOrStringError(`invalid value for IntOrString: ${JSON.stringify(v)}`);
  }
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}
