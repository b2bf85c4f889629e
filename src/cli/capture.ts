/**
 * `evnet capture -i IF [-c N] [-w FILE] [EXPR...]`: live capture like tcpdump -n -S -tt.
 *
 * One line per packet on stdout (or JSON with --json, or a pcap file with -w), notices on
 * stderr as tcpdump words them ("listening on lo, link-type EN10MB (Ethernet), snapshot
 * length 262144 bytes"), and the counts at the end: after -c packets, or when SIGINT or
 * SIGTERM arrives. The loop runs owned (it blocks the thread, as tcpdump does): every write
 * is synchronous, and output gathered during one loop iteration goes out at its end.
 */
import { BREAK, Check, Loop, MINPRI, Signal } from "../loop/index.js";
import { disassemble, disassembleC, disassembleDecimal } from "../packet/bpf/index.js";
import {
  type Capture,
  type CapturedPacket,
  CaptureError,
  captureLinkOf,
  openCapture,
} from "../packet/capture/index.js";
import type { DecodeOptions } from "../packet/decode/index.js";
import { FileSink, formatLinkType, LINKTYPE, PcapWriter } from "../packet/file/index.js";
import { compileFilter, DEFAULT_SNAPLEN, FilterError } from "../packet/filter/index.js";
import { interfaceName } from "../sys/index.js";
import { ChunkedOutput, writeStderr } from "./_output.js";
import { quietLine } from "./_quiet.js";

const PROGRAM = "evnet capture";
const LINE_DECODE: DecodeOptions = { checksums: false };

type Decoders = typeof import("../packet/decode/index.js");

export const CAPTURE_USAGE = `usage: evnet capture [-dlnpqStU] [-B size] [-c count] [-i interface] [-s snaplen]
                     [-w file] [-y linktype] [--json] [expression]

Captures packets like tcpdump -n -S -tt: one line per packet on stdout, notices and the
final counts on stderr. Needs root (CAP_NET_RAW). Ctrl-C (SIGINT) or SIGTERM ends it.

  -i IF      the interface to capture on; "any" for all of them (Linux cooked headers)
  -c N       stop after N packets
  -w FILE    write the packets to a pcap file (- for stdout) instead of printing them
  -s LEN     keep at most LEN bytes of each packet (default 262144; 0 means the default)
  -p         do not put the interface in promiscuous mode
  -B KiB     socket receive buffer in KiB (default 2048)
  -y TYPE    cooked header for "any": LINUX_SLL2 (default) or LINUX_SLL
  -t / -tt   no timestamp / seconds since the epoch (default)
  -q         shorter TCP and UDP lines
  --json     one JSON object per packet with every decoded field
  -d/-dd/-ddd  print the compiled BPF program like tcpdump and exit
  -l         accepted: lines are written at the end of every loop iteration anyway
  -U         flush the -w output after every loop iteration
  -n, -S, -K accepted for tcpdump compatibility`;

export interface CaptureCliOptions {
  device: string | null;
  expression: string;
  count: number;
  writeTo: string | null;
  snaplen: number;
  promiscuous: boolean;
  bufferKiB: number;
  cooked: "sll" | "sll2";
  timestamps: boolean;
  quiet: boolean;
  json: boolean;
  dump: 0 | 1 | 2 | 3;
  packetBuffered: boolean;
  help: boolean;
}

/** A command line that cannot be run. */
export class CaptureUsageError extends Error {
  override readonly name = "CaptureUsageError";
  readonly code = "CAPTURE_USAGE";
}

const TAKES_VALUE = "icwsBy";

/**
 * Parses the words after `evnet capture` the way tcpdump's getopt does: short flags cluster
 * (`-nni lo`, `-c5`), options may follow the expression, `--` ends them, and the remaining
 * words joined with spaces are the expression.
 */
