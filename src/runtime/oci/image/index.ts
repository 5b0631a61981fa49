// The image half of the runtime: registry client, content store, layer snapshots and
// container root filesystems. Callers normally need only ImageStore.
export { ImageStore, type ImageInfo, type ImageStoreOptions, type PullOptions, type StagedImage } from './image-store.js';
export type { ImageRecord } from './image-records.js';
export type { GcResult } from './gc.js';
export type { PullProgress, LayerStatus } from './pull.js';
export { ProgressPrinter } from './progress.js';
export { RegistryClient, isLoopback, type RegistryClientOptions } from './registry-client.js';
export { ContentStore } from './content-store.js';
export { parseReference, formatReference, taggedName, type ImageReference } from './reference.js';
export { defaultDockerConfigPath, credentialsFromDockerConfig, type Credentials } from './credentials.js';
export { MediaType, type OciImageConfig, type Descriptor, type Manifest, type Index, type Platform } from './media-types.js';
export { readTar, type TarEntry, type TarHeader } from './tar-reader.js';
export { buildTar, type TarWriteEntry } from './tar-writer.js';
export * from './errors.js';
