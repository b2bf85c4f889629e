/**
 * Scans a head (start line and field lines, RFC 9112 sections 3, 4 and 5) or a trailer
 * section (field lines only) and records where each part lies, without making strings.
 *
 * The scanner works on whole lines: it is called again with more bytes when a line is cut
 * short and resumes at the first line it has not finished. Strings are made once the whole
 * section is in, from one latin1 decode of it (see `HttpParser`), because a native decode
 * costs about as much as scanning the whole head and slicing a JS string costs almost nothing.
 */
import { COLON, CR, DOT, FIELD, HTAB, LF, SLASH, SP, TARGET, TOKEN } from "./_chars.js";
import { type HttpParseErrorCode, parseError } from "./errors.js";

export enum StartLine {
  Request = 0,
  Status = 1,
  /** A trailer section: field lines only. */
  None = 2,
}

/** Length of `HTTP/1.1`. */
const VERSION_LENGTH = 8;

export class HeadScanner {
  /**
   * Four offsets per field line, relative to the section's first byte: name start, name end,
   * value start, value end (the value without its surrounding whitespace).
   */
  readonly marks: number[] = [];
  fieldCount = 0;
  /** Offset (relative) of the first line not yet scanned. */
  lineStart = 0;
  startLineDone = false;
  /** Request line: end of the method, bounds of the target. */
  methodEnd = 0;
  targetStart = 0;
  targetEnd = 0;
  versionMajor = 0;
  versionMinor = 0;
  /** Status line: the code and the bounds of the reason phrase. */
  status = 0;
  reasonStart = 0;
  reasonEnd = 0;
  /** Added to a position in the scanned buffer to give the error offset in the stream. */
  bias = 0;
  startLine: StartLine = StartLine.Request;
  maxFields: number;

  constructor(
    readonly maxStartLine: number,
    maxFields: number,
  ) {
    this.maxFields = maxFields;
  }

  /** Prepares for a new section; `maxFields` bounds its field lines. */
  begin(startLine: StartLine, maxFields: number): void {
    this.startLine = startLine;
    this.maxFields = maxFields;
    this.fieldCount = 0;
    this.lineStart = 0;
    this.startLineDone = startLine === StartLine.None;
  }

  /**
   * Scans the section that starts at `buf[base]`, up to `end`. Returns the position just past
   * the empty line that ends it, or -1 when more bytes are needed (the state kept says where
   * to resume). Throws HttpParseError on anything RFC 9112 does not allow.
   *
   * A -1 implies that [lineStart, end) holds no LF: every LF either ends a line here or is
   * refused, which lets the caller skip calling again until an LF arrives.
   */
  scan(buf: Uint8Array, base: number, end: number): number {
    let p = base + this.lineStart;
    if (!this.startLineDone) {
      p =
        this.startLine === StartLine.Request
          ? this.requestLine(buf, base, p, end)
          : this.statusLine(buf, base, p, end);
      if (p < 0) return -1;
      this.startLineDone = true;
      this.lineStart = p - base;
    }
    const marks = this.marks;
    let count = this.fieldCount;
    let c = 0;
    for (;;) {
      if (p >= end) return -1;
      if (buf[p] === CR) {
        if (p + 1 >= end) return -1;
        if (buf[p + 1] !== LF) this.fail("HPE_LF_EXPECTED", "CR without LF", p + 1);
        return p + 2;
      }
      const nameStart = p;
      while (TOKEN[buf[p]] === 1) p++;
      if (p >= end) return -1;
      if (buf[p] !== COLON || p === nameStart) this.badName(buf, nameStart, p, count);
      const nameEnd = p++;
      while (p < end && ((c = buf[p]) === SP || c === HTAB)) p++;
      const valueStart = p;
      while (FIELD[buf[p]] > 0) p++;
      if (p >= end) return -1;
      // Trailing whitespace is rare: trimming it afterwards keeps the loop above to one test.
      let valueEnd = p;
      while (valueEnd > valueStart && FIELD[buf[valueEnd - 1]] === 2) valueEnd--;
      c = buf[p];
      if (c !== CR) {
        if (c === LF) this.fail("HPE_CR_EXPECTED", "LF without CR", p);
        this.fail("HPE_INVALID_HEADER_VALUE", `byte 0x${hex2(c)} in a field value`, p);
      }
      if (p + 1 >= end) return -1;
      if (buf[p + 1] !== LF) this.fail("HPE_LF_EXPECTED", "CR without LF", p + 1);
      p += 2;
      if (count === this.maxFields) {
        this.fail("HPE_TOO_MANY_HEADERS", `more than ${this.maxFields} field lines`, nameStart);
      }
      const m = count << 2;
      marks[m] = nameStart - base;
      marks[m + 1] = nameEnd - base;
      marks[m + 2] = valueStart - base;
      marks[m + 3] = valueEnd - base;
      this.fieldCount = ++count;
      this.lineStart = p - base;
    }
  }

