/**
 * Live capture on loopback with the library API: the kernel filter (packets that do not
 * match are never queued, so the kernel does not even count them), the counts, snaplen,
 * Linux cooked headers for "any", the drain of frames queued before the filter, and the
 * errors for bad interfaces and options. Needs root (CAP_NET_RAW), as capturing does.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, it } from "node:test";
import { BREAK, Loop, RUN } from "../../../src/loop/index.js";
import {
  type CapturedPacket,
  CaptureError,
  type CaptureOptions,
  type CaptureStats,
  openCapture,
} from "../../../src/packet/capture/index.js";
import { decodePacket, FilterError, LINKTYPE } from "../../../src/packet/index.js";
import { interfaceIndex, PACKET_HOST } from "../../../src/sys/index.js";
import { openFdCount, udpPair, waitFor } from "./_traffic.js";

interface Outcome {
  packets: CapturedPacket[];
  stats: CaptureStats;
  filterMode: string;
  linkType: number;
}

/**
 * Captures (hosted, so Node's dgram sockets keep working) while `action` sends traffic,
 * until `expected` packets have arrived (or `expected(packets)` holds); then closes
 * everything.
 */
async function captureDuring(
  options: CaptureOptions,
  action: () => Promise<void>,
  expected: number | ((packets: CapturedPacket[]) => boolean),
): Promise<Outcome> {
  const enough =
    typeof expected === "number"
      ? (packets: CapturedPacket[]) => packets.length >= expected
      : expected;
  const loop = new Loop();
  try {
    const capture = openCapture({ ...options, copy: true }, loop);
    const packets: CapturedPacket[] = [];
    capture.onPacket = (packet) => packets.push(packet);
    const hosting = loop.host();
    try {
      await action();
      await waitFor(() => enough(packets), 3000, "the packets");
    } finally {
      loop.break(BREAK.ALL);
      await hosting;
    }
    const stats = capture.stats();
    capture.close();
    return { packets, stats, filterMode: capture.filterMode, linkType: capture.linkType };
  } finally {
    loop.destroy();
  }
}

function udpPorts(packet: CapturedPacket): [number, number] {
  const t = decodePacket(packet.linkType, packet.data, packet.originalLength).transport;
  assert.equal(t?.kind, "udp");
  return [t.srcPort, t.dstPort];
}

