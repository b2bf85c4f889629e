/**
 * `file(path)`: a Response body that the server sends with sendfile(2) straight from the page
 * cache, as Bun's `Bun.file()` does: `return new Response(file("./big.iso"))`. It is a Blob
 * (so it type-checks and reads like one), backed by the file rather than by memory. Only the
 * light Response (fetch/response.ts) hands it to the server as a file; anything that turns the
 * response into a real one (reading `body`, `clone()`) gets the file as a stream instead.
 */
import { createReadStream, readFileSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { mimeTypeFor } from "../static/mime.js";

export class FileBody extends Blob {
  constructor(
    /** Path of the file to send (opened when the response is sent). */
    readonly path: string,
    /** Content-Type when the response sets none; by default from the file name. */
    type: string = mimeTypeFor(path),
  ) {
    super([], { type });
  }

  override stream(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return Readable.toWeb(createReadStream(this.path)) as ReadableStream<Uint8Array<ArrayBuffer>>;
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const data = readFileSync(this.path);
    return data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  }

  override async text(): Promise<string> {
    return readFileSync(this.path, "utf8");
  }

  override slice(start?: number, end?: number, type?: string): Blob {
    return new Blob([readFileSync(this.path).subarray(start, end)], { type: type ?? this.type });
  }
}

/** A Response body sent with sendfile: `new Response(file(path))`. */
export function file(path: string, type?: string): FileBody {
  return new FileBody(path, type);
}

// Blob's size is the bytes it holds; this one holds a file, so it reports the file's size.
// (Declared here because TypeScript types Blob.size as a plain property.)
Object.defineProperty(FileBody.prototype, "size", {
  get(this: FileBody): number {
    return statSync(this.path).size;
  },
  configurable: true,
});
