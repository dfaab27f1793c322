const encoder = /* @__PURE__ */ new TextEncoder();

/** MurmurHash3 (x86, 32-bit) of the UTF-8 bytes of `text`, as an unsigned integer. */
export function murmur3(text: string, seed = 0): number {
  const bytes = encoder.encode(text);
  const length = bytes.length;
  const tail = length & ~3;
  let h = seed >>> 0;
  let k: number;
  for (let i = 0; i < tail; i += 4) {
    k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h ^= mixK(k);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
  }
  k = 0;
  switch (length & 3) {
    case 3:
      k ^= bytes[tail + 2]! << 16;
    // falls through
    case 2:
      k ^= bytes[tail + 1]! << 8;
    // falls through
    case 1:
      h ^= mixK(k ^ bytes[tail]!);
  }
  h ^= length;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function mixK(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  return Math.imul((k << 15) | (k >>> 17), 0x1b873593);
}

/** A number in [0, 1) from the hash of `salt:unitId`, the same in every process and language. */
export function unitFraction(salt: string, unitId: string): number {
  return murmur3(salt + ":" + unitId) / 4294967296;
}
