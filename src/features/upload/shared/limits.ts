/**
 * The caps an upload is checked against before anything is parsed or allocated: a file larger
 * than these is refused from its size alone, so a hostile or mistaken upload cannot exhaust the
 * page's memory or time.
 */

/** Largest `model.json` (or weights manifest) read: real ones are a few kB to ~1 MB. */
export const MAX_MODEL_JSON_BYTES = 5 * 1024 * 1024;
/** Largest total of the weight files (`*.bin`) of one upload. */
export const MAX_WEIGHTS_BYTES = 64 * 1024 * 1024;
/** Most files in one upload (model.json and its shards). */
export const MAX_FILES = 64;
/** Deepest nesting of `[` and `{` accepted in the JSON (a Keras topology needs about 10). */
export const MAX_JSON_DEPTH = 64;
/** Most elements of one tensor (64 MB as float32). */
export const MAX_TENSOR_ELEMENTS = 16 * 1024 * 1024;
/** Most elements of all tensors together, as float32 after dequantization (128 MB). */
export const MAX_TOTAL_ELEMENTS = 32 * 1024 * 1024;
/** Most tensors in a manifest. */
export const MAX_TENSORS = 4096;
/** Highest rank of a tensor. */
export const MAX_RANK = 8;
/** Most layers in a topology, and most nodes in a graph model. */
export const MAX_LAYERS = 1024;
export const MAX_GRAPH_NODES = 100_000;
/** Longest name (layer, tensor, file) accepted. */
export const MAX_NAME_LENGTH = 256;
/** The whole load (reading, parsing, checking, decoding) must end within this. */
export const LOAD_TIME_LIMIT_MS = 15_000;
