// Fields of the tables (v0.36.3) that v0.33.13 (Kubernetes 1.33) does not have yet, as
// package/version.Message.jsonName; written by ../tools/gen-tables.mjs. A 1.33 client
// never sends them and drops them from what it receives.
export const newerThanBase = '1.33';

export const fieldsNewerThanBase: readonly string[] = [
  'meta/v1.ListMeta.shardInfo',
  'meta/v1.ListOptions.shardSelector',
  'core/v1.Container.restartPolicyRules',
  'core/v1.EnvVarSource.fileKeyRef',
  'core/v1.EphemeralContainerCommon.restartPolicyRules',
  'core/v1.NodeStatus.declaredFeatures',
  'core/v1.PodSpec.hostnameOverride',
  'core/v1.PodSpec.schedulingGroup',
  'core/v1.PodStatus.extendedResourceClaimStatus',
  'core/v1.PodStatus.allocatedResources',
  'core/v1.PodStatus.resources',
  'core/v1.PodStatus.nodeAllocatableResourceClaimStatuses',
  'core/v1.ResourceHealth.message',
  'core/v1.VolumeMountStatus.volumeStatus',
  'core/v1.VolumeProjection.podCertificate',
  'storage/v1.CSIDriverSpec.serviceAccountTokenInSecrets',
  'storage/v1.CSIDriverSpec.preventPodSchedulingIfMissing',
];
