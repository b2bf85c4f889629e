/**
 * Child watchers (ev_child): report when a child process exits, with its pid and a
 * waitpid-style status. Each watcher opens a pidfd for its pid (readable once the process
 * has exited) and peeks at the status with waitid(WNOWAIT), so the child is not reaped: Node's
 * child_process still gets its own 'exit' event.
 *
 * Differences from libev, both from using pidfds instead of SIGCHLD: pid must name one
 * process (libev's pid 0, "any child", has no pidfd), and `trace` (stop/continue reports)
 * is accepted but only exits are reported. If another reaper (Node, in hosted mode) wins the
 * race to the status, `rstatus` is -1: the exit is still reported, its status is gone.
 */
import { close, pidfdOpen, pidfdPeekExit } from "../sys/index.js";
import { EV, MAXPRI } from "./constants.js";
import { Io } from "./io.js";
import type { Loop } from "./loop.js";
import { Watcher, type WatcherCallback } from "./watcher.js";

function checkPid(pid: number): number {
  if (typeof pid !== "number" || !Number.isInteger(pid) || pid <= 0) {
    throw new RangeError(`Child pid must be a positive integer (one process), got ${String(pid)}`);
  }
  return pid;
}

export class Child extends Watcher {
  private _pid: number;
  private _trace: boolean;
  /** The pid of the process whose status was reported (ev_child's rpid). */
  rpid = 0;
  /** Its waitpid-style status: exit code << 8, or the signal number that killed it. */
  rstatus = 0;
  private _pidfd = -1;
  private _io: Io | null = null;
  private readonly _closer = (): void => this._release();

  constructor(loop: Loop, pid: number, trace: boolean | number, cb: WatcherCallback<Child>) {
    super(loop, cb);
    this._pid = checkPid(pid);
    this._trace = Boolean(trace);
  }

  get pid(): number {
    return this._pid;
  }

  get trace(): boolean {
    return this._trace;
  }

  /** Changes pid and trace; only while inactive (ev_child_set). */
  set(pid: number, trace: boolean | number): void {
    this.assertInactive("set");
    this._pid = checkPid(pid);
    this._trace = Boolean(trace);
  }

  start(): void {
    if (this._active !== 0) return;
    const loop = this.loop;
    loop._checkAlive();
    this._pidfd = pidfdOpen(this._pid);
    loop._closers.add(this._closer);
    this._io = new Io(loop, this._pidfd, EV.READ, () => this._exited());
    this._io.priority = MAXPRI;
    this._io.start();
    loop.unref();
    loop._start(this, 1);
  }

  stop(): void {
    const loop = this.loop;
    loop.clearPending(this);
    if (this._active === 0) return;
    this._release();
    loop._stop(this);
  }

  private _exited(): void {
    const status = pidfdPeekExit(this._pidfd);
    if (status === null) {
      // Not exited after all (spurious), or already reaped by someone else.
      if (isStillRunning(this._pid)) return;
      this.rpid = this._pid;
      this.rstatus = -1;
    } else {
      this.rpid = status.pid;
      this.rstatus = status.status;
    }
    // The pidfd stays readable after the exit: stop watching it so it is reported once.
    this._stopIo();
    this.loop._feed(this, EV.CHILD);
  }

  private _stopIo(): void {
    if (this._io?.active) {
      this.loop.ref();
      this._io.stop();
    }
  }

  private _release(): void {
    this._stopIo();
    this._io = null;
    if (this._pidfd >= 0) close(this._pidfd);
    this._pidfd = -1;
    this.loop._closers.delete(this._closer);
  }
}

function isStillRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
