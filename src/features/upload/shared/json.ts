import { MAX_JSON_DEPTH } from './limits';

/**
 * Reading JSON that comes from a user's disk, never trusting it: the bytes must be UTF-8 (a
 * binary file picked by mistake is named as such, not parsed into gibberish), the nesting is
 * measured by a flat scan BEFORE `JSON.parse` (so `[[[[…` a million deep cannot overflow a
 * recursive walk later), and keys that could reach an object's prototype are refused.
 */

export type JsonRead =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

/** Keys that no model file has and that prototype-pollution payloads use. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set([
  '__proto__',
  'constructor',
  'prototype',
]);

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** The text of `bytes` as UTF-8 (a leading BOM dropped), or null if they are not UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | null {
  const start = UTF8_BOM.every((b, i) => bytes[i] === b) ? 3 : 0;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start));
  } catch {
    return null;
  }
}

/** Where the first byte that is not valid UTF-8 is (for the message), or -1. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n =
      b < 0x80
        ? 0
        : b >= 0xc2 && b < 0xe0
          ? 1
          : b >= 0xe0 && b < 0xf0
            ? 2
            : b >= 0xf0 && b < 0xf5
              ? 3
              : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return -1;
}

export interface DepthScan {
  /** Deepest nesting reached (stops counting once over the limit). */
  readonly depth: number;
  /** Character offset where the limit was first passed, or -1. */
  readonly tooDeepAt: number;
  /** The text ends inside a string or with brackets still open: cut short. */
  readonly unterminated: boolean;
}

/**
 * One pass over the text counting `[`/`{` nesting outside strings (escapes honoured). Linear,
 * no recursion, no allocation: safe on any input.
 */
export function scanDepth(text: string, limit = MAX_JSON_DEPTH): DepthScan {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > deepest) deepest = depth;
      if (depth > limit) return { depth, tooDeepAt: i, unterminated: false };
    } else if (c === 0x5d || c === 0x7d) depth = Math.max(0, depth - 1);
  }
  return { depth: deepest, tooDeepAt: -1, unterminated: inString || depth > 0 };
}

/**
 * Paths of forbidden keys in a parsed value (`JSON.parse` makes `"__proto__"` an own property,
 * harmless until someone copies it with a spread or `Object.assign`). Depth is already bounded
 * by {@link scanDepth}, so the recursion here is too.
 */
export function forbiddenKeyPaths(value: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 5 || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    value.forEach((v, i) => forbiddenKeyPaths(v, `${path}[${i}]`, out));
    return out;
  }
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) out.push(here);
    else forbiddenKeyPaths((value as Record<string, unknown>)[key], here, out);
  }
  return out;
}

/** The message of a JSON.parse error without the engine's quoting of the whole input. */
function parseError(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 160 ? `${m.slice(0, 160)}…` : m;
}

/**
 * Parses `bytes` as the JSON file `file`: UTF-8, nesting ≤ `maxDepth`, well formed, no
 * forbidden keys. Every failure is one sentence naming the file.
 */
export function readJson(file: string, bytes: Uint8Array, maxDepth = MAX_JSON_DEPTH): JsonRead {
  const text = decodeUtf8(bytes);
  if (text === null)
    return {
      ok: false,
      problem: `${file} is not UTF-8 text (byte ${firstInvalidUtf8(bytes)} is not valid UTF-8): it is not a model.json; was a binary file picked?`,
    };
  if (text.trim() === '') return { ok: false, problem: `${file} holds only white space, no JSON.` };
  const scan = scanDepth(text, maxDepth);
  if (scan.tooDeepAt >= 0)
    return {
      ok: false,
      problem: `${file} nests brackets more than ${maxDepth} deep (at character ${scan.tooDeepAt}): no model file does; refused without parsing.`,
    };
  if (scan.unterminated)
    return {
      ok: false,
      problem: `${file} ends in the middle of the JSON (a string or bracket is left open): the file looks cut short; download it again.`,
    };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, problem: `${file} is not valid JSON: ${parseError(e)}.` };
  }
  const bad = forbiddenKeyPaths(value);
  if (bad.length > 0)
    return {
      ok: false,
      problem: `${file} has the key ${bad.map((p) => JSON.stringify(p)).join(', ')}: keys named __proto__, constructor or prototype are refused (no model file has them).`,
    };
  return { ok: true, value };
}
