// Turns a pcapng 64-bit timestamp (two 32-bit halves, in units of 10^-n or 2^-n seconds)
// into whole seconds and nanoseconds, exactly and without allocating on the common paths.
//
// A double holds integers up to 2^53 exactly: microsecond timestamps of this century fit
// (~1.7e15), nanosecond ones do not (~1.7e18). For those the 64-bit value is divided by the
// unit count in four 16-bit digits (school long division), whose partial remainders stay
// below 2^47. Unusual resolutions (finer than 2^-30 s, or coarser than 2^-11 s with a
// huge timestamp) fall back to BigInt.

const TWO_32 = 4294967296;
const TWO_21 = 2097152;
const TWO_30 = 1073741824;

export class TimestampScale {
  /** Timestamp units per second. */
  readonly units: number;
  private readonly nanoMul: number;
  private readonly nanoDiv: number;
  private readonly exact: boolean;
  private readonly unitsBig: bigint;
  /** Results of the last split(): kept on the instance so splitting allocates nothing. */
  seconds = 0;
  nanos = 0;

  /** `tsresol` is the if_tsresol byte; `offset` is if_tsoffset in seconds. */
  constructor(
    readonly tsresol: number,
    private readonly offset = 0,
  ) {
    const binary = (tsresol & 0x80) !== 0;
    const exponent = tsresol & 0x7f;
    this.unitsBig = binary ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
    this.units = Number(this.unitsBig);
    this.exact = this.units <= TWO_30 && this.units >= 2048;
    // nanos = frac * nanoMul / nanoDiv, with every product below 2^53.
    if (!binary && exponent <= 9) {
      this.nanoMul = 10 ** (9 - exponent);
      this.nanoDiv = 1;
    } else if (binary && exponent >= 9) {
      // 1e9 = 2^9 * 1953125, so frac * 1e9 / 2^n = frac * 1953125 / 2^(n-9): exact.
      this.nanoMul = 1953125;
      this.nanoDiv = 2 ** (exponent - 9);
    } else {
      this.nanoMul = 1e9;
      this.nanoDiv = this.units;
    }
  }

  /** Splits the timestamp `high * 2^32 + low` into `this.seconds` and `this.nanos`. */
  split(high: number, low: number): void {
    const units = this.units;
    let seconds: number;
    let frac: number;
    if (high < TWO_21 && this.units <= TWO_30) {
      const value = high * TWO_32 + low;
      seconds = Math.floor(value / units);
      frac = value - seconds * units;
    } else if (this.exact) {
      let digit = high >>> 16;
      let quotient = Math.floor(digit / units);
      let rest = digit - quotient * units;
      digit = rest * 65536 + (high & 0xffff);
      let q = Math.floor(digit / units);
      rest = digit - q * units;
      quotient = quotient * 65536 + q;
      digit = rest * 65536 + (low >>> 16);
      q = Math.floor(digit / units);
      rest = digit - q * units;
      quotient = quotient * 65536 + q;
      digit = rest * 65536 + (low & 0xffff);
      q = Math.floor(digit / units);
      rest = digit - q * units;
      seconds = quotient * 65536 + q;
      frac = rest;
    } else {
      this.splitBig(high, low);
      return;
    }
    this.seconds = seconds + this.offset;
    this.nanos =
      this.nanoDiv === 1 ? frac * this.nanoMul : Math.floor((frac * this.nanoMul) / this.nanoDiv);
  }

  private splitBig(high: number, low: number): void {
    const value = (BigInt(high) << 32n) | BigInt(low);
    const seconds = value / this.unitsBig;
    const frac = value - seconds * this.unitsBig;
    this.seconds = Number(seconds) + this.offset;
    this.nanos = Number((frac * 1_000_000_000n) / this.unitsBig);
  }
}

/**
 * The two 32-bit halves of `seconds * units + nanos * units / 1e9` for a writer.
 * Returns the high half and leaves the low half in `lowOut[0]`.
 */
export function joinTimestamp(
  seconds: number,
  nanos: number,
  tsresol: number,
  lowOut: Uint32Array,
): number {
  const binary = (tsresol & 0x80) !== 0;
  const exponent = tsresol & 0x7f;
  if (!binary && exponent <= 9) {
    const units = 10 ** exponent;
    const frac = Math.floor(nanos / 10 ** (9 - exponent));
    const value = seconds * units + frac;
    if (value <= Number.MAX_SAFE_INTEGER) {
      const high = Math.floor(value / TWO_32);
      lowOut[0] = value - high * TWO_32;
      return high;
    }
  }
  const unitsBig = binary ? 1n << BigInt(exponent) : 10n ** BigInt(exponent);
  const value =
    BigInt(Math.floor(seconds)) * unitsBig +
    (BigInt(Math.floor(nanos)) * unitsBig) / 1_000_000_000n;
  lowOut[0] = Number(value & 0xffffffffn);
  return Number((value >> 32n) & 0xffffffffn);
}
