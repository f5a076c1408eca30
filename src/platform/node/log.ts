// SPDX-License-Identifier: MIT
/**
 * pino adapter for the Logger port: structured JSON logs, one child per module and device.
 * Secrets never reach logs: protocol code logs codes and steps, not message bodies, and the
 * `redact` paths below drop credential-shaped fields if someone logs them anyway.
 */
import pino from "pino";
import type { Logger } from "../../ports/log.js";
import { preparePrivateAppendFile } from "../../report/private-file.js";

export interface LogOptions {
  level?: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** File path, or a file descriptor (2 = stderr). Default stderr. */
  destination?: string | number;
}

export function pinoLogger(options: LogOptions = {}): Logger {
  if (typeof options.destination === "string") preparePrivateAppendFile(options.destination); // 0600 before pino appends
  const dest = pino.destination({ dest: options.destination ?? 2, sync: false, mkdir: true });
  return pino(
    {
      level: options.level ?? "info",
      base: { app: "enrollsim" },
      redact: {
        paths: ["*.password", "*.challenge", "*.challengePassword", "*.token", "*.secret", "*.authorization", "*.privateKey", "password", "challenge", "token", "secret"],
        censor: "[REDACTED]",
      },
    },
    dest,
  ) as unknown as Logger;
}
