// Builds native/evnet.c into native/build/libevnet.so with the system C compiler. Run by
// `npm install`; the library is tiny (signal handling only, see the comment in evnet.c).
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const out = join(root, "native", "build", "libevnet.so");
mkdirSync(dirname(out), { recursive: true });
const cc = process.env.CC || "cc";
try {
  execFileSync(
    cc,
    ["-O2", "-Wall", "-Wextra", "-shared", "-fPIC", "-o", out, join(root, "native", "evnet.c")],
    {
      stdio: "inherit",
    },
  );
} catch (err) {
  console.error(`evnet: could not build ${out} with "${cc}" (${err.message}).`);
  console.error(
    "evnet: Signal watchers need it; install a C compiler (apt-get install gcc) and run npm install again.",
  );
  process.exit(1);
}
