// SPDX-License-Identifier: MIT
/**
 * The one object the policy engine reads its configuration through. Every rule evaluation calls
 * `get()`, so replacing the configuration at runtime (a scenario timeline action that assigns or
 * removes a policy, changes ownership rules, expires a token) takes effect at the next request:
 * `replace(next)` swaps the whole `embedded.policy`, `set(path, value)` one dotted path under it.
 */
import { ScenarioError } from "../../errors/index.js";
import type { PolicyConfig } from "./types.js";

export class PolicyConfigHolder {
  private current: PolicyConfig;
  private version = 0;
  private readonly listeners: ((c: PolicyConfig) => void)[] = [];

  constructor(initial: PolicyConfig = {}) {
    this.current = structuredClone(initial);
  }

  get(): PolicyConfig {
    return this.current;
  }

  /** Increments on every change (callers cache derived data by it). */
  get generation(): number {
    return this.version;
  }

  replace(next: PolicyConfig): void {
    this.current = structuredClone(next);
    this.changed();
  }

  /**
   * Sets one path, e.g. `set("restrictions.deviceLimit", 2)` or `set("userScope.mdm", "none")`;
   * `undefined` deletes it. Intermediate objects are created; array indexes are numeric segments.
   */
  set(path: string, value: unknown): void {
    const parts = path.split(".").filter(Boolean);
    if (!parts.length) throw new ScenarioError("embedded.policy path is empty", undefined, "a dotted path such as restrictions.deviceLimit");
    const next = structuredClone(this.current) as Record<string, unknown>;
    let node: Record<string, unknown> = next;
    for (const p of parts.slice(0, -1)) {
      const child = node[p];
      if (child === undefined || child === null) node[p] = {};
      else if (typeof child !== "object") throw new ScenarioError(`embedded.policy.${path}: ${p} holds a ${typeof child}, not an object`, undefined, "a path through objects or arrays");
      node = node[p] as Record<string, unknown>;
    }
    const last = parts[parts.length - 1]!;
    if (value === undefined) delete node[last];
    else node[last] = structuredClone(value);
    this.current = next as PolicyConfig;
    this.changed();
  }

  onChange(fn: (c: PolicyConfig) => void): void {
    this.listeners.push(fn);
  }

  private changed(): void {
    this.version++;
    for (const fn of this.listeners) fn(this.current);
  }
}
