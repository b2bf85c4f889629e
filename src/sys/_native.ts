/**
 * evnet's own small C library (native/evnet.c, built by `npm install`), loaded through koffi
 * on first use so that a missing build only affects the features that need it.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import koffi from "koffi";
import type { Fn } from "./_libc.js";

// From dist/src/sys/ (or src/sys/ when run from source) up to the package root.
const LIBRARY = fileURLToPath(new URL("../../../native/build/libevnet.so", import.meta.url));

interface Native {
  signalCatch: Fn;
  signalRelease: Fn;
  writev4: Fn;
}

let native: Native | null = null;

export function loadNative(): Native {
  if (native) return native;
  if (!existsSync(LIBRARY)) {
    throw new Error(
      `evnet's native helper ${LIBRARY} is missing: run "npm install" (it needs a C compiler) to build it`,
    );
  }
  const lib = koffi.load(LIBRARY);
  native = {
    signalCatch: lib.func("int evnet_signal_catch(int sig, int fd, int chain)") as Fn,
    signalRelease: lib.func("int evnet_signal_release(int sig)") as Fn,
    writev4: lib.func(
      "long evnet_writev4(int fd, const void *a, unsigned long al, const void *b, unsigned long bl, const void *c, unsigned long cl, const void *d, unsigned long dl)",
    ) as Fn,
  };
  return native;
}
