// SPDX-License-Identifier: MIT
/** The load model of a run (`--load`): open phases or a closed concurrency, steady check-ins, time scale, connection reuse. */
import { ScenarioError } from "../errors/index.js";
import { phasesProblem, type RatePhase } from "./pacing.js";
import { steadyProblem, type SteadySpec } from "./steady.js";

/** Load model options (all bounded by count and time; design-practices.md §11). */
export interface LoadModel {
  /** Open model with consecutive phases; replaces the scenario's arrival. Devices not due before the last phase ends are not started. */
  phases?: RatePhase[];
  /** Closed model: fixed concurrency; replaces the scenario's arrival. */
  concurrency?: number;
  /** Open model only: most enrolments in flight (arrivals wait for a free slot). */
  maxInFlight?: number;
  /** After enrolment, enrolled devices keep checking in at a cadence until the steady phase ends. */
  steady?: SteadySpec;
  /**
   * Compresses device-side delays (check-in cadence, think time) by this factor; protocol timers
   * (step timeouts, server-directed poll delays) stay wall-clock. Default 1.
   */
  timeScale?: number;
  /**
   * Keep the connection open across the requests of one enrolment or check-in (default true, as NSURLSession and WinHTTP do). False: a connection per request,
   * closed after its response. Either way every client is closed when its enrolment or check-in ends; TLS sessions resume from the device's own cache.
   */
  keepAlive?: boolean;
}

/** Refuses an invalid load model with a ScenarioError. */
export function checkLoadModel(l: LoadModel | undefined): void {
  if (!l) return;
  const bad = (m: string): never => {
    throw new ScenarioError(`load model: ${m}`);
  };
  if (l.phases && l.concurrency !== undefined) bad("give phases (open model) or concurrency (closed model), not both");
  if (l.phases) {
    const p = phasesProblem(l.phases);
    if (p) bad(p);
  }
  if (l.concurrency !== undefined && !(Number.isInteger(l.concurrency) && l.concurrency > 0)) bad("concurrency must be a positive integer");
  if (l.maxInFlight !== undefined && !(Number.isInteger(l.maxInFlight) && l.maxInFlight > 0)) bad("maxInFlight must be a positive integer");
  if (l.timeScale !== undefined && !(typeof l.timeScale === "number" && Number.isFinite(l.timeScale) && l.timeScale > 0)) bad("timeScale must be a positive number");
  if (l.steady) {
    const p = steadyProblem(l.steady);
    if (p) bad(p);
  }
}
