/**
 * Signals. A handler in evnet's native helper writes each caught signal's number into a pipe
 * that the loop watches (libev's signal pipe): Node's helper threads leave most signals
 * unblocked, so a signal may be handled on any thread, and a pipe write is the one thing a
 * handler may safely do from there. signalfd cannot be used for the same reason: the kernel
 * delivers a process-directed signal to some thread that does not block it before any
 * signalfd is read.
 */
import { constants } from "node:os";
import { lastErrno } from "./_libc.js";
import { loadNative } from "./_native.js";
import { SysError } from "./errno.js";

const signalNumbers = constants.signals as Record<string, number>;
const signalNames: string[] = [];
for (const [name, num] of Object.entries(signalNumbers)) signalNames[num] ??= name;

/** Largest signal number on Linux (real-time signals included). */
export const NSIG = 64;

/**
 * Resolves "SIGUSR1", "usr1", "USR1" or 10 to a signal number. Throws a TypeError naming the
 * value for an unknown name and a RangeError for a number outside 1..64.
 */
export function signalNumber(sig: string | number): number {
  if (typeof sig === "number") {
    if (!Number.isInteger(sig) || sig < 1 || sig > NSIG) {
      throw new RangeError(`signal number must be an integer in 1..${NSIG}, got ${sig}`);
    }
    return sig;
  }
  if (typeof sig !== "string")
    throw new TypeError(`signal must be a name or number, got ${typeof sig}`);
  const upper = sig.toUpperCase();
  const num = signalNumbers[upper.startsWith("SIG") ? upper : `SIG${upper}`];
  if (num === undefined) throw new TypeError(`unknown signal name "${sig}"`);
  return num;
}

/** "SIGUSR1" for 10; "SIG<n>" for numbers without a name (real-time signals). */
export function signalName(signum: number): string {
  return signalNames[signum] ?? `SIG${signum}`;
}

const SIGUSR1 = 10;

/**
 * From now on, `signum` is written as one byte into `fd` (a non-blocking pipe's write end)
 * whenever the process receives it. The handler installed before, if any, is still called
 * after the write (so process.on listeners and libuv's SIGCHLD reaping keep working), except
 * for SIGUSR1, where Node's handler would open the inspector: a program that watches
 * SIGUSR1 wants the signal, not a debugger.
 */
export function catchSignal(signum: number, fd: number): void {
  if (loadNative().signalCatch(signum, fd, signum === SIGUSR1 ? 0 : 1) < 0) {
    throw new SysError("sigaction", lastErrno(), signalName(signum));
  }
}

/** Restores the disposition `signum` had before catchSignal(). */
export function releaseSignal(signum: number): void {
  if (loadNative().signalRelease(signum) < 0) {
    throw new SysError("sigaction", lastErrno(), signalName(signum));
  }
}
