// SPDX-License-Identifier: MIT
/** DNS port. The Node adapter uses c-ares (off the libuv threadpool) with an override map. */
export interface DnsPort {
  /** CNAME targets of `name`, [] when none. */
  resolveCname(name: string): Promise<string[]>;
  resolve4(name: string): Promise<string[]>;
}
