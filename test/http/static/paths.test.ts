import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { isInsideRoot, parseTarget, urlPath } from "../../../src/http/static/index.js";

describe("parseTarget", () => {
  const accepted: Array<[string, string[], boolean, string | undefined]> = [
    ["/", [], true, undefined],
    ["/a.txt", ["a.txt"], false, undefined],
    ["/a%20b/c.txt?x=1", ["a b", "c.txt"], false, "x=1"],
    ["/dir/", ["dir"], true, undefined],
    ["/dir/?", ["dir"], true, ""],
    ["//a///b", ["a", "b"], false, undefined],
    ["/a/./b", ["a", "b"], false, undefined],
    ["/a/../b", ["b"], false, undefined],
    ["/a/%2e%2e/b", ["b"], false, undefined],
    ["/a/%2E./b", ["b"], false, undefined],
    ["/a/b/..", ["a"], true, undefined],
    ["/a/.", ["a"], true, undefined],
    ["/a/..", [], true, undefined],
    ["/...", ["..."], false, undefined],
    ["/%2e%2e%2e", ["..."], false, undefined],
    ["/caf%C3%A9", ["café"], false, undefined],
    ["/q?a=/../..&b=%zz", ["q"], false, "a=/../..&b=%zz"],
    ["http://example.com/a.txt?x", ["a.txt"], false, "x"],
    ["HTTP://example.com", [], true, undefined],
  ];
  for (const [target, segments, trailingSlash, query] of accepted) {
    it(`accepts ${target}`, () => {
      assert.deepEqual(parseTarget(target), { ok: true, segments, trailingSlash, query });
    });
  }

  const refused = [
    "",
    "*",
    "a.txt",
    "/..",
    "/../secret",
    "/%2e%2e/secret",
    "/%2E%2E%2Fsecret",
    "/..%2fsecret",
    "/..%2Fsecret",
    "/a/%2e%2e/%2e%2e/secret",
    "/a/../../secret",
    "/./../secret",
    "/a%2fb",
    "/%00",
    "/a.txt%00.html",
    "/\\..\\secret",
    "/..\\secret",
    "/%5c..%5csecret",
    "/a%",
    "/a%2",
    "/a%zz",
    "/a%g0",
    "/%ff",
    "/%c3",
    "/a b",
    "/a\tb",
    "/a#frag",
    "/caf\u00e9",
    "http://example.com/../secret",
    "ftp://example.com/a",
  ];
  for (const target of refused) {
    it(`refuses ${JSON.stringify(target)}`, () => {
      assert.equal(parseTarget(target).ok, false);
    });
  }

  it("never yields a segment that could leave the root, whatever the target", () => {
    const chars = fc.constantFrom(
      "/",
      ".",
      "%",
      "2",
      "e",
      "E",
      "f",
      "F",
      "5",
      "c",
      "0",
      "a",
      "\\",
      "?",
    );
    const target = fc.array(chars, { maxLength: 30 }).map((c) => `/${c.join("")}`);
    fc.assert(
      fc.property(
        fc.oneof(
          target,
          fc.string().map((s) => `/${s}`),
        ),
        (t) => {
          const parsed = parseTarget(t);
          if (!parsed.ok) return;
          for (const s of parsed.segments) {
            assert.ok(s !== "" && s !== "." && s !== "..", `segment ${JSON.stringify(s)}`);
            assert.ok(!/[/\\\0]/.test(s), `segment ${JSON.stringify(s)}`);
          }
          assert.ok(isInsideRoot("/srv/root", join("/srv/root", ...parsed.segments)));
        },
      ),
    );
  });
});

describe("urlPath", () => {
  it("percent-encodes segments and never starts with two slashes", () => {
    assert.equal(urlPath([], true), "/");
    assert.equal(urlPath(["a b", "c:d", "é"], false), "/a%20b/c%3Ad/%C3%A9");
    assert.equal(urlPath(["example.com"], true), "/example.com/");
    assert.equal(urlPath(["?#%"], false), "/%3F%23%25");
  });

  it("round-trips through parseTarget", () => {
    fc.assert(
      // Whole graphemes: a lone surrogate has no UTF-8 form and never comes from a file system.
      fc.property(
        fc.array(fc.string({ minLength: 1, unit: "grapheme" }), { maxLength: 5 }),
        (names) => {
          const segments = names.filter((n) => n !== "." && n !== ".." && !/[/\\\0]/.test(n));
          const parsed = parseTarget(urlPath(segments, false));
          assert.ok(parsed.ok);
          assert.deepEqual(parsed.segments, segments);
        },
      ),
    );
  });
});

describe("isInsideRoot", () => {
  it("accepts the root and paths below it only", () => {
    assert.ok(isInsideRoot("/srv/root", "/srv/root"));
    assert.ok(isInsideRoot("/srv/root", "/srv/root/a"));
    assert.ok(isInsideRoot("/", "/etc"));
    assert.ok(!isInsideRoot("/srv/root", "/srv/rootkit"));
    assert.ok(!isInsideRoot("/srv/root", "/srv"));
    assert.ok(!isInsideRoot("/srv/root", "/etc/passwd"));
  });
});
