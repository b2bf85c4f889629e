/**
 * Live capture on Linux: an AF_PACKET socket bound to one interface (or to all, "any"),
 * read by an Io watcher of an evnet loop.
 *
 * Opening follows libpcap's order. The socket is made with protocol 0, so it queues nothing
 * until bind() names the interface and every protocol. Promiscuous mode is a socket
 * membership, undone by the kernel when the socket closes. A filter is compiled for the
 * capture's link type and attached after bind: first a program that rejects everything,
 * then the frames queued before it are drained and the counters reset, then the real
 * program, so the first packet delivered already obeys the filter. The kernel runs the
 * filter before queueing; frames it rejects never reach the process.
 *
 * Each readable event reads up to {@link READS_PER_EVENT} frames with recvfrom (MSG_TRUNC
 * gives the length on the wire when the snaplen cut a frame) and asks the kernel for each
 * one's receive time (SIOCGSTAMPNS). On loopback every packet passes twice, once sent and
 * once received; as libpcap does, the outgoing copy is skipped (the kernel still counts
 * both in "received by filter", as it does for tcpdump).
 */
import { EV, Io, type Loop } from "../../loop/index.js";
import {
  addPromiscuousMembership,
  attachFilter,
  bindPacket,
  close,
  ERRNO,
  IFF_UP,
  type InterfaceDetails,
  interfaceDetails,
  interfaceIndex,
  LinkSource,
  PACKET_OUTGOING,
  type PacketTime,
  packetSocket,
  packetStatistics,
  readPacketTime,
  receivePacket,
  SO_RCVBUF,
  SOL_SOCKET,
  SysError,
  setIntOption,
} from "../../sys/index.js";
import {
  BPF_K,
  BPF_RET,
  type BpfProgram,
  type CompiledBpf,
  compileBpfToJs,
  stmt,
} from "../bpf/index.js";
import type { PacketRecord } from "../file/record.js";
import { compileFilter, DEFAULT_SNAPLEN } from "../filter/index.js";
import { CaptureError } from "./error.js";
import { kernelFilterProgram } from "./kernel_filter.js";
import { type CaptureLink, type CookedHeader, captureLinkFor, writeCookedHeader } from "./link.js";

/** The pseudo-interface that captures on every interface at once. */
export const ANY_INTERFACE = "any";
/** Frames read per readable event before returning to the loop (libuv reads 32 per wake). */
export const READS_PER_EVENT = 64;
/** libpcap's default receive buffer (tcpdump -B), in bytes. */
export const DEFAULT_BUFFER_SIZE = 2 * 1024 * 1024;

export interface CaptureOptions {
  /** Interface name (`lo`, `eth0`), or `"any"` for all of them. */
  interface: string;
  /** A tcpdump filter expression; empty or absent keeps every packet. */
  filter?: string;
  /** Most bytes kept of each packet, link header included. Default 262144 (tcpdump's). */
  snaplen?: number;
  /** Put the interface in promiscuous mode. Default true, as tcpdump (-p turns it off). */
  promiscuous?: boolean;
  /** Socket receive buffer (SO_RCVBUF) in bytes. Default 2 MiB, as libpcap. */
  bufferSize?: number;
  /** The cooked header of "any" and of interfaces without Ethernet framing. Default "sll2". */
  cookedHeader?: CookedHeader;
  /** Give every packet its own copy of the bytes (default: a view, valid during onPacket). */
  copy?: boolean;
  /** Called for each captured packet; may also be set later as `capture.onPacket`. */
  onPacket?: ((packet: CapturedPacket, capture: Capture) => void) | null;
}

/** A packet from the wire: a capture-file record plus where it came from. */
export interface CapturedPacket extends PacketRecord {
  /** Index of the interface it was seen on. */
  ifindex: number;
  /** sll_pkttype: PACKET_HOST (0), BROADCAST (1), MULTICAST (2), OTHERHOST (3), OUTGOING (4). */
  packetType: number;
}

/** The counts tcpdump prints at the end of a capture. */
export interface CaptureStats {
  /** Packets handed to onPacket ("packets captured"). */
  captured: number;
  /** Packets the kernel filter accepted, dropped ones included ("received by filter"). */
  received: number;
  /** Packets the kernel dropped because the receive buffer was full ("dropped by kernel"). */
  dropped: number;
}

/**
 * The link type a capture of `name` would deliver, without opening it (no privileges
 * needed): what `evnet capture -d` compiles the filter for.
 */
export function captureLinkOf(name: string, cookedHeader: CookedHeader = "sll2"): CaptureLink {
  if (name === ANY_INTERFACE) return captureLinkFor(null, cookedHeader);
  return captureLinkFor(describeInterface(name).hardwareType, cookedHeader);
}

