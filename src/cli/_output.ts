/**
 * Text output for commands that print one line per packet: lines are gathered into large
 * chunks and each chunk goes out with one write system call, which is what makes printing a
 * million lines cheap (console.log costs a write per call). Writes are synchronous on the
 * raw descriptor, so output is never lost when the command returns.
 *
 * A reader that goes away (`evnet read big.pcap | head`) makes write fail with EPIPE; the
 * writer then turns `closed` on and drops the rest, so the command can stop quietly.
 */
import { writeSync } from "node:fs";

/** Bytes gathered before a write: large enough to amortise the call, small enough for cache. */
const DEFAULT_CHUNK = 256 * 1024;
/** The most bytes one UTF-16 code unit can take in UTF-8. */
const MAX_UTF8_PER_UNIT = 3;

/** A 1 ms sleep for a descriptor another process left non-blocking (EAGAIN). */
const sleepCell = new Int32Array(new SharedArrayBuffer(4));

export class ChunkedOutput {
  /** True once the reader of the descriptor has gone (EPIPE). */
  closed = false;
  /**
   * The chunk being filled: bytes [0, used) wait to be written. Formatters that write bytes
   * straight into it (see `reserve`) avoid building a string only for it to be encoded here.
   */
  readonly buffer: Buffer;
  used = 0;
  private readonly fd: number;
  private readonly flushEach: boolean;

  /**
   * `lineBuffered` writes after every call (like tcpdump -l). Text is encoded into one
   * reused buffer as it comes: measured on 300,000 tcpdump-style lines, appending to a
   * string and encoding it per chunk took 10 times as long, mostly flattening the rope.
   */
  constructor(fd: number, options: { lineBuffered?: boolean; chunkBytes?: number } = {}) {
    this.fd = fd;
    this.buffer = Buffer.allocUnsafe(options.chunkBytes ?? DEFAULT_CHUNK);
    this.flushEach = options.lineBuffered ?? false;
  }

  /** Appends `text` and a newline. */
  line(text: string): void {
    this.write(text);
    if (this.used === this.buffer.length) this.flush();
    this.buffer[this.used++] = 10;
    if (this.flushEach) this.flush();
  }

  /**
   * Makes sure `bytes` bytes (at most the chunk size) are free after `used`, writing the
   * chunk out if not. The caller then writes into `buffer` from `used` and calls `endLine`.
   */
  reserve(bytes: number): void {
    if (bytes > this.buffer.length - this.used) this.flush();
  }

  /** Takes `buffer` up to `end` as written, a complete line whose newline is included. */
  endLine(end: number): void {
    this.used = end;
    if (this.flushEach) this.flush();
  }

  /** Appends text; writes the chunk out once the next text might not fit. */
  write(text: string): void {
    const worst = text.length * MAX_UTF8_PER_UNIT;
    if (worst > this.buffer.length - this.used) {
      this.flush();
      if (worst > this.buffer.length) {
        this.send(Buffer.from(text, "utf8"));
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, "utf8");
  }

  /** Writes out everything gathered so far. */
  flush(): void {
    if (this.used === 0) return;
    this.send(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private send(bytes: Uint8Array): void {
    if (!this.closed) this.closed = !writeFully(this.fd, bytes);
  }
}

/**
 * Writes all of `bytes`, retrying partial writes and EAGAIN. Returns false when the reader
 * has gone (EPIPE); other errors are thrown.
 */
export function writeFully(fd: number, bytes: Uint8Array): boolean {
  let done = 0;
  while (done < bytes.length) {
    try {
      done += writeSync(fd, bytes, done, bytes.length - done);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EPIPE") return false;
      if (code !== "EAGAIN") throw err;
      Atomics.wait(sleepCell, 0, 0, 1);
    }
  }
  return true;
}

/** Writes a message to stderr at once (notices and errors are few; no buffering). */
export function writeStderr(text: string): void {
  writeFully(2, Buffer.from(text, "utf8"));
}
