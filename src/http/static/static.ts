/**
 * What a static-file response must be, decided without touching the socket: the transport
 * calls `StaticFiles.respond` with the request line and a header lookup, then writes the
 * head it gets back and sends the body it describes (bytes, or sendfile of file slices with
 * multipart framing between them). The behaviour follows nginx's static, index and autoindex
 * modules and RFC 9110; where they leave a choice, the choice is written at the place it is
 * made.
 */

import { randomBytes } from "node:crypto";
import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readlinkSync,
  realpathSync,
  type Stats,
  statSync,
} from "node:fs";
import { basename, join, resolve } from "node:path";
import { etagFor, evaluatePreconditions, ifRangeAllows, type Validators } from "./conditional.js";
import { httpDate } from "./dates.js";
import { type ListingEntry, readListingEntries, renderListing } from "./listing.js";
import { mimeTypeFor } from "./mime.js";
import { isInsideRoot, parseTarget, urlPath } from "./paths.js";
import { type ByteRange, contentRange, decideRanges, unsatisfiedRange } from "./ranges.js";

// The file system is asked synchronously, as nginx does: on a local disk these calls take a
// few microseconds from the page cache, while a trip through libuv's thread pool for each of
// them cost more than sending a 1 MiB file (bench/http static: 523 -> about 330 CPU-us per
// MiB, with realpath as the one libc call instead of an lstat per path component). The
// functions keep their async shape so that callers and errors work as before.
const realpath = async (path: string): Promise<string> => realpathSync.native(path);
const stat = async (path: string): Promise<Stats> => statSync(path);
const openAsync = async (path: string, flags: number): Promise<number> => openSync(path, flags);
const fstatAsync = async (fd: number): Promise<Stats> => fstatSync(fd);
const closeAsync = async (fd: number): Promise<void> => closeSync(fd);
const readlinkAsync = async (path: string): Promise<string> => readlinkSync(path);

export interface StaticOptions {
  /** The directory served. Nothing outside it can be read (symlinks: see followSymlinks). */
  root: string;
  /** File names tried, in order, for a request naming a directory. Default ["index.html"]. */
  index?: string[];
  /** Answer a directory without an index file with a listing instead of 403. Default false. */
  listDirectories?: boolean;
  /**
   * Follow symlinks wherever they lead. Default false: a symlink is served only when its
   * target lies inside the root.
   */
  followSymlinks?: boolean;
  /** Send ETag and evaluate entity-tag preconditions against it. Default true. */
  etag?: boolean;
  /**
   * Most ranges (after merging) one request may ask for; more get the whole file with 200,
   * as nginx's max_ranges. 0 turns ranges off (Accept-Ranges: none). Default 16.
   */
  maxRanges?: number;
  /** Extension -> Content-Type, used verbatim, ahead of the built-in table. */
  mimeTypes?: Record<string, string>;
  /** Told about unexpected errors (answered with 500), e.g. to log them. */
  onError?: (error: unknown) => void;
}

export interface StaticRequest {
  method: string;
  /** The raw request-target, e.g. "/a%20b/c.txt?x=1". */
  target: string;
  /** Header lookup by lowercase name. */
  header(name: string): string | undefined;
}

export interface FilePart {
  /** Bytes sent before the slice: a multipart boundary and the part's header fields. */
  prefix?: Uint8Array;
  start: number;
  /** Inclusive. */
  end: number;
}

export type StaticBody =
  | { kind: "none" }
  | { kind: "bytes"; data: Uint8Array }
  | {
      kind: "file";
      /** The real path of the file (no symlinks left in it). */
      path: string;
      /**
       * An open descriptor of exactly the file that was checked: send from it, not from
       * `path`, and close it when done (see `releaseBody`). Always set by StaticFiles.
       */
      fd?: number;
      /** The file's size when it was checked. */
      size: number;
      parts: FilePart[];
      /** Bytes sent after the last part: the closing multipart boundary. */
      suffix?: Uint8Array;
    };

export interface StaticResponse {
  status: number;
  /**
   * Every header field to send, Content-Length included (absent only from 304), so the
   * transport adds only Date, Server and connection management.
   */
  headers: Array<[string, string]>;
  body: StaticBody;
  /**
   * The Content-Length value: the exact number of bytes `body` describes for a GET; for a
   * HEAD, the number a GET would get while `body` is none; 0 for a 304.
   */
  contentLength: number;
}

const ENCODER = new TextEncoder();

const REASONS: Record<number, string> = {
  301: "Moved Permanently",
  400: "Bad Request",
  403: "Forbidden",
  404: "Not Found",
  405: "Not Allowed",
  412: "Precondition Failed",
  416: "Requested Range Not Satisfiable",
  500: "Internal Server Error",
};

