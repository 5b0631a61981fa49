// The media type of Kubernetes' protobuf encoding, with or without parameters.
export const protobufMediaType = 'application/vnd.kubernetes.protobuf';

export function isProtobufContentType(ct: string): boolean {
  return ct.split(';', 1)[0].trim().toLowerCase() === protobufMediaType;
}
