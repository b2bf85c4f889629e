/**
 * A TCP (or unix stream) connection on the loop: reads driven by an Io watcher into one
 * buffer shared by every connection, writes queued and flushed with writev, sendfile for file
 * ranges, backpressure through a high-water mark and a drain callback, half-close, and a
 * close that is reported exactly once.
 *
 * Writes go out at once when nothing is queued; `cork()`/`uncork()` hold them back so that a
 * protocol answering several pipelined requests from one read sends them in one syscall.
 */
import { EV, Io, type Loop, Timer } from "../loop/index.js";
import {
  close as closeFd,
  IPPROTO_TCP,
  localAddress,
  read,
  remoteAddress,
  SHUT_WR,
  SO_KEEPALIVE,
  SOL_SOCKET,
  type SocketAddress,
  type SysError,
  sendfile,
  setIntOption,
  shutdown,
  TCP_KEEPCNT,
  TCP_KEEPIDLE,
  TCP_KEEPINTVL,
  TCP_NODELAY,
  write,
  writev4,
} from "../sys/index.js";

/** A file range queued for sendfile. */
class FileSegment {
  constructor(
    readonly fd: number,
    public offset: number,
    public remaining: number,
    readonly done: ((err: Error | null) => void) | null,
  ) {}
}

type Chunk = Uint8Array | FileSegment;

/** One read buffer for every connection: a read's bytes are handed over before the next. */
const READ_SIZE = 65536;
const readBuffer = Buffer.allocUnsafe(READ_SIZE);

/** Small queued chunks are joined into one buffer when more than writev4's four are waiting. */
const JOIN_LIMIT = 16384;

export interface ConnectionOptions {
  /** Bytes queued above which write() returns false and `onDrain` follows (default 64 KiB). */
  highWaterMark?: number;
}

export type CloseReason = Error | null;

/** Io and Timer callbacks shared by every connection (the watcher's `data` is the connection). */
function readable(w: Io): void {
  (w.data as Connection)._readable();
}
function writable(w: Io): void {
  const conn = w.data as Connection;
  const before = conn.bufferedAmount;
  conn._flush();
  if (conn.fd >= 0 && conn.bufferedAmount < before) conn.onWriteProgress();
}
function lingerExpired(w: Timer): void {
  (w.data as Connection).destroy(null);
}

/**
 * The events are methods: assign functions to them (`conn.onData = (d) => ...`), or extend
 * the class and override them, which costs no closure per connection (what the HTTP server
 * does).
 */
export class Connection {
  readonly loop: Loop;
  /** The socket; -1 once closed. */
  fd: number;
  /** User data (a protocol's per-connection state). */
  data: unknown = undefined;

  readonly highWaterMark: number;
  private readonly readIo: Io;
  /** Made the first time the kernel's buffer is full. */
  private writeIo: Io | null = null;
  private queue: Chunk[] = [];
  private queueHead = 0;
  private headOffset = 0;
  private queued = 0;
  private corked = 0;
  private needDrain = false;
  private ending = false;
  private writeShut = false;
  private readPaused = false;
  private readEnded = false;
  private lingerTimer: Timer | null = null;
  private lingerSeconds = 2;
  private lingering = false;
  private flushing = false;

  constructor(loop: Loop, fd: number, options: ConnectionOptions = {}) {
    this.loop = loop;
    this.fd = fd;
    this.highWaterMark = options.highWaterMark ?? 65536;
    this.readIo = new Io(loop, fd, EV.READ, readable);
    this.readIo.data = this;
    this.readIo.start();
  }

  /** Bytes received, as a view into a shared buffer: copy what must outlive the call. */
  onData(_data: Uint8Array): void {}

  /** The peer will send no more (read returned 0). By default the connection ends. */
  onEnd(): void {
    this.end();
  }

  /** Queued bytes fell to zero after write() had returned false. */
  onDrain(): void {}

  /** Called once when the fd is closed: null for an orderly close, else the error. */
  onClose(_reason: CloseReason): void {}

  /**
   * Bytes that were waiting for the kernel's buffer went out (the peer is reading). For
   * send timeouts measured between two writes, as nginx's send_timeout.
   */
  onWriteProgress(): void {}

  get closed(): boolean {
    return this.fd < 0;
  }

  /** Bytes accepted by write() and not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.queued;
  }

  /** True once end() was called (no more writes). */
  get ended(): boolean {
    return this.ending;
  }

  remoteAddress(): SocketAddress {
    return remoteAddress(this.fd);
  }

  localAddress(): SocketAddress {
    return localAddress(this.fd);
  }

  setNoDelay(enable = true): void {
    setIntOption(this.fd, IPPROTO_TCP, TCP_NODELAY, enable ? 1 : 0);
  }

  /** SO_KEEPALIVE, with the idle time, probe interval (seconds) and probe count when given. */
  setKeepAlive(enable: boolean, idle?: number, interval?: number, count?: number): void {
    setIntOption(this.fd, SOL_SOCKET, SO_KEEPALIVE, enable ? 1 : 0);
    if (!enable) return;
    if (idle !== undefined) setIntOption(this.fd, IPPROTO_TCP, TCP_KEEPIDLE, idle);
    if (interval !== undefined) setIntOption(this.fd, IPPROTO_TCP, TCP_KEEPINTVL, interval);
    if (count !== undefined) setIntOption(this.fd, IPPROTO_TCP, TCP_KEEPCNT, count);
  }