const HTML_TYPE = "text/html; charset=utf-8";

/** A small HTML page like nginx's built-in error pages. */
function errorPage(status: number): Uint8Array {
  const title = `${status} ${REASONS[status] ?? "Error"}`;
  return ENCODER.encode(
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
      `<center><h1>${title}</h1></center>\r\n<hr><center>evnet</center>\r\n</body>\r\n</html>\r\n`,
  );
}

/** A response whose body is `data` (left out for HEAD, keeping its Content-Length). */
function bytesResponse(
  status: number,
  head: boolean,
  contentType: string,
  data: Uint8Array,
  extra: Array<[string, string]> = [],
): StaticResponse {
  const headers: Array<[string, string]> = [
    ["Content-Type", contentType],
    ["Content-Length", String(data.byteLength)],
    ...extra,
  ];
  return {
    status,
    headers,
    body: head ? { kind: "none" } : { kind: "bytes", data },
    contentLength: data.byteLength,
  };
}

function errorResponse(
  status: number,
  head: boolean,
  extra: Array<[string, string]> = [],
): StaticResponse {
  return bytesResponse(status, head, HTML_TYPE, errorPage(status), extra);
}

/** Maps an expected filesystem error to a status; undefined for the unexpected. */
function statusForFsError(err: unknown): number | undefined {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
    case "ELOOP":
    case "ENAMETOOLONG":
      return 404;
    case "EACCES":
    case "EPERM":
      return 403;
    default:
      return undefined;
  }
}

/** Closes the descriptor of a file body, if it has one. Safe to call more than once. */
export async function releaseBody(body: StaticBody): Promise<void> {
  if (body.kind === "file" && body.fd !== undefined) {
    const fd = body.fd;
    body.fd = undefined;
    await closeAsync(fd);
  }
}

type Resolved = { real: string; stats: Stats } | { status: number };

export class StaticFiles {
  readonly root: string;
  private readonly index: string[];
  private readonly listDirectories: boolean;
  private readonly followSymlinks: boolean;
  private readonly etag: boolean;
  private readonly maxRanges: number;
  private readonly mimeTypes: Record<string, string> | undefined;
  private readonly onError: ((error: unknown) => void) | undefined;
  private realRoot: Promise<string> | undefined;

  /**
   * @example
   * const files = new StaticFiles({ root: "/srv/www", listDirectories: true });
   * const res = await files.respond({ method: "GET", target: "/", header: () => undefined });
   * @throws TypeError or RangeError naming a bad option.
   */
  constructor(options: StaticOptions) {
    if (typeof options?.root !== "string" || options.root === "") {
      throw new TypeError("StaticFiles: root must be a non-empty path");
    }
    this.root = resolve(options.root);
    this.index = options.index ?? ["index.html"];
    for (const name of this.index) {
      if (
        typeof name !== "string" ||
        name === "" ||
        name === "." ||
        name === ".." ||
        /[/\\\0]/.test(name)
      ) {
        throw new TypeError(
          `StaticFiles: index name ${JSON.stringify(name)} is not a plain file name`,
        );
      }
    }
    this.listDirectories = options.listDirectories ?? false;
    this.followSymlinks = options.followSymlinks ?? false;
    this.etag = options.etag ?? true;
    this.maxRanges = options.maxRanges ?? 16;
    if (!Number.isInteger(this.maxRanges) || this.maxRanges < 0) {
      throw new RangeError(`StaticFiles: maxRanges ${options.maxRanges} is not an integer >= 0`);
    }
    this.mimeTypes = options.mimeTypes;
    for (const [ext, type] of Object.entries(this.mimeTypes ?? {})) {
      if (typeof type !== "string" || type === "" || /[\r\n\0]/.test(type)) {
        throw new TypeError(`StaticFiles: mimeTypes[${JSON.stringify(ext)}] is not a header value`);
      }
    }
    this.onError = options.onError;
  }

  /**
   * The response to a request. Never rejects: an unexpected failure is a 500 (and goes to
   * onError). A file body holds an open descriptor the caller must close (`releaseBody`).
   */
  async respond(req: StaticRequest): Promise<StaticResponse> {
    const head = req.method === "HEAD";
    try {
      return await this.handle(req, head);
    } catch (err) {
      try {
        this.onError?.(err);
      } catch {
        // A failing error hook must not turn the 500 into a rejection.
      }
      return errorResponse(500, head);
    }
  }

