/**
 * Names and unit ids as PostgreSQL `text` can hold them. The runtime accepts any JavaScript string,
 * but `text` cannot hold NUL, and a lone surrogate has no UTF-8 form (the client would send U+FFFD,
 * so that two different ids met in one row). Such a string is stored escaped: the marker U+0001,
 * then each UTF-16 code unit as 4 hex digits. Every other string, the usual case, is stored as it is;
 * one that holds the marker itself is escaped too, so that the mapping stays one-to-one.
 */

const MARKER = "\u0001";

const NEEDS_ESCAPE = /[\0\u0001]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `text` as it is stored. */
export function encodeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  let escaped = MARKER;
  for (let index = 0; index < text.length; index++) escaped += text.charCodeAt(index).toString(16).padStart(4, "0");
  return escaped;
}

/** The string `stored` stands for. */
export function decodeText(stored: string): string {
  if (!stored.startsWith(MARKER)) return stored;
  let text = "";
  for (let index = 1; index < stored.length; index += 4)
    text += String.fromCharCode(parseInt(stored.slice(index, index + 4), 16));
  return text;
}
