// SPDX-License-Identifier: MIT
/**
 * Facts of the embedded reference server that its devices may rely on, shared by the server and
 * device layers (neither imports the other). test-only: a published default password so embedded
 * runs need no credentials in the scenario; a real server never has one.
 */

/** The reference server's published default sign-in password; a device uses it only in embedded runs without one set. */
export const EMBEDDED_ACCOUNT_PASSWORD = "enrollsim-user-password";