/**
 * Opens a live capture; packets flow to `onPacket` while `loop` runs.
 *
 * @example
 * const loop = new Loop();
 * const capture = openCapture({ interface: "lo", filter: "udp port 53" }, loop);
 * capture.onPacket = (pkt) => console.log(pkt.originalLength);
 * new Signal(loop, "SIGINT", () => loop.break(BREAK.ALL)).start();
 * loop.run();
 * console.log(capture.stats()); // { captured, received, dropped }
 * capture.close();
 */
export function openCapture(options: CaptureOptions, loop: Loop): Capture {
  return new Capture(options, loop);
}

export class Capture {
  /** The interface name given to openCapture. */
  readonly interface: string;
  /** LINKTYPE_* of every packet. */
  readonly linkType: number;
  readonly snaplen: number;
  /** The filter compiled for the link type (what `tcpdump -d` prints). */
  readonly program: BpfProgram;
  /**
   * Where the filter runs: "kernel" (attached to the socket), "user" (a cooked-header field
   * the kernel cannot supply: the program runs here on each frame), or "none".
   */
  readonly filterMode: "kernel" | "user" | "none";
  /** Notes for the user that do not stop the capture (promiscuous mode on "any"). */
  readonly warnings: string[] = [];
  onPacket: ((packet: CapturedPacket, capture: Capture) => void) | null;

  private fd: number;
  private readonly io: Io;
  private readonly cookedLength: number;
  private readonly buffer: Uint8Array;
  /** Where recvfrom writes: after the room for a cooked header, up to the snaplen. */
  private readonly receiveView: Uint8Array;
  private readonly source = new LinkSource();
  private readonly time: PacketTime = { seconds: 0, nanos: 0 };
  private readonly userFilter: CompiledBpf | null;
  private readonly copy: boolean;
  /** The loopback interface's index: its outgoing copies are skipped. */
  private readonly loopbackIndex: number;
  private captured = 0;
  private received = 0;
  private dropped = 0;

  constructor(options: CaptureOptions, loop: Loop) {
    const name = options.interface;
    const snaplen = options.snaplen ?? DEFAULT_SNAPLEN;
    if (typeof name !== "string" || name === "") {
      throw new CaptureError("BAD_OPTION", String(name), "an interface name is required");
    }
    if (!Number.isInteger(snaplen) || snaplen < 1 || snaplen > 0x7fffffff) {
      throw new CaptureError("BAD_OPTION", name, `invalid snaplen ${snaplen}`);
    }
    const bufferSize = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    if (!Number.isInteger(bufferSize) || bufferSize < 1 || bufferSize > 0x7fffffff) {
      throw new CaptureError("BAD_OPTION", name, `invalid buffer size ${bufferSize}`);
    }
    const any = name === ANY_INTERFACE;
    const details = any ? null : describeInterface(name);
    const link = captureLinkFor(details?.hardwareType ?? null, options.cookedHeader ?? "sll2");
    const expression = options.filter ?? "";
    // A bad filter is reported before anything is opened (FilterError).
    const program = compileFilter(expression, { linkType: link.linkType, snaplen });
    const filtering = expression.trim() !== "";

    this.interface = name;
    this.linkType = link.linkType;
    this.snaplen = snaplen;
    this.program = program;
    this.onPacket = options.onPacket ?? null;
    this.copy = options.copy ?? false;
    this.cookedLength = link.cookedHeaderLength;
    this.buffer = new Uint8Array(Math.max(snaplen, this.cookedLength));
    this.receiveView = this.buffer.subarray(
      this.cookedLength,
      Math.max(snaplen, this.cookedLength),
    );
    this.loopbackIndex = interfaceIndex("lo");

    const ifindex = any ? 0 : interfaceIndex(name);
    if (!any && ifindex === 0) throw noSuchDevice(name);
    if (details !== null && (details.flags & IFF_UP) === 0) {
      throw new CaptureError("DEVICE_DOWN", name, `${name}: That device is not up`);
    }
    this.fd = openSocket(name, link.socketType);
    try {
      bindPacket(this.fd, ifindex);
      setIntOption(this.fd, SOL_SOCKET, SO_RCVBUF, bufferSize);
      if (options.promiscuous ?? true) {
        if (any) this.warnings.push('Promiscuous mode not supported on the "any" device');
        else addPromiscuousMembership(this.fd, ifindex);
      }
      // Turns receive timestamps on; there is no frame to time yet.
      readPacketTime(this.fd, this.time);
      const kernelProgram = filtering ? kernelFilterProgram(program, link.linkType) : null;
      if (kernelProgram !== null) this.attachAndDrain(kernelProgram);
      this.filterMode = !filtering ? "none" : kernelProgram !== null ? "kernel" : "user";
      this.userFilter = this.filterMode === "user" ? compileBpfToJs(program) : null;
    } catch (err) {
      close(this.fd);
      this.fd = -1;
      throw wrapSystemError(name, err);
    }
    this.io = new Io(loop, this.fd, EV.READ, onReadable);
    this.io.data = this;
    this.io.start();
  }

