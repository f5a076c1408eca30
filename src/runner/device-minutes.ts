// SPDX-License-Identifier: MIT
/**
 * How long a device minute lasts on the run's clock for Windows groups (`options.windows.minuteMs`:
 * ESP polls and timeouts, MSI install times, OMA-DM poll schedules). Unset, it follows the run's
 * time scale (`load.timeScale`, `run --time-scale`), which divides every device-side delay: a real
 * minute (60,000 ms) at scale 1, 20 ms at scale 3000. A group that sets minuteMs keeps it.
 *
 * At scale 1 an Autopilot device waits real minutes (its ESP polls every 3 device minutes and times
 * out after 60), so a small run looks hung; when that wait cannot fit the run's deadline and nothing
 * asked for real minutes, the run says so at its start (blind trial 3: a 5-PC run looked hung).
 */
import type { ResolvedScenario } from "./scenario/types.js";

/** A real minute: the device minute at time scale 1. */
export const REAL_MINUTE_MS = 60_000;
/** The Enrollment Status Page's default phase timeout, device minutes (docs/windows.md). */
const ESP_DEFAULT_TIMEOUT_MINUTES = 60;

/** Real milliseconds per device minute at this time scale. */
export function deviceMinuteMs(timeScale: number | undefined): number {
  return timeScale !== undefined && timeScale > 0 ? REAL_MINUTE_MS / timeScale : REAL_MINUTE_MS;
}

const windowsOf = (g: ResolvedScenario["groups"][number]) => (g.options.windows ?? {}) as { minuteMs?: number };

/** `enroll windows-autopilot` without windows.minuteMs: the same note, for the one device (undefined when minutes are set or the flow waits none). */
export function enrollMinutesNote(flow: string, windows: unknown): string | undefined {
  if (flow !== "windows-autopilot" || (windows as { minuteMs?: unknown } | undefined)?.minuteMs !== undefined) return undefined;
  return `note: ${flow} runs on real minutes: one device minute lasts 60 s (windows.minuteMs unset), so its Enrollment Status Page polls every 3 minutes and may wait ${ESP_DEFAULT_TIMEOUT_MINUTES}; add --set windows.minuteMs=20 for a device minute in 20 ms.`;
}

/** The scenario with each Windows group's unset minuteMs following the time scale, and the notices to print at the start of the run. */
export function withDeviceMinutes(s: ResolvedScenario, timeScale: number | undefined): { scenario: ResolvedScenario; notices: string[] } {
  const minute = deviceMinuteMs(timeScale);
  const notices: string[] = [];
  const groups = s.groups.map((g, i) => {
    if (!g.flow.startsWith("windows-") || windowsOf(g).minuteMs !== undefined) return g;
    const espMs = ESP_DEFAULT_TIMEOUT_MINUTES * minute;
    if (g.flow === "windows-autopilot" && (timeScale === undefined || timeScale === 1) && espMs > s.limits.durationSeconds * 1000) {
      notices.push(
        `${s.file}: note: groups[${i}] (${g.name}, ${g.flow}) runs on real minutes: one device minute lasts ${minute / 1000} s (options.windows.minuteMs unset, load.timeScale 1), so its Enrollment Status Page polls every 3 minutes and may wait ${ESP_DEFAULT_TIMEOUT_MINUTES} minutes, longer than the run's ${s.limits.durationSeconds} s deadline (limits.durationSeconds). For a quick reproduction set options.windows.minuteMs (e.g. 20: a device minute in 20 ms) or load.timeScale (run --time-scale 3000).`,
      );
    }
    return minute === REAL_MINUTE_MS ? g : { ...g, options: { ...g.options, windows: { ...windowsOf(g), minuteMs: minute } } };
  });
  return { scenario: { ...s, groups }, notices };
}
