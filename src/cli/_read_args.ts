/**
 * Command-line parsing for `evnet read`, in tcpdump's style rather than node:util's
 * parseArgs: tcpdump is parsed by getopt, so short flags cluster (`-nnr FILE`, `-c5`,
 * `-XX`), a repeated flag means more (`-dd`, `-xx`), options may come after the file and
 * the expression, and `--` ends the options. The expression is every word that is not an
 * option, joined with spaces, exactly as tcpdump joins its argv.
 */
import { existsSync } from "node:fs";

export interface ReadOptions {
  /** The capture to read (`-r FILE` or the first word), or null when none was given. */
  file: string | null;
  /** The filter expression; "" accepts every packet. */
  expression: string;
  /** Stop after this many matching packets (`-c N`). */
  count: number;
  /** Write matching packets to this capture instead of printing them (`-w OUT`, `-` is stdout). */
  writeTo: string | null;
  /** `none` for -t, `seconds` for -tt (the default here). */
  timestamps: "none" | "seconds";
  /** Print timestamps to the nanosecond (`--nano`). */
  nanoseconds: boolean;
  /** `-q`: shorter TCP and UDP lines. */
  quiet: boolean;
  /** Hex dump after each line: 0 none, 1 from the network header (-x/-X), 2 whole frame (-xx/-XX). */
  hex: 0 | 1 | 2;
  /** `-X`: hex dump with ASCII. */
  ascii: boolean;
  /** `-d`, `-dd`, `-ddd`: print the compiled filter (0: run normally). */
  dump: 0 | 1 | 2 | 3;
  /** `--json`: one JSON object per packet. */
  json: boolean;
  /** `-y NAME`: link type for `-d` without a capture file. */
  linkTypeName: string | null;
  /** `-l`: flush stdout after each packet. */
  lineBuffered: boolean;
  /** `-U`: flush the `-w` output after each packet. */
  packetBuffered: boolean;
  help: boolean;
}

/** A command line that cannot be run; the CLI prints the message and the usage. */
export class ReadUsageError extends Error {
  override readonly name = "ReadUsageError";
  readonly code = "READ_USAGE";
}

/** Flags that take a value: the rest of the cluster, or the next word. */
const WITH_VALUE = new Set(["r", "w", "c", "y"]);
/**
 * Flags accepted and ignored because evnet already behaves that way: it never resolves
 * names (-n), prints absolute sequence numbers (-S), verifies no checksums in line mode (-K).
 */
const NO_OPS = new Set(["n", "S", "K"]);

export const READ_USAGE = `usage: evnet read [-dlnqStUxX] [-c count] [-r file] [-w file] [-y linktype]
                  [--json] [--nano] FILE [expression]

Prints the packets of a pcap or pcapng capture like tcpdump -n -S -tt -r FILE [expression].

  -r FILE    the capture to read (or give it as the first word)
  -c N       stop after N matching packets
  -w OUT     write matching packets to OUT (pcap; pcapng when the input is pcapng or OUT
             ends in .pcapng; - for stdout) instead of printing them
  -t / -tt   no timestamp / seconds since the epoch (default)
  --nano     timestamps to the nanosecond
  -q         shorter TCP and UDP lines
  -x / -xx   hex dump of each packet from the network header / of the whole frame
  -X / -XX   the same with ASCII
  --json     one JSON object per packet with every decoded field
  -d/-dd/-ddd  print the compiled BPF program like tcpdump and exit
  -y TYPE    link type for -d without a file (default EN10MB)
  -l         flush stdout after every packet
  -U         flush the -w output after every packet
  -n, -S, -K accepted for tcpdump compatibility (evnet never resolves names, always prints
             absolute sequence numbers, and does not verify checksums in line mode)`;

/** Parses the words after `evnet read`. Throws ReadUsageError. */
export function parseReadArgs(argv: readonly string[]): ReadOptions {
  const opts: ReadOptions = {
    file: null,
    expression: "",
    count: Number.POSITIVE_INFINITY,
    writeTo: null,
    timestamps: "seconds",
    nanoseconds: false,
    quiet: false,
    hex: 0,
    ascii: false,
    dump: 0,
    json: false,
    linkTypeName: null,
    lineBuffered: false,
    packetBuffered: false,
    help: false,
  };
  const words: string[] = [];
  let tCount = 0;
  let xCount = 0;
  let bigXCount = 0;
  let dCount = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("--")) {
      if (arg === "--json") opts.json = true;
      else if (arg === "--nano") opts.nanoseconds = true;
      else if (arg === "--help") opts.help = true;
      else throw new ReadUsageError(`unknown option ${arg}`);
      continue;
    }
    if (arg.length < 2 || arg[0] !== "-") {
      words.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const flag = arg[j]!;
      if (WITH_VALUE.has(flag)) {
        let value = arg.slice(j + 1);
        if (value === "") {
          if (i + 1 >= argv.length) throw new ReadUsageError(`option -${flag} needs a value`);
          value = argv[++i]!;
        }
        setValue(opts, flag, value);
        break;
      }
      if (NO_OPS.has(flag)) continue;
      switch (flag) {
        case "t":
          tCount++;
          break;
        case "q":
          opts.quiet = true;
          break;
        case "x":
          xCount++;
          break;
        case "X":
          bigXCount++;
          break;
        case "d":
          dCount++;
          break;
        case "l":
          opts.lineBuffered = true;
          break;
        case "U":
          opts.packetBuffered = true;
          break;
        case "h":
          opts.help = true;
          break;
        default:
          throw new ReadUsageError(`unknown or unsupported option -${flag}`);
      }
    }
  }
  if (tCount === 1) opts.timestamps = "none";
  else if (tCount > 2) throw new ReadUsageError(`-${"t".repeat(tCount)} is not supported`);
  const hexLevel = Math.max(xCount, bigXCount);
  opts.hex = hexLevel === 0 ? 0 : hexLevel === 1 ? 1 : 2;
  opts.ascii = bigXCount > 0;
  if (dCount > 3) throw new ReadUsageError(`-${"d".repeat(dCount)} is not an option`);
  opts.dump = dCount as 0 | 1 | 2 | 3;
  if (opts.file === null && words.length > 0) takeFileWord(opts, words);
  opts.expression = words.join(" ");
  if (opts.file === null && !opts.help && opts.dump === 0) {
    throw new ReadUsageError("no capture file given");
  }
  return opts;
}

function setValue(opts: ReadOptions, flag: string, value: string): void {
  switch (flag) {
    case "r":
      opts.file = value;
      return;
    case "w":
      opts.writeTo = value;
      return;
    case "y":
      opts.linkTypeName = value;
      return;
    case "c": {
      const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < 1) {
        throw new ReadUsageError(`invalid packet count ${JSON.stringify(value)}`);
      }
      opts.count = n;
      return;
    }
  }
}

/**
 * Without -r the file is the first word. tcpdump needs -r, so `EXPR... FILE` is not its
 * form, but it is an easy mistake: when the first word names no file and the last one does,
 * the last word is taken as the file. With -d a first word that names no file starts the
 * expression (`evnet read -d tcp port 80` compiles for Ethernet, as tcpdump -d does).
 */
function takeFileWord(opts: ReadOptions, words: string[]): void {
  const firstExists = existsSync(words[0]!);
  if (!firstExists && words.length > 1 && existsSync(words[words.length - 1]!)) {
    opts.file = words.pop()!;
    return;
  }
  if (!firstExists && opts.dump > 0) return;
  opts.file = words.shift()!;
}
