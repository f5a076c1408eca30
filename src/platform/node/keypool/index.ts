// SPDX-License-Identifier: MIT
/**
 * Persistent pre-generated key pool: devices take RSA keys by slot from `<dir>/<spec>.pool` and
 * never generate them on their own path (scep-and-crypto.md §9.1).
 */
export { FileKeyPool, emitPoolWarning, type FileKeyPoolOptions } from "./pool.js";
export { MemoryKeyPool } from "./memory.js";
export { OffsetKeyPool } from "./offset.js";
export { keygenEstimateLine, keygenProgressLine, type KeygenEstimate } from "./progress.js";
export { pregenKeys, type PregenOptions, type PregenResult } from "./pregen.js";
export { generateKeys, defaultWorkers, type GenerateOptions } from "./generate.js";
export { defaultPoolDir, poolFilePath } from "./file.js";
export { POOL_MAGIC, parseKeySpec } from "./format.js";
export { KeyPoolError, type KeyPoolErrorCode } from "./errors.js";