describe("capture on lo", () => {
  it("delivers only the packets the kernel filter accepts, and counts only those", async () => {
    const wanted = await udpPair();
    const other = await udpPair();
    try {
      const result = await captureDuring(
        { interface: "lo", filter: wanted.filter },
        async () => {
          // Interleaved, so a missing kernel filter would queue the others among them.
          for (let i = 0; i < 5; i++) {
            await other.send(2);
            await wanted.send(1);
          }
        },
        5,
      );
      assert.equal(result.filterMode, "kernel");
      assert.equal(result.linkType, LINKTYPE.ETHERNET);
      assert.equal(result.packets.length, 5);
      for (const p of result.packets) {
        assert.deepEqual(udpPorts(p), [wanted.senderPort, wanted.receiverPort]);
        assert.equal(p.packetType, PACKET_HOST);
        assert.equal(p.ifindex, interfaceIndex("lo"));
      }
      assert.equal(result.stats.captured, 5);
      // Loopback passes each packet twice (sent, then received); the sent copy is skipped
      // but counted, as tcpdump reports. The 10 other datagrams were never counted.
      assert.equal(result.stats.received, 10);
      assert.equal(result.stats.dropped, 0);
    } finally {
      wanted.close();
      other.close();
    }
  });

  it("keeps snaplen bytes of each packet and its length on the wire", async () => {
    const pair = await udpPair();
    try {
      const result = await captureDuring(
        { interface: "lo", filter: pair.filter, snaplen: 60 },
        () => pair.send(2, 100),
        2,
      );
      for (const p of result.packets) {
        assert.equal(p.capturedLength, 60);
        assert.equal(p.data.length, 60);
        assert.equal(p.originalLength, 14 + 20 + 8 + 100);
      }
    } finally {
      pair.close();
    }
  });

  it("gives kernel receive times, in order, close to the clock", async () => {
    const pair = await udpPair();
    try {
      const before = Math.floor(Date.now() / 1000);
      const result = await captureDuring(
        { interface: "lo", filter: pair.filter },
        () => pair.send(3),
        3,
      );
      const after = Math.ceil(Date.now() / 1000);
      const times = result.packets.map((p) => p.seconds * 1e9 + p.nanos);
      for (const p of result.packets) {
        assert.ok(
          p.seconds >= before && p.seconds <= after,
          `${p.seconds} in [${before}, ${after}]`,
        );
        assert.ok(p.nanos >= 0 && p.nanos < 1e9);
      }
      assert.deepEqual(
        [...times].sort((a, b) => a - b),
        times,
      );
    } finally {
      pair.close();
    }
  });

  it("without a filter delivers every packet, ours among them", async () => {
    const pair = await udpPair();
    try {
      const isOurs = (p: CapturedPacket): boolean => {
        const t = decodePacket(p.linkType, p.data, p.originalLength).transport;
        return (
          t?.kind === "udp" && t.srcPort === pair.senderPort && t.dstPort === pair.receiverPort
        );
      };
      const result = await captureDuring(
        { interface: "lo", promiscuous: false },
        () => pair.send(3),
        (packets) => packets.filter(isOurs).length >= 3,
      );
      assert.equal(result.filterMode, "none");
      assert.equal(result.packets.filter(isOurs).length, 3);
      assert.ok(result.stats.captured >= 3);
      assert.ok(result.stats.received >= 2 * result.stats.captured);
    } finally {
      pair.close();
    }
  });

  it("drops what was queued before the filter was attached", async () => {
    // A child process floods a port pair the filter excludes while captures are opened one
    // after another: frames queued between bind() and SO_ATTACH_FILTER must not come out.
    const flood = spawn(
      process.execPath,
      [
        "-e",
        `const s = require("node:dgram").createSocket("udp4");
         const b = Buffer.alloc(16);
         const end = Date.now() + 1500;
         s.bind(0, "127.0.0.1", () => {
           process.stdout.write("ready\\n");
           const burst = () => {
             for (let i = 0; i < 200; i++) s.send(b, 9, "127.0.0.1");
             if (Date.now() < end) setImmediate(burst); else s.close();
           };
           burst();
         });`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    const pair = await udpPair();
    try {
      await once(flood.stdout!, "data");
      let delivered = 0;
      for (let round = 0; round < 20; round++) {
        const loop = new Loop();
        try {
          const capture = openCapture({ interface: "lo", filter: pair.filter }, loop);
          capture.onPacket = () => delivered++;
          loop.run(RUN.NOWAIT);
          capture.close();
        } finally {
          loop.destroy();
        }
      }
      assert.equal(delivered, 0);
    } finally {
      pair.close();
      flood.kill();
      await once(flood, "exit");
    }
  });
});

describe("capture on any", () => {
  it("builds LINUX_SLL2 headers from sockaddr_ll and filters in the kernel", async () => {
    const pair = await udpPair();
    const other = await udpPair();
    try {
      const result = await captureDuring(
        { interface: "any", filter: pair.filter },
        async () => {
          await other.send(2);
          await pair.send(2);
        },
        2,
      );
      assert.equal(result.linkType, LINKTYPE.LINUX_SLL2);
      assert.equal(result.filterMode, "kernel");
      assert.equal(result.packets.length, 2);
      for (const p of result.packets) {
        const h = new DataView(p.data.buffer, p.data.byteOffset, 20);
        assert.equal(h.getUint16(0), 0x0800, "protocol");
        assert.equal(h.getUint32(4), interfaceIndex("lo"), "interface index");
        assert.equal(h.getUint16(8), 772, "ARPHRD_LOOPBACK");
        assert.equal(h.getUint8(10), PACKET_HOST, "packet type");
        assert.equal(h.getUint8(11), 6, "address length");
        assert.equal(p.originalLength, 20 + 20 + 8 + 32);
        assert.deepEqual(udpPorts(p), [pair.senderPort, pair.receiverPort]);
      }
      assert.equal(result.stats.received, 4);
    } finally {
      pair.close();
      other.close();
    }
  });

  it("builds LINUX_SLL headers on request", async () => {
    const pair = await udpPair();
    try {
      const result = await captureDuring(
        { interface: "any", filter: pair.filter, cookedHeader: "sll" },
        () => pair.send(1),
        1,
      );
      assert.equal(result.linkType, LINKTYPE.LINUX_SLL);
      const p = result.packets[0]!;
      const h = new DataView(p.data.buffer, p.data.byteOffset, 16);
      assert.equal(h.getUint16(0), PACKET_HOST);
      assert.equal(h.getUint16(2), 772);
      assert.equal(h.getUint16(4), 6);
      assert.equal(h.getUint16(14), 0x0800);
      assert.deepEqual(udpPorts(p), [pair.senderPort, pair.receiverPort]);
    } finally {
      pair.close();
    }
  });

  it("filters in user space what the kernel cannot see (cooked address bytes)", async () => {
    const pair = await udpPair();
    const other = await udpPair();
    try {
      // link[12] is the first address byte of the SLL2 header: the kernel has no ancillary
      // load for it, so the program runs in user space on the rebuilt header.
      const result = await captureDuring(
        { interface: "any", filter: `link[12] = 0 and ${pair.filter}` },
        async () => {
          await other.send(2);
          await pair.send(2);
        },
        2,
      );
      assert.equal(result.filterMode, "user");
      assert.equal(result.packets.length, 2);
      for (const p of result.packets) {
        assert.deepEqual(udpPorts(p), [pair.senderPort, pair.receiverPort]);
      }
      // With no kernel filter, the kernel counted everything on every interface.
      assert.ok(result.stats.received >= 8);
    } finally {
      pair.close();
      other.close();
    }
  });
});

describe("capture errors", () => {
  it("an unknown interface is NO_SUCH_DEVICE, and nothing is left open", () => {
    const fds = openFdCount();
    const loop = new Loop();
    try {
      assert.throws(
        () => openCapture({ interface: "evnetnope0" }, loop),
        (err: unknown) =>
          err instanceof CaptureError &&
          err.code === "NO_SUCH_DEVICE" &&
          err.message === "evnetnope0: No such device exists",
      );
      assert.throws(
        () => openCapture({ interface: "a-name-longer-than-ifnamsiz" }, loop),
        (err: unknown) => err instanceof CaptureError && err.code === "NO_SUCH_DEVICE",
      );
    } finally {
      loop.destroy();
    }
    assert.equal(openFdCount(), fds);
  });

  it("bad options are BAD_OPTION; a bad filter is a FilterError before any socket opens", () => {
    const fds = openFdCount();
    const loop = new Loop();
    try {
      for (const snaplen of [0, -1, 1.5, 2 ** 31]) {
        assert.throws(
          () => openCapture({ interface: "lo", snaplen }, loop),
          (err: unknown) => err instanceof CaptureError && err.code === "BAD_OPTION",
        );
      }
      assert.throws(
        () => openCapture({ interface: "", filter: "" }, loop),
        (err: unknown) => err instanceof CaptureError && err.code === "BAD_OPTION",
      );
      assert.throws(() => openCapture({ interface: "lo", filter: "tcp port" }, loop), FilterError);
      assert.throws(
        () => openCapture({ interface: "lo", filter: "port 99999" }, loop),
        FilterError,
      );
    } finally {
      loop.destroy();
    }
    assert.equal(openFdCount(), fds);
  });

  it("close() is idempotent, stats() still answers, and no descriptor stays open", () => {
    const fds = openFdCount();
    const loop = new Loop();
    try {
      const capture = openCapture({ interface: "lo", filter: "udp port 9" }, loop);
      assert.ok(capture.descriptor >= 0);
      capture.close();
      capture.close();
      assert.equal(capture.closed, true);
      assert.equal(capture.descriptor, -1);
      assert.deepEqual(Object.keys(capture.stats()), ["captured", "received", "dropped"]);
    } finally {
      loop.destroy();
    }
    assert.equal(openFdCount(), fds);
  });
});
