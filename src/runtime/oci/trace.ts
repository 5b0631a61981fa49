// Optional timing of the runtime's steps (spec, rootfs, conmon, start, ...), for the
// start benchmark: where a container's start-to-exit time goes. Off unless a caller
// hands in a sink, and then it costs one clock read per step.

export type StepTrace = (step: string, ms: number) => void;

/** Runs fn and reports its duration under `step` when tracing is on. */
export async function timed<T>(trace: StepTrace | undefined, step: string, fn: () => Promise<T>): Promise<T> {
  if (!trace) return fn();
  const t0 = process.hrtime.bigint();
  try {
    return await fn();
  } finally {
    trace(step, Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
