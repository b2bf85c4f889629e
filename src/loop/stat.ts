/**
 * Stat watchers (ev_stat): report when a path's attributes change — created, deleted,
 * written, chmod'ed. The path is stat()ed every `interval` seconds on an internal timer that
 * does not keep the loop alive (libev's portable mode; libev adds inotify on Linux, which
 * this does not use yet). An interval of 0 picks libev's default of about 5 s; the smallest
 * honoured interval is about 0.1 s, as in libev.
 */
import { type BigIntStats, type Stats, statSync } from "node:fs";
import { EV } from "./constants.js";
import type { Loop } from "./loop.js";
import { Timer } from "./timer.js";
import { checkTime, Watcher, type WatcherCallback } from "./watcher.js";

const DEFAULT_INTERVAL = 5.0074891;
const MIN_INTERVAL = 0.1074891;

/** The attributes libev's ev_statdata carries; nlink is 0 when the path does not exist. */
export interface StatAttr {
  dev: number;
  ino: number;
  mode: number;
  nlink: number;
  uid: number;
  gid: number;
  rdev: number;
  size: number;
  /** seconds since the epoch, with fractions */
  atime: number;
  mtime: number;
  ctime: number;
}

const MISSING: StatAttr = Object.freeze({
  dev: 0,
  ino: 0,
  mode: 0,
  nlink: 0,
  uid: 0,
  gid: 0,
  rdev: 0,
  size: 0,
  atime: 0,
  mtime: 0,
  ctime: 0,
});

function readAttr(path: string): StatAttr {
  let s: Stats | BigIntStats | undefined;
  try {
    s = statSync(path, { throwIfNoEntry: false });
  } catch {
    s = undefined; // unreadable counts as absent, as libev's failing stat() does
  }
  if (!s) return MISSING;
  return {
    dev: Number(s.dev),
    ino: Number(s.ino),
    mode: Number(s.mode),
    nlink: Number(s.nlink),
    uid: Number(s.uid),
    gid: Number(s.gid),
    rdev: Number(s.rdev),
    size: Number(s.size),
    atime: Number(s.atimeMs) / 1000,
    mtime: Number(s.mtimeMs) / 1000,
    ctime: Number(s.ctimeMs) / 1000,
  };
}

function sameAttr(a: StatAttr, b: StatAttr): boolean {
  return (
    a.dev === b.dev &&
    a.ino === b.ino &&
    a.mode === b.mode &&
    a.nlink === b.nlink &&
    a.uid === b.uid &&
    a.gid === b.gid &&
    a.rdev === b.rdev &&
    a.size === b.size &&
    a.atime === b.atime &&
    a.mtime === b.mtime &&
    a.ctime === b.ctime
  );
}

function checkPath(path: string): string {
  if (typeof path !== "string" || path.length === 0 || path.includes("\0")) {
    throw new TypeError(
      `Stat path must be a non-empty string without NUL bytes, got ${String(path)}`,
    );
  }
  return path;
}

export class Stat extends Watcher {
  private _path: string;
  private _interval: number;
  /** The attributes seen at the last check (ev_stat's attr). */
  attr: StatAttr = MISSING;
  /** The attributes before the last change (ev_stat's prev). */
  prev: StatAttr = MISSING;
  private readonly _timer: Timer;

  constructor(loop: Loop, path: string, interval: number, cb: WatcherCallback<Stat>) {
    super(loop, cb);
    this._path = checkPath(path);
    this._interval = checkTime(interval, "Stat interval");
    this._timer = new Timer(loop, 0, 0, () => this._poll());
  }

  get path(): string {
    return this._path;
  }

  /** The polling interval in use: libev's default for 0, at least its minimum otherwise. */
  get interval(): number {
    if (this._interval === 0) return DEFAULT_INTERVAL;
    return Math.max(this._interval, MIN_INTERVAL);
  }

  /** Changes path and interval; only while inactive (ev_stat_set). */
  set(path: string, interval: number): void {
    this.assertInactive("set");
    this._path = checkPath(path);
    this._interval = checkTime(interval, "Stat interval");
  }

  /** Re-reads the attributes into `attr` now, without reporting a change (ev_stat_stat). */
  stat(): StatAttr {
    this.attr = readAttr(this._path);
    return this.attr;
  }

  start(): void {
    if (this._active !== 0) return;
    const loop = this.loop;
    loop._checkAlive();
    this.stat();
    this._timer.priority = this._priority;
    this._timer.set(this.interval, this.interval);
    this._timer.start();
    loop.unref();
    loop._start(this, 1);
  }

  stop(): void {
    const loop = this.loop;
    loop.clearPending(this);
    if (this._active === 0) return;
    loop.ref();
    this._timer.stop();
    loop._stop(this);
  }

  private _poll(): void {
    const now = readAttr(this._path);
    if (sameAttr(now, this.attr)) return;
    this.prev = this.attr;
    this.attr = now;
    this.loop._feed(this, EV.STAT);
  }
}
