// The kubelet's volume manager: the one import the kubelet and the CLI need.

export { PodVolumeManager, InvalidPodUidError, type PodVolumeManagerOptions, type EmptyDirUsage } from './manager.js';
export { VolumeSetupError, VolumeTeardownError, InvalidPayloadPathError } from './errors.js';
export { ApiTokenIssuer, TokenCache, type TokenIssuer, type TokenSpec, type IssuedToken } from './tokens.js';
export { writeAtomic, type Payload, type FileProjection } from './atomic-writer.js';
export { escapePluginName, podVolumesDir, volumeDir, plugins } from './paths.js';
export type { NodeAllocatable } from './downward.js';
export { diskUsage } from './usage.js';
export { readOnlyVolumeNames } from './read-only.js';
