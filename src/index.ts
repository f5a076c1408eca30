// SPDX-License-Identifier: MIT
/**
 * enrollsim library API. Server engineers drive virtual devices from their own test suites:
 * load the catalog, create a device from a seed and an index, run a flow step by step or to the
 * end, read its transcript, start the reference server in-process, or run a whole scenario.
 */
export { createDevice, VirtualDevice, type CreateDeviceOptions, type FlowRun, type StepReport } from "./api/device.js";
export { enrollScepOnce, type EnrollScepOptions, type EnrollScepResult } from "./api/enroll-scep.js";
export { runScenario, loadScenario, type RunScenarioOptions, type ScenarioRun } from "./api/run-scenario.js";
export { inspectBytes, inspectFile, formatInspection } from "./api/inspect.js";
export { ReferenceServer, type ReferenceServerOptions } from "./server/reference-server.js";
export { loadCatalog } from "./runner/catalog-files.js";
export { Catalog, type DeviceModel, type Platform } from "./device/catalog.js";
export type { DeviceIdentity } from "./device/identity.js";
export type { FlowResult, Keychain } from "./device/flow.js";
export { FLOWS, flowNames } from "./device/flows/index.js";
export { ScepClient, type ScepClientOptions, type PollPolicy } from "./protocol/scep/client.js";
export type { ScepOutcome } from "./protocol/scep/outcome.js";
export { formatTranscript } from "./report/trace.js";
export { formatSummary } from "./report/table.js";
export type { RunSummary } from "./report/types.js";
export { FileKeyPool, MemoryKeyPool, pregenKeys } from "./platform/node/keypool/index.js";
export { VirtualClock } from "./platform/virtual/clock.js";
export { NodeCrypto } from "./platform/node/crypto.js";
export { SeededEntropySource } from "./platform/node/entropy.js";
export * from "./errors/index.js";
export type * from "./ports/index.js";
