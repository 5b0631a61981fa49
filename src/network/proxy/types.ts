// The parts of Service and EndpointSlice (discovery.k8s.io/v1) the proxy reads.
import type { KObject } from '../../client/index.js';

export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port: number;
  targetPort?: number | string;
  nodePort?: number;
}

export interface Service extends KObject {
  spec?: {
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
    clusterIP?: string;
    clusterIPs?: string[];
    ports?: ServicePort[];
    sessionAffinity?: 'None' | 'ClientIP';
    sessionAffinityConfig?: { clientIP?: { timeoutSeconds?: number } };
    internalTrafficPolicy?: 'Cluster' | 'Local';
    externalTrafficPolicy?: 'Cluster' | 'Local';
    /** Addresses routed to the nodes that the service answers on too (any type). */
    externalIPs?: string[];
    /** LoadBalancer only: the client ranges allowed to reach the load balancer's IPs. */
    loadBalancerSourceRanges?: string[];
  };
  /** The load balancer's addresses (the servicelb controller or another implementation). */
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string; ipMode?: 'VIP' | 'Proxy' }[] } };
}

export interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  nodeName?: string;
}

export interface EndpointSlice extends KObject {
  addressType?: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints?: SliceEndpoint[];
  ports?: { name?: string; protocol?: string; port?: number }[];
}

/** Runs one nft script; NftRunner is the seam tests use to capture the text. */
export interface NftRunner {
  apply(text: string): Promise<void>;
}
