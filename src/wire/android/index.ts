// SPDX-License-Identifier: MIT
/** Android provisioning wire codecs. */
export * from "./errors.js";
export * from "./extras.js";
export * from "./base64url.js";
export * from "./properties.js";
export * from "./payload.js";
export * from "./build.js";
export * from "./apk.js";
export * from "./verify.js";
export * from "./ndef.js";
