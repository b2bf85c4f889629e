/**
 * evnet/packet capture: live packets from an AF_PACKET socket, filtered in the kernel by the
 * compiled BPF, delivered as capture-file records on an evnet loop. Linux only; needs root
 * or CAP_NET_RAW.
 */
export {
  ANY_INTERFACE,
  Capture,
  type CapturedPacket,
  type CaptureOptions,
  type CaptureStats,
  captureLinkOf,
  DEFAULT_BUFFER_SIZE,
  openCapture,
  READS_PER_EVENT,
} from "./capture.js";
export { CaptureError, type CaptureErrorCode } from "./error.js";
export { kernelFilterProgram } from "./kernel_filter.js";
export { type CaptureLink, type CookedHeader, writeCookedHeader } from "./link.js";
