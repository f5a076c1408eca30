// SPDX-License-Identifier: MIT
/** "Did you mean …?" hints: the scenario loader's view of src/errors/suggest.ts (the catalog uses it too). */
export { closest, didYouMean, editDistance, listNames } from "../../errors/suggest.js";
