// SPDX-License-Identifier: MIT
/** A JSON value: what the scenario's JSON Schema fragments are made of (core, platforms, faults). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
