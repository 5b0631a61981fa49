/** A message that does not follow the DNS wire format (or a name that cannot be written in it). */
export class DnsFormatError extends Error {
  override name = 'DnsFormatError';
}
