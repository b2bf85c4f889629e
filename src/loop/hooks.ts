/**
 * Watchers that hook into fixed points of an iteration, each kept in a plain array in start
 * order: Prepare (just before the loop blocks), Check (just after it wakes), Fork (after
 * loop.fork(), before the kernel state is rebuilt) and Cleanup (when the loop is destroyed;
 * they hold no reference, so they never keep run() alive).
 */
import type { Loop } from "./loop.js";
import { Watcher, type WatcherCallback } from "./watcher.js";

abstract class HookWatcher extends Watcher {
  protected abstract list(): Watcher[];

  /** Nothing to set: kept so every watcher type has set(...). */
  set(): void {
    this.assertInactive("set");
  }

  start(): void {
    this.loop._arrayStart(this.list(), this);
  }

  stop(): void {
    this.loop._arrayStop(this.list(), this);
  }
}

/** Invoked before the loop blocks for I/O, e.g. to flush buffered output (ev_prepare). */
export class Prepare extends HookWatcher {
  constructor(loop: Loop, cb: WatcherCallback<Prepare>) {
    super(loop, cb);
  }
  protected list(): Watcher[] {
    return this.loop._prepares;
  }
}

/** Invoked after the loop has polled, before the other callbacks of the iteration (ev_check). */
export class Check extends HookWatcher {
  constructor(loop: Loop, cb: WatcherCallback<Check>) {
    super(loop, cb);
  }
  protected list(): Watcher[] {
    return this.loop._checks;
  }
}

/** Invoked at the start of the next iteration after loop.fork() (ev_fork). */
export class Fork extends HookWatcher {
  constructor(loop: Loop, cb: WatcherCallback<Fork>) {
    super(loop, cb);
  }
  protected list(): Watcher[] {
    return this.loop._forks;
  }
}

/** Invoked when the loop is destroyed; does not keep the loop alive (ev_cleanup). */
export class Cleanup extends HookWatcher {
  constructor(loop: Loop, cb: WatcherCallback<Cleanup>) {
    super(loop, cb);
  }
  protected list(): Watcher[] {
    return this.loop._cleanups;
  }

  override start(): void {
    if (this._active !== 0) return;
    super.start();
    this.loop.unref();
  }

  override stop(): void {
    if (this._active !== 0) this.loop.ref();
    super.stop();
  }
}
