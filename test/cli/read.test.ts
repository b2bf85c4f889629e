/**
 * `evnet read` judged by tcpdump: the same lines for the same capture and filter, the same
 * packets written by -w, the same BPF printed by -d, and errors that exit 1 with a message.
 * The capture is real loopback traffic (TCP, UDP, ICMP, ICMPv6, DNS over UDP and TCP) for
 * which the decoders print exactly tcpdump's lines; the tests derive pcapng, nanosecond,
 * truncated and large captures from it.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  LINKTYPE_ETHERNET,
  LINKTYPE_RAW,
  type PacketRecord,
  PcapngWriter,
  PcapWriter,
  readCaptureFile,
} from "../../src/packet/index.js";
import {
  evnet,
  evnetRead,
  evnetReadBinary,
  LOOPBACK,
  lines,
  MAIN,
  tcpdump,
  tcpdumpCount,
  tcpdumpLines,
} from "./_run.js";

const NOTICE = `reading from file ${LOOPBACK}, link-type EN10MB (Ethernet), snapshot length 262144\n`;

/** Filters covering each protocol of the capture, ports, flags and byte offsets. */
const EXPRESSIONS = [
  "tcp",
  "udp",
  "icmp or icmp6",
  "ip6",
  "port 53",
  "udp port 53 and src host 127.0.0.1",
  "tcp[tcpflags] & tcp-syn != 0",
  "tcp[tcpflags] & (tcp-fin|tcp-rst) != 0",
  "greater 100",
  "not port 53",
  "icmp[icmptype] = icmp-echo",
  "portrange 47000-47010",
];

const records: PacketRecord[] = [...readCaptureFile(LOOPBACK, { copy: true })];
let dir = "";