  /**
   * Finds the LF that ends a status line beginning at p, within `maxStartLine`. Status lines
   * are parsed only once whole, so that the verdict on one never depends on where the input
   * was cut. Returns the LF's position, or -1 to wait for more bytes.
   */
  private startLineEnd(buf: Uint8Array, p: number, end: number): number {
    const cap = p + this.maxStartLine + 2;
    const lim = Math.min(end, cap);
    for (let i = p; i < lim; i++) {
      if (buf[i] === LF) {
        if (i === p || buf[i - 1] !== CR) this.fail("HPE_CR_EXPECTED", "LF without CR", i);
        return i;
      }
    }
    return this.shortStartLine(lim, cap);
  }

  /** A start line without its end yet: wait for more, unless it is already over the limit. */
  private shortStartLine(lim: number, cap: number): number {
    if (lim === cap) {
      if (this.startLine === StartLine.Request) {
        this.fail("HPE_URI_TOO_LONG", `request line longer than ${this.maxStartLine} bytes`, lim);
      }
      this.fail("HPE_HEADER_OVERFLOW", `status line longer than ${this.maxStartLine} bytes`, lim);
    }
    return -1;
  }

  /**
   * `method SP request-target SP HTTP-version CRLF` (RFC 9112 3). The method and target are
   * checked as they come (a fault there is the same byte however the input is cut); the
   * version only once its line is whole.
   */
  private requestLine(buf: Uint8Array, base: number, p: number, end: number): number {
    const lineStart = p;
    const cap = p + this.maxStartLine + 2;
    const lim = Math.min(end, cap);
    // Both loops stop at the first byte outside their class; reading past `lim` is harmless
    // (a typed array yields undefined past its end) and is treated as "not there yet".
    while (TOKEN[buf[p]] === 1) p++;
    if (p >= lim) return this.shortStartLine(lim, cap);
    if (buf[p] !== SP || p === lineStart) {
      this.fail("HPE_INVALID_METHOD", "the method is not a token followed by one space", p);
    }
    this.methodEnd = p - base;
    const targetStart = ++p;
    while (TARGET[buf[p]] === 1) p++;
    if (p >= lim) return this.shortStartLine(lim, cap);
    const c = buf[p];
    if (c !== SP || p === targetStart) {
      if (c === LF) this.fail("HPE_CR_EXPECTED", "LF without CR", p);
      if (p === targetStart) this.fail("HPE_INVALID_URL", "empty request-target", p);
      if (c === CR) this.fail("HPE_INVALID_VERSION", "no HTTP version after the request-target", p);
      this.fail("HPE_INVALID_URL", `byte 0x${hex2(c)} in the request-target`, p);
    }
    this.targetStart = targetStart - base;
    this.targetEnd = p - base;
    p++;
    let lf = p;
    while (lf < lim && buf[lf] !== LF) lf++;
    if (lf >= lim) return this.shortStartLine(lim, cap);
    if (lf === p || buf[lf - 1] !== CR) this.fail("HPE_CR_EXPECTED", "LF without CR", lf);
    if (lf - 1 - p !== VERSION_LENGTH) {
      this.fail("HPE_INVALID_VERSION", 'the version is not "HTTP/" DIGIT "." DIGIT', p);
    }
    this.version(buf, p);
    if (this.versionMajor !== 1 || this.versionMinor > 1) {
      this.fail(
        "HPE_UNSUPPORTED_VERSION",
        `HTTP/${this.versionMajor}.${this.versionMinor} is not supported`,
        p,
      );
    }
    return lf + 1;
  }

