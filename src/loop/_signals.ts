/**
 * How a loop receives signals: a native handler writes each caught signal's number into a
 * pipe (see sys/signal.ts for why not signalfd), and an internal Io watcher of the highest
 * priority reads it and feeds the Signal watchers during the invoke pass, as libev's signal
 * pipe does. A signal can be watched by one loop at a time in a process, as in libev, since
 * its handler writes into one pipe.
 */
import { catchSignal, close, pipe, read, releaseSignal, signalName } from "../sys/index.js";
import { EV, MAXPRI } from "./constants.js";
import { Io } from "./io.js";
import type { Loop } from "./loop.js";
import type { Signal } from "./signal.js";

/** Which loop watches each signal, process-wide. */
const owners = new Map<number, Loop>();

export class SignalSource {
  private readonly loop: Loop;
  private readonly bySignal = new Map<number, Signal[]>();
  private readonly readFd: number;
  private readonly writeFd: number;
  private readonly io: Io;
  private readonly buffer = new Uint8Array(256);

  constructor(loop: Loop) {
    this.loop = loop;
    [this.readFd, this.writeFd] = pipe();
    this.io = new Io(loop, this.readFd, EV.READ, () => this.drain());
    this.io.priority = MAXPRI;
  }

  add(w: Signal): void {
    const signum = w.signum;
    let list = this.bySignal.get(signum);
    if (!list) {
      const owner = owners.get(signum);
      if (owner && owner !== this.loop) {
        throw new Error(
          `signal ${signalName(signum)} is already watched by another loop; a signal can be watched by one loop at a time`,
        );
      }
      catchSignal(signum, this.writeFd);
      owners.set(signum, this.loop);
      this.bySignal.set(signum, (list = []));
      if (!this.io.active) {
        this.io.start();
        this.loop.unref();
      }
    }
    list.push(w);
  }

  remove(w: Signal): void {
    const signum = w.signum;
    const list = this.bySignal.get(signum);
    if (!list) return;
    const i = list.lastIndexOf(w);
    if (i >= 0) list.splice(i, 1);
    if (list.length > 0) return;
    this.release(signum);
    if (this.bySignal.size === 0 && this.io.active) {
      this.loop.ref();
      this.io.stop();
    }
  }

  /** Feeds every watcher of `signum`, newest first as libev's list order gives. */
  feed(signum: number): void {
    const list = this.bySignal.get(signum);
    if (!list) return;
    for (let i = list.length - 1; i >= 0; i--) this.loop._feed(list[i]!, EV.SIGNAL);
  }

  close(): void {
    for (const signum of [...this.bySignal.keys()]) this.release(signum);
    close(this.readFd);
    close(this.writeFd);
  }

  private release(signum: number): void {
    releaseSignal(signum);
    this.bySignal.delete(signum);
    owners.delete(signum);
  }

  private drain(): void {
    for (;;) {
      const n = read(this.readFd, this.buffer);
      if (n <= 0) return;
      for (let i = 0; i < n; i++) this.feed(this.buffer[i]!);
    }
  }
}
