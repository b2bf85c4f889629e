/**
 * HTTP dates (RFC 9110 sec. 5.6.7). Responses always use IMF-fixdate
 * (`Sun, 06 Nov 1994 08:49:37 GMT`); recipients must also accept the obsolete RFC 850 form
 * (`Sunday, 06-Nov-94 08:49:37 GMT`) and ANSI C's asctime() form (`Sun Nov  6 08:49:37 1994`).
 */

const DAY_NAMES = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTH_NAMES = [
  "Jan",
  "Feb",
  "Mar",
  "Apr",
  "May",
  "Jun",
  "Jul",
  "Aug",
  "Sep",
  "Oct",
  "Nov",
  "Dec",
];
const MONTH_INDEX = new Map(MONTH_NAMES.map((name, i) => [name, i]));

const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/;
const RFC850_DATE =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d\d)-([A-Z][a-z]{2})-(\d\d) (\d\d):(\d\d):(\d\d) GMT$/;
const ASCTIME_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})$/;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/**
 * Formats a time as IMF-fixdate, the only form a sender may generate. Milliseconds are
 * dropped (HTTP dates have one-second resolution).
 *
 * @example httpDate(784111777000) // "Sun, 06 Nov 1994 08:49:37 GMT"
 * @throws RangeError when `ms` is not a time a four-digit year can express.
 */
export function httpDate(ms: number): string {
  const d = new Date(Math.floor(ms / 1000) * 1000);
  const year = d.getUTCFullYear();
  if (!Number.isFinite(ms) || Number.isNaN(year) || year < 0 || year > 9999) {
    throw new RangeError(`httpDate: ${ms} is not a time with a four-digit year`);
  }
  return (
    `${DAY_NAMES[d.getUTCDay()]}, ${pad2(d.getUTCDate())} ${MONTH_NAMES[d.getUTCMonth()]} ` +
    `${String(year).padStart(4, "0")} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:` +
    `${pad2(d.getUTCSeconds())} GMT`
  );
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** Milliseconds since the epoch for valid fields, else undefined. */
function fromFields(
  year: number,
  monthName: string,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | undefined {
  const month = MONTH_INDEX.get(monthName);
  if (month === undefined) return undefined;
  // Second 60 is a leap second (RFC 5322 allows it); POSIX time folds it into the next one.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  if (day < 1 || day > daysInMonth(year, month)) return undefined;
  const ms = Date.UTC(year, month, day, hour, minute, second);
  // Date.UTC maps years 0..99 to 1900..1999; setUTCFullYear does not.
  const d = new Date(ms);
  d.setUTCFullYear(year);
  return d.getTime();
}

/**
 * Parses an HTTP-date in any of its three forms. Returns milliseconds since the epoch, or
 * undefined when the text is not a valid HTTP-date (callers then ignore the header, as RFC
 * 9110 requires for If-Modified-Since and friends). The day name is checked for form but
 * not against the date, as nginx does. A two-digit RFC 850 year that would lie more than 50
 * years after `nowMs` is taken as the most recent past year with those digits.
 *
 * @example parseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT") // 784111777000
 */
export function parseHttpDate(text: string, nowMs: number = Date.now()): number | undefined {
  const value = text.trim();
  let m = IMF_FIXDATE.exec(value);
  if (m) return fromFields(+m[3]!, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  m = RFC850_DATE.exec(value);
  if (m) {
    const twoDigits = +m[3]!;
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + twoDigits;
    if (year > nowYear + 50) year -= 100;
    else if (year <= nowYear - 50) year += 100;
    return fromFields(year, m[2]!, +m[1]!, +m[4]!, +m[5]!, +m[6]!);
  }
  m = ASCTIME_DATE.exec(value);
  if (m) {
    const day = m[2]!;
    // asctime pads a one-digit day with a space, never with a zero; " 6" and "16" only.
    if (day[0] === " " && day[1] === "0") return undefined;
    return fromFields(+m[6]!, m[1]!, +day.trim(), +m[3]!, +m[4]!, +m[5]!);
  }
  return undefined;
}
