// Wire table of authentication/v1beta1 (proto package k8s.io.api.authentication.v1beta1) at v0.36.3, written by ../tools/gen-tables.mjs.
// Notation in ../table.ts: json=number:type, fields in Go struct order.
import type { PackageSource } from '../table.js';

export const authenticationV1beta1: PackageSource = {
  key: 'authentication/v1beta1',
  messages: {
    ExtraValue: '=[]string',
    SelfSubjectReview: `metadata=1:meta/v1.ObjectMeta status=2:SelfSubjectReviewStatus`,
    SelfSubjectReviewStatus: `userInfo=1:authentication/v1.UserInfo`,
    TokenReview: `metadata=1:meta/v1.ObjectMeta spec=2:TokenReviewSpec! status=3:TokenReviewStatus`,
    TokenReviewSpec: `token=1:string audiences=2:[]string`,
    TokenReviewStatus: `authenticated=1:bool user=2:UserInfo audiences=4:[]string error=3:string`,
    UserInfo: `username=1:string uid=2:string groups=3:[]string extra=4:{ExtraValue}`,
  },
};
