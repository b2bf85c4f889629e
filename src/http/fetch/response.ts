/**
 * A lightweight Response for serve({ fetch }). Node 20's Response (undici) costs about 24 µs
 * to construct, most of it making a ReadableStream the server would then have to drain: more
 * than the whole rest of a request. This class keeps what it was constructed with; the
 * server sends a string or byte body and the init's headers straight from there, and anything
 * else (`body`, `text()`, `clone()`...) builds the real Response on first use and delegates to
 * it. `instanceof Response` holds both ways, as @hono/node-server does for the same reason.
 *
 * `installLightResponse()` puts it in place of `globalThis.Response` (serve does so unless
 * told not to); `globalThis.Response` is restored by `uninstallLightResponse()`.
 */

import { delegateRest } from "./_delegate.js";
import { FileBody } from "./file.js";

/** The platform's Response, kept before any replacement. */
export const NativeResponse: typeof Response = globalThis.Response;

const kBody = Symbol("evnet.body");
const kInit = Symbol("evnet.init");
const kReal = Symbol("evnet.realResponse");
const kHeaders = Symbol("evnet.headers");

type Init = ResponseInit | undefined;
type Body = ConstructorParameters<typeof Response>[0];

interface LightFields {
  [kBody]: Body;
  [kInit]: Init;
  [kReal]: Response | undefined;
  [kHeaders]: Headers | undefined;
}

function real(self: LightResponse & LightFields): Response {
  let r = self[kReal];
  if (!r) {
    const init = self[kInit];
    const headers = self[kHeaders];
    const body = self[kBody] as unknown;
    r = new NativeResponse(
      body instanceof FileBody ? body.stream() : (body as Body),
      headers ? { status: init?.status, statusText: init?.statusText, headers } : init,
    );
    self[kReal] = r;
  }
  return r;
}

export class LightResponse {
  constructor(body?: Body | FileBody, init?: ResponseInit) {
    const self = this as unknown as LightFields;
    self[kBody] = body as Body;
    self[kInit] = init;
    self[kReal] = undefined;
    self[kHeaders] = undefined;
    const statusText = init?.statusText;
    if (statusText !== undefined && !/^[\t\x20-\x7e\x80-\xff]*$/.test(statusText)) {
      throw new TypeError("Invalid statusText: a reason phrase cannot hold CR, LF or NUL");
    }
    const status = init?.status;
    if (status !== undefined && (!Number.isInteger(status) || status < 200 || status > 599)) {
      // let the platform throw its own RangeError for a bad status
      real(this as unknown as LightResponse & LightFields);
    }
  }

  get status(): number {
    return (this as unknown as LightFields)[kInit]?.status ?? 200;
  }

  get statusText(): string {
    return (this as unknown as LightFields)[kInit]?.statusText ?? "";
  }

  get ok(): boolean {
    const s = this.status;
    return s >= 200 && s < 300;
  }

  get headers(): Headers {
    const self = this as unknown as LightFields;
    const r = self[kReal];
    if (r) return r.headers;
    let headers = self[kHeaders];
    if (!headers) {
      headers = new Headers(self[kInit]?.headers);
      const body = self[kBody];
      if (typeof body === "string" && !headers.has("content-type")) {
        headers.set("content-type", "text/plain;charset=UTF-8");
      }
      self[kHeaders] = headers;
    }
    return headers;
  }

  static json(data: unknown, init?: ResponseInit): Response {
    const headers = new Headers(init?.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new LightResponse(JSON.stringify(data), { ...init, headers }) as unknown as Response;
  }

  static redirect(url: string | URL, status?: Parameters<typeof Response.redirect>[1]): Response {
    return NativeResponse.redirect(url, status ?? 302);
  }

  static error(): Response {
    return NativeResponse.error();
  }

  static [Symbol.hasInstance](value: unknown): boolean {
    return (
      typeof value === "object" &&
      value !== null &&
      (Object.prototype.isPrototypeOf.call(LightResponse.prototype, value) ||
        Object.prototype.isPrototypeOf.call(NativeResponse.prototype, value))
    );
  }
}

Object.setPrototypeOf(LightResponse.prototype, NativeResponse.prototype);

// Everything else a Response has is delegated to the real one.
delegateRest(LightResponse.prototype, NativeResponse.prototype, real);

/**
 * What the server needs to send a light response without its stream: status, header pairs
 * and a string or byte body. Null when the response is not light, or its body is something
 * else (a stream, a Blob, FormData...), or it was already turned into a real one.
 */
export function lightParts(response: unknown): {
  status: number;
  statusText: string;
  init: Init;
  headers: Headers | undefined;
  body: string | Uint8Array | FileBody | null;
} | null {
  if (!(typeof response === "object" && response !== null && kBody in response)) return null;
  const self = response as LightFields;
  if (self[kReal]) return null;
  const body = self[kBody] as unknown;
  if (
    body !== null &&
    body !== undefined &&
    typeof body !== "string" &&
    !(body instanceof Uint8Array) &&
    !(body instanceof FileBody)
  ) {
    return null;
  }
  const init = self[kInit];
  return {
    status: init?.status ?? 200,
    statusText: init?.statusText ?? "",
    init,
    headers: self[kHeaders],
    body: (body ?? null) as string | Uint8Array | FileBody | null,
  };
}

let installed = false;

/** Replaces globalThis.Response with {@link LightResponse} (idempotent). */
export function installLightResponse(): void {
  if (installed) return;
  installed = true;
  Object.defineProperty(globalThis, "Response", {
    value: LightResponse,
    writable: true,
    configurable: true,
  });
}

/** Puts the platform's Response back. */
export function uninstallLightResponse(): void {
  if (!installed) return;
  installed = false;
  Object.defineProperty(globalThis, "Response", {
    value: NativeResponse,
    writable: true,
    configurable: true,
  });
}
