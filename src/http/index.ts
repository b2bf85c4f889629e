/**
 * evnet/http: a strict HTTP/1.1 parser, the low-level server (createServer), the
 * web-standard `serve({ fetch })`, and static files.
 */

export { FileBody, file } from "./fetch/file.js";
export {
  installLightResponse,
  LightResponse,
  NativeResponse,
  uninstallLightResponse,
} from "./fetch/response.js";
export {
  type FetchHandler,
  type FetchServer,
  type ServeOptions,
  serve,
  writeResponse,
} from "./fetch/serve.js";
export * from "./parser/index.js";
export { type ServeStaticOptions, serveStatic } from "./serve-static.js";
export { RequestBodyError, ServerRequest } from "./server/request.js";
export { ServerResponse } from "./server/response.js";
export { createServer, type Handler, HttpServer, type ServerOptions } from "./server/server.js";
export { reasonPhrase } from "./server/status.js";
