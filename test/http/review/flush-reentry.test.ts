/**
 * Regression (found in review, fixed): Connection._flush calls a sendFile `done` callback in the middle of its loop;
 * a write() from that callback flushes re-entrantly, the inner flush resets `queue`/`queueHead`,
 * and the outer loop then walks the old array from index 0 again.
 */
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, writeFileSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { Loop } from "../../../src/loop/index.js";
import { type Connection, Listener } from "../../../src/net/index.js";

it("a write from a sendFile done callback does not resend earlier bytes", async () => {
  const dir = mkdtempSync(join(tmpdir(), "review-"));
  const path = join(dir, "f");
  writeFileSync(path, "FILE");
  const fileFd = openSync(path, "r");
  const loop = new Loop();
  let closeReason: Error | null | undefined;
  const listener = new Listener(loop, { host: "127.0.0.1", port: 0 }, (conn: Connection) => {
    conn.onClose = (reason) => {
      closeReason = reason;
      listener.close();
    };
    conn.cork();
    conn.write(Buffer.from("HEAD|"));
    conn.sendFile(fileFd, 0, 4, () => {
      conn.write(Buffer.from("|TAIL"));
      conn.end();
    });
    conn.uncork();
  });
  const hosted = loop.host();
  const port = listener.address().port;
  const received = await new Promise<string>((resolve) => {
    const sock = net.connect(port, "127.0.0.1");
    let text = "";
    sock.on("data", (d) => {
      text += d.toString("latin1");
    });
    sock.on("error", () => resolve(text));
    sock.on("close", () => resolve(text));
    sock.on("end", () => sock.end());
  });
  await hosted;
  closeSync(fileFd);
  loop.destroy();
  assert.deepEqual(
    { received, closeReason: closeReason instanceof Error ? closeReason.message : closeReason },
    { received: "HEAD|FILE|TAIL", closeReason: null },
  );
});
