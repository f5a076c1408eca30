// SPDX-License-Identifier: MIT
/** Storage port: device state, key pools and transcripts. Paths are relative to the store root. */
export interface StoragePort {
  read(path: string): Promise<Uint8Array | undefined>;
  /** `mode` defaults to 0o600: everything enrollsim stores may hold secrets. */
  write(path: string, data: Uint8Array | string, options?: { mode?: number }): Promise<void>;
  append(path: string, data: Uint8Array | string, options?: { mode?: number }): Promise<void>;
  list(dir: string): Promise<string[]>;
  remove(path: string): Promise<void>;
}
