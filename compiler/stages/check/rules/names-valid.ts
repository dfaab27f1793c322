import type { DocumentPath, JsonValue } from "prosper-runtime";
import type { DefinitionSource } from "../../../model/definitions.js";
import { comparisonsOf } from "../../../model/walk.js";
import type { Finding, Rule } from "../rule.js";

// Definition names become file names and keys in generated code: keep them portable and short.
const definitionName = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const maxLength = 100;
// Names every JavaScript object already has: code that looks one up in a plain object finds the
// built-in (`{}["constructor"]`), and `__proto__` in an object literal sets the prototype instead.
const builtInNames = new Set(Object.getOwnPropertyNames(Object.prototype));
// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u001f\u007f]/;

/** What is wrong with a variant, symbol, bucket or context key name, if anything. */
function nameProblem(name: string): string | undefined {
  if (name.trim() === "") return "is empty";
  if (name.length > maxLength) return `is ${name.length} characters long; keep names to ${maxLength}`;
  if (builtInNames.has(name))
    return "is a name every JavaScript object already has (Object.prototype's), so looking it up could find the built-in instead";
  if (controlCharacter.test(name)) return "contains a control character";
  return undefined;
}

const shown = (name: string) => JSON.stringify(name.length > 40 ? `${name.slice(0, 40)}…` : name);

/** Whether a key looks like an array index, which JavaScript orders before every other key. */
const isArrayIndex = (key: string) => /^(0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;

/** Every `__proto__` key inside a JSON value, by path: merging such a value into an object changes its prototype. */
function* protoKeys(value: JsonValue, path: DocumentPath): Generator<DocumentPath> {
  if (typeof value !== "object" || value === null) return;
  for (const [key, inner] of Object.entries(value)) {
    const at = [...path, Array.isArray(value) ? Number(key) : key];
    if (key === "__proto__") yield at;
    yield* protoKeys(inner as JsonValue, at);
  }
}

export const namesValid: Rule = {
  code: "PRS200",
  name: "names-valid",
  severity: "error",
  description:
    "Definition names are 1–100 letters, digits, `_ . -`; variant, symbol, bucket, context key and custom algorithm names are non-empty, at most 100 characters, not a built-in name such as `__proto__` or `constructor`; variant names are not integers.",
  check({ experiments, features }, report) {
    const problem = (source: DefinitionSource, finding: Omit<Finding, "source">) => report({ ...finding, source });
    const valueKeys = (source: DefinitionSource, value: JsonValue, path: DocumentPath) => {
      for (const at of protoKeys(value, path))
        problem(source, {
          message: `a "__proto__" key in a value: code that merges the value into an object would change that object's prototype`,
          span: source.keyAt(at),
        });
    };
    for (const { document, source } of [...experiments, ...features]) {
      const { name } = document;
      if (!definitionName.test(name) || name.length > maxLength) {
        problem(source, {
          message: `${document.kind} name ${shown(name)} is not valid: use 1 to ${maxLength} letters, digits, "_", "." and "-", starting with a letter or digit (it becomes a file name)`,
          span: source.at(["name"]),
        });
      } else if (builtInNames.has(name)) {
        problem(source, {
          message: `${document.kind} name ${shown(name)} ${nameProblem(name)}`,
          span: source.at(["name"]),
        });
      }
    }
    for (const { document, source } of experiments) {
      const { algorithm } = document;
      if (algorithm.kind === "custom") {
        // The application registers it under this name, as a key of a plain object.
        const algorithmProblem = nameProblem(algorithm.name);
        if (algorithmProblem)
          problem(source, {
            message: `custom algorithm name ${shown(algorithm.name)} of "${document.name}" ${algorithmProblem}`,
            span: source.at(["algorithm", "name"]),
          });
        if (algorithm.parameters !== undefined) valueKeys(source, algorithm.parameters, ["algorithm", "parameters"]);
      }
      for (const [index, variant] of document.variants.entries()) {
        const variantProblem = nameProblem(variant.name);
        if (variantProblem)
          problem(source, {
            message: `variant name ${shown(variant.name)} of "${document.name}" ${variantProblem}`,
            span: source.keyAt(["variants", index]),
          });
        else if (isArrayIndex(variant.name)) {
          problem(source, {
            message: `variant name "${variant.name}" looks like an integer: JavaScript puts such keys first in an object, so the variants' order (and which one is the control) would not be the order written`,
            span: source.keyAt(["variants", index]),
          });
        }
        for (const [symbol, value] of Object.entries(variant.symbols)) {
          const symbolProblem = nameProblem(symbol);
          if (symbolProblem)
            problem(source, {
              message: `symbol name ${shown(symbol)} in variant "${variant.name}" ${symbolProblem}`,
              span: source.keyAt(["variants", index, "symbols", symbol]),
            });
          valueKeys(source, value as JsonValue, ["variants", index, "symbols", symbol]);
        }
      }
    }
    for (const { document, source, origin } of features) {
      for (const [index, bucket] of document.buckets.entries()) {
        // PyOF writes a bucket without a name as "" (its own example does): a file from PyOF keeps it.
        const bucketProblem = origin === "pyof" && bucket.name === "" ? undefined : nameProblem(bucket.name);
        if (bucketProblem)
          problem(source, {
            message: `bucket name ${shown(bucket.name)} of "${document.name}" ${bucketProblem}`,
            span: source.at(["buckets", index, "name"]),
          });
        valueKeys(source, bucket.value, ["buckets", index, "value"]);
      }
      valueKeys(source, document.default, ["default"]);
      for (const { node, path } of comparisonsOf(document)) {
        if (node.attribute.kind !== "context") continue;
        const keyProblem = nameProblem(node.attribute.key);
        if (keyProblem)
          problem(source, {
            message: `context key ${shown(node.attribute.key)} ${keyProblem}`,
            span: source.at([...path, "attribute", "key"]),
          });
      }
    }
  },
};
