import fc from "fast-check";
import * as prettier from "prettier";
import { describe, expect, test } from "vitest";
import type { JsonValue } from "prosper-runtime";
import { formattedJson, jsonLayout, jsonText } from "../../compiler/stages/emit/json-text.js";

/**
 * The compiler writes JSON with its own printer instead of prettier (a thousand prettier calls
 * cost more than the type check): its bytes must be prettier's, for any value and any layout a
 * project's prettier config can ask for, or `prettier --check .` would flag generated/.
 */

const key = fc.oneof(
  fc.constantFrom("kind", "name", "value", "attribute", "of", "a", "e+1"),
  fc.string({ maxLength: 12 }),
);
const scalar = fc.oneof(
  fc.constantFrom(0, -0, 1, -1, 0.1, 1e21, -1e21, 1.5e-7, 123456789, 2 ** 53),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.string({ maxLength: 30 }),
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<JsonValue> = fc.letrec<{ value: JsonValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 6 }),
    fc.array(fc.oneof(fc.integer({ min: -1000, max: 100000 }), fc.double({ noNaN: true, noDefaultInfinity: true })), {
      maxLength: 40,
    }),
    fc.array(fc.dictionary(key, tie("value"), { maxKeys: 4 }), { maxLength: 4 }),
    fc.dictionary(key, tie("value"), { maxKeys: 6 }),
  ),
})).value;
const config = fc.record(
  {
    printWidth: fc.constantFrom(20, 40, 80, 120),
    tabWidth: fc.constantFrom(2, 4),
    useTabs: fc.boolean(),
    bracketSpacing: fc.boolean(),
    quoteProps: fc.constantFrom("as-needed", "consistent", "preserve"),
    trailingComma: fc.constantFrom("all", "es5", "none"),
    singleQuote: fc.boolean(),
    endOfLine: fc.constantFrom("lf", "crlf"),
  },
  { requiredKeys: [] },
);

describe("formattedJson", () => {
  test("writes what prettier writes, for any value and layout", async () => {
    await fc.assert(
      fc.asyncProperty(value, config, async (json, options) => {
        const layout = jsonLayout(options)!;
        const ours = formattedJson(json, layout);
        const text = jsonText(json);
        const theirs = await prettier.format(text, { ...options, parser: "json" });
        if (ours === undefined) expect(/[^\x20-\x7e]/.test(text)).toBe(true);
        else expect(ours).toBe(theirs);
      }),
      {
        numRuns: 1500,
        // Found by this test: an array that always breaks breaks every object and array around it.
        examples: [
          [
            [
              {
                "": [
                  { "": null, " ": 0 },
                  { "": "", " ": 0 },
                ],
              },
            ],
            {},
          ],
        ],
      },
    );
  });

  test("a generated document, with the repository's prettier config", async () => {
    const document = {
      formatVersion: 1,
      kind: "feature",
      name: "new-checkout",
      buckets: [
        {
          name: "benelux-rollout",
          classifier: {
            kind: "all",
            of: [
              {
                kind: "oneOf",
                attribute: { kind: "context", key: "country", type: "string" },
                values: ["NL", "BE", "LU"],
              },
              { kind: "lt", attribute: { kind: "sessionRandom", salt: "new-checkout" }, value: 0.25 },
            ],
          },
          value: true,
        },
      ],
      default: false,
    } as const;
    for (const options of [{ printWidth: 120 }, {}]) {
      const ours = formattedJson(document as unknown as JsonValue, jsonLayout(options)!);
      expect(ours).toBe(await prettier.format(JSON.stringify(document), { ...options, parser: "json" }));
    }
  });

  test("a config it cannot follow hands the work back to prettier", () => {
    expect(jsonLayout({ plugins: ["prettier-plugin-x"] })).toBeUndefined();
    expect(jsonLayout({ parser: "json5" })).toBeUndefined();
    expect(formattedJson({ name: "café" }, jsonLayout(null)!)).toBeUndefined();
  });
});

describe("jsonText", () => {
  test("reads back as the very value, -0 included, and is JSON.stringify's text when there is no -0", () => {
    const hasNegativeZero = (json: JsonValue): boolean =>
      typeof json === "number"
        ? Object.is(json, -0)
        : typeof json === "object" && json !== null && Object.values(json).some(hasNegativeZero);
    fc.assert(
      fc.property(value, (json) => {
        const text = jsonText(json);
        // Exact: the text is what the watch knows a document by, so 0 and -0 must differ.
        expect(JSON.parse(text)).toEqual(json);
        if (!hasNegativeZero(json)) expect(text).toBe(JSON.stringify(json));
      }),
      { numRuns: 2000, examples: [[{ a: [1, { b: -0 }] }], [[0, -0]], [-0], [{ "": { "-0": 0 } }]] },
    );
    expect(jsonText({ a: -0 })).not.toBe(jsonText({ a: 0 }));
  });
});
