import assert from "node:assert/strict";
import * as dgram from "node:dgram";
import { describe, it } from "node:test";
import { Loop } from "../../src/loop/index.js";
import { UdpSocket } from "../../src/net/index.js";

describe("net: UDP", () => {
  for (const host of ["127.0.0.1", "::1"]) {
    it(`receives and answers datagrams over ${host}`, async () => {
      const loop = new Loop();
      const server = new UdpSocket(loop, { host });
      const seen: string[] = [];
      server.onMessage = (data, from) => {
        seen.push(Buffer.from(data).toString());
        assert.ok(from);
        assert.equal(from.address, host);
        assert.ok(server.send(Buffer.from(`re:${Buffer.from(data)}`), from.address, from.port));
        if (seen.length === 3) server.close();
      };
      const hosted = loop.host();
      const client = dgram.createSocket(host.includes(":") ? "udp6" : "udp4");
      const replies: string[] = [];
      const gotAll = new Promise<void>((resolve) =>
        client.on("message", (m) => {
          replies.push(m.toString());
          if (replies.length === 3) resolve();
        }),
      );
      for (const text of ["a", "bb", "ccc"]) client.send(text, server.address().port, host);
      await gotAll;
      await hosted;
      client.close();
      assert.deepEqual(seen, ["a", "bb", "ccc"]);
      assert.deepEqual(replies.sort(), ["re:a", "re:bb", "re:ccc"]);
      loop.destroy();
    });
  }

  it("a connected socket sends without an address; an empty datagram is delivered", () => {
    const loop = new Loop();
    const a = new UdpSocket(loop);
    const b = new UdpSocket(loop);
    b.connect("127.0.0.1", a.address().port);
    const got: number[] = [];
    a.onMessage = (data, from) => {
      got.push(data.byteLength);
      assert.equal(from?.port, b.address().port);
      if (got.length === 2) {
        a.close();
        b.close();
      }
    };
    assert.ok(b.send(new Uint8Array(0)));
    assert.ok(b.send(new Uint8Array(1200)));
    loop.run();
    assert.deepEqual(got, [0, 1200]);
    loop.destroy();
  });
});