  /** `HTTP-version SP status-code SP [reason-phrase] CRLF` (RFC 9112 4). */
  private statusLine(buf: Uint8Array, base: number, p: number, end: number): number {
    if (buf[p] !== 0x48)
      this.fail("HPE_INVALID_VERSION", 'a status line not starting with "HTTP/"', p);
    const lf = this.startLineEnd(buf, p, end);
    if (lf < 0) return -1;
    const cr = lf - 1;
    if (cr - p < VERSION_LENGTH)
      this.fail("HPE_INVALID_VERSION", "a status line too short for a version", p);
    this.version(buf, p);
    if (this.versionMajor !== 1 || this.versionMinor > 1) {
      this.fail(
        "HPE_INVALID_VERSION",
        `HTTP/${this.versionMajor}.${this.versionMinor} is not supported`,
        p,
      );
    }
    p += VERSION_LENGTH;
    const d0 = buf[p + 1] - 0x30;
    const d1 = buf[p + 2] - 0x30;
    const d2 = buf[p + 3] - 0x30;
    if (cr - p < 4 || buf[p] !== SP || !isDigit(d0) || !isDigit(d1) || !isDigit(d2)) {
      this.fail("HPE_INVALID_STATUS", "the status code is not SP and three digits", p);
    }
    const status = d0 * 100 + d1 * 10 + d2;
    if (status < 100 || status > 599) {
      this.fail("HPE_INVALID_STATUS", `status ${status} is outside 100..599`, p + 1);
    }
    this.status = status;
    p += 4;
    // Many servers send "HTTP/1.1 200\r\n" without the SP before an empty reason; the grammar
    // wants it, but nothing is ambiguous without it, so it is accepted.
    if (p < cr) {
      if (buf[p] !== SP)
        this.fail("HPE_INVALID_STATUS", "the status code is not followed by SP", p);
      p++;
      this.reasonStart = p - base;
      while (p < cr && FIELD[buf[p]] !== 0) p++;
      if (p < cr) this.fail("HPE_INVALID_STATUS", `byte 0x${hex2(buf[p])} in the reason phrase`, p);
      this.reasonEnd = p - base;
    } else {
      this.reasonStart = this.reasonEnd = p - base;
    }
    return lf + 1;
  }

  /** Reads `HTTP/` DIGIT "." DIGIT at p (all 8 bytes are there). */
  private version(buf: Uint8Array, p: number): void {
    const major = buf[p + 5] - 0x30;
    const minor = buf[p + 7] - 0x30;
    if (
      buf[p] !== 0x48 ||
      buf[p + 1] !== 0x54 ||
      buf[p + 2] !== 0x54 ||
      buf[p + 3] !== 0x50 ||
      buf[p + 4] !== SLASH ||
      !isDigit(major) ||
      buf[p + 6] !== DOT ||
      !isDigit(minor)
    ) {
      // HTTP-name is case-sensitive (RFC 9112 2.3): "http/1.1" is as wrong as "XTTP/1.1".
      this.fail("HPE_INVALID_VERSION", 'the version is not "HTTP/" DIGIT "." DIGIT', p);
    }
    this.versionMajor = major;
    this.versionMinor = minor;
  }

  private badName(buf: Uint8Array, nameStart: number, p: number, count: number): never {
    const c = buf[p];
    if (p === nameStart) {
      if (c === SP || c === HTAB) {
        const what =
          count === 0 && this.startLine !== StartLine.None ? "the start line" : "a field line";
        this.fail("HPE_OBS_FOLD", `whitespace at the start of the line after ${what}`, p);
      }
      if (c === LF) this.fail("HPE_CR_EXPECTED", "LF without CR", p);
      if (c === COLON) this.fail("HPE_INVALID_HEADER_TOKEN", "empty field name", p);
    } else if (c === SP || c === HTAB) {
      this.fail("HPE_INVALID_HEADER_TOKEN", "whitespace between a field name and its colon", p);
    } else if (c === CR || c === LF) {
      this.fail("HPE_INVALID_HEADER_TOKEN", "field line without a colon", p);
    }
    this.fail("HPE_INVALID_HEADER_TOKEN", `byte 0x${hex2(c)} in a field name`, p);
  }

  private fail(code: HttpParseErrorCode, message: string, pos: number): never {
    throw parseError(code, message, pos + this.bias);
  }
}

function isDigit(d: number): boolean {
  return d >= 0 && d <= 9;
}

function hex2(c: number): string {
  return c.toString(16).padStart(2, "0");
}
