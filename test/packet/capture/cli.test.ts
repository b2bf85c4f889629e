/**
 * `evnet capture` judged by tcpdump capturing the same loopback packets at the same time:
 * the same lines as `tcpdump -r` of tcpdump's own file, a -w file identical to tcpdump's,
 * the counts on stderr after -c or SIGINT, the same BPF for -d, and clear failures for a bad
 * filter, an unknown interface and missing privileges. Needs root, tcpdump and setpriv.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { readCaptureFile } from "../../../src/packet/index.js";
import { udpPair, waitFor } from "./_traffic.js";

const MAIN = fileURLToPath(new URL("../../../src/cli/main.js", import.meta.url));

interface Running {
  child: ChildProcess;
  readonly stdout: string;
  readonly stderr: string;
  /** Resolves once the command says it is listening. */
  listening(): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(command: string, args: readonly string[]): Running {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
    listening: () => waitFor(() => stderr.includes("listening on"), 5000, `${command} to listen`),
    exited,
  };
}

const startEvnet = (args: readonly string[]) => start(process.execPath, [MAIN, "capture", ...args]);

function evnetSync(args: readonly string[], wrapper: readonly string[] = []) {
  const [command, ...rest] = [...wrapper, process.execPath, MAIN, "capture", ...args];
  return spawnSync(command!, rest, { encoding: "utf8", timeout: 10_000 });
}

function tcpdumpSync(args: readonly string[]) {
  return spawnSync("tcpdump", args, { encoding: "utf8", timeout: 10_000 });
}

const lines = (text: string) => text.split("\n").filter((l) => l !== "");

