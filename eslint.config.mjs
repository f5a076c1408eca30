// SPDX-License-Identifier: MIT
// ESLint (flat config): the recommended JavaScript and typescript-eslint rules, tuned to the code as
// it is written today (see CONTRIBUTING.md). Formatting is Prettier's job (.prettierrc.json), not ESLint's.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Node 20 globals the code uses (no `globals` package needed).
const NODE_GLOBALS = Object.fromEntries(
  [
    "Buffer", "URL", "URLSearchParams", "AbortController", "AbortSignal", "TextEncoder", "TextDecoder", "console", "process", "setTimeout", "clearTimeout",
    "setInterval", "clearInterval", "setImmediate", "queueMicrotask", "structuredClone", "atob", "btoa", "performance", "fetch", "globalThis",
  ].map((name) => [name, "readonly"]),
); // prettier-ignore

// Browser globals of the report page script (src/report/html/assets/page.js).
const BROWSER_GLOBALS = Object.fromEntries(["document", "window", "location", "Node", "WebSocket", "Blob", "URL", "requestAnimationFrame", "console"].map((name) => [name, "readonly"]));

export default tseslint.config(
  { ignores: ["dist/**", "coverage/**", "node_modules/**", "bench/results/**", "deploy/**", "**/*.d.ts"] },
  // Directives written for rules this config turns off stay harmless.
  { linterOptions: { reportUnusedDisableDirectives: "off" } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mjs"],
    languageOptions: { ecmaVersion: 2023, sourceType: "module", globals: NODE_GLOBALS },
    rules: {
      // Unused code is a defect; a leading underscore marks a parameter kept for its position.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true }],
      // Tests and a few protocol corners use `any` at boundaries; the strict type checker is the guard.
      "@typescript-eslint/no-explicit-any": "off",
      // Sanitizers of hostile input (terminal text, XML, plist, inspect output) match control characters on purpose.
      "no-control-regex": "off",
      // `if (hit) (list.delete(x), n++);` and `cond && act()` are house style for side effects.
      "@typescript-eslint/no-unused-expressions": "off",
      // `let x = null; try { x = … } catch { x = null; }` spells out every path on purpose.
      "no-useless-assignment": "off",
      // A `let` read by a closure before its one assignment (a hook set up before the world exists) stays `let`.
      "prefer-const": ["error", { ignoreReadBeforeAssign: true }],
      // `for (;;)` loops with explicit exits are the house style for bounded protocol loops.
      "no-constant-condition": ["error", { checkLoops: false }],
    },
  },
  {
    // The report page's script runs in the browser, inlined into the HTML report and the dashboard page.
    files: ["src/report/html/assets/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "script", globals: BROWSER_GLOBALS },
  },
);
