/**
 * Directory listings in the manner of nginx's autoindex: one line per entry, directories
 * first, names HTML-escaped in the text and percent-encoded in the links, dotfiles left out
 * (nginx's autoindex hides them too).
 */

import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { encodeSegment, isInsideRoot } from "./paths.js";

export interface ListingEntry {
  name: string;
  directory: boolean;
  /** Bytes; ignored for directories. */
  size: number;
  mtimeMs: number;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** nginx's autoindex time: `06-Nov-1994 08:49`, in UTC. */
function listingTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return "-";
  const p = (n: number) => String(n).padStart(2, "0");
  return (
    `${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`
  );
}

/** Sorts directories first, then by name in code-point order (stable across locales). */
export function sortEntries(entries: ListingEntry[]): ListingEntry[] {
  return [...entries].sort((a, b) =>
    a.directory !== b.directory
      ? a.directory
        ? -1
        : 1
      : a.name < b.name
        ? -1
        : a.name > b.name
          ? 1
          : 0,
  );
}

/**
 * The HTML page listing `entries` of the directory at `urlPath` (decoded, ending in "/").
 * Links are relative to the directory, so the page needs no knowledge of where it is mounted.
 */
export function renderListing(urlPath: string, entries: ListingEntry[]): Uint8Array {
  const title = `Index of ${escapeHtml(urlPath)}`;
  let html =
    `<html>\n<head><meta charset="utf-8"><title>${title}</title></head>\n` +
    `<body>\n<h1>${title}</h1><hr><pre>`;
  if (urlPath !== "/") html += '<a href="../">../</a>\n';
  for (const entry of sortEntries(entries)) {
    const shown = entry.directory ? `${entry.name}/` : entry.name;
    // "./" keeps a name such as "a:b" from reading as a scheme even if a browser unescapes.
    const href = `./${encodeSegment(entry.name)}${entry.directory ? "/" : ""}`;
    const padding = " ".repeat(Math.max(1, 51 - [...shown].length));
    const size = entry.directory ? "-" : String(entry.size);
    html +=
      `<a href="${escapeHtml(href)}">${escapeHtml(shown)}</a>${padding}` +
      `${listingTime(entry.mtimeMs)} ${size.padStart(19)}\n`;
  }
  html += "</pre><hr></body>\n</html>\n";
  return new TextEncoder().encode(html);
}

/**
 * Reads the entries to list in the real directory `dir`. Dotfiles are skipped; so are
 * symlinks that are broken, and, unless `followSymlinks`, symlinks leading outside `realRoot`
 * (the listing must not reveal what a request could not fetch).
 */
export async function readListingEntries(
  dir: string,
  realRoot: string,
  followSymlinks: boolean,
): Promise<ListingEntry[]> {
  const names = await readdir(dir);
  const entries: ListingEntry[] = [];
  for (const name of names) {
    if (name.startsWith(".")) continue;
    const full = join(dir, name);
    try {
      const link = await lstat(full);
      if (link.isSymbolicLink() && !followSymlinks) {
        if (!isInsideRoot(realRoot, await realpath(full))) continue;
      }
      const s = link.isSymbolicLink() ? await stat(full) : link;
      if (!s.isDirectory() && !s.isFile()) continue;
      entries.push({ name, directory: s.isDirectory(), size: s.size, mtimeMs: s.mtimeMs });
    } catch {
      // Gone since readdir, or a broken link: not listed.
    }
  }
  return entries;
}