let dir = "";
const children: ChildProcess[] = [];
before(() => {
  dir = mkdtempSync(join(tmpdir(), "evnet-capture-"));
});
after(() => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

describe("evnet capture next to tcpdump", () => {
  it("prints tcpdump's lines and writes tcpdump's file for the same packets", async () => {
    const pair = await udpPair();
    const ours = join(dir, "evnet.pcap");
    const theirs = join(dir, "tcpdump.pcap");
    const count = "5";
    const printing = startEvnet(["-i", "lo", "-c", count, pair.filter]);
    // The expression as several words, as tcpdump takes it.
    const writing = startEvnet(["-i", "lo", "-c", count, "-w", ours, ...pair.filter.split(" ")]);
    const tcpdump = start("tcpdump", [
      "-i",
      "lo",
      "-n",
      "-U",
      "-c",
      count,
      "-w",
      theirs,
      pair.filter,
    ]);
    children.push(printing.child, writing.child, tcpdump.child);
    try {
      await Promise.all([printing.listening(), writing.listening(), tcpdump.listening()]);
      for (const size of [0, 1, 100, 1400, 3000]) await pair.send(1, size);
      const [p, w, t] = await Promise.all([printing.exited, writing.exited, tcpdump.exited]);
      assert.deepEqual([p.code, w.code, t.code], [0, 0, 0]);

      const expected = lines(tcpdumpSync(["-n", "-tt", "-S", "-r", theirs]).stdout);
      assert.equal(expected.length, 5);
      assert.deepEqual(lines(printing.stdout), expected);
      assert.deepEqual(lines(tcpdumpSync(["-n", "-tt", "-S", "-r", ours]).stdout), expected);
      assert.deepEqual(readFileSync(ours), readFileSync(theirs));

      const counts =
        "5 packets captured\n10 packets received by filter\n0 packets dropped by kernel\n";
      assert.equal(
        printing.stderr,
        `listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n${counts}`,
      );
      assert.equal(
        writing.stderr,
        `evnet capture: listening on lo, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n${counts}`,
      );
    } finally {
      pair.close();
    }
  });

  it("SIGINT ends the capture cleanly with the counts on stderr", async () => {
    const pair = await udpPair();
    const run = startEvnet(["-i", "lo", pair.filter]);
    children.push(run.child);
    try {
      await run.listening();
      await pair.send(2);
      // Lines go out at the end of each loop iteration, so both appear before the signal.
      await waitFor(() => lines(run.stdout).length === 2, 3000, "two lines");
      run.child.kill("SIGINT");
      const { code, signal } = await run.exited;
      assert.equal(signal, null);
      assert.equal(code, 0);
      assert.ok(
        run.stderr.endsWith(
          "2 packets captured\n4 packets received by filter\n0 packets dropped by kernel\n",
        ),
        run.stderr,
      );
      for (const line of lines(run.stdout)) {
        assert.match(line, new RegExp(`^\\d+\\.\\d{6} IP 127\\.0\\.0\\.1\\.${pair.senderPort} > `));
      }
    } finally {
      pair.close();
    }
  });

  it("-i any prints the interface and direction before each line, as tcpdump does", async () => {
    const pair = await udpPair();
    const run = startEvnet(["-i", "any", "-c", "1", pair.filter]);
    children.push(run.child);
    try {
      await run.listening();
      await pair.send(1);
      assert.equal((await run.exited).code, 0);
      assert.match(run.stderr, /link-type LINUX_SLL2 \(Linux cooked v2\)/);
      assert.match(
        lines(run.stdout)[0]!,
        /^\d+\.\d{6} lo {4}In {2}IP 127\.0\.0\.1\.\d+ > 127\.0\.0\.1\.\d+: UDP, length 32$/,
      );
    } finally {
      pair.close();
    }
  });

  it("--json prints one object per packet with every decoded field", async () => {
    const pair = await udpPair();
    const run = startEvnet(["-i", "lo", "-c", "2", "--json", pair.filter]);
    children.push(run.child);
    try {
      await run.listening();
      await pair.send(2);
      assert.equal((await run.exited).code, 0);
      const objects = lines(run.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(objects.length, 2);
      assert.deepEqual(
        objects.map((o) => o.frame),
        [1, 2],
      );
      for (const o of objects) {
        assert.match(String(o.time), /^\d+\.\d{9}$/);
        const layers = o.layers as { kind: string; srcPort?: number }[];
        assert.deepEqual(
          layers.map((l) => l.kind),
          ["ethernet", "ipv4", "udp"],
        );
        assert.equal(layers[2]!.srcPort, pair.senderPort);
      }
    } finally {
      pair.close();
    }
  });

  it("-s keeps that many bytes of each packet and says so in the file", async () => {
    const pair = await udpPair();
    const file = join(dir, "short.pcap");
    const run = startEvnet(["-i", "lo", "-s", "64", "-c", "2", "-w", file, pair.filter]);
    children.push(run.child);
    try {
      await run.listening();
      await pair.send(2, 500);
      assert.equal((await run.exited).code, 0);
      assert.match(run.stderr, /snapshot length 64 bytes/);
      const records = [...readCaptureFile(file, { copy: true })];
      assert.equal(records.length, 2);
      for (const r of records) {
        assert.equal(r.capturedLength, 64);
        assert.equal(r.originalLength, 14 + 20 + 8 + 500);
      }
      assert.match(tcpdumpSync(["-r", file]).stderr, /snapshot length 64/);
    } finally {
      pair.close();
    }
  });
});

describe("evnet capture -d", () => {
  const expressions = [["udp", "port", "53"], ["tcp[tcpflags] & tcp-syn != 0"], ["ip6 or arp"]];
  for (const device of ["lo", "any"]) {
    for (const words of expressions) {
      it(`-d -i ${device} ${words.join(" ")} prints what tcpdump -d prints`, () => {
        const ours = evnetSync(["-d", "-i", device, ...words]);
        const theirs = tcpdumpSync(["-d", "-i", device, ...words]);
        assert.equal(ours.status, 0, ours.stderr);
        assert.equal(ours.stdout, theirs.stdout);
      });
    }
  }
});

describe("evnet capture failures", () => {
  it("an invalid filter exits 1 with the message on stderr and prints nothing", () => {
    const r = evnetSync(["-i", "lo", "udp", "and", "port"]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr,
      "evnet capture: syntax error at 12: unexpected end of expression\n  udp and port\n              ^\n",
    );
  });

  it("an unknown interface exits 1 and says so", () => {
    const r = evnetSync(["-i", "evnetnope0", "udp"]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr, "evnet capture: evnetnope0: No such device exists\n");
  });

  it("without CAP_NET_RAW it exits 1 and says that capturing needs privileges", () => {
    const r = evnetSync(["-i", "lo"], ["setpriv", "--inh-caps=-all", "--bounding-set=-net_raw"]);
    assert.equal(r.status, 1);
    assert.match(
      r.stderr,
      /^evnet capture: lo: You don't have permission to capture on that device \(socket: Operation not permitted; capturing needs root or CAP_NET_RAW\)\n$/,
    );
  });

  it("bad command lines exit 1 with a usage hint", () => {
    for (const args of [
      ["-i", "lo", "-c", "0"],
      ["-i", "lo", "-s", "999999"],
      ["--nope"],
      ["-i"],
      [],
    ]) {
      const r = evnetSync(args);
      assert.equal(r.status, 1, args.join(" "));
      assert.match(r.stderr, /^evnet capture: /);
    }
  });
});
