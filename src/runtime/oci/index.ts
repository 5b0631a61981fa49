export { OciRuntimeService, DEFAULT_ROOT, type OciRuntimeOptions } from './runtime.js';
export { DirRootfsProvider, type RootfsProvider, type ResolvedImage } from './rootfs.js';
export { generateSpec, processArgs, processEnv, type OciSpec, type SpecInput } from './spec.js';
export { prepareHybridCgroups, readCgroupStats, cgroupMode } from './cgroups.js';
export { readCriLog, parseCriLine, parseTimestampNs } from './crilog.js';
export type { OciRuntimeName } from './ocicli.js';
