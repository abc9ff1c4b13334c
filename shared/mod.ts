/**
 * The runtime-agnostic core shared by train/ and edge/ (Web APIs only).
 *
 * @module
 */
export * from "./drs.ts";
export * from "./calibration.ts";
export * from "./rng.ts";
export * from "./manifest.ts";
export * from "./model_files.ts";
export * from "./hash.ts";
export * from "./signing.ts";