  /** Stops reading (backpressure toward the peer: the kernel's window fills). */
  pauseReading(): void {
    if (this.readPaused || this.fd < 0) return;
    this.readPaused = true;
    this.readIo.stop();
  }

  resumeReading(): void {
    if (!this.readPaused || this.fd < 0) return;
    this.readPaused = false;
    if (!this.readEnded) this.readIo.start();
  }

  /** Holds writes in the queue until the matching uncork(). */
  cork(): void {
    this.corked++;
  }

  uncork(): void {
    if (this.corked > 0 && --this.corked === 0 && this.queued > 0) this._flush();
  }

  /**
   * Queues bytes (the caller must not change them until they are sent). Returns false when
   * the queue is above the high-water mark: wait for onDrain before writing more.
   */
  write(data: Uint8Array): boolean {
    if (this.ending || this.fd < 0) return false;
    if (data.byteLength === 0) return this.queued < this.highWaterMark;
    this.queue.push(data);
    this.queued += data.byteLength;
    return this.afterQueue();
  }

  /** Queues two buffers (a head and a body, say) to go out in one writev when possible. */
  write2(a: Uint8Array, b: Uint8Array): boolean {
    if (this.ending || this.fd < 0) return false;
    if (a.byteLength > 0) this.queue.push(a);
    if (b.byteLength > 0) this.queue.push(b);
    this.queued += a.byteLength + b.byteLength;
    return this.afterQueue();
  }

  /**
   * Queues `length` bytes of the open file `fd` from `offset`, sent with sendfile(2) in order
   * with the other writes. `done` runs when they are sent or the connection failed; the file
   * stays the caller's to close.
   */
  sendFile(
    fd: number,
    offset: number,
    length: number,
    done: ((err: Error | null) => void) | null = null,
  ): boolean {
    if (this.ending || this.fd < 0) {
      done?.(new Error("connection is closed"));
      return false;
    }
    if (length <= 0) {
      done?.(null);
      return this.queued < this.highWaterMark;
    }
    this.queue.push(new FileSegment(fd, offset, length, done));
    this.queued += length;
    return this.afterQueue();
  }

  private get writeWaiting(): boolean {
    return this.writeIo?.active === true;
  }

  private afterQueue(): boolean {
    if (this.corked === 0 && !this.writeWaiting) this._flush();
    if (this.fd < 0) return false;
    if (this.queued >= this.highWaterMark) {
      this.needDrain = true;
      return false;
    }
    return true;
  }

  /**
   * Half-close: no more writes; once the queue is sent the write side is shut down (FIN).
   * Reading goes on as before; the connection closes when the peer's side ends too.
   */
  end(): void {
    if (this.ending || this.fd < 0) return;
    this.ending = true;
    if (this.queued === 0) this.shutWrite();
    else if (this.corked === 0 && !this.writeWaiting) this._flush();
  }

  /**
   * The way a server closes: end(), and from then on read and drop what the peer still
   * sends until it closes too or `lingerSeconds` pass. Closing with unread bytes would make
   * the kernel answer with a reset, which can destroy the response still in flight to the
   * peer (nginx's lingering close does the same).
   */
  lingeringClose(lingerSeconds = 2): void {
    if (this.fd < 0) return;
    this.lingerSeconds = lingerSeconds;
    this.lingering = true;
    this.onData = noop;
    this.onEnd = noop;
    if (this.readPaused) {
      this.readPaused = false;
      if (!this.readEnded) this.readIo.start();
    }
    if (this.writeShut) this.startLinger();
    else this.end();
  }

  /** Closes now; queued bytes are dropped. */
  destroy(reason: CloseReason = null): void {
    if (this.fd < 0) return;
    this.readIo.stop();
    this.writeIo?.stop();
    this.lingerTimer?.stop();
    const fd = this.fd;
    this.fd = -1;
    closeFd(fd);
    const queue = this.queue;
    const head = this.queueHead;
    this.queue = [];
    this.queueHead = 0;
    this.queued = 0;
    for (let i = head; i < queue.length; i++) {
      const chunk = queue[i];
      if (chunk instanceof FileSegment && chunk.done) {
        chunk.done(reason ?? new Error("connection closed before the file was sent"));
      }
    }
    this.onClose(reason);
  }

  private shutWrite(): void {
    if (this.writeShut || this.fd < 0) return;
    this.writeShut = true;
    try {
      shutdown(this.fd, SHUT_WR);
    } catch {
      // the peer is gone already (ENOTCONN): nothing left to linger for
      this.destroy(null);
      return;
    }
    if (this.readEnded) {
      this.destroy(null);
      return;
    }
    if (this.lingering) this.startLinger();
  }

  private startLinger(): void {
    if (this.lingerTimer || this.fd < 0) return;
    this.lingerTimer = new Timer(this.loop, this.lingerSeconds, 0, lingerExpired);
    this.lingerTimer.data = this;
    this.lingerTimer.start();
  }

