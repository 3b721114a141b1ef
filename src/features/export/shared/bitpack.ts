/**
 * Bit packing and base64 for the export sidecar, in plain TypeScript (pure code may not use
 * Node's Buffer, and `btoa` works on strings of bytes one character at a time anyway).
 */

/**
 * Packs unsigned integers of `bits` bits (1..32) into a little-endian bit stream, LSB first:
 * value j occupies stream bits j·bits … j·bits + bits − 1, stream bit k is bit (k mod 8) of
 * byte ⌊k/8⌋. The last byte is zero-padded.
 *
 * @throws RangeError if a value is not an integer in [0, 2^bits).
 */
export function packBits(values: ArrayLike<number>, bits: number): Uint8Array {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new RangeError(`bits ${bits}`);
  const out = new Uint8Array(Math.ceil((values.length * bits) / 8));
  const limit = 2 ** bits;
  let pos = 0; // stream bit
  for (let j = 0; j < values.length; j++) {
    let v = values[j]!;
    if (!Number.isInteger(v) || v < 0 || v >= limit) {
      throw new RangeError(`value ${v} at ${j} does not fit ${bits} unsigned bits`);
    }
    let left = bits;
    while (left > 0) {
      const bit = pos & 7;
      const take = Math.min(8 - bit, left);
      out[pos >>> 3]! |= (v % (1 << take)) << bit;
      v = Math.floor(v / (1 << take));
      pos += take;
      left -= take;
    }
  }
  return out;
}

/** The inverse of {@link packBits}: `count` values of `bits` bits. */
export function unpackBits(bytes: Uint8Array, bits: number, count: number): Uint32Array {
  if (!Number.isInteger(bits) || bits < 1 || bits > 32) throw new RangeError(`bits ${bits}`);
  if (bytes.length * 8 < count * bits) {
    throw new RangeError(`${bytes.length} bytes hold fewer than ${count} codes of ${bits} bits`);
  }
  const out = new Uint32Array(count);
  let pos = 0;
  for (let j = 0; j < count; j++) {
    let v = 0;
    let got = 0;
    while (got < bits) {
      const bit = pos & 7;
      const take = Math.min(8 - bit, bits - got);
      const chunk = (bytes[pos >>> 3]! >>> bit) & ((1 << take) - 1);
      v += chunk * 2 ** got;
      got += take;
      pos += take;
    }
    out[j] = v;
  }
  return out;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** Standard base64 (RFC 4648, with '=' padding). */
export function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    parts.push(
      ALPHABET[(n >>> 18) & 63]! +
        ALPHABET[(n >>> 12) & 63]! +
        (b === undefined ? '=' : ALPHABET[(n >>> 6) & 63]!) +
        (c === undefined ? '=' : ALPHABET[n & 63]!),
    );
  }
  return parts.join('');
}

/** The inverse of {@link bytesToBase64}. @throws Error on a malformed string. */
export function base64ToBytes(s: string): Uint8Array {
  if (s.length % 4 !== 0) throw new Error('base64 length is not a multiple of 4');
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const ch = s.charCodeAt(i + k);
      const isPad = ch === 61 && i + k >= s.length - pad;
      const v = isPad ? 0 : ch < 128 ? LOOKUP[ch]! : -1;
      if (v < 0) throw new Error(`bad base64 character at ${i + k}`);
      n = (n << 6) | v;
    }
    if (o < out.length) out[o++] = (n >>> 16) & 255;
    if (o < out.length) out[o++] = (n >>> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}
