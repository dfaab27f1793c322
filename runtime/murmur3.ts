// Every runtime prosper supports has TextEncoder; declared here so the runtime needs no DOM or node typings.
declare const TextEncoder: new () => { encodeInto(text: string, into: Uint8Array): { written: number } };

const encoder = /* @__PURE__ */ new TextEncoder();
// Reused across calls: encodeInto into it is several times faster than encode() for short ids.
let bytes = /* @__PURE__ */ new Uint8Array(64);

/** MurmurHash3 (x86, 32-bit) of the UTF-8 bytes of `text`, as an unsigned integer. */
export function murmur3(text: string, seed = 0): number {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit. The shared buffer grows for ids of a
  // sensible size only: an enormous text gets a buffer of its own, not kept after the call.
  const needed = text.length * 3;
  const into =
    needed <= bytes.length ? bytes : needed > 65536 ? new Uint8Array(needed) : (bytes = new Uint8Array(needed));
  const length = encoder.encodeInto(text, into).written;
  let h = seed;
  let k = 0;
  let i = 0;
  // Little-endian 4-byte blocks, gathered a byte at a time; a partial last block is the tail.
  for (; i < length; i++) {
    k |= into[i]! << ((i & 3) << 3);
    if ((i & 3) === 3) {
      h ^= mix(k);
      h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
      k = 0;
    }
  }
  if (i & 3) h ^= mix(k);
  h ^= i;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function mix(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  return Math.imul((k << 15) | (k >>> 17), 0x1b873593);
}

/** A number in [0, 1) from the hash of `salt:unitId`, the same in every process and language. */
export function unitFraction(salt: string, unitId: string): number {
  return murmur3(salt + ":" + unitId) / 4294967296;
}
