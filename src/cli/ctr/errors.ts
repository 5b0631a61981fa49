// Errors of the ctr command line itself.

export class UsageError extends Error {
  readonly code = 'ERR_USAGE';
  constructor(readonly command: string, message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
