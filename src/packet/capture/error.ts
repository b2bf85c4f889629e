/** Errors of live capture, each with a stable `code`. */

export type CaptureErrorCode =
  /** No interface by that name. */
  | "NO_SUCH_DEVICE"
  /** The interface exists but is down. */
  | "DEVICE_DOWN"
  /** Opening a packet socket needs CAP_NET_RAW (root). */
  | "PERMISSION_DENIED"
  /** An option out of range (snaplen, buffer size, interface name). */
  | "BAD_OPTION"
  /** Another system call failed; `cause` is the SysError. */
  | "SYSTEM_ERROR";

export class CaptureError extends Error {
  override readonly name = "CaptureError";
  readonly code: CaptureErrorCode;
  /** The interface the capture was opened on. */
  readonly device: string;

  constructor(code: CaptureErrorCode, device: string, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.device = device;
  }
}