  /** The socket's descriptor (-1 once closed). */
  get descriptor(): number {
    return this.fd;
  }

  get closed(): boolean {
    return this.fd < 0;
  }

  /** The counts so far; after close(), the counts at close. */
  stats(): CaptureStats {
    if (this.fd >= 0) this.collectKernelCounts();
    return { captured: this.captured, received: this.received, dropped: this.dropped };
  }

  /** Stops reading and closes the socket (promiscuous mode ends with it). Idempotent. */
  close(): void {
    if (this.fd < 0) return;
    this.collectKernelCounts();
    this.io.stop();
    close(this.fd);
    this.fd = -1;
  }

  /** @internal reads what is queued, up to READS_PER_EVENT frames. */
  _read(): void {
    for (let i = 0; i < READS_PER_EVENT && this.fd >= 0; i++) {
      const fd = this.fd;
      const from = this.source;
      const length = receivePacket(fd, this.receiveView, from);
      if (length < 0) return;
      if (from.packetType === PACKET_OUTGOING && from.ifindex === this.loopbackIndex) continue;
      if (!readPacketTime(fd, this.time)) {
        const now = Date.now();
        this.time.seconds = Math.floor(now / 1000);
        this.time.nanos = (now % 1000) * 1_000_000;
      }
      const cooked = this.cookedLength;
      if (cooked > 0) writeCookedHeader(this.linkType, this.buffer, from);
      const originalLength = cooked + length;
      const capturedLength = Math.min(originalLength, this.snaplen);
      const view = this.buffer.subarray(0, capturedLength);
      if (this.userFilter !== null && this.userFilter(view, originalLength) === 0) continue;
      this.captured++;
      const onPacket = this.onPacket;
      if (onPacket === null) continue;
      onPacket(
        {
          interfaceId: 0,
          linkType: this.linkType,
          seconds: this.time.seconds,
          nanos: this.time.nanos,
          capturedLength,
          originalLength,
          data: this.copy ? view.slice() : view,
          ifindex: from.ifindex,
          packetType: from.packetType,
        },
        this,
      );
    }
  }

  /** Replaces the filter after bind without letting earlier frames through (see above). */
  private attachAndDrain(program: BpfProgram): void {
    attachFilter(this.fd, [stmt(BPF_RET | BPF_K, 0)]);
    while (receivePacket(this.fd, this.receiveView, this.source) >= 0) {
      // Queued before the filter: discarded.
    }
    packetStatistics(this.fd);
    attachFilter(this.fd, program);
  }

  private collectKernelCounts(): void {
    const counts = packetStatistics(this.fd);
    this.received += counts.packets;
    this.dropped += counts.drops;
  }
}

function onReadable(io: Io): void {
  (io.data as Capture)._read();
}

function describeInterface(name: string): InterfaceDetails {
  try {
    return interfaceDetails(name);
  } catch (err) {
    if (err instanceof SysError && err.errno === ERRNO.ENODEV) throw noSuchDevice(name);
    throw wrapSystemError(name, err);
  }
}

function openSocket(name: string, type: number): number {
  try {
    return packetSocket(type);
  } catch (err) {
    if (err instanceof SysError && (err.errno === ERRNO.EPERM || err.errno === ERRNO.EACCES)) {
      throw new CaptureError(
        "PERMISSION_DENIED",
        name,
        `${name}: You don't have permission to capture on that device (socket: Operation not permitted; capturing needs root or CAP_NET_RAW)`,
        err,
      );
    }
    throw wrapSystemError(name, err);
  }
}

function noSuchDevice(name: string): CaptureError {
  return new CaptureError("NO_SUCH_DEVICE", name, `${name}: No such device exists`);
}

function wrapSystemError(name: string, err: unknown): unknown {
  if (err instanceof SysError) {
    if (err.errno === ERRNO.ENODEV || err.errno === ERRNO.ENXIO) return noSuchDevice(name);
    if (err.errno === ERRNO.ENETDOWN) {
      return new CaptureError("DEVICE_DOWN", name, `${name}: That device is not up`, err);
    }
    return new CaptureError("SYSTEM_ERROR", name, `${name}: ${err.message}`, err);
  }
  return err;
}
