// The package's root entry: re-exports each layer's public surface.
export * as http from "./http/index.js";
export * as loop from "./loop/index.js";
export * as net from "./net/index.js";
