/**
 * Capture on a real Ethernet link: a veth pair between two network namespaces the test
 * creates (and deletes), so traffic never leaves the machine. Checks the link type and
 * MAC addresses of veth frames, promiscuous mode while capturing (and -p), and the error
 * for an interface that is down. Needs root and iproute2.
 */
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { readCaptureFile } from "../../../src/packet/index.js";
import { waitFor } from "./_traffic.js";

const MAIN = fileURLToPath(new URL("../../../src/cli/main.js", import.meta.url));
const SENDER = `evcapA${process.pid}`.slice(0, 15);
const CAPTURER = `evcapB${process.pid}`.slice(0, 15);
const ADDR_A = "10.213.0.1";
const ADDR_B = "10.213.0.2";
const IFF_PROMISC = 0x100;

function ip(...args: string[]): void {
  execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });
}

function inNs(ns: string, args: readonly string[]) {
  return spawnSync("ip", ["netns", "exec", ns, ...args], { encoding: "utf8", timeout: 10_000 });
}

function flagsOf(device: string): number {
  return Number(inNs(CAPTURER, ["cat", `/sys/class/net/${device}/flags`]).stdout.trim());
}

/** Three UDP datagrams from the sender namespace to the capturer's port 7777. */
function sendFromA(): void {
  const script = `const s = require("node:dgram").createSocket("udp4");
    let n = 0;
    const next = () => n++ < 3 ? s.send("hello", 7777, "${ADDR_B}", next) : s.close();
    next();`;
  const r = inNs(SENDER, [process.execPath, "-e", script]);
  assert.equal(r.status, 0, r.stderr);
}

let dir = "";
before(() => {
  dir = mkdtempSync(join(tmpdir(), "evnet-netns-"));
  ip("netns", "add", SENDER);
  ip("netns", "add", CAPTURER);
  ip(
    "link",
    "add",
    "veth-a",
    "netns",
    SENDER,
    "type",
    "veth",
    "peer",
    "name",
    "veth-b",
    "netns",
    CAPTURER,
  );
  ip("-n", SENDER, "addr", "add", `${ADDR_A}/24`, "dev", "veth-a");
  ip("-n", CAPTURER, "addr", "add", `${ADDR_B}/24`, "dev", "veth-b");
  ip("-n", SENDER, "link", "set", "veth-a", "up");
  ip("-n", CAPTURER, "link", "set", "veth-b", "up");
  // A second veth pair, left down.
  ip("-n", CAPTURER, "link", "add", "down-a", "type", "veth", "peer", "name", "down-b");
});

after(() => {
  // Deleting a namespace deletes the interfaces in it, the veth pair included.
  for (const ns of [SENDER, CAPTURER]) spawnSync("ip", ["netns", "del", ns]);
  rmSync(dir, { recursive: true, force: true });
});

function startCapture(args: readonly string[]) {
  const child = spawn(
    "ip",
    ["netns", "exec", CAPTURER, process.execPath, MAIN, "capture", ...args],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) =>
    child.on("close", (code) => resolve(code)),
  );
  return { child, exited, stderr: () => stderr };
}

describe("capture in a network namespace on a veth link", () => {
  it("captures Ethernet frames with their MAC addresses, promiscuously", async () => {
    const file = join(dir, "veth.pcap");
    const run = startCapture(["-i", "veth-b", "-c", "3", "-w", file, "udp port 7777"]);
    try {
      await waitFor(() => run.stderr().includes("listening on"), 5000, "listening");
      assert.match(run.stderr(), /listening on veth-b, link-type EN10MB \(Ethernet\)/);
      assert.equal(flagsOf("veth-b") & IFF_PROMISC, IFF_PROMISC);
      sendFromA();
      assert.equal(await run.exited, 0, run.stderr());
    } finally {
      run.child.kill();
    }
    // Promiscuous mode ended with the socket.
    assert.equal(flagsOf("veth-b") & IFF_PROMISC, 0);
    const records = [...readCaptureFile(file, { copy: true })];
    assert.equal(records.length, 3);
    for (const r of records) {
      // Real MAC addresses (loopback frames have zeros), IPv4 ethertype.
      assert.notDeepEqual([...r.data.subarray(0, 12)], new Array(12).fill(0));
      assert.deepEqual([...r.data.subarray(12, 14)], [0x08, 0x00]);
    }
    const lines = spawnSync("tcpdump", ["-n", "-r", file], { encoding: "utf8" })
      .stdout.trim()
      .split("\n");
    assert.equal(lines.length, 3);
    for (const line of lines)
      assert.match(line, /IP 10\.213\.0\.1\.\d+ > 10\.213\.0\.2\.7777: UDP, length 5$/);
  });

  it("-p leaves the interface out of promiscuous mode", async () => {
    const run = startCapture(["-p", "-i", "veth-b", "udp port 7777"]);
    try {
      await waitFor(() => run.stderr().includes("listening on"), 5000, "listening");
      assert.equal(flagsOf("veth-b") & IFF_PROMISC, 0);
      run.child.kill("SIGINT");
      assert.equal(await run.exited, 0);
      assert.match(run.stderr(), /0 packets captured\n/);
    } finally {
      run.child.kill();
    }
  });

  it("an interface that is down is refused with tcpdump's words", () => {
    const r = inNs(CAPTURER, [process.execPath, MAIN, "capture", "-i", "down-a"]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "evnet capture: down-a: That device is not up\n");
  });
});
