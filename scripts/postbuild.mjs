// Makes the CLI entry executable after tsc (npm links bin files, but a fresh
// `node dist/cli/main.js` and `npx enrollsim` both want the shebang file to be +x), and copies the
// report page's browser assets (plain JS and CSS that tsc does not emit) next to the module that reads them.
import { chmodSync, cpSync, existsSync } from "node:fs";
const bin = new URL("../dist/cli/main.js", import.meta.url);
if (existsSync(bin)) chmodSync(bin, 0o755);
cpSync(new URL("../src/report/html/assets/", import.meta.url), new URL("../dist/report/html/assets/", import.meta.url), { recursive: true });