export function parseCaptureArgs(argv: readonly string[]): CaptureCliOptions {
  const opts: CaptureCliOptions = {
    device: null,
    expression: "",
    count: Number.POSITIVE_INFINITY,
    writeTo: null,
    snaplen: DEFAULT_SNAPLEN,
    promiscuous: true,
    bufferKiB: 2048,
    cooked: "sll2",
    timestamps: true,
    quiet: false,
    json: false,
    dump: 0,
    packetBuffered: false,
    help: false,
  };
  const words: string[] = [];
  let ts = 0;
  let dumps = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (arg === "--json") opts.json = true;
    else if (arg === "--help") opts.help = true;
    else if (arg.startsWith("--")) throw new CaptureUsageError(`unknown option ${arg}`);
    else if (arg.length < 2 || !arg.startsWith("-")) words.push(arg);
    else {
      for (let j = 1; j < arg.length; j++) {
        const flag = arg[j]!;
        if (TAKES_VALUE.includes(flag)) {
          let value = arg.slice(j + 1);
          if (value === "") {
            if (i + 1 >= argv.length) throw new CaptureUsageError(`option -${flag} needs a value`);
            value = argv[++i]!;
          }
          applyValue(opts, flag, value);
          break;
        }
        if (flag === "t") ts++;
        else if (flag === "d") dumps++;
        else if (flag === "p") opts.promiscuous = false;
        else if (flag === "q") opts.quiet = true;
        else if (flag === "U") opts.packetBuffered = true;
        else if (flag === "h") opts.help = true;
        else if (!"nSKl".includes(flag)) {
          throw new CaptureUsageError(`unknown or unsupported option -${flag}`);
        }
      }
    }
  }
  if (ts > 2) throw new CaptureUsageError(`-${"t".repeat(ts)} is not supported`);
  opts.timestamps = ts !== 1;
  if (dumps > 3) throw new CaptureUsageError(`-${"d".repeat(dumps)} is not an option`);
  opts.dump = dumps as 0 | 1 | 2 | 3;
  opts.expression = words.join(" ");
  return opts;
}

function applyValue(opts: CaptureCliOptions, flag: string, value: string): void {
  const number = (what: string, min: number): number => {
    const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > 0x7fffffff) {
      throw new CaptureUsageError(`invalid ${what} ${JSON.stringify(value)}`);
    }
    return n;
  };
  if (flag === "i") opts.device = value;
  else if (flag === "w") opts.writeTo = value;
  else if (flag === "c") opts.count = number("packet count", 1);
  else if (flag === "B") opts.bufferKiB = number("buffer size", 1);
  else if (flag === "s") {
    // As tcpdump: 0 means the default, which is also the largest.
    const n = number("snaplen", 0);
    if (n > DEFAULT_SNAPLEN) throw new CaptureUsageError(`invalid snaplen ${value}`);
    opts.snaplen = n === 0 ? DEFAULT_SNAPLEN : n;
  } else if (flag === "y") {
    const name = value.toUpperCase().replace(/^(DLT_|LINKTYPE_)/, "");
    if (name === "LINUX_SLL") opts.cooked = "sll";
    else if (name === "LINUX_SLL2") opts.cooked = "sll2";
    else throw new CaptureUsageError(`link type ${value} is not one a capture can choose`);
  }
}

export async function main(argv: string[]): Promise<number> {
  let opts: CaptureCliOptions;
  try {
    opts = parseCaptureArgs(argv);
  } catch (err) {
    if (!(err instanceof CaptureUsageError)) throw err;
    writeStderr(`${PROGRAM}: ${err.message} (evnet capture --help for usage)\n`);
    return 1;
  }
  if (opts.help) {
    writeStderr(`${CAPTURE_USAGE}\n`);
    return 0;
  }
  try {
    if (opts.dump > 0) return printProgram(opts);
    if (opts.device === null) {
      throw new CaptureUsageError("no interface given: use -i IF (or -i any for all)");
    }
    const printing = opts.writeTo === null;
    return runCapture(opts, printing ? await import("../packet/decode/index.js") : null);
  } catch (err) {
    writeStderr(`${PROGRAM}: ${describeError(err, opts)}\n`);
    return 1;
  }
}

