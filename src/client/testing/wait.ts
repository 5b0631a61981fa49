// Polls until a condition holds, for tests that wait on asynchronous controllers.

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

export async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000, everyMs = 5): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new WaitTimeoutError(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
