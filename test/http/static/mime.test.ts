import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { DEFAULT_MIME_TYPE, extensionOf, mimeTypeFor } from "../../../src/http/static/index.js";

describe("mimeTypeFor", () => {
  const table: Array<[string, string]> = [
    ["index.html", "text/html; charset=utf-8"],
    ["a.htm", "text/html; charset=utf-8"],
    ["style.css", "text/css; charset=utf-8"],
    ["app.js", "text/javascript; charset=utf-8"],
    ["mod.mjs", "text/javascript; charset=utf-8"],
    ["data.json", "application/json; charset=utf-8"],
    ["notes.txt", "text/plain; charset=utf-8"],
    ["README.md", "text/markdown; charset=utf-8"],
    ["table.csv", "text/csv; charset=utf-8"],
    ["feed.xml", "application/xml; charset=utf-8"],
    ["logo.svg", "image/svg+xml; charset=utf-8"],
    ["a.png", "image/png"],
    ["a.jpg", "image/jpeg"],
    ["a.JPEG", "image/jpeg"],
    ["a.gif", "image/gif"],
    ["a.webp", "image/webp"],
    ["favicon.ico", "image/x-icon"],
    ["m.wasm", "application/wasm"],
    ["doc.pdf", "application/pdf"],
    ["a.zip", "application/zip"],
    ["a.tar.gz", "application/gzip"],
    ["v.mp4", "video/mp4"],
    ["v.webm", "video/webm"],
    ["f.woff", "font/woff"],
    ["f.woff2", "font/woff2"],
    ["noext", DEFAULT_MIME_TYPE],
    [".bashrc", DEFAULT_MIME_TYPE],
    ["a.unknownext", DEFAULT_MIME_TYPE],
    ["a.", DEFAULT_MIME_TYPE],
    ["a.constructor", DEFAULT_MIME_TYPE],
    ["a.__proto__", DEFAULT_MIME_TYPE],
  ];
  for (const [name, type] of table) {
    it(`${name} -> ${type}`, () => assert.equal(mimeTypeFor(name), type));
  }

  it("uses overrides verbatim, with or without the dot, in any case", () => {
    const overrides = { ".LOG": "text/x-log", ts: "video/mp2t", html: "text/html; charset=latin1" };
    assert.equal(mimeTypeFor("server.log", overrides), "text/x-log");
    assert.equal(mimeTypeFor("seg.ts", overrides), "video/mp2t");
    assert.equal(mimeTypeFor("a.html", overrides), "text/html; charset=latin1");
    assert.equal(mimeTypeFor("a.css", overrides), "text/css; charset=utf-8");
  });
});

describe("extensionOf", () => {
  it("takes the last extension of the base name, lowercased", () => {
    assert.equal(extensionOf("dir.d/file"), "");
    assert.equal(extensionOf("dir/a.B.TXT"), "txt");
    assert.equal(extensionOf(".hidden.Md"), "md");
    assert.equal(extensionOf(".hidden"), "");
  });
});
