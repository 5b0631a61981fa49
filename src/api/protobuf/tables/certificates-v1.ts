// Wire table of certificates/v1 (proto package k8s.io.api.certificates.v1) at v0.36.3, written by ../tools/gen-tables.mjs.
// Notation in ../table.ts: json=number:type, fields in Go struct order.
import type { PackageSource } from '../table.js';

export const certificatesV1: PackageSource = {
  key: 'certificates/v1',
  messages: {
    CertificateSigningRequest: `metadata=1:meta/v1.ObjectMeta spec=2:CertificateSigningRequestSpec!
    status=3:CertificateSigningRequestStatus`,
    CertificateSigningRequestCondition: `type=1:string! status=6:string! reason=2:string message=3:string lastUpdateTime=4:time
    lastTransitionTime=5:time`,
    CertificateSigningRequestList: `metadata=1:meta/v1.ListMeta items=2:[]CertificateSigningRequest!`,
    CertificateSigningRequestSpec: `request=1:bytes! signerName=7:string! expirationSeconds=8:int32? usages=5:[]string username=2:string
    uid=3:string groups=4:[]string extra=6:{ExtraValue}`,
    CertificateSigningRequestStatus: `conditions=1:[]CertificateSigningRequestCondition certificate=2:bytes`,
    ExtraValue: '=[]string',
  },
};
