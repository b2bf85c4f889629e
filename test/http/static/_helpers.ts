/** Shared by the static-file tests: requests, the wire body a response describes, multipart. */
import assert from "node:assert/strict";
import { readdirSync, readSync } from "node:fs";
import {
  releaseBody,
  type StaticRequest,
  type StaticResponse,
} from "../../../src/http/static/index.js";

/** A request as the transport would hand it over (header names looked up in lowercase). */
export function request(
  method: string,
  target: string,
  headers: Record<string, string> = {},
): StaticRequest {
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method, target, header: (name) => lower.get(name) };
}

/** The one value of a header field; fails when the field appears more than once. */
export function header(res: StaticResponse, name: string): string | undefined {
  const found = res.headers.filter(([k]) => k.toLowerCase() === name.toLowerCase());
  assert.ok(found.length <= 1, `${name} appears ${found.length} times`);
  return found[0]?.[1];
}

function readSlice(fd: number, start: number, end: number): Buffer {
  const out = Buffer.alloc(end - start + 1);
  let done = 0;
  while (done < out.length) {
    const n = readSync(fd, out, done, out.length - done, start + done);
    assert.ok(n > 0, "the file is shorter than a part says");
    done += n;
  }
  return out;
}

/**
 * Everything the transport would put on the wire after the head, read the way it would send
 * it (prefix bytes, then the file slice from the descriptor, then the suffix); the
 * descriptor is released afterwards. Also checks the framing promises every response makes.
 */
export async function wireBody(res: StaticResponse, method = "GET"): Promise<Buffer> {
  const body = res.body;
  let out: Buffer;
  if (body.kind === "none") out = Buffer.alloc(0);
  else if (body.kind === "bytes") out = Buffer.from(body.data);
  else {
    assert.equal(typeof body.fd, "number", "a file body carries its descriptor");
    const chunks: Buffer[] = [];
    for (const part of body.parts) {
      assert.ok(
        part.start >= 0 && part.start <= part.end && part.end < body.size,
        "part inside file",
      );
      if (part.prefix) chunks.push(Buffer.from(part.prefix));
      chunks.push(readSlice(body.fd!, part.start, part.end));
    }
    if (body.suffix) chunks.push(Buffer.from(body.suffix));
    out = Buffer.concat(chunks);
    await releaseBody(body);
    assert.equal(body.fd, undefined, "releaseBody forgets the descriptor");
  }
  const declared = header(res, "content-length");
  if (res.status === 304) {
    assert.equal(declared, undefined, "a 304 has no Content-Length");
    assert.equal(res.contentLength, 0);
    assert.equal(out.length, 0);
  } else {
    assert.equal(declared, String(res.contentLength), "Content-Length header = contentLength");
    if (method === "HEAD") assert.equal(out.length, 0, "HEAD has no body");
    else assert.equal(out.length, res.contentLength, "contentLength = bytes the body describes");
  }
  return out;
}

export interface ParsedPart {
  contentType: string;
  start: number;
  end: number;
  total: number;
  data: Buffer;
}

/**
 * A strict reader of multipart/byteranges as this module frames it: every part is
 * CRLF "--" boundary CRLF, header lines, CRLF, then exactly the bytes its Content-Range
 * names; the body ends with CRLF "--" boundary "--" CRLF and nothing after.
 */
export function parseMultipart(body: Buffer, contentType: string): ParsedPart[] {
  const m = /^multipart\/byteranges; boundary=([0-9A-Za-z'()+_,\-./:=?]{1,70})$/.exec(contentType);
  assert.ok(m, `multipart Content-Type: ${contentType}`);
  const delimiter = Buffer.from(`\r\n--${m[1]}`);
  const parts: ParsedPart[] = [];
  let at = 0;
  for (;;) {
    assert.ok(body.subarray(at, at + delimiter.length).equals(delimiter), `delimiter at ${at}`);
    at += delimiter.length;
    if (body.subarray(at, at + 4).toString("latin1") === "--\r\n") {
      assert.equal(at + 4, body.length, "nothing after the close delimiter");
      return parts;
    }
    assert.equal(body.subarray(at, at + 2).toString("latin1"), "\r\n");
    at += 2;
    const headEnd = body.indexOf("\r\n\r\n", at, "latin1");
    assert.ok(headEnd >= 0, "part header ends");
    const fields = new Map<string, string>();
    for (const line of body.subarray(at, headEnd).toString("latin1").split("\r\n")) {
      const colon = line.indexOf(":");
      fields.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
    }
    at = headEnd + 4;
    const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(fields.get("content-range") ?? "");
    assert.ok(range, `part Content-Range: ${fields.get("content-range")}`);
    const start = Number(range[1]);
    const end = Number(range[2]);
    const data = body.subarray(at, at + end - start + 1);
    assert.equal(data.length, end - start + 1, "part holds all of its range");
    at += data.length;
    parts.push({
      contentType: fields.get("content-type") ?? "",
      start,
      end,
      total: Number(range[3]),
      data,
    });
  }
}

/** Open descriptors of this process, to show a test leaves none behind. */
export function openFdCount(): number {
  return readdirSync("/proc/self/fd").length;
}