before(() => {
  dir = mkdtempSync(join(tmpdir(), "evnet-cli-read-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe("evnet read prints what tcpdump -n -tt -S prints", () => {
  it("for every packet of a loopback capture, with tcpdump's notice on stderr", () => {
    const want = tcpdumpLines(LOOPBACK);
    assert.equal(want.length, records.length);
    const r = evnetRead([LOOPBACK]);
    assert.equal(r.status, 0);
    assert.deepEqual(lines(r.stdout), want);
    assert.equal(r.stderr, NOTICE);
    assert.equal(r.stderr, tcpdump(["-n", "-r", LOOPBACK]).stderr);
  });

  for (const expression of EXPRESSIONS) {
    it(`for the filter ${JSON.stringify(expression)}`, () => {
      const want = tcpdumpLines(LOOPBACK, [expression]);
      assert.ok(want.length > 0, "tcpdump selects some packets");
      assert.ok(want.length < records.length || expression === "not port 53");
      const r = evnetRead([LOOPBACK, expression]);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(lines(r.stdout), want);
    });
  }

  it("when the expression comes as several words, joined like tcpdump joins them", () => {
    const want = tcpdumpLines(LOOPBACK, ["udp", "port", "53", "and", "not", "ip6"]);
    assert.ok(want.length > 0);
    const r = evnetRead([LOOPBACK, "udp", "port", "53", "and", "not", "ip6"]);
    assert.deepEqual(lines(r.stdout), want);
  });

  it("with -t (no timestamp), -q (short TCP/UDP lines) and both", () => {
    const cases: [string[], string[]][] = [
      [["-t"], ["-t"]],
      [["-q"], ["-tt", "-q"]],
      [
        ["-t", "-q"],
        ["-t", "-q"],
      ],
    ];
    for (const [ours, theirs] of cases) {
      const want = lines(tcpdump(["-n", "-S", ...theirs, "-r", LOOPBACK]).stdout);
      assert.equal(want.length, records.length);
      assert.deepEqual(lines(evnetRead([...ours, LOOPBACK]).stdout), want, ours.join(" "));
    }
  });

  it("with -x, -xx, -X and -XX hex dumps", () => {
    for (const flag of ["-x", "-xx", "-X", "-XX"]) {
      const want = tcpdumpLines(LOOPBACK, [], [flag]);
      const got = lines(evnetRead([flag, LOOPBACK]).stdout);
      assert.ok(got.length > records.length * 3, `${flag} prints dump lines`);
      assert.deepEqual(got, want, flag);
    }
  });

  it("with --nano on a nanosecond capture, like tcpdump --nano", () => {
    const file = join(dir, "nano.pcap");
    const writer = new PcapWriter(file, { linkType: LINKTYPE_ETHERNET, nanosecond: true });
    records.forEach((rec, i) => {
      writer.write({ ...rec, nanos: rec.nanos + (i % 1000) });
    });
    writer.close();
    const want = lines(tcpdump(["--nano", "-n", "-tt", "-S", "-r", file]).stdout);
    assert.ok(want.some((l) => /^\d+\.\d{9} /.test(l) && !l.includes("000 ")));
    assert.deepEqual(lines(evnetRead(["--nano", file]).stdout), want);
    // Without --nano the fraction is cut to microseconds, as tcpdump -tt does.
    assert.deepEqual(lines(evnetRead([file]).stdout), tcpdumpLines(file));
  });

  it("for a pcapng capture", () => {
    const file = join(dir, "loopback.pcapng");
    const writer = new PcapngWriter(file);
    writer.addInterface({ linkType: LINKTYPE_ETHERNET, name: "lo", tsresol: 9 });
    for (const rec of records) writer.write(rec);
    writer.close();
    const r = evnetRead([file, "udp"]);
    assert.equal(r.status, 0);
    assert.deepEqual(lines(r.stdout), tcpdumpLines(file, ["udp"]));
    assert.match(r.stderr, /^reading from file .*loopback\.pcapng, link-type EN10MB \(Ethernet\)/);
  });
});

describe("-c stops after N matching packets", () => {
  it("equals tcpdump -c, with and without a filter", () => {
    assert.deepEqual(
      lines(evnetRead(["-c", "5", LOOPBACK]).stdout),
      tcpdumpLines(LOOPBACK, [], ["-c", "5"]),
    );
    const got = lines(evnetRead(["-c3", LOOPBACK, "tcp"]).stdout);
    assert.equal(got.length, 3);
    assert.deepEqual(got, tcpdumpLines(LOOPBACK, ["tcp"], ["-c", "3"]));
  });
});

describe("argument orderings tcpdump accepts", () => {
  const want = tcpdumpLines(LOOPBACK, ["icmp"]);
  const forms: string[][] = [
    ["-r", LOOPBACK, "icmp"],
    ["icmp", "-r", LOOPBACK],
    ["-nnr", LOOPBACK, "icmp"],
    ["-n", "-S", "-tt", LOOPBACK, "icmp"],
    [LOOPBACK, "icmp", "-n"],
    ["icmp", LOOPBACK],
    [LOOPBACK, "--", "icmp"],
  ];
  for (const form of forms) {
    it(`evnet read ${form.join(" ")}`, () => {
      const r = evnetRead(form);
      assert.equal(r.status, 0, r.stderr);
      assert.deepEqual(lines(r.stdout), want);
    });
  }

  it("-r - reads the capture from stdin", () => {
    const r = evnetRead(["-r", "-", "udp"], readFileSync(LOOPBACK));
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(lines(r.stdout), tcpdumpLines(LOOPBACK, ["udp"]));
    assert.match(r.stderr, /^reading from file -, link-type EN10MB/);
  });
});

describe("-w writes the selected packets", () => {
  for (const expression of ["", "udp", "tcp[tcpflags] & tcp-syn != 0"]) {
    it(`byte for byte as tcpdump -w does, for ${JSON.stringify(expression)}`, () => {
      const ours = join(dir, "ours.pcap");
      const theirs = join(dir, "theirs.pcap");
      const args = expression === "" ? [] : [expression];
      const r = evnetRead([LOOPBACK, "-w", ours, ...args]);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr, NOTICE);
      assert.equal(tcpdump(["-r", LOOPBACK, "-w", theirs, ...args]).status, 0);
      assert.equal(tcpdumpCount(ours), tcpdumpLines(LOOPBACK, args).length);
      assert.deepEqual(readFileSync(ours), readFileSync(theirs));
    });
  }

  it("as pcapng when OUT ends in .pcapng, readable by tcpdump", () => {
    const out = join(dir, "out.pcapng");
    assert.equal(evnetRead([LOOPBACK, "-w", out, "icmp or icmp6"]).status, 0);
    assert.equal(readFileSync(out).readUInt32LE(0), 0x0a0d0d0a, "starts with a section header");
    assert.deepEqual(tcpdumpLines(out), tcpdumpLines(LOOPBACK, ["icmp or icmp6"]));
  });

  it("as pcapng when the input is pcapng, keeping interfaces and comments", () => {
    const input = join(dir, "two-interfaces.pcapng");
    const writer = new PcapngWriter(input);
    const eth = writer.addInterface({ linkType: LINKTYPE_ETHERNET, name: "lo" });
    const raw = writer.addInterface({ linkType: LINKTYPE_RAW, name: "tun0" });
    records.forEach((rec, i) => {
      const onRaw = i % 2 === 1;
      writer.write({
        ...rec,
        interfaceId: onRaw ? raw : eth,
        data: onRaw ? rec.data.subarray(14) : rec.data,
        originalLength: onRaw ? rec.originalLength - 14 : rec.originalLength,
        comment: `packet ${i + 1}`,
      });
    });
    writer.close();
    const out = join(dir, "copy.pcapng");
    const r = evnetRead([input, "-w", out, "udp"]);
    assert.equal(r.status, 0, r.stderr);
    const copied = [...readCaptureFile(out)];
    const udpCount = tcpdumpLines(LOOPBACK, ["udp"]).length;
    assert.equal(copied.length, udpCount, "the filter ran on both link types");
    assert.ok(copied.some((c) => c.linkType === LINKTYPE_RAW));
    assert.ok(copied.some((c) => c.linkType === LINKTYPE_ETHERNET));
    assert.ok(copied.every((c) => c.comment?.startsWith("packet ")));
    // The selection on the mixed file prints the same lines as on the original.
    assert.deepEqual(lines(evnetRead([input, "udp"]).stdout), tcpdumpLines(LOOPBACK, ["udp"]));
  });

  it("to stdout with -w -", () => {
    const r = evnetReadBinary([LOOPBACK, "-w", "-", "tcp"]);
    assert.equal(r.status, 0, r.stderr);
    const file = join(dir, "stdout.pcap");
    writeFileSync(file, r.stdout);
    assert.deepEqual(tcpdumpLines(file), tcpdumpLines(LOOPBACK, ["tcp"]));
  });
});

describe("-d, -dd and -ddd print the compiled filter like tcpdump", () => {
  const expressions = [
    "tcp port 80",
    "udp",
    "host 127.0.0.1 and not port 22",
    "tcp[tcpflags] & tcp-syn != 0",
    "icmp or arp",
  ];
  for (const expression of expressions) {
    it(expression, () => {
      for (const flag of ["-d", "-dd", "-ddd"]) {
        const want = tcpdump([flag, "-r", LOOPBACK, expression]);
        const r = evnetRead([flag, "-r", LOOPBACK, expression]);
        assert.equal(r.status, 0, r.stderr);
        assert.ok(r.stdout.length > 0);
        assert.equal(r.stdout, want.stdout, `${flag} ${expression}`);
        assert.equal(r.stderr, "", "no notice: the program is printed instead of reading");
      }
    });
  }

  it("without a file, for Ethernet or the link type -y names", () => {
    assert.equal(
      evnetRead(["-d", "tcp", "port", "80"]).stdout,
      tcpdump(["-d", "-y", "EN10MB", "tcp port 80"]).stdout,
    );
    assert.equal(
      evnetRead(["-d", "-y", "LINUX_SLL2", "ip"]).stdout,
      tcpdump(["-d", "-y", "LINUX_SLL2", "ip"]).stdout,
    );
    const bad = evnetRead(["-d", "-y", "NOSUCHTYPE", "ip"]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /invalid data link type NOSUCHTYPE/);
  });
});

describe("--json prints one object per packet with every decoded field", () => {
  it("parseable line by line, one per packet tcpdump selects", () => {
    const r = evnetRead([LOOPBACK, "--json", "udp"]);
    assert.equal(r.status, 0, r.stderr);
    const objects = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.equal(objects.length, tcpdumpLines(LOOPBACK, ["udp"]).length);
    for (const o of objects) {
      for (const key of ["frame", "time", "seconds", "nanos", "linkType", "layers", "issues"]) {
        assert.ok(key in o, `has ${key}`);
      }
    }
  });

  it("with the layers and fields of a DNS query", () => {
    const r = evnetRead(["-c", "1", LOOPBACK, "--json", "udp dst port 53"]);
    const o = JSON.parse(r.stdout) as {
      frame: number;
      time: string;
      capturedLength: number;
      layers: { kind: string; [field: string]: unknown }[];
    };
    // The first IPv4 UDP datagram to port 53 (IP protocol at byte 23, destination port at 36).
    const first = records.findIndex(
      (rec) => rec.data[23] === 17 && ((rec.data[36]! << 8) | rec.data[37]!) === 53,
    );
    assert.ok(first >= 0);
    assert.equal(o.frame, first + 1);
    const rec = records[first]!;
    assert.equal(o.time, `${rec.seconds}.${String(rec.nanos).padStart(9, "0")}`);
    assert.equal(o.capturedLength, rec.capturedLength);
    assert.deepEqual(
      o.layers.map((l) => l.kind),
      ["ethernet", "ipv4", "udp", "dns"],
    );
    const [, ip, udp, dns] = o.layers;
    assert.equal(ip!.src, "127.0.0.1");
    assert.equal(ip!.checksumStatus, "good", "JSON verifies checksums");
    assert.equal(udp!.dstPort, 53);
    const questions = dns!.questions as { name: string }[];
    assert.equal(questions[0]!.name, "example.test");
  });

  it("with interface ids and comments from a pcapng capture", () => {
    const file = join(dir, "commented.pcapng");
    const writer = new PcapngWriter(file);
    writer.addInterface({ linkType: LINKTYPE_ETHERNET });
    writer.write({ ...records[0]!, comment: "first one" });
    writer.close();
    const o = JSON.parse(evnetRead([file, "--json"]).stdout) as Record<string, unknown>;
    assert.equal(o.interfaceId, 0);
    assert.equal(o.comment, "first one");
  });
});

describe("errors exit 1 with a message on stderr", () => {
  // The last field says whether tcpdump is asked too: it would look a host name up in the
  // DNS, and the tests send nothing beyond loopback.
  const badFilters: [string, RegExp, boolean][] = [
    ["tcp port", /syntax error at 8/, true],
    ["port 99999", /illegal port number 99999 > 65535/, true],
    ["host nosuch.example", /not resolved/, false],
    ["ip and not ip", /rejects all packets/, true],
  ];
  for (const [expression, message, askTcpdump] of badFilters) {
    it(`an invalid filter: ${expression}`, () => {
      const r = evnetRead([LOOPBACK, expression]);
      assert.equal(r.status, 1);
      assert.equal(r.stdout, "");
      assert.match(r.stderr, message);
      assert.match(r.stderr, /^evnet read: /);
      if (askTcpdump) {
        assert.equal(tcpdump(["-r", LOOPBACK, expression]).status, 1, "tcpdump refuses it too");
      }
    });
  }

  it("a missing file", () => {
    const r = evnetRead([join(dir, "missing.pcap")]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /missing\.pcap: No such file or directory/);
  });

  it("a file that is not a capture", () => {
    const file = join(dir, "text.pcap");
    writeFileSync(file, "this is not a capture file\n");
    const r = evnetRead([file]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not a pcap or pcapng file/);
    assert.equal(r.stdout, "");
  });

  it("an empty file and a cut file header", () => {
    for (const bytes of [new Uint8Array(0), readFileSync(LOOPBACK).subarray(0, 10)]) {
      const file = join(dir, "short.pcap");
      writeFileSync(file, bytes);
      const r = evnetRead([file]);
      assert.equal(r.status, 1);
      assert.match(r.stderr, /truncated/);
      assert.equal(tcpdump(["-r", file]).status, 1);
    }
  });

  it("a capture cut inside a packet: every complete packet, then a warning, exit 1 like tcpdump", () => {
    const file = join(dir, "cut.pcap");
    writeFileSync(file, readFileSync(LOOPBACK).subarray(0, 1000));
    const theirs = tcpdump(["-n", "-tt", "-S", "-r", file]);
    const r = evnetRead([file]);
    assert.equal(r.status, 1);
    assert.equal(theirs.status, 1);
    assert.ok(lines(theirs.stdout).length > 3);
    assert.deepEqual(lines(r.stdout), lines(theirs.stdout));
    assert.match(
      r.stderr,
      /^reading from file .*\nevnet read: .*cut\.pcap: truncated capture file/,
    );
  });

  it("a bad command line", () => {
    for (const args of [
      ["-v", LOOPBACK],
      ["-c", "0", LOOPBACK],
      ["-c"],
      [],
      ["--nope", LOOPBACK],
    ]) {
      const r = evnetRead(args);
      assert.equal(r.status, 1, args.join(" "));
      assert.match(r.stderr, /^evnet read: .*--help/);
    }
  });
});

describe("output to a reader that goes away", () => {
  it("stops quietly on EPIPE (evnet read big.pcap | head)", async () => {
    const file = join(dir, "many.pcap");
    const writer = new PcapWriter(file, { linkType: LINKTYPE_ETHERNET });
    for (let copy = 0; copy < 300; copy++) for (const rec of records) writer.write(rec);
    writer.close();
    const child = spawn(process.execPath, [MAIN, "read", file], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr += chunk;
    });
    const firstChunk = await new Promise<string>((resolve) => {
      child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString("utf8")));
    });
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    assert.ok(firstChunk.startsWith(tcpdumpLines(LOOPBACK)[0]!));
    assert.equal(status, 0);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
  });
});

describe("evnet --help lists the read command", () => {
  it("with its summary", () => {
    const r = evnet(["--help"]);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^ {2}read {7}\S.*tcpdump -r/m);
    const help = evnetRead(["--help"]);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: evnet read/);
  });
});
