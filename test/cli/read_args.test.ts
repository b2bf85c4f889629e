import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseReadArgs, ReadUsageError } from "../../src/cli/_read_args.js";
import { LOOPBACK } from "./_run.js";

describe("evnet read's command line, parsed like tcpdump's getopt", () => {
  const accept: [string[], Partial<ReturnType<typeof parseReadArgs>>][] = [
    [[LOOPBACK], { file: LOOPBACK, expression: "", timestamps: "seconds", count: Infinity }],
    [[LOOPBACK, "tcp", "port", "80"], { file: LOOPBACK, expression: "tcp port 80" }],
    [["-r", LOOPBACK, "udp"], { file: LOOPBACK, expression: "udp" }],
    [["udp", "-r", LOOPBACK], { file: LOOPBACK, expression: "udp" }],
    [["-nnr", LOOPBACK, "-c5"], { file: LOOPBACK, count: 5 }],
    [["-c", "7", LOOPBACK], { count: 7 }],
    [["-t", LOOPBACK], { timestamps: "none" }],
    [["-tt", LOOPBACK], { timestamps: "seconds" }],
    [["-x", LOOPBACK], { hex: 1, ascii: false }],
    [["-xx", LOOPBACK], { hex: 2, ascii: false }],
    [["-X", LOOPBACK], { hex: 1, ascii: true }],
    [["-XX", LOOPBACK], { hex: 2, ascii: true }],
    [["-qlU", LOOPBACK], { quiet: true, lineBuffered: true, packetBuffered: true }],
    [["--json", "--nano", LOOPBACK], { json: true, nanoseconds: true }],
    [[LOOPBACK, "-w", "out.pcap"], { writeTo: "out.pcap" }],
    [[LOOPBACK, "-wout.pcap"], { writeTo: "out.pcap" }],
    [["-d", "tcp", "port", "80"], { file: null, dump: 1, expression: "tcp port 80" }],
    [["-ddd", "-y", "EN10MB", "ip"], { file: null, dump: 3, linkTypeName: "EN10MB" }],
    [["-dd", LOOPBACK, "ip"], { file: LOOPBACK, dump: 2, expression: "ip" }],
    [["icmp", "or", "arp", LOOPBACK], { file: LOOPBACK, expression: "icmp or arp" }],
    [[LOOPBACK, "--", "-c"], { file: LOOPBACK, expression: "-c", count: Infinity }],
    [["--help"], { help: true, file: null }],
  ];
  for (const [argv, want] of accept) {
    it(`accepts ${argv.join(" ")}`, () => {
      const got = parseReadArgs(argv);
      for (const [key, value] of Object.entries(want)) {
        assert.deepEqual(got[key as keyof typeof got], value, key);
      }
    });
  }

  const reject: [string[], RegExp][] = [
    [[], /no capture file/],
    [["-v", LOOPBACK], /unsupported option -v/],
    [["-e", LOOPBACK], /unsupported option -e/],
    [["--verbose", LOOPBACK], /unknown option --verbose/],
    [[LOOPBACK, "-c"], /-c needs a value/],
    [[LOOPBACK, "-c", "0"], /invalid packet count "0"/],
    [[LOOPBACK, "-c", "1e3"], /invalid packet count/],
    [["-ttt", LOOPBACK], /-ttt is not supported/],
    [["-dddd", LOOPBACK], /-dddd is not an option/],
  ];
  for (const [argv, message] of reject) {
    it(`rejects ${argv.join(" ") || "an empty command line"}`, () => {
      assert.throws(
        () => parseReadArgs(argv),
        (err: unknown) => err instanceof ReadUsageError && message.test(err.message),
      );
    });
  }
});
