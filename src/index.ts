// The package's root entry: re-exports each layer's public surface.
export * as loop from "./loop/index.js";
