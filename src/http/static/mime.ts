/**
 * Media types by file extension, the common part of nginx's mime.types brought up to date
 * (RFC 9239 for JavaScript, RFC 8081 for fonts). Textual types are sent with
 * `; charset=utf-8` so browsers do not guess an encoding.
 */

export const DEFAULT_MIME_TYPE = "application/octet-stream";

const TYPES: Record<string, string> = {
  html: "text/html",
  htm: "text/html",
  shtml: "text/html",
  css: "text/css",
  js: "text/javascript",
  mjs: "text/javascript",
  cjs: "text/javascript",
  json: "application/json",
  map: "application/json",
  webmanifest: "application/manifest+json",
  txt: "text/plain",
  text: "text/plain",
  log: "text/plain",
  md: "text/markdown",
  markdown: "text/markdown",
  csv: "text/csv",
  tsv: "text/tab-separated-values",
  xml: "application/xml",
  xsl: "application/xml",
  rss: "application/rss+xml",
  atom: "application/atom+xml",
  svg: "image/svg+xml",
  svgz: "image/svg+xml",
  png: "image/png",
  apng: "image/apng",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  bmp: "image/bmp",
  ico: "image/x-icon",
  tif: "image/tiff",
  tiff: "image/tiff",
  wasm: "application/wasm",
  pdf: "application/pdf",
  zip: "application/zip",
  gz: "application/gzip",
  tgz: "application/gzip",
  tar: "application/x-tar",
  bz2: "application/x-bzip2",
  xz: "application/x-xz",
  "7z": "application/x-7z-compressed",
  zst: "application/zstd",
  mp4: "video/mp4",
  m4v: "video/mp4",
  webm: "video/webm",
  ogv: "video/ogg",
  mov: "video/quicktime",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  opus: "audio/ogg",
  wav: "audio/wav",
  flac: "audio/flac",
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  otf: "font/otf",
  eot: "application/vnd.ms-fontobject",
  ics: "text/calendar",
  yaml: "application/yaml",
  yml: "application/yaml",
  toml: "application/toml",
  sh: "application/x-sh",
  pem: "application/x-pem-file",
  crt: "application/x-x509-ca-cert",
  iso: "application/octet-stream",
  bin: "application/octet-stream",
};

/** True for types a browser decodes as text, which therefore need a charset. */
function isTextual(type: string): boolean {
  return (
    type.startsWith("text/") ||
    type === "application/json" ||
    type === "application/manifest+json" ||
    type === "application/xml" ||
    type === "application/yaml" ||
    type === "application/toml" ||
    type === "application/x-sh" ||
    type === "image/svg+xml" ||
    type.endsWith("+xml")
  );
}

/** The lowercase extension of a file name without its dot; "" for none or a dotfile. */
export function extensionOf(fileName: string): string {
  const slash = Math.max(fileName.lastIndexOf("/"), fileName.lastIndexOf("\\"));
  const base = fileName.slice(slash + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
}

/**
 * The Content-Type for a file name. `overrides` maps extensions (with or without the dot,
 * any case) to Content-Type values used verbatim, so a caller who wants a charset on an
 * overriding type writes it. Unknown extensions get application/octet-stream.
 *
 * @example mimeTypeFor("index.HTML") // "text/html; charset=utf-8"
 */
export function mimeTypeFor(fileName: string, overrides?: Record<string, string>): string {
  const ext = extensionOf(fileName);
  if (overrides && ext !== "") {
    for (const key of Object.keys(overrides)) {
      const normalised = (key.startsWith(".") ? key.slice(1) : key).toLowerCase();
      if (normalised === ext) return overrides[key]!;
    }
  }
  const type = Object.hasOwn(TYPES, ext) ? TYPES[ext]! : DEFAULT_MIME_TYPE;
  return isTextual(type) ? `${type}; charset=utf-8` : type;
}
