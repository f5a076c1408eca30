// SPDX-License-Identifier: MIT
/** SCEP enrollment outcomes: expected protocol results are values, not exceptions. */
import type { Certificate } from "../../wire/x509/certificate.js";
import type { FailInfo } from "../../wire/scep/vocabulary.js";

export type ScepOutcome =
  | {
      status: "issued";
      certificate: Certificate;
      /** Other certificates the CA returned with it. */
      chain: Certificate[];
      transactionID: string;
      polls: number;
    }
  | {
      status: "failure";
      failInfo?: FailInfo;
      /** failInfo as sent when it is not one of the RFC 8894 values. */
      failInfoRaw?: string;
      failInfoText?: string;
      transactionID: string;
      step: string;
      polls: number;
    }
  | {
      /** The CA kept answering PENDING until the poll policy ran out. */
      status: "pending-gave-up";
      transactionID: string;
      polls: number;
    };

/** Stable outcome code used by reports and scenario expectations. */
export function outcomeCode(o: ScepOutcome): string {
  switch (o.status) {
    case "issued":
      return "scep.issued";
    case "failure":
      return `scep.failInfo.${o.failInfo ?? `unknown-${o.failInfoRaw ?? "none"}`}`;
    case "pending-gave-up":
      return "scep.pending-gave-up";
  }
}