  private async handle(req: StaticRequest, head: boolean): Promise<StaticResponse> {
    if (req.method !== "GET" && !head) {
      return errorResponse(405, false, [["Allow", "GET, HEAD"]]);
    }
    const target = parseTarget(req.target);
    if (!target.ok) return errorResponse(400, head);

    let realRoot: string;
    try {
      realRoot = await this.getRealRoot();
    } catch (err) {
      const status = statusForFsError(err);
      if (status === undefined) throw err;
      return errorResponse(status, head);
    }

    const found = await this.resolveInside(join(realRoot, ...target.segments), realRoot);
    if ("status" in found) return errorResponse(found.status, head);

    if (found.stats.isDirectory()) {
      if (!target.trailingSlash) {
        // Location is path-absolute and rebuilt from the decoded segments: it never starts
        // with "//", which a browser would take for another host.
        const query = target.query === undefined ? "" : `?${target.query}`;
        const location = urlPath(target.segments, true) + query;
        return errorResponse(301, head, [["Location", location]]);
      }
      for (const name of this.index) {
        const candidate = await this.resolveInside(join(found.real, name), realRoot);
        if ("status" in candidate) {
          if (candidate.status === 404) continue;
          return errorResponse(candidate.status, head);
        }
        if (candidate.stats.isFile()) return this.serveFile(req, head, candidate.real, name);
      }
      if (!this.listDirectories) return errorResponse(403, head);
      let entries: ListingEntry[];
      try {
        entries = await readListingEntries(found.real, realRoot, this.followSymlinks);
      } catch (err) {
        const status = statusForFsError(err);
        if (status === undefined) throw err;
        return errorResponse(status, head);
      }
      const display = target.segments.length === 0 ? "/" : `/${target.segments.join("/")}/`;
      return bytesResponse(200, head, HTML_TYPE, renderListing(display, entries));
    }
    // "/file.txt/" names a directory that is not there, as nginx and the kernel agree.
    if (target.trailingSlash) return errorResponse(404, head);
    // FIFOs, sockets and devices are never opened: a FIFO would block the open.
    if (!found.stats.isFile()) return errorResponse(403, head);
    const name = target.segments[target.segments.length - 1]!;
    return this.serveFile(req, head, found.real, name);
  }

  private getRealRoot(): Promise<string> {
    if (this.realRoot === undefined) {
      const pending = realpath(this.root);
      this.realRoot = pending;
      // A root that is missing now may appear later: do not cache the failure.
      pending.catch(() => {
        if (this.realRoot === pending) this.realRoot = undefined;
      });
    }
    return this.realRoot;
  }

  /**
   * The real path and stats of `lexical` if it may be served: it exists and, unless
   * symlinks are followed, its real path (after every symlink) is inside the real root.
   */
  private async resolveInside(lexical: string, realRoot: string): Promise<Resolved> {
    try {
      const real = await realpath(lexical);
      if (!this.followSymlinks && !isInsideRoot(realRoot, real)) return { status: 404 };
      return { real, stats: await stat(real) };
    } catch (err) {
      const status = statusForFsError(err);
      if (status === undefined) throw err;
      return { status };
    }
  }

