// The errors of the pod route manager.

/** An `ip` command failed; the message carries its arguments and stderr. */
export class RouteCommandError extends Error {
  override name = 'RouteCommandError';
  constructor(message: string, readonly args: string[], options?: { cause?: unknown }) {
    super(message, options);
  }
}
