// Named errors of the image half of the runtime. Each carries a stable string `code`
// so callers (the CRI layer, `k8ts ctr`) can map them to messages and exit codes
// without matching on text.

export class ImageError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The registry could not be reached at all (DNS, refused, reset, TLS). */
export class RegistryUnreachableError extends ImageError {
  constructor(readonly host: string, cause?: unknown) {
    const why = cause instanceof Error ? `: ${cause.message}` : '';
    super('ERR_REGISTRY_UNREACHABLE', `registry ${host} is unreachable${why}`, { cause });
  }
}

/** The registry answered, but has no such repository, tag or digest. */
export class ImageNotFoundError extends ImageError {
  constructor(readonly reference: string, detail?: string) {
    super('ERR_IMAGE_NOT_FOUND', `image ${reference} not found${detail ? ` (${detail})` : ''}`);
  }
}

/** Content did not hash to the digest (or size) it was announced under. */
export class DigestMismatchError extends ImageError {
  constructor(readonly expected: string, readonly actual: string, detail?: string) {
    super('ERR_DIGEST_MISMATCH', `content digest mismatch: expected ${expected}, got ${actual}${detail ? ` (${detail})` : ''}`);
  }
}

/** The registry refused our credentials (or we had none and it wants some). */
export class UnauthorizedError extends ImageError {
  constructor(readonly host: string, detail?: string) {
    super('ERR_UNAUTHORIZED', `unauthorized at registry ${host}${detail ? `: ${detail}` : ''}`);
  }
}

/** A reference string that cannot be parsed. */
export class InvalidReferenceError extends ImageError {
  constructor(readonly reference: string, detail: string) {
    super('ERR_INVALID_REFERENCE', `invalid image reference "${reference}": ${detail}`);
  }
}

/** The registry answered with something that is not a manifest we understand. */
export class UnsupportedManifestError extends ImageError {
  constructor(detail: string) {
    super('ERR_UNSUPPORTED_MANIFEST', `unsupported manifest: ${detail}`);
  }
}

/** An index has no entry for the platform we run on. */
export class PlatformNotFoundError extends ImageError {
  constructor(readonly reference: string, readonly platform: string) {
    super('ERR_PLATFORM_NOT_FOUND', `image ${reference} has no manifest for ${platform}`);
  }
}

/** Any other HTTP failure from the registry. */
export class RegistryError extends ImageError {
  constructor(readonly host: string, readonly status: number, detail: string) {
    super('ERR_REGISTRY', `registry ${host} answered ${status}: ${detail}`);
  }
}

/** A layer or archive is malformed (bad tar, path escaping the root, ...). */
export class InvalidArchiveError extends ImageError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super('ERR_INVALID_ARCHIVE', `invalid archive: ${detail}`, options);
  }
}

/** Lookup by name or id found nothing in the local store. */
export class LocalImageNotFoundError extends ImageError {
  constructor(readonly reference: string) {
    super('ERR_LOCAL_IMAGE_NOT_FOUND', `no local image matches "${reference}"`);
  }
}

/** An id prefix matched more than one image. */
export class AmbiguousImageError extends ImageError {
  constructor(readonly prefix: string) {
    super('ERR_AMBIGUOUS_IMAGE', `image id prefix "${prefix}" matches more than one image`);
  }
}

/** mount/umount or another OS step failed. */
export class SnapshotError extends ImageError {
  constructor(detail: string, options?: { cause?: unknown }) {
    super('ERR_SNAPSHOT', detail, options);
  }
}

/** The operation was cancelled through its AbortSignal. */
export class AbortedError extends ImageError {
  constructor() {
    super('ERR_ABORTED', 'operation aborted');
  }
}

/** A response body (manifest, config, token) larger than such a thing can honestly be. */
export class ResponseTooLargeError extends ImageError {
  constructor(readonly limit: number) {
    super('ERR_RESPONSE_TOO_LARGE', `response body over ${limit} bytes`);
  }
}
