/**
 * The access log line of nginx's predefined `combined` format:
 *
 *     $remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent
 *     "$http_referer" "$http_user_agent"
 *
 * with $remote_user always "-" (no authentication here). Values are escaped as nginx's
 * default `escape=default` does, so a client cannot forge log lines or break the quoting.
 */

export interface AccessLogEntry {
  remoteAddr: string;
  /** When the request was received (or the response finished), ms since the epoch. */
  timeMs: number;
  method: string;
  target: string;
  /** As on the request line, e.g. "HTTP/1.1". */
  protocol: string;
  status: number;
  /** Body bytes sent, headers excluded (nginx's $body_bytes_sent). */
  bodyBytesSent: number;
  referer?: string | undefined;
  userAgent?: string | undefined;
  /**
   * Offset of local time from UTC in minutes (+120 for UTC+2). Defaults to this process's
   * time zone at `timeMs`.
   */
  utcOffsetMinutes?: number | undefined;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function hexByte(b: number): string {
  return `\\x${b.toString(16).toUpperCase().padStart(2, "0")}`;
}

/**
 * nginx's default log escaping: `"`, `\` and bytes outside 0x20..0x7E become `\xHH`.
 * Characters up to U+00FF stand for one byte each (header text decoded as latin1, as the
 * transport does); characters beyond are escaped as their UTF-8 bytes.
 */
export function escapeLogValue(text: string): string {
  let out = "";
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c === 0x22 || c === 0x5c || c < 0x20 || c === 0x7f) out += hexByte(c);
    else if (c < 0x7f) out += ch;
    else if (c <= 0xff) out += hexByte(c);
    else for (const b of new TextEncoder().encode(ch)) out += hexByte(b);
  }
  return out;
}

/** `10/Oct/2000:13:55:36 -0700`, nginx's $time_local. */
export function timeLocal(ms: number, utcOffsetMinutes: number): string {
  const d = new Date(ms + utcOffsetMinutes * 60_000);
  const p = (n: number) => String(n).padStart(2, "0");
  const sign = utcOffsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(utcOffsetMinutes);
  return (
    `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} ` +
    `${sign}${p(Math.floor(abs / 60))}${p(abs % 60)}`
  );
}

function quoted(value: string | undefined): string {
  return value === undefined || value === "" ? "-" : escapeLogValue(value);
}

/**
 * One line of the combined log format, without the trailing newline.
 *
 * @example
 * formatAccessLog({ remoteAddr: "127.0.0.1", timeMs: 971211336000, utcOffsetMinutes: -420,
 *   method: "GET", target: "/a.txt", protocol: "HTTP/1.1", status: 200, bodyBytesSent: 5,
 *   userAgent: "curl/8.5.0" })
 * // '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.txt HTTP/1.1" 200 5 "-" "curl/8.5.0"'
 */
export function formatAccessLog(entry: AccessLogEntry): string {
  const offset = entry.utcOffsetMinutes ?? -new Date(entry.timeMs).getTimezoneOffset();
  const request = escapeLogValue(`${entry.method} ${entry.target} ${entry.protocol}`);
  return (
    `${entry.remoteAddr} - - [${timeLocal(entry.timeMs, offset)}] "${request}" ` +
    `${entry.status} ${entry.bodyBytesSent} "${quoted(entry.referer)}" "${quoted(entry.userAgent)}"`
  );
}
