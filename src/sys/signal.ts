/**
 * Signals through signalfd(2). A signal is blocked in this thread with pthread_sigmask and read
 * from a descriptor instead of interrupting JavaScript. Node's helper threads block every
 * signal, so a process-directed signal (kill -USR1 PID) stays pending until the signalfd is
 * read. glibc's sigset_t is 128 bytes; the kernel reads the first 8 of it.
 */
import { constants } from "node:os";
import { c, lastErrno } from "./_libc.js";
import { SysError } from "./errno.js";
import { O_CLOEXEC, O_NONBLOCK } from "./fd.js";

const SIG_BLOCK = 0;
const SIG_UNBLOCK = 1;
const SIGSET_BYTES = 128;
/** sizeof(struct signalfd_siginfo) */
const SIGINFO_BYTES = 128;

const signalNumbers = constants.signals as Record<string, number>;
const signalNames: string[] = [];
for (const [name, num] of Object.entries(signalNumbers)) signalNames[num] ??= name;

/** Largest signal number a sigset covers on Linux (real-time signals included). */
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

/** A sigset_t with the given signals set. */
export function sigset(signals: Iterable<number>): Uint8Array {
  const set = new Uint8Array(SIGSET_BYTES);
  for (const s of signals) set[(s - 1) >> 3]! |= 1 << ((s - 1) & 7);
  return set;
}

function sigmask(how: number, signals: Iterable<number>): void {
  const err = c.pthread_sigmask(how, sigset(signals), null) as number;
  // pthread_sigmask returns the error number instead of setting errno.
  if (err !== 0) throw new SysError("pthread_sigmask", err);
}

/** Blocks the signals in this thread so that they queue for a signalfd. */
export function blockSignals(signals: Iterable<number>): void {
  sigmask(SIG_BLOCK, signals);
}

export function unblockSignals(signals: Iterable<number>): void {
  sigmask(SIG_UNBLOCK, signals);
}

/**
 * Creates (fd = -1) or updates a non-blocking signalfd for exactly `signals`.
 * Returns the descriptor.
 */
export function signalfdSet(fd: number, signals: Iterable<number>): number {
  const r = c.signalfd(fd, sigset(signals), O_NONBLOCK | O_CLOEXEC) as number;
  if (r < 0) throw new SysError("signalfd", lastErrno());
  return r;
}

const info = new Uint8Array(SIGINFO_BYTES * 16);
const infoWords = new Uint32Array(info.buffer);

/**
 * Reads every queued signal from a signalfd, calling `onSignal(signum)` for each; returns
 * how many it read. A signal sent several times before the read arrives once, as in C.
 */
export function signalfdRead(fd: number, onSignal: (signum: number) => void): number {
  let total = 0;
  for (;;) {
    const n = c.read(fd, info, info.byteLength) as number;
    if (n <= 0) return total;
    for (let off = 0; off < n; off += SIGINFO_BYTES) {
      total++;
      onSignal(infoWords[off >> 2]!);
    }
  }
}

/** sends `signum` to the process itself, through kill(2) on our own pid. */
export function raise(signum: number): void {
  if (c.kill(c.getpid(), signum) < 0) throw new SysError("kill", lastErrno());
}
