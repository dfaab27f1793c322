/**
 * Words for values from outside (documents, contexts, store answers, thrown errors), for messages.
 * None of these throws, whatever the value: a Proxy or a poisoned `toString` included.
 */

/** A string as JSON writes it, cut short: a message should not carry a megabyte. */
export const quote = (text: string): string => JSON.stringify(text.length > 40 ? text.slice(0, 40) + "…" : text);

/** What `value` is, as a message's "got ...": `the string "10"`, `the number 5`, `null`, `an array`. */
export function describe(value: unknown): string {
  const type = typeof value;
  try {
    return type === "string"
      ? "the string " + quote(value as string)
      : type === "number" || type === "boolean"
        ? (type === "number" ? "the number " : "") + value
        : value === undefined
          ? "nothing"
          : value === null
            ? "null"
            : type !== "object"
              ? "a " + type
              : Array.isArray(value)
                ? "an array"
                : "an object";
  } catch {
    // A revoked Proxy throws even on Array.isArray.
    return "an object";
  }
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  try {
    return "" + ((error as Error)?.message ?? error);
  } catch {
    return describe(error);
  }
}

/** A name from the application, as a message shows it: quoted when it is a string, else what it is. */
export const show = (name: unknown): string => (typeof name === "string" ? quote(name) : describe(name));
