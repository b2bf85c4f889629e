import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LightResponse, NativeResponse } from "../../../src/http/index.js";

describe("LightResponse", () => {
  it("is a Response both ways and reads like one", async () => {
    const r = new LightResponse("hello", {
      status: 201,
      headers: { "x-a": "1" },
    }) as unknown as Response;
    assert.ok(r instanceof NativeResponse);
    assert.ok(new NativeResponse("x") instanceof (LightResponse as unknown as typeof Response));
    assert.equal(r.status, 201);
    assert.equal(r.ok, true);
    assert.equal(r.headers.get("x-a"), "1");
    assert.equal(r.headers.get("content-type"), "text/plain;charset=UTF-8");
    assert.equal(await r.text(), "hello");
    assert.equal(r.bodyUsed, true);
  });

  it("json() and clone() behave as the platform's", async () => {
    const r = LightResponse.json({ a: 1 }, { status: 202 });
    assert.equal(r.status, 202);
    assert.equal(r.headers.get("content-type"), "application/json");
    const copy = r.clone();
    assert.deepEqual(await r.json(), { a: 1 });
    assert.deepEqual(await copy.json(), { a: 1 });
  });

  it("refuses a bad status like the platform", () => {
    assert.throws(() => new LightResponse("x", { status: 99 }), RangeError);
  });
});
