// Polling for end-to-end tests: the state a test waits for (a Ready node, an endpoint in
// the rules) arrives when it arrives on a loaded machine, so tests poll with a deadline
// instead of sleeping a fixed time.

/**
 * Calls f every everyMs until it answers something other than undefined; after ms,
 * fails naming what was awaited (and detail(), if given). An error f throws fails at once.
 */
export async function eventually<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 60_000, everyMs = 250, detail?: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await f();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${detail ? `\n${detail()}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
