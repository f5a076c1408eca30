// SPDX-License-Identifier: MIT
/**
 * Service licences of the tenant (`embedded.policy.licences`): the EMM subscription or licence pool an enrollment
 * consumes, with an end date and a seat count, evaluated when a device enrolls. A platform that no licence covers is
 * not licence-checked (the simulator's default); a user the directory lists `licensed: false` holds no licence on any
 * platform.
 *
 * Published behaviour it models:
 * - Knox Manage: "When the Knox Manage … licenses applied to a device expire … the device users [cannot] download new
 *   configurations or content using the Knox Manage agent"; licences are renewed "through validity period extensions or
 *   renewal contracts" (docs.samsungknox.com/admin/knox-manage/configure/licenses/renew-an-expired-license/); the agent
 *   refuses registration with KMA_F230 "Expired license" (…/appendix/lists-of-error-codes/client-error-codes).
 * - Intune: "a device with user affinity needs an Intune-licensed user" (shared/notes/server-policies.md); Windows
 *   enrollment answers a licence problem with the enrollment fault detail UserLicense, 0x80180018
 *   MENROLL_E_USERLICENSE (MS-MDE2; shared/notes/windows.md §7).
 * Assumption (not published): a seat is one live enrolled device the licence covers; re-enrolling the same device
 * does not take a second seat. An enrolled device whose licence ends is not unenrolled: what it meets is decided by
 * the licence's product ({@link enrolledStanding}: Knox restricts it; "The existing policies still apply").
 */
import { licensed, targets } from "./directory.js";
import type { LicencePolicy, PolicyConfig, PolicyPlatform } from "./types.js";
import { CHECKIN_REFUSAL_PLATFORMS } from "../../runner/scenario/policy-schema.js";

export type { LicencePolicy };

export type LicenceRefusal = "licence-unassigned" | "licence-expired" | "licence-seats-used";

/** When a licence ends, in the server's milliseconds (undefined: never). */
export function licenceEnd(l: Pick<LicencePolicy, "endsAt">, startedAt: number): number | undefined {
  if (l.endsAt === undefined) return undefined;
  if (typeof l.endsAt === "number") return startedAt + l.endsAt * 1000;
  const t = Date.parse(l.endsAt);
  return Number.isNaN(t) ? undefined : t;
}

/** Licences that cover enrollments of this platform (whoever holds them). */
const forPlatform = (cfg: PolicyConfig, platform: PolicyPlatform, at: "enrollment" | "checkin" = "enrollment"): LicencePolicy[] =>
  (cfg.licences ?? []).filter((l) => (!l.platforms || l.platforms.includes(platform)) && (l.enforcedAt ?? ["enrollment"]).includes(at));

/** The licences a user's (or a userless) enrollment on `platform` holds. */
export function heldLicences(cfg: PolicyConfig, platform: PolicyPlatform, upn: string | undefined): LicencePolicy[] {
  return forPlatform(cfg, platform).filter((l) => !l.assign || targets(cfg, l.assign, upn));
}

/**
 * Why an enrollment needs a licence it does not get (undefined: licensed). `seatsUsed(l)` counts the live enrollments
 * the licence covers, other than this device's own. In order: no licence of the platform is the user's; every one held
 * has ended; every one held that is still running has no free seat.
 */
export function licenceRefusal(cfg: PolicyConfig, r: { platform: PolicyPlatform; upn?: string }, now: number, startedAt: number, seatsUsed: (l: LicencePolicy) => number): { refusal: LicenceRefusal; message: string; licence?: string } | undefined {
  // The directory's own switch (`directory.users[].licensed: false`) holds on every platform, licences listed or not.
  if (r.upn && !licensed(cfg, r.upn)) return { refusal: "licence-unassigned", message: `${r.upn} holds no MDM licence (the directory lists the user unlicensed)` };
  const covering = forPlatform(cfg, r.platform);
  if (!covering.length) return undefined;
  const held = heldLicences(cfg, r.platform, r.upn);
  if (!held.length) return { refusal: "licence-unassigned", message: `${r.upn ?? "a userless enrollment"} holds none of the ${r.platform} licences (${covering.map((l) => `"${l.name}"`).join(", ")})` };
  const running = held.filter((l) => {
    const end = licenceEnd(l, startedAt);
    return end === undefined || now < end;
  });
  if (!running.length) {
    const l = held[0]!;
    return { refusal: "licence-expired", licence: l.name, message: `the licence "${l.name}" expired at ${new Date(licenceEnd(l, startedAt)!).toISOString()}` };
  }
  if (running.some((l) => l.seats === undefined || seatsUsed(l) < l.seats)) return undefined;
  const l = running[0]!;
  return { refusal: "licence-seats-used", licence: l.name, message: `every seat of the licence "${l.name}" is in use (${seatsUsed(l)} of ${l.seats})` };
}