  /**
   * Opens the file and answers from the descriptor's own stats, so what is validated, sized
   * and sent is one inode even if the path is swapped meanwhile.
   */
  private async serveFile(
    req: StaticRequest,
    head: boolean,
    real: string,
    requestedName: string,
  ): Promise<StaticResponse> {
    let fd: number;
    try {
      // O_NOFOLLOW: the final name was just resolved and must not have become a symlink;
      // O_NONBLOCK: should it have become a FIFO, open returns instead of waiting a writer.
      fd = await openAsync(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (err) {
      const status = statusForFsError(err);
      if (status === undefined) throw err;
      return errorResponse(status, head);
    }
    let keepOpen = false;
    try {
      const st = await fstatAsync(fd);
      if (!st.isFile()) return errorResponse(403, head);
      if (!this.followSymlinks && !(await this.descriptorInsideRoot(fd, real))) {
        return errorResponse(404, head);
      }
      const response = this.fileResponse(req, head, real, requestedName, st, fd);
      keepOpen = response.body.kind === "file";
      return response;
    } finally {
      if (!keepOpen) await closeAsync(fd);
    }
  }

  /**
   * Linux names what a descriptor really opened in /proc/self/fd; a directory swapped for a
   * symlink between the realpath check and open() shows up here. Where /proc is missing the
   * earlier check stands alone.
   */
  private async descriptorInsideRoot(fd: number, real: string): Promise<boolean> {
    let opened: string;
    try {
      opened = await readlinkAsync(`/proc/self/fd/${fd}`);
    } catch {
      return true;
    }
    if (opened === real) return true;
    const realRoot = await this.getRealRoot();
    return isInsideRoot(realRoot, opened);
  }

  private fileResponse(
    req: StaticRequest,
    head: boolean,
    real: string,
    requestedName: string,
    st: Stats,
    fd: number,
  ): StaticResponse {
    const size = st.size;
    const validators: Validators = {
      etag: this.etag ? etagFor(st.mtimeMs, size) : undefined,
      lastModifiedMs: Math.floor(st.mtimeMs / 1000) * 1000,
    };
    const validatorHeaders: Array<[string, string]> = [];
    const lastModified = safeHttpDate(validators.lastModifiedMs);
    if (lastModified !== undefined) validatorHeaders.push(["Last-Modified", lastModified]);
    if (validators.etag !== undefined) validatorHeaders.push(["ETag", validators.etag]);

    const precondition = evaluatePreconditions((name) => req.header(name), validators);
    if (precondition === "failed") return errorResponse(412, head);
    if (precondition === "not-modified") {
      return { status: 304, headers: validatorHeaders, body: { kind: "none" }, contentLength: 0 };
    }

    const contentType = mimeTypeFor(requestedName || basename(real), this.mimeTypes);
    const acceptRanges: [string, string] = ["Accept-Ranges", this.maxRanges > 0 ? "bytes" : "none"];
    // Range applies to GET only (RFC 9110 sec. 14.2): HEAD gets the 200 head.
    const rangeHeader =
      req.method === "GET" && this.maxRanges > 0 ? req.header("range") : undefined;
    const decision =
      rangeHeader !== undefined && ifRangeAllows(req.header("if-range"), validators)
        ? decideRanges(rangeHeader, size, this.maxRanges)
        : ({ kind: "full", reason: "absent" } as const);

    if (decision.kind === "unsatisfiable") {
      return errorResponse(416, head, [["Content-Range", unsatisfiedRange(size)]]);
    }
    if (decision.kind === "ranges" && decision.ranges.length === 1) {
      const range = decision.ranges[0]!;
      const length = range.end - range.start + 1;
      return {
        status: 206,
        headers: [
          ["Content-Type", contentType],
          ["Content-Length", String(length)],
          ["Content-Range", contentRange(range, size)],
          ...validatorHeaders,
          acceptRanges,
        ],
        body: {
          kind: "file",
          path: real,
          fd,
          size,
          parts: [{ start: range.start, end: range.end }],
        },
        contentLength: length,
      };
    }
    if (decision.kind === "ranges") {
      const multipart = multipartBody(decision.ranges, size, contentType);
      return {
        status: 206,
        headers: [
          ["Content-Type", `multipart/byteranges; boundary=${multipart.boundary}`],
          ["Content-Length", String(multipart.length)],
          ...validatorHeaders,
          acceptRanges,
        ],
        body: {
          kind: "file",
          path: real,
          fd,
          size,
          parts: multipart.parts,
          suffix: multipart.suffix,
        },
        contentLength: multipart.length,
      };
    }
    const headers: Array<[string, string]> = [
      ["Content-Type", contentType],
      ["Content-Length", String(size)],
      ...validatorHeaders,
      acceptRanges,
    ];
    const body: StaticBody =
      head || size === 0
        ? { kind: "none" }
        : { kind: "file", path: real, fd, size, parts: [{ start: 0, end: size - 1 }] };
    return { status: 200, headers, body, contentLength: size };
  }
}

function safeHttpDate(ms: number): string | undefined {
  try {
    return httpDate(ms);
  } catch {
    // An mtime beyond year 9999 has no HTTP-date; the response simply has no Last-Modified.
    return undefined;
  }
}

/**
 * The parts of a multipart/byteranges body (RFC 9110 sec. 14.6), framed as nginx frames
 * them: CRLF, "--boundary", the part's Content-Type and Content-Range, a blank line, the
 * bytes; after the last part CRLF "--boundary--" CRLF.
 */
export function multipartBody(
  ranges: readonly ByteRange[],
  size: number,
  contentType: string,
): { boundary: string; parts: FilePart[]; suffix: Uint8Array; length: number } {
  // 96 random bits: a boundary that occurs in the file by chance is not a practical concern.
  const boundary = randomBytes(12).toString("hex");
  const parts: FilePart[] = [];
  let length = 0;
  for (const range of ranges) {
    const prefix = ENCODER.encode(
      `\r\n--${boundary}\r\nContent-Type: ${contentType}\r\n` +
        `Content-Range: ${contentRange(range, size)}\r\n\r\n`,
    );
    parts.push({ prefix, start: range.start, end: range.end });
    length += prefix.byteLength + (range.end - range.start + 1);
  }
  const suffix = ENCODER.encode(`\r\n--${boundary}--\r\n`);
  length += suffix.byteLength;
  return { boundary, parts, suffix, length };
}