/** -d, -dd, -ddd: the filter compiled for the interface's link type (Ethernet without -i). */
function printProgram(opts: CaptureCliOptions): number {
  const linkType =
    opts.device === null ? LINKTYPE.ETHERNET : captureLinkOf(opts.device, opts.cooked).linkType;
  const program = compileFilter(opts.expression, { linkType, snaplen: opts.snaplen });
  const print = opts.dump === 1 ? disassemble : opts.dump === 2 ? disassembleC : disassembleDecimal;
  const out = new ChunkedOutput(1);
  out.write(print(program));
  out.flush();
  return 0;
}

/** Where captured packets go. */
interface PacketSink {
  packet(packet: CapturedPacket, frame: number): void;
  /** End of a loop iteration: write out what was gathered. */
  flush(): void;
  /** True once output can go nowhere (the reader of stdout left). */
  readonly stopped: boolean;
  close(): void;
}

function runCapture(opts: CaptureCliOptions, decoders: Decoders | null): number {
  const loop = new Loop();
  let capture: Capture | null = null;
  let sink: PacketSink | null = null;
  try {
    capture = openCapture(
      {
        interface: opts.device!,
        filter: opts.expression,
        snaplen: opts.snaplen,
        promiscuous: opts.promiscuous,
        bufferSize: opts.bufferKiB * 1024,
        cookedHeader: opts.cooked,
      },
      loop,
    );
    for (const warning of capture.warnings) writeStderr(`${PROGRAM}: WARNING: ${warning}\n`);
    const listening = `listening on ${opts.device}, link-type ${formatLinkType(capture.linkType)}, snapshot length ${capture.snaplen} bytes\n`;
    writeStderr(opts.writeTo === null ? listening : `${PROGRAM}: ${listening}`);
    const out = makeSink(opts, capture, decoders);
    sink = out;
    let frame = 0;
    capture.onPacket = (packet, cap) => {
      out.packet(packet, ++frame);
      if (frame >= opts.count || out.stopped) {
        cap.close();
        loop.break(BREAK.ALL);
      }
    };
    const stop = () => loop.break(BREAK.ALL);
    // The loop's signal handler calls the handler it replaced. Node's own SIGINT/SIGTERM
    // handler (installed when JavaScript has no listener) resets the disposition and raises
    // the signal again, which would come straight back to the loop's handler: with a
    // listener, the handler underneath is libuv's, which only notes the signal.
    process.on("SIGINT", ignoreSignal);
    process.on("SIGTERM", ignoreSignal);
    new Signal(loop, "SIGINT", stop).start();
    new Signal(loop, "SIGTERM", stop).start();
    // Check watchers of equal priority run before the Io callbacks of their iteration
    // (libev's LIFO order); the lowest priority makes the flush come after the reads.
    const flusher = new Check(loop, () => out.flush());
    flusher.priority = MINPRI;
    flusher.start();
    loop.run();
    const stats = capture.stats();
    capture.close();
    sink.close();
    sink = null;
    writeStderr(
      `${plural(stats.captured, "captured")}\n${plural(stats.received, "received by filter")}\n${plural(stats.dropped, "dropped by kernel")}\n`,
    );
    return 0;
  } finally {
    sink?.close();
    capture?.close();
    loop.destroy();
  }
}

function ignoreSignal(): void {}

/** "1 packet captured", "2 packets captured", as tcpdump words it. */
function plural(n: number, what: string): string {
  return `${n} packet${n === 1 ? "" : "s"} ${what}`;
}

