// Real peers: captures made by tcpdump and dumpcap of traffic this test generates, read by
// evnet and compared with tshark; files written by evnet opened by tcpdump, tshark and
// capinfos, whose stderr must stay free of warnings.

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  CaptureFileReader,
  LINKTYPE,
  type PacketRecord,
  PcapngWriter,
  PcapWriter,
  readCaptureFile,
} from "../../../src/packet/file/index.js";
import { capture, echoServer, loopbackExchange, run, tsharkFrames } from "./_tools.js";

const PACKETS = 8;

function evnetFrames(path: string): string[] {
  return [...readCaptureFile(path)].map(
    (r) =>
      `${r.interfaceId}\t${r.originalLength}\t${r.capturedLength}\t${r.seconds}.${String(r.nanos).padStart(9, "0")}`,
  );
}

describe("capture files against tcpdump, dumpcap, tshark and capinfos", () => {
  let dir = "";
  let server: Awaited<ReturnType<typeof echoServer>>;
  const file = (name: string) => join(dir, name);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "evnet-peers-"));
    server = await echoServer();
    const filter = `tcp port ${server.port}`;
    const traffic = () => loopbackExchange(server.port);
    // -Z root: tcpdump otherwise drops to its own user, which cannot write into `dir`.
    for (const [name, extra] of [
      ["usec.pcap", []],
      ["nsec.pcap", ["--time-stamp-precision=nano"]],
    ] as const) {
      const r = await capture(
        "tcpdump",
        ["-Z", "root", "-i", "lo", "-c", String(PACKETS), "-w", file(name), ...extra, filter],
        /listening on/,
        traffic,
      );
      assert.equal(r.status, 0, r.stderr);
    }
    const d = await capture(
      "dumpcap",
      [
        "-q",
        "-i",
        "lo",
        "-i",
        "any",
        "-f",
        filter,
        "-c",
        String(PACKETS),
        "-w",
        file("two.pcapng"),
      ],
      /Capturing on/,
      traffic,
    );
    assert.equal(d.status, 0, d.stderr);
    assert.equal(
      run("editcap", ["-F", "pcapng", file("usec.pcap"), file("usec.pcapng")]).status,
      0,
    );
  });

  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true });
  });

  for (const name of ["usec.pcap", "nsec.pcap", "usec.pcapng", "two.pcapng"]) {
    test(`${name}: evnet reads the packets, lengths and timestamps tshark reads`, () => {
      const ours = evnetFrames(file(name));
      assert.equal(ours.length, PACKETS);
      assert.deepEqual(ours, tsharkFrames(file(name)));
    });
  }

  test("nsec.pcap keeps nanosecond digits; usec.pcap has whole microseconds", () => {
    const usec = [...readCaptureFile(file("usec.pcap"))];
    assert.ok(usec.every((r) => r.nanos % 1000 === 0));
    const reader = new CaptureFileReader(file("nsec.pcap"));
    while (reader.next()) {}
    assert.equal(reader.parser.pcapHeader!.nanosecond, true);
    reader.close();
  });

  test("two.pcapng: dumpcap's interfaces, their link types and names", () => {
    const reader = new CaptureFileReader(file("two.pcapng"));
    while (reader.next()) {}
    reader.close();
    const interfaces = reader.parser.interfaces;
    assert.deepEqual(
      interfaces.map((i) => [i.name, i.linkType, i.tsresol]),
      [
        ["lo", LINKTYPE.ETHERNET, 9],
        ["any", LINKTYPE.LINUX_SLL, 9],
      ],
    );
  });

  function sourceRecords(): PacketRecord[] {
    return [...readCaptureFile(file("nsec.pcap"), { copy: true })];
  }

  for (const variant of [
    { name: "microsecond little-endian", nanosecond: false, littleEndian: true },
    { name: "nanosecond big-endian", nanosecond: true, littleEndian: false },
  ]) {
    test(`a ${variant.name} pcap written by evnet opens in tcpdump and tshark without warnings`, () => {
      const path = file(`evnet-${variant.nanosecond ? "n" : "u"}.pcap`);
      const records = sourceRecords();
      const writer = new PcapWriter(path, { linkType: LINKTYPE.ETHERNET, ...variant });
      for (const r of records) writer.write(r);
      writer.close();

      const dump = run("tcpdump", ["-n", "-r", path]);
      assert.equal(dump.status, 0);
      assert.equal(
        dump.stderr,
        `reading from file ${path}, link-type EN10MB (Ethernet), snapshot length 262144\n`,
      );
      assert.equal(dump.stdout.trim().split("\n").length, records.length);
      assert.match(dump.stdout, /127\.0\.0\.1\.\d+ > 127\.0\.0\.1\.\d+: Flags \[S\]/);

      const shark = run("tshark", ["-r", path]);
      assert.equal(shark.status, 0);
      assert.equal(shark.stderr, "");
      const expected = tsharkFrames(file("nsec.pcap")).map((row) =>
        variant.nanosecond ? row : row.replace(/(\.\d{6})\d{3}$/, "$1000"),
      );
      assert.deepEqual(tsharkFrames(path), expected);
    });
  }

  for (const littleEndian of [true, false]) {
    test(`a ${littleEndian ? "little" : "big"}-endian pcapng written by evnet (two interfaces, comments, names) opens in tcpdump, tshark and capinfos`, () => {
      const path = file(`evnet-${littleEndian ? "le" : "be"}.pcapng`);
      const records = sourceRecords();
      const writer = new PcapngWriter(path, {
        comment: "made by the evnet test",
        os: "Linux",
        littleEndian,
      });
      const lo = writer.addInterface({
        linkType: LINKTYPE.ETHERNET,
        name: "lo",
        tsresol: 9,
        comment: "loopback",
      });
      // libpcap wants every interface to share the link type and snaplen; tsresol may differ.
      const copy = writer.addInterface({
        linkType: LINKTYPE.ETHERNET,
        name: "lo-copy",
        tsresol: 6,
      });
      records.forEach((r, i) => {
        writer.write({ ...r, interfaceId: i % 2 === 0 ? lo : copy, comment: `packet ${i}` });
      });
      writer.addNameResolution([
        { address: "127.0.0.1", names: ["evnet-loopback"] },
        { address: "::1", names: ["evnet-six"] },
      ]);
      writer.close();

      const dump = run("tcpdump", ["-n", "-r", path]);
      assert.equal(dump.status, 0);
      assert.equal(
        dump.stderr,
        `reading from file ${path}, link-type EN10MB (Ethernet), snapshot length 262144\n`,
      );
      assert.equal(dump.stdout.trim().split("\n").length, records.length);

      const shark = run("tshark", [
        "-r",
        path,
        "-T",
        "fields",
        "-e",
        "frame.interface_name",
        "-e",
        "frame.cap_len",
        "-e",
        "frame.comment",
      ]);
      assert.equal(shark.status, 0);
      assert.equal(shark.stderr, "");
      assert.deepEqual(
        shark.stdout.trim().split("\n"),
        records.map((r, i) =>
          [i % 2 === 0 ? "lo" : "lo-copy", r.capturedLength, `packet ${i}`].join("\t"),
        ),
      );

      const hosts = run("tshark", ["-r", path, "-q", "-z", "hosts"]);
      assert.equal(hosts.stderr, "");
      assert.match(hosts.stdout, /^127\.0\.0\.1\tevnet-loopback$/m);
      assert.match(hosts.stdout, /^::1\tevnet-six$/m);

      const info = run("capinfos", [path]);
      assert.equal(info.status, 0);
      assert.equal(info.stderr, "");
      assert.match(info.stdout, new RegExp(`Number of packets:\\s+${records.length}\\n`));
      assert.match(info.stdout, /Capture comment:\s+made by the evnet test/);
      assert.match(info.stdout, /Capture application:\s+evnet/);
      assert.match(info.stdout, /Name = lo\n/);
      assert.match(info.stdout, /Name = lo-copy\n/);
      assert.match(info.stdout, /Comment = loopback/);
      assert.match(info.stdout, /Time precision = microseconds \(6\)/);
      assert.match(info.stdout, /Time precision = nanoseconds \(9\)/);
    });
  }

  test("a pcapng with different link types and two sections opens in tshark without warnings", () => {
    // libpcap (tcpdump -r) refuses interfaces whose link types differ, so only tshark here.
    const path = file("mixed.pcapng");
    const records = sourceRecords();
    const writer = new PcapngWriter(path);
    const eth = writer.addInterface({ linkType: LINKTYPE.ETHERNET, name: "eth" });
    const raw = writer.addInterface({ linkType: LINKTYPE.RAW, name: "raw", tsresol: 0x80 | 20 });
    writer.write({ ...records[0]!, interfaceId: eth });
    writer.write({
      ...records[0]!,
      interfaceId: raw,
      data: records[0]!.data.subarray(14),
      originalLength: undefined,
    });
    writer.newSection({ littleEndian: false, comment: "second" });
    const v4 = writer.addInterface({ linkType: LINKTYPE.IPV4, name: "v4" });
    writer.write({
      ...records[1]!,
      interfaceId: v4,
      data: records[1]!.data.subarray(14),
      originalLength: undefined,
    });
    writer.writeSimple(records[2]!.data.subarray(14));
    writer.close();

    // Wireshark 4.0 names later sections' interfaces wrongly (frame.interface_name says
    // "eth" for section 2), but decodes each packet by its own IDB: check the decode.
    const shark = run("tshark", [
      "-r",
      path,
      "-T",
      "fields",
      "-e",
      "frame.section_number",
      "-e",
      "ip.src",
      "-e",
      "tcp.srcport",
    ]);
    assert.equal(shark.status, 0);
    assert.equal(shark.stderr, "");
    const port = (r: PacketRecord) => String((r.data[34]! << 8) | r.data[35]!);
    assert.deepEqual(shark.stdout.trim().split("\n"), [
      `1\t127.0.0.1\t${port(records[0]!)}`,
      `1\t127.0.0.1\t${port(records[0]!)}`,
      `2\t127.0.0.1\t${port(records[1]!)}`,
      `2\t127.0.0.1\t${port(records[2]!)}`,
    ]);
    const names = run("capinfos", [path]);
    assert.equal(names.stderr, "");
    assert.match(names.stdout, /Number of packets:\s+4\n/);
    assert.match(names.stdout, /Capture comment:\s+second/);
  });
});
