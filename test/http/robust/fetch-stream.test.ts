/**
 * serve({ fetch }) streaming a Response body to a client that goes away mid-stream: the
 * stream must be cancelled (its cancel() called, no more pulls), and the connection freed.
 */
import assert from "node:assert/strict";
import * as net from "node:net";
import { describe, it } from "node:test";
import { serve } from "../../../src/http/index.js";
import { GET, sleep, waitFor } from "./_helpers.js";

interface Probe {
  pulls: number;
  cancelled: boolean;
}

/** An endless pull stream of `size`-byte chunks that records its pulls and its cancel. */
function endless(probe: Probe, size: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(size).fill(0x41);
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        probe.pulls++;
        controller.enqueue(chunk);
      },
      cancel() {
        probe.cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
}

describe("serve({ fetch }): a client leaving mid-stream", () => {
  it("cancels a stream blocked on backpressure when the client that stopped reading leaves", async () => {
    const probe: Probe = { pulls: 0, cancelled: false };
    const s = serve({
      host: "127.0.0.1",
      port: 0,
      onError: () => {},
      fetch: () => new Response(endless(probe, 64 * 1024)),
    });
    const sock = net.connect(s.port, "127.0.0.1");
    sock.on("error", () => {});
    let received = 0;
    sock.on("data", (d: Buffer) => {
      received += d.length;
      // Read a little, then stop: the server's writes block and the stream waits.
      if (received > 256 * 1024) sock.pause();
    });
    sock.write(GET());
    await waitFor(() => received > 256 * 1024, "part of the stream received");
    // Pulls stop growing once the kernel buffers are full (the stream is not drained into memory).
    let before = -1;
    await waitFor(() => {
      const same = probe.pulls === before;
      before = probe.pulls;
      return same;
    }, "the stream waits for the client");
    assert.ok(probe.pulls < 1024, `pulled ${probe.pulls} x 64 KiB for a client that stopped`);
    sock.destroy();
    await waitFor(() => probe.cancelled, "cancel() called");
    await waitFor(() => s.server.connectionCount === 0, "connection freed");
    const pullsAtCancel = probe.pulls;
    await sleep(50);
    assert.equal(probe.pulls, pullsAtCancel, "no pulls after cancel");
    await s.close();
  });

  it("cancels a stream that keeps producing after the client left between chunks", async () => {
    const probe: Probe = { pulls: 0, cancelled: false };
    const s = serve({
      host: "127.0.0.1",
      port: 0,
      onError: () => {},
      fetch: () => {
        const encoder = new TextEncoder();
        return new Response(
          new ReadableStream<Uint8Array>(
            {
              async pull(controller) {
                probe.pulls++;
                // Chunks come slowly, as server-sent events do.
                if (probe.pulls > 3) await sleep(20);
                controller.enqueue(encoder.encode(`event ${probe.pulls}\n`));
              },
              cancel() {
                probe.cancelled = true;
              },
            },
            { highWaterMark: 0 },
          ),
        );
      },
    });
    const sock = net.connect(s.port, "127.0.0.1");
    sock.on("error", () => {});
    let text = "";
    sock.on("data", (d: Buffer) => {
      text += d.toString("latin1");
    });
    sock.write(GET());
    await waitFor(() => text.includes("event 5"), "a few events received");
    sock.destroy();
    await waitFor(() => probe.cancelled, "cancel() called");
    await waitFor(() => s.server.connectionCount === 0, "connection freed");
    assert.match(text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*Transfer-Encoding: chunked\r\n/i);
    await s.close();
  });
});