function makeSink(
  opts: CaptureCliOptions,
  capture: Capture,
  decoders: Decoders | null,
): PacketSink {
  if (opts.writeTo !== null) {
    const file = new FileSink(opts.writeTo === "-" ? 1 : opts.writeTo);
    const writer = new PcapWriter(file, { linkType: capture.linkType, snaplen: capture.snaplen });
    return new FileOutput(writer, opts.packetBuffered);
  }
  if (decoders === null) throw new TypeError("printing packets needs the decoders");
  return new TextOutput(new ChunkedOutput(1), opts, decoders);
}

class FileOutput implements PacketSink {
  readonly stopped = false;
  private readonly writer: PcapWriter;
  private readonly flushEach: boolean;

  constructor(writer: PcapWriter, flushEach: boolean) {
    this.writer = writer;
    this.flushEach = flushEach;
  }

  packet(packet: CapturedPacket): void {
    this.writer.write(packet);
  }

  flush(): void {
    if (this.flushEach) this.writer.flush();
  }

  close(): void {
    this.writer.close();
  }
}

/** tcpdump's names for sll_pkttype, as -i any prints them before each line. */
const DIRECTIONS = ["In ", "B  ", "M  ", "P  ", "Out"];

class TextOutput implements PacketSink {
  private readonly out: ChunkedOutput;
  private readonly opts: CaptureCliOptions;
  private readonly decoders: Decoders;
  private readonly names = new Map<number, string>();
  private closed = false;

  constructor(out: ChunkedOutput, opts: CaptureCliOptions, decoders: Decoders) {
    this.out = out;
    this.opts = opts;
    this.decoders = decoders;
  }

  get stopped(): boolean {
    return this.out.closed;
  }

  packet(packet: CapturedPacket, frame: number): void {
    const { decodePacket, formatPacketLine } = this.decoders;
    if (this.opts.json) {
      const pkt = decodePacket(packet.linkType, packet.data, packet.originalLength);
      const time = `${packet.seconds}.${String(packet.nanos).padStart(9, "0")}`;
      this.out.write(
        `{"frame":${frame},"time":"${time}","seconds":${packet.seconds},"nanos":${packet.nanos},"ifindex":${packet.ifindex},"packetType":${packet.packetType},`,
      );
      this.out.line(JSON.stringify(pkt).slice(1));
      return;
    }
    const pkt = decodePacket(packet.linkType, packet.data, packet.originalLength, LINE_DECODE);
    let line = formatPacketLine(pkt);
    if (this.opts.quiet) line = quietLine(pkt, line);
    if (this.opts.timestamps) {
      this.out.write(
        `${packet.seconds}.${String(Math.floor(packet.nanos / 1000)).padStart(6, "0")} `,
      );
    }
    // tcpdump prints the interface and direction of LINUX_SLL2 packets (what -i any gives).
    if (packet.linkType === LINKTYPE.LINUX_SLL2) {
      this.out.write(
        `${this.nameOf(packet.ifindex).padEnd(5)} ${DIRECTIONS[packet.packetType] ?? "?  "} `,
      );
    }
    this.out.line(line);
  }

  flush(): void {
    this.out.flush();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.out.flush();
  }

  private nameOf(ifindex: number): string {
    let name = this.names.get(ifindex);
    if (name === undefined) {
      name = interfaceName(ifindex) ?? "?";
      this.names.set(ifindex, name);
    }
    return name;
  }
}

function describeError(err: unknown, opts: CaptureCliOptions): string {
  if (err instanceof FilterError) {
    if (err.position < 0) return err.message;
    return `${err.message}\n  ${opts.expression}\n  ${" ".repeat(err.position)}^`;
  }
  if (err instanceof CaptureError || err instanceof CaptureUsageError) return err.message;
  const sys = err as NodeJS.ErrnoException;
  if (typeof sys.code === "string" && typeof sys.path === "string") {
    return `${sys.path}: ${sys.message}`;
  }
  return err instanceof Error ? err.message : String(err);
}
