import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodePacket } from "../../../src/packet/decode/index.js";
import { readCaptureFile } from "../../../src/packet/file/index.js";
import { corpus } from "./_corpus.js";

const loopback = [...readCaptureFile("test/fixtures/packet/decode-loopback.pcap", { copy: true })];

/** Decodes every prefix of `frame`, touching every lazy part, and checks the flags. */
function everyPrefix(linkType: number, frame: Uint8Array, name: string): void {
  const full = decodePacket(linkType, frame);
  const fullIssues = full.issues.length;
  const fullLayers = full.layers.length;
  // The decoded header end: cutting anywhere before it must be reported.
  let headersEnd = 0;
  for (const l of full.layers) headersEnd = Math.max(headersEnd, l.offset + l.headerLength);
  for (let n = 0; n < frame.length; n++) {
    const cut = frame.subarray(0, n);
    let pkt: ReturnType<typeof decodePacket>;
    assert.doesNotThrow(() => {
      pkt = decodePacket(linkType, cut, frame.length);
      JSON.stringify(pkt);
    }, `${name} cut at ${n}`);
    pkt = decodePacket(linkType, cut, frame.length);
    assert.ok(pkt.layers.length <= fullLayers + 1, `${name} cut at ${n}: no invented layers`);
    if (n < headersEnd && fullIssues === 0) {
      assert.ok(pkt.truncated, `${name} cut at ${n} (< ${headersEnd}) is flagged truncated`);
      assert.ok(
        pkt.issues.some((i) => i.type === "truncated"),
        `${name} cut at ${n} lists a truncation issue`,
      );
    }
  }
}

describe("a packet cut at any offset is decoded as far as it goes, never throws", () => {
  for (const c of corpus) {
    it(c.name, () => everyPrefix(1, c.frame, c.name));
  }
  it("every packet of the loopback capture", () => {
    for (const [i, r] of loopback.entries()) everyPrefix(r.linkType, r.data, `loopback #${i + 1}`);
  });
});

describe("random bytes never throw", () => {
  it("for each supported link type, with a seeded generator", () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (const lt of [0, 1, 101, 108, 113, 228, 229, 276, 9999]) {
      for (let k = 0; k < 300; k++) {
        const b = new Uint8Array(rand() % 200);
        for (let i = 0; i < b.length; i++) b[i] = rand() & 0xff;
        // Steer some frames into the deeper decoders.
        if (lt === 1 && b.length > 14) {
          b[12] = 0x08;
          b[13] = 0;
          b[14] = 0x45;
        }
        assert.doesNotThrow(() => JSON.stringify(decodePacket(lt, b)), `link ${lt} sample ${k}`);
      }
    }
  });
});
