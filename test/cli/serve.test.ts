/**
 * `evnet serve`: a directory over HTTP from the command line, with an access log, and as
 * several workers sharing a port, pinned to CPUs and restarted when one dies.
 */
import assert from "node:assert/strict";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { evnet, MAIN } from "./_run.js";

/** Starts `evnet serve` and resolves once its "serving ... on URL" notice appears. */
function startServe(
  args: string[],
): Promise<{ child: ChildProcess; url: string; stdout: () => string }> {
  const child = spawn(process.execPath, [MAIN, "serve", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d) => {
    out += d;
  });
  return new Promise((resolve, reject) => {
    child.stderr!.setEncoding("utf8").on("data", (d) => {
      err += d;
      const m = /serving .* on (http:\/\/\S+?)\/?(?: with|\n)/.exec(err);
      if (m) resolve({ child, url: m[1]!, stdout: () => out });
    });
    child.on("exit", (code) => reject(new Error(`evnet serve exited ${code}: ${err}`)));
  });
}

function childPids(pid: number): number[] {
  const pids: number[] = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
    if (children) pids.push(...children.split(/\s+/).map(Number));
  }
  return pids;
}

/** GET on a fresh connection (a kept-alive one could lead to a worker that was killed). */
function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d) => {
          body += d;
        });
        res.on("end", () => resolve(body));
      })
      .on("error", reject);
  });
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  child.kill("SIGTERM");
  return exited;
}

describe("evnet serve", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "evnet-serve-"));
    writeFileSync(join(dir, "index.html"), "<p>hi</p>\n");
    writeFileSync(join(dir, "a.txt"), "alpha\n");
  });
  after(() => rmSync(dir, { recursive: true }));

  it("serves a directory and logs each request in the combined log format", async () => {
    const { child, url, stdout } = await startServe([dir, "--port", "0"]);
    const res = await fetch(`${url}/a.txt`, { headers: { "User-Agent": "test-agent/1" } });
    assert.equal(await res.text(), "alpha\n");
    assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
    const missing = await fetch(`${url}/nope`);
    assert.equal(missing.status, 404);
    await missing.text();
    assert.equal(await stop(child), 0);
    const log = stdout().trim().split("\n");
    assert.equal(log.length, 2);
    assert.match(
      log[0]!,
      /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "GET \/a\.txt HTTP\/1\.1" 200 6 "-" "test-agent\/1"$/,
    );
    assert.match(log[1]!, /"GET \/nope HTTP\/1\.1" 404 /);
  });

  it("refuses bad arguments with a message and exit status 2", () => {
    const notDir = evnet(["serve", join(dir, "a.txt")]);
    assert.equal(notDir.status, 2);
    assert.match(notDir.stderr, /not a directory/);
    const badPort = evnet(["serve", dir, "--port", "http"]);
    assert.equal(badPort.status, 2);
    assert.match(badPort.stderr, /invalid port/);
  });

  it("--workers 2 --pin: two pinned workers share the port; a killed worker is restarted", async () => {
    const { child, url } = await startServe([
      dir,
      "--port",
      "0",
      "--workers",
      "2",
      "--pin",
      "--quiet",
    ]);
    const workers = childPids(child.pid!);
    assert.equal(workers.length, 2);
    const masks = workers.map(
      (pid) =>
        execFileSync("taskset", ["-p", String(pid)], { encoding: "utf8" })
          .trim()
          .split(": ")[1],
    );
    assert.deepEqual(masks.sort(), ["1", "2"]);
    for (let i = 0; i < 10; i++) assert.equal(await get(`${url}/a.txt`), "alpha\n");

    process.kill(workers[0]!, "SIGKILL");
    let replaced: number[] = [];
    for (let i = 0; i < 100; i++) {
      await new Promise((r) => setTimeout(r, 50));
      replaced = childPids(child.pid!);
      if (replaced.length === 2 && !replaced.includes(workers[0]!)) break;
    }
    assert.equal(replaced.length, 2);
    assert.ok(!replaced.includes(workers[0]!), "the dead worker was replaced");
    for (let i = 0; i < 10; i++) assert.equal(await get(`${url}/`), "<p>hi</p>\n");
    assert.equal(await stop(child), 0);
  });
});
