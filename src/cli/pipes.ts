// SPDX-License-Identifier: MIT
/**
 * `enrollsim devices | head -1`: the reader closes the pipe early and the next write fails with
 * EPIPE. Like any Unix filter, the CLI then stops writing quietly instead of crashing with an
 * unhandled 'error' event; the command still ends with its own exit code (a run still writes its
 * --report and says by its exit code whether expectations held). Other stream errors are real
 * and still surface.
 */
const CLOSED = new Set(["EPIPE", "ERR_STREAM_DESTROYED"]);

export function ignoreClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (!CLOSED.has(err.code ?? "")) throw err;
  });
}
