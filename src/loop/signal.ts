/**
 * Signal watchers (ev_signal): invoked in the loop, not in a signal handler, when the process
 * receives the signal, e.g. from `kill -USR1 <pid>`. Many watchers may watch one signal in one
 * loop; one signal cannot be watched by two loops at once.
 */
import { signalName, signalNumber } from "../sys/index.js";
import type { Loop } from "./loop.js";
import { Watcher, type WatcherCallback } from "./watcher.js";

const UNCATCHABLE = new Set([9, 19]); // SIGKILL, SIGSTOP

function checkSignal(signal: string | number): number {
  const signum = signalNumber(signal);
  if (UNCATCHABLE.has(signum)) {
    throw new RangeError(`${signalName(signum)} cannot be caught, blocked or watched`);
  }
  return signum;
}

export class Signal extends Watcher {
  private _signum: number;

  /** `signal` is a name ("SIGUSR1", "USR1") or a number (10). */
  constructor(loop: Loop, signal: string | number, cb: WatcherCallback<Signal>) {
    super(loop, cb);
    this._signum = checkSignal(signal);
  }

  get signum(): number {
    return this._signum;
  }

  get signame(): string {
    return signalName(this._signum);
  }

  /** Changes the signal; only while inactive (ev_signal_set). */
  set(signal: string | number): void {
    this.assertInactive("set");
    this._signum = checkSignal(signal);
  }

  start(): void {
    if (this._active !== 0) return;
    const loop = this.loop;
    loop._checkAlive();
    loop._signalSource().add(this);
    loop._start(this, 1);
  }

  stop(): void {
    const loop = this.loop;
    loop.clearPending(this);
    if (this._active === 0) return;
    loop._signals?.remove(this);
    loop._stop(this);
  }
}
