// Named errors of the protobuf codec. The API server turns a ProtobufDecodeError into a
// 400 (or 415 for an unknown kind) Status; `code` is stable for callers that branch.

export type ProtobufErrorCode = 'truncated' | 'malformed' | 'wire-type' | 'unknown-kind' | 'bad-magic' | 'unsupported' | 'bad-value';

export class ProtobufDecodeError extends Error {
  override readonly name = 'ProtobufDecodeError';
  constructor(readonly code: ProtobufErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class ProtobufEncodeError extends Error {
  override readonly name = 'ProtobufEncodeError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
