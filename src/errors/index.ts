// SPDX-License-Identifier: MIT
/**
 * Error taxonomy. Exceptions are for failures; each class says who is at fault. Expected
 * protocol outcomes (SCEP failInfo, SOAP faults, MDM Error statuses) are values, not errors.
 */
export type Blame = "scenario" | "server" | "transport" | "internal" | "wiring";

export interface ErrorContext {
  /** Device id, e.g. "iphone-15#17". */
  device?: string;
  /** Step from the fixed vocabulary: "scep.getcacaps", "scep.pkioperation", … */
  step?: string;
  attempt?: number;
}

/** Base class. `code` is stable and machine-readable; `message` is for people. */
export abstract class SimError extends Error {
  abstract readonly blame: Blame;
  readonly code: string;
  device?: string;
  step?: string;
  attempt?: number;

  constructor(code: string, message: string, context: ErrorContext & { cause?: unknown } = {}) {
    super(message, context.cause !== undefined ? { cause: context.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    this.device = context.device;
    this.step = context.step;
    this.attempt = context.attempt;
  }

  /** Adds device/step context without losing what was already set closer to the cause. */
  within(context: ErrorContext): this {
    this.device ??= context.device;
    this.step ??= context.step;
    this.attempt ??= context.attempt;
    return this;
  }

  /** One line naming device, step and cause: what a person reads first. */
  describe(): string {
    const where = [this.device && `device ${this.device}`, this.step && `step ${this.step}`]
      .filter(Boolean)
      .join(", ");
    return `${where ? `[${where}] ` : ""}${this.code}: ${this.message} (fault: ${this.blame})`;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      blame: this.blame,
      message: this.message,
      device: this.device,
      step: this.step,
      attempt: this.attempt,
    };
  }
}

/** The scenario file or command line is wrong. `location` is "file:line:column" when known. */
export class ScenarioError extends SimError {
  readonly blame = "scenario" as const;
  constructor(
    message: string,
    readonly location?: string,
    readonly expected?: string,
  ) {
    super("scenario.invalid", location ? `${location}: ${message}` : message);
  }
  /** Further problems of the same file found in the same pass (each with its own location), in file order. */
  more?: ScenarioError[];
}

/** The server sent something a real device would refuse (bad signature, wrong type, malformed body). */
export class ProtocolViolationError extends SimError {
  readonly blame = "server" as const;
}

/** Network, TLS, timeout or size-limit failure between device and server. */
/**
 * What exactly failed inside a transport kind, where the kind alone does not decide what a device
 * shows (Windows picks a different WinHTTP HRESULT for an expired than for an untrusted certificate,
 * iOS a different NSURLError code). Set by the platform adapters from the real failure, and by
 * injected faults, which must produce the same detail the real failure would.
 */
export type TransportDetail =
  | "tls.untrusted"
  | "tls.expired"
  | "tls.not-yet-valid"
  | "tls.wrong-host"
  | "tls.weak-signature"
  | "tls.weak-key"
  | "tls.wrong-usage"
  | "tls.policy"
  | "tls.protocol-version"
  | "tls.client-cert-required"
  | "tls.client-cert-refused"
  /** The server renegotiated TLS 1.2 mid-connection (after the request was sent) and the device's stack failed on it. */
  | "tls.renegotiation"
  | "dns.nxdomain"
  | "dns.timeout"
  | "dns.servfail"
  | "dns.no-address"
  | "connect.refused"
  | "connect.timeout"
  | "reset.before-response"
  | "reset.mid-body"
  | "timeout.response"
  | "redirect.loop"
  | "redirect.off-host";

export class TransportError extends SimError {
  readonly blame = "transport" as const;
  constructor(
    readonly kind: "timeout" | "refused" | "reset" | "tls" | "too-large" | "aborted" | "http-status" | "dns" | "other",
    message: string,
    context: ErrorContext & { cause?: unknown; status?: number; detail?: TransportDetail } = {},
  ) {
    super(`transport.${kind}`, message, context);
    this.status = context.status;
    this.detail = context.detail;
  }
  readonly status?: number;
  /** Finer than `kind` where known; undefined where the adapter could not tell. */
  readonly detail?: TransportDetail;
}

/** A bug in enrollsim: an invariant broke. Please report it. */
export class InternalError extends SimError {
  readonly blame = "internal" as const;
  constructor(message: string, context: ErrorContext & { cause?: unknown } = {}) {
    super("internal", message, context);
  }
}

/** A port was not provided to a component that needs it. */
export class NoProviderError extends SimError {
  readonly blame = "wiring" as const;
  constructor(port: string) {
    super("wiring.no-provider", `no adapter was provided for the ${port} port`);
  }
}

/** Converts anything thrown into a SimError with context; unknown throws are our bug. */
export function asSimError(err: unknown, context: ErrorContext = {}): SimError {
  if (err instanceof SimError) return err.within(context);
  const message = err instanceof Error ? err.message : String(err);
  return new InternalError(`unexpected ${err instanceof Error ? err.name : typeof err}: ${message}`, {
    ...context,
    cause: err,
  });
}
