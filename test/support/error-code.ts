// SPDX-License-Identifier: MIT
/** The typed error code `fn` throws ("no error" when it returns), asserting the error's class. */
import { expect } from "vitest";
import { SimError } from "../../src/errors/index.js";

export function errorCode(fn: () => unknown, type: abstract new (...args: never[]) => { code: string } = SimError): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(type);
    return (e as { code: string }).code;
  }
  return "no error";
}