/** Whether a live enrollment of this platform and user counts against the licence's seats. */
export const coveredBy = (cfg: PolicyConfig, l: LicencePolicy, e: { platform: PolicyPlatform; upn?: string }): boolean => (!l.platforms || l.platforms.includes(e.platform)) && (!l.assign || targets(cfg, l.assign, e.upn));

const RESTRICTS: ReadonlySet<string> = new Set(["knox-manage", "knox-suite"]);

/**
 * An enrolled device's service as its licences leave it: licensed (served), restricted (served what it already has,
 * nothing new) or refused (its check-in refused). Which one a lapse gives is the lapsed licence's data, as its product
 * publishes it:
 * - knox-manage / knox-suite (checked for enrolled devices whatever `enforcedAt` says: Knox Manage updates licence
 *   state "once daily for applied licenses"): "existing settings or policies, configured before the license expiry,
 *   continue to apply … a few basic functions that allow communication between the device and the Knox Manage console
 *   continue to be available … They can't deploy on the devices any new settings, apps, profiles, or content";
 *   commands left: Unenroll Device, Factory Reset, licence updates, log collection (Samsung Knox Manage, "Renew an
 *   expired license", docs.samsungknox.com/admin/knox-manage/configure/licenses/renew-an-expired-license/).
 * - a licence with `enforcedAt: [checkin]` and no such product: refused (an assumption, see the schema), on the platforms
 *   whose check-in refusal is modelled ({@link CHECKIN_REFUSAL_PLATFORMS}); elsewhere it was checked at enrollment only.
 *   (Counting a PC or an iPhone "refused" while its server kept serving it made `expect.server.licences` pass falsely.)
 * - intune, or a generic licence checked at enrollment only: not checked (Microsoft does not publish what an enrolled
 *   device whose user lost the Intune licence meets).
 * Among the licences checked: none of the platform's is the user's (unassigned), or every one held has ended
 * (expired). Seats are not counted: the device already holds one.
 */
export type ServiceStanding = { state: "licensed" } | { state: "restricted" | "refused"; refusal: Exclude<LicenceRefusal, "licence-seats-used">; message: string; licence: string };

export function enrolledStanding(cfg: PolicyConfig, r: { platform: PolicyPlatform; upn?: string }, now: number, startedAt: number): ServiceStanding {
  const covering = (cfg.licences ?? []).filter((l) => (!l.platforms || l.platforms.includes(r.platform)) && (RESTRICTS.has(l.product ?? "") || ((l.enforcedAt ?? []).includes("checkin") && CHECKIN_REFUSAL_PLATFORMS.has(r.platform))));
  if (!covering.length) return { state: "licensed" };
  const effect = (l: LicencePolicy) => (RESTRICTS.has(l.product ?? "") ? ("restricted" as const) : ("refused" as const));
  const held = covering.filter((l) => !l.assign || targets(cfg, l.assign, r.upn));
  if (!held.length) {
    const l = covering[0]!;
    return {
      state: effect(l),
      refusal: "licence-unassigned",
      licence: l.name,
      message: `${r.upn ?? "the device's enrollment"} holds none of the ${r.platform} licences checked for enrolled devices (${covering.map((x) => `"${x.name}"`).join(", ")})`,
    };
  }
  const running = (l: LicencePolicy) => {
    const end = licenceEnd(l, startedAt);
    return end === undefined || now < end;
  };
  if (held.some(running)) return { state: "licensed" };
  const l = held[0]!;
  return { state: effect(l), refusal: "licence-expired", licence: l.name, message: `the licence "${l.name}" expired at ${new Date(licenceEnd(l, startedAt)!).toISOString()}` };
}
