import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { escapeHtml, renderListing } from "../../../src/http/static/index.js";

const T = Date.UTC(2024, 4, 6, 7, 8, 9);

describe("renderListing", () => {
  const html = new TextDecoder().decode(
    renderListing("/a <b>/", [
      { name: "z.txt", directory: false, size: 12, mtimeMs: T },
      { name: "<script>", directory: false, size: 1, mtimeMs: T },
      { name: "sub dir", directory: true, size: 4096, mtimeMs: T },
      { name: "a:b", directory: false, size: 0, mtimeMs: T },
      { name: "q\"&'", directory: false, size: 3, mtimeMs: T },
    ]),
  );

  it("escapes the title and every name", () => {
    assert.ok(html.includes("<title>Index of /a &lt;b&gt;/</title>"));
    assert.ok(html.includes("&lt;script&gt;</a>"));
    assert.ok(!html.includes("<script>"));
    assert.ok(html.includes("q&quot;&amp;&#39;</a>"));
  });

  it("percent-encodes links, relative to the directory", () => {
    assert.ok(html.includes('<a href="./%3Cscript%3E">'));
    assert.ok(html.includes('<a href="./sub%20dir/">sub dir/</a>'));
    assert.ok(html.includes('<a href="./a%3Ab">a:b</a>'));
    assert.ok(html.includes(`<a href="./q%22%26&#39;">`));
  });

  it("lists directories first, then names in code-point order, with date and size", () => {
    const names = [...html.matchAll(/<a href="[^"]*">([^<]*)<\/a>/g)].map((m) => m[1]);
    assert.deepEqual(names, [
      "../",
      "sub dir/",
      "&lt;script&gt;",
      "a:b",
      "q&quot;&amp;&#39;",
      "z.txt",
    ]);
    assert.match(html, /z\.txt<\/a> +06-May-2024 07:08 +12\n/);
    assert.match(html, /sub dir\/<\/a> +06-May-2024 07:08 +-\n/);
  });

  it("has no parent link at the root", () => {
    const root = new TextDecoder().decode(renderListing("/", []));
    assert.ok(!root.includes("../"));
    assert.ok(root.includes("<h1>Index of /</h1>"));
  });
});

describe("escapeHtml", () => {
  it("escapes the five HTML specials", () => {
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
    );
  });
});
