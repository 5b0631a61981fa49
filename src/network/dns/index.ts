export { ClusterDns, type ClusterDnsOptions } from './server.js';
export { answer, type AnswerState } from './answer.js';
export { buildZone, type Zone, type ServiceObject, type EndpointSliceObject } from './zone.js';
export { decodeMessage, encodeMessage, encodeTruncated, RecordType, Rcode, type Message } from './wire.js';
export { queryUdp, queryTcp, parseEndpoint, type Endpoint } from './transport.js';
export { ensureDnsAddress, removeDnsAddress } from './address.js';
