import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import { isInsideRoot, StaticFiles } from "../../../src/http/static/index.js";
import { header, openFdCount, parseMultipart, request, wireBody } from "./_helpers.js";

let tmp = "";
let root = "";
let fdsBefore = 0;

before(() => {
  fdsBefore = openFdCount();
  tmp = mkdtempSync(join(tmpdir(), "evnet-static-prop-"));
  root = join(tmp, "root");
  mkdirSync(root);
  mkdirSync(join(root, "d"));
  writeFileSync(join(root, "d", "index.html"), "<p>index</p>");
  writeFileSync(join(tmp, "secret"), "SECRET");
  symlinkSync(join(tmp, "secret"), join(root, "out"));
  symlinkSync("..", join(root, "up"));
});

after(() => {
  rmSync(tmp, { recursive: true, force: true });
  assert.equal(openFdCount(), fdsBefore, "no descriptor left open");
});

const MAX_RANGES = 8;
/** A generous bound on one part's framing: CRLF, boundary, Content-Type, Content-Range. */
const PART_OVERHEAD = 160;
const CLOSE_OVERHEAD = 40;

const position = fc.nat(2100);
const rangeSpec = fc.oneof(
  // Short ranges, so that several of them often stay disjoint and make a multipart body.
  { weight: 4, arbitrary: fc.tuple(position, fc.nat(60)).map(([a, n]) => `${a}-${a + n}`) },
  {
    weight: 1,
    arbitrary: fc.tuple(position, position).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
  },
  { weight: 1, arbitrary: position.map((a) => `${a}-`) },
  { weight: 1, arbitrary: fc.nat(100).map((n) => `-${n}`) },
  // Possibly backwards, which makes the whole header invalid.
  { weight: 1, arbitrary: fc.tuple(position, position).map(([a, b]) => `${a}-${b}`) },
);
const ows = fc.constantFrom("", " ", "\t", " \t");
const rangeHeader = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .array(fc.tuple(ows, rangeSpec, ows), { minLength: 1, maxLength: 12 })
      .map((specs) => `bytes=${specs.map(([a, s, b]) => a + s + b).join(",")}`),
  },
  {
    weight: 1,
    arbitrary: fc
      .array(rangeSpec, { minLength: 1, maxLength: 3 })
      .map((s) => `items=${s.join(",")}`),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((s) => `bytes=${s}`) },
);

describe("StaticFiles properties", () => {
  it("a ranged GET is a full 200, a 416, or parts that are exactly the file's slices", async () => {
    const sf = new StaticFiles({ root, maxRanges: MAX_RANGES });
    const path = join(root, "f.bin");
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2000, size: "max" }),
        rangeHeader,
        fc.oneof(
          { weight: 5, arbitrary: fc.constant("GET") },
          { weight: 1, arbitrary: fc.constant("HEAD") },
        ),
        async (content, range, method) => {
          writeFileSync(path, content);
          const file = Buffer.from(content);
          const res = await sf.respond(request(method, "/f.bin", { range }));
          const body = await wireBody(res, method);
          const multipart = res.status === 206 && header(res, "content-range") === undefined;
          seen.add(multipart ? "multipart" : `${method} ${res.status}`);
          if (method === "HEAD") {
            assert.equal(res.status, 200, "HEAD ignores Range");
            return;
          }
          if (res.status === 200) {
            assert.ok(body.equals(file));
            return;
          }
          if (res.status === 416) {
            assert.equal(header(res, "content-range"), `bytes */${file.length}`);
            assert.ok(file.length > 0, "an empty file is never a 416");
            return;
          }
          assert.equal(res.status, 206);
          const single = header(res, "content-range");
          if (single !== undefined) {
            const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(single);
            assert.ok(m);
            assert.equal(Number(m[3]), file.length);
            assert.ok(body.equals(file.subarray(Number(m[1]), Number(m[2]) + 1)));
            return;
          }
          const parts = parseMultipart(body, header(res, "content-type")!);
          assert.ok(parts.length >= 2 && parts.length <= MAX_RANGES);
          let previousEnd = -2;
          let payload = 0;
          for (const p of parts) {
            assert.equal(p.total, file.length);
            assert.ok(p.start > previousEnd + 1, "parts are sorted, disjoint and not touching");
            assert.ok(p.data.equals(file.subarray(p.start, p.end + 1)));
            previousEnd = p.end;
            payload += p.data.length;
          }
          assert.ok(payload <= file.length);
          assert.ok(body.length <= file.length + parts.length * PART_OVERHEAD + CLOSE_OVERHEAD);
        },
      ),
      { numRuns: 300 },
    );
    // The generators must reach every kind of answer, or the property proves little.
    assert.deepEqual([...seen].sort(), ["GET 200", "GET 206", "GET 416", "HEAD 200", "multipart"]);
  });

  it("never throws and never serves a file outside the root, whatever the request", async () => {
    const sf = new StaticFiles({ root, listDirectories: true });
    const realRoot = realpathSync(root);
    const pieces = fc.constantFrom(
      "/",
      "..",
      ".",
      "%2e",
      "%2E",
      "%2f",
      "%2F",
      "%5c",
      "\\",
      "%00",
      "%",
      "d",
      "out",
      "up",
      "secret",
      "f.bin",
      "index.html",
      "?",
      "#",
      "%ff",
      "%c3%a9",
      "//",
      " ",
    );
    const target = fc.oneof(
      fc.array(pieces, { maxLength: 10 }).map((p) => `/${p.join("")}`),
      fc.string({ maxLength: 30 }),
    );
    const headerName = fc.constantFrom(
      "range",
      "if-range",
      "if-match",
      "if-none-match",
      "if-modified-since",
      "if-unmodified-since",
    );
    const headerValue = fc.oneof(fc.string({ maxLength: 30 }), rangeHeader, fc.constant("*"));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "HEAD", "POST", "OPTIONS", ""),
        target,
        fc.dictionary(headerName, headerValue, { maxKeys: 4 }),
        async (method, t, headers) => {
          const res = await sf.respond(request(method, t, headers));
          assert.ok(
            [200, 206, 301, 304, 400, 403, 404, 405, 412, 416].includes(res.status),
            `${res.status}`,
          );
          if (res.body.kind === "file")
            assert.ok(isInsideRoot(realRoot, res.body.path), res.body.path);
          const body = await wireBody(res, method);
          assert.ok(!body.toString("latin1").includes("SECRET"));
        },
      ),
      { numRuns: 400 },
    );
  });
});
