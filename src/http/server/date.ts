/**
 * The Date header (RFC 9110 sec. 6.6.1), formatted at most once per second: every response
 * carries one and formatting a date costs more than the rest of a small response head.
 */
let cachedSecond = -1;
let cachedLine = "";

/** `Date: <IMF-fixdate>\r\n` for the current second. */
export function dateLine(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== cachedSecond) {
    cachedSecond = second;
    cachedLine = `Date: ${new Date(second * 1000).toUTCString()}\r\n`;
  }
  return cachedLine;
}
