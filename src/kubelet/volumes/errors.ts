// Named errors of the volume manager. Each carries the volume's name and a short
// reason, so the kubelet can write Kubernetes' own event text
// (`MountVolume.SetUp failed for volume "cfg" : configmap "x" not found`).

/** A volume of a pod could not be set up; the pod stays ContainerCreating and is retried. */
export class VolumeSetupError extends Error {
  readonly code = 'VOLUME_SETUP_FAILED';
  constructor(readonly volume: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`MountVolume.SetUp failed for volume "${volume}" : ${reason}`, options);
    this.name = 'VolumeSetupError';
  }
  /** The text of the FailedMount event, as the real kubelet writes it. */
  get eventMessage(): string {
    return this.message;
  }
}

/** A pod's volumes could not be removed (a mount that would not go away). */
export class VolumeTeardownError extends Error {
  readonly code = 'VOLUME_TEARDOWN_FAILED';
  constructor(readonly podUid: string, readonly reason: string, options?: { cause?: unknown }) {
    super(`UnmountVolume.TearDown failed for pod "${podUid}" : ${reason}`, options);
    this.name = 'VolumeTeardownError';
  }
}

/** A file path inside a projected payload that would escape the volume. */
export class InvalidPayloadPathError extends Error {
  constructor(readonly path: string) {
    super(`invalid path "${path}": must be relative, without ".." elements, and not start with ".."`);
    this.name = 'InvalidPayloadPathError';
  }
}
