// SPDX-License-Identifier: MIT
/**
 * The Knox Manage agent (Samsung's EMM; its APK is KnoxManageEMMService.apk, Samsung KBA "How do I integrate Knox
 * Manage with Knox Mobile Enrollment?"). Its device↔server protocol is not published: enrollsim carries its
 * enrollment over the AMAPI stand-in (token redemption, status reports), so the server half and its policies are the
 * same. What it adds is the agent's own published error codes and texts (agents/knox-manage.yaml, the vendor agent catalog), shown when
 * their cause occurs.
 */
import { amapiDialect } from "./amapi.js";
import type { AndroidDialect } from "./types.js";

export const knoxManageDialect: AndroidDialect = {
  ...amapiDialect,
  name: "knox-manage",
  description: "Knox Manage agent: enrollment over enrollsim's AMAPI stand-in (its own protocol is not published), with Knox Manage's published client error codes (KMA_*)",
  packages: [],
};