  /** @internal the socket is readable */
  _readable(): void {
    let rounds = 0;
    for (;;) {
      let n: number;
      try {
        n = read(this.fd, readBuffer, READ_SIZE);
      } catch (err) {
        this.destroy(err as SysError);
        return;
      }
      if (n < 0) return;
      if (n === 0) {
        this.readEnded = true;
        this.readIo.stop();
        if (this.writeShut) this.destroy(null);
        else this.onEnd();
        return;
      }
      this.onData(readBuffer.subarray(0, n));
      // A full buffer means more is probably waiting; read a little more, but give other
      // connections their turn after a few rounds.
      if (n < READ_SIZE || ++rounds >= 4 || this.fd < 0 || this.readPaused) return;
    }
  }

  /** @internal Sends what is queued until done or the kernel's buffer is full. */
  _flush(): void {
    // A sendFile callback may write or end: it only queues, and this loop sends it.
    if (this.flushing) return;
    this.flushing = true;
    try {
      // Callbacks run by the flush (sendFile's done, onDrain) may queue more: send that
      // too, unless the socket is full (the write watcher takes over) or corked.
      do this.flushQueue();
      while (
        this.fd >= 0 &&
        this.queueHead < this.queue.length &&
        !this.writeWaiting &&
        this.corked === 0
      );
    } finally {
      this.flushing = false;
    }
  }

  private flushQueue(): void {
    const fd = this.fd;
    if (fd < 0) return;
    while (this.queueHead < this.queue.length) {
      const first = this.queue[this.queueHead]!;
      let n: number;
      try {
        if (first instanceof FileSegment) {
          n = sendfile(fd, first.fd, first.offset, Math.min(first.remaining, 0x7ffff000));
          if (n > 0) {
            first.offset += n;
            first.remaining -= n;
            this.queued -= n;
            if (first.remaining === 0) {
              this.queueHead++;
              first.done?.(null);
              if (this.fd < 0) return; // the callback destroyed the connection
            }
            continue;
          }
          if (n === 0) {
            // The file is shorter than promised: the response can't be completed truthfully.
            this.destroy(new Error("file ended before the promised length (truncated?)"));
            return;
          }
        } else {
          n = this.writeBuffers(fd);
          if (n > 0) {
            this.consume(n);
            continue;
          }
        }
      } catch (err) {
        this.destroy(err as SysError);
        return;
      }
      // would block: wait until writable
      if (!this.writeIo) {
        this.writeIo = new Io(this.loop, fd, EV.WRITE, writable);
        this.writeIo.data = this;
      }
      if (!this.writeIo.active) this.writeIo.start();
      return;
    }
    // A fresh array holds no backing store: an idle connection keeps no queue capacity.
    this.queue = [];
    this.queueHead = 0;
    this.headOffset = 0;
    if (this.writeWaiting) this.writeIo!.stop();
    if (this.ending) this.shutWrite();
    else if (this.needDrain) {
      this.needDrain = false;
      this.onDrain();
    }
  }

  /** One writev of the leading byte chunks (joining small ones when more than four wait). */
  private writeBuffers(fd: number): number {
    const queue = this.queue;
    const head = this.queueHead;
    let count = 0;
    while (
      head + count < queue.length &&
      count < 5 &&
      !(queue[head + count] instanceof FileSegment)
    )
      count++;
    const first = queue[head] as Uint8Array;
    const a = this.headOffset > 0 ? first.subarray(this.headOffset) : first;
    if (count === 1) return write(fd, a);
    if (count === 5) {
      // More than four buffers: join the small ones at the front so one syscall carries them.
      let total = a.byteLength;
      let end = head + 1;
      while (end < queue.length && !(queue[end] instanceof FileSegment)) {
        const size = (queue[end] as Uint8Array).byteLength;
        if (total + size > JOIN_LIMIT) break;
        total += size;
        end++;
      }
      if (end - head > 4) {
        const joined = Buffer.allocUnsafe(total);
        joined.set(a, 0);
        let at = a.byteLength;
        for (let i = head + 1; i < end; i++) {
          const chunk = queue[i] as Uint8Array;
          joined.set(chunk, at);
          at += chunk.byteLength;
        }
        queue[end - 1] = joined;
        this.queueHead = end - 1;
        this.headOffset = 0;
        return write(fd, joined);
      }
    }
    return writev4(
      fd,
      a,
      queue[head + 1] as Uint8Array,
      count > 2 ? (queue[head + 2] as Uint8Array) : undefined,
      count > 3 ? (queue[head + 3] as Uint8Array) : undefined,
    );
  }

  /** Drops `n` written bytes from the front of the queue. */
  private consume(n: number): void {
    this.queued -= n;
    const queue = this.queue;
    while (n > 0) {
      const chunk = queue[this.queueHead] as Uint8Array;
      const left = chunk.byteLength - this.headOffset;
      if (n < left) {
        this.headOffset += n;
        return;
      }
      n -= left;
      this.queueHead++;
      this.headOffset = 0;
    }
  }
}

function noop(): void {}
