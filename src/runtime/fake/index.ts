export { FakeRuntimeService, type FakeProgram, type FakeRuntimeOptions } from './runtime.js';
export { FakeImageService, normalizeRef, type FakeImageOptions } from './images.js';
export { defaultExec, type FakeExecHandler } from './exec.js';
