// Makes the CLI entry executable after tsc (npm links bin files, but a fresh
// `node dist/cli/main.js` and `npx enrollsim` both want the shebang file to be +x).
import { chmodSync, existsSync } from "node:fs";
const bin = new URL("../dist/cli/main.js", import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
