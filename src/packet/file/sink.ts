/**
 * Where the capture writers put their bytes.
 *
 * A sink must consume or copy the bytes before write() returns: writers reuse their
 * buffers. Two are provided: FileSink (a path or file descriptor, buffered, written with
 * fs.writeSync) and MemorySink (collects the bytes; bytes() returns them).
 *
 * @example
 * ```ts
 * const sink = new MemorySink();
 * const writer = new PcapWriter(sink, { linkType: LINKTYPE.ETHERNET });
 * writer.write({ seconds: 1, nanos: 0, data: frame });
 * const file = sink.bytes();
 * ```
 */

import { closeSync, openSync, writeSync } from "node:fs";

export interface CaptureSink {
  write(bytes: Uint8Array): void;
  /** Writes out anything buffered. */
  flush(): void;
  /** Flushes and releases the sink. */
  close(): void;
}

export interface FileSinkOptions {
  /** Bytes gathered before a write system call. Default 1 MiB. */
  bufferSize?: number;
  /** Open flags when `file` is a path. Default "w" (create or truncate). */
  flags?: string;
}

export class FileSink implements CaptureSink {
  private fd: number;
  private readonly ownsFd: boolean;
  private readonly buffer: Uint8Array;
  private used = 0;

  /** `file` is a path (opened here, closed by close()) or an open descriptor (left open). */
  constructor(file: string | number, options: FileSinkOptions = {}) {
    const size = options.bufferSize ?? 1024 * 1024;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`bad bufferSize ${size}`);
    this.buffer = new Uint8Array(size);
    this.ownsFd = typeof file === "string";
    this.fd = typeof file === "string" ? openSync(file, options.flags ?? "w") : file;
  }

  write(bytes: Uint8Array): void {
    if (this.fd < 0) throw new TypeError("FileSink.write() after close()");
    if (this.used + bytes.length > this.buffer.length) {
      this.flush();
      if (bytes.length >= this.buffer.length) {
        writeAll(this.fd, bytes);
        return;
      }
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  flush(): void {
    if (this.used > 0 && this.fd >= 0) writeAll(this.fd, this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    if (this.ownsFd) closeSync(this.fd);
    this.fd = -1;
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

export class MemorySink implements CaptureSink {
  private buffer = new Uint8Array(4096);
  private used = 0;

  write(bytes: Uint8Array): void {
    if (this.used + bytes.length > this.buffer.length) {
      let size = this.buffer.length * 2;
      while (size < this.used + bytes.length) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buffer.subarray(0, this.used));
      this.buffer = grown;
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  flush(): void {}

  close(): void {}

  /** Bytes written so far. */
  get length(): number {
    return this.used;
  }

  /** A copy of everything written so far. */
  bytes(): Uint8Array {
    return this.buffer.slice(0, this.used);
  }
}

/** A sink for a writer's first argument: a sink as is, or a FileSink for a path or fd. */
export function toSink(target: CaptureSink | string | number): CaptureSink {
  return typeof target === "string" || typeof target === "number" ? new FileSink(target) : target;
}
