/**
 * Async watchers (ev_async): wake the loop from elsewhere — another callback, a Node
 * callback in hosted mode, or a worker_thread. Each Async owns an eventfd, created with the
 * watcher and closed with the loop, so `send()` is a single 8-byte write and any number of
 * sends before the loop notices coalesce into one callback.
 *
 * From a worker_thread, do not load evnet (koffi is not safe there): pass `async.fd` to the
 * worker and write a native-endian 64-bit 1 to it:
 *
 * @example
 * // main thread
 * const wake = new Async(loop, () => drainQueue());
 * wake.start();
 * new Worker(url, { workerData: { fd: wake.fd } });
 * // worker
 * fs.writeSync(workerData.fd, new BigUint64Array([1n]));
 */
import { close, eventfdCreate, eventfdDrain, eventfdSignal } from "../sys/index.js";
import { EV, MAXPRI } from "./constants.js";
import { Io } from "./io.js";
import type { Loop } from "./loop.js";
import { Watcher, type WatcherCallback } from "./watcher.js";

export class Async extends Watcher {
  private _fd: number;
  private _sent = false;
  private readonly _io: Io;

  constructor(loop: Loop, cb: WatcherCallback<Async>) {
    super(loop, cb);
    loop._checkAlive();
    this._fd = eventfdCreate();
    const fd = this._fd;
    loop._closers.add(() => close(fd));
    this._io = new Io(loop, fd, EV.READ, () => this._woken());
    this._io.priority = MAXPRI;
  }

  /** The eventfd a worker_thread may write to, as send() does. */
  get fd(): number {
    return this._fd;
  }

  /** True when send() was called and the callback has not run yet (ev_async_pending). */
  get sent(): boolean {
    return this._sent;
  }

  /** Nothing to set: kept so every watcher type has set(...). */
  set(): void {
    this.assertInactive("set");
  }

  /** Wakes the loop and has the callback invoked once, however often it is called before. */
  send(): void {
    if (this._sent) return;
    this._sent = true;
    eventfdSignal(this._fd);
  }

  /** Starting forgets a send made while inactive, as ev_async_start resets `sent`. */
  start(): void {
    if (this._active !== 0) return;
    const loop = this.loop;
    loop._start(this, 1);
    eventfdDrain(this._fd);
    this._sent = false;
    this._io.start();
    loop.unref();
  }

  stop(): void {
    const loop = this.loop;
    loop.clearPending(this);
    if (this._active === 0) return;
    loop.ref();
    this._io.stop();
    loop._stop(this);
  }

  private _woken(): void {
    eventfdDrain(this._fd);
    this._sent = false;
    this.loop._feed(this, EV.ASYNC);
  }
}
