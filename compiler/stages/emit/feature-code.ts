import {
  readFeature,
  type AttributeJson,
  type ClassifierJson,
  type FeatureJson,
  type JsonValue,
  type Scalar,
} from "prosper-runtime";
import { indented } from "./code-text.js";
import { propertyKey } from "./type-text.js";

/**
 * Feature documents as straight-line code for the generated module, evaluated by
 * `prosper-runtime/features`: no eval, no `new Function`, so strict CSP and edge runtimes work.
 *
 * Each feature becomes a factory `(k) => evaluator`, run on the feature's first evaluation. The
 * factory reads the process facts once (hostname, runtime version, runtime, the session random)
 * and decides every comparison over them then: a hostname regex is tested once per process. The
 * evaluator reads the context, hashes the unit at most once per salt, and gives the bucket's
 * frozen result. A feature that reads no context is evaluated once for "no unit id" too.
 *
 * The semantics are those of the document evaluator (runtime/features/compile-*.ts), to the
 * message: three-valued logic where a comparison on a missing or wrong-typed value is a problem
 * (a string saying why); `all`/`any` are decided by the first false/true, else by the last
 * problem; what the document evaluator folds at load (a comparison over process facts that
 * decides, and every junction it decides), this code folds in the factory, so the context is read
 * exactly where the document evaluator reads it, in the same order.
 *
 * Every string from a document goes into the code as a JSON string literal, and patterns go
 * through `new RegExp(pattern, flags)`: no name, key or pattern can break out of its literal.
 */

/** An outcome decided when the module is generated: from the document alone. */
interface Known {
  readonly kind: "known";
  readonly outcome: boolean | string;
}
/** An outcome decided once per process, in the factory: `ref()` names the constant holding it. */
interface Process {
  readonly kind: "process";
  readonly ref: () => string;
}
/**
 * An outcome per evaluation. `fold()` names the factory constant that is a boolean when the
 * document evaluator would have folded this node at load (undefined: it never folds); `body()`
 * is the statements that set `t` to the outcome when it does not fold.
 */
interface PerEvaluation {
  readonly kind: "evaluation";
  readonly fold: () => string | undefined;
  readonly body: () => string[];
  /** When the outcome is always a boolean (no problem possible): the expression that is it. */
  readonly test?: (() => string) | undefined;
}
type Node = Known | Process | PerEvaluation;

type Comparison = Exclude<ClassifierJson, { kind: "all" | "any" | "not" }>;

/** A JSON string literal: valid JavaScript, whatever the text (U+2028 included, since ES2019). */
const literal = (text: string) => JSON.stringify(text);

function numberText(value: number): string {
  return Object.is(value, -0) ? "-0" : JSON.stringify(value);
}

const scalarText = (value: Scalar) =>
  typeof value === "string" ? literal(value) : typeof value === "number" ? numberText(value) : `${value}`;

/**
 * A JSON value as a JavaScript expression that makes it deep-frozen (results share their values
 * between evaluations). A `__proto__` key is computed, so that it stays an own key.
 */
export function valueText(value: JsonValue): string {
  if (value === null) return "null";
  if (typeof value !== "object") return scalarText(value);
  if (Array.isArray(value)) return `Object.freeze([${value.map(valueText).join(", ")}])`;
  const members = Object.keys(value).map((key) => {
    const inner = valueText((value as Record<string, JsonValue>)[key]!);
    return key === "__proto__" ? `["__proto__"]: ${inner}` : `${literal(key)}: ${inner}`;
  });
  return `Object.freeze({ ${members.join(", ")} })`;
}

/** The type a comparison expects its attribute's value to have, as `typeof` says it. */
function expectedType(json: Comparison): string {
  switch (json.kind) {
    case "eq":
    case "ne":
      return typeof json.value;
    case "oneOf":
      // An empty list (which the compiler rejects) expects "undefined", as the document evaluator does.
      return typeof json.values[0];
    case "regexMatch":
      return "string";
    default:
      return "number";
  }
}

/** What the document evaluator says of a value it cannot compare. */
const problemText = (name: string, value: unknown, type: string) =>
  `${name} is ${value === undefined ? "missing" : `not a ${type}`}`;

/** The same, as code, for a value known only where it runs. */
const problemCode = (name: string, value: string, type: string) =>
  `(${value} === undefined ? ${literal(`${name} is missing`)} : ${literal(`${name} is not a ${type}`)})`;

/** Generates one feature's factory; `helpers` collects what it uses from `prosper-runtime/features`. */
class FeatureWriter {
  /** Statements of the factory that compute process constants, in dependency order. */
  private readonly factory: string[] = [];
  private readonly constants = new Map<string, string>();
  private counter = 0;
  private usesContext = false;
  private usesKit = false;
  /** The variable holding the unit's hash, per salt. */
  private readonly salts = new Map<string, string>();
  private usesValue = false;
  private usesOutcome = false;

  /** `typed`: TypeScript (casts and parameter types); otherwise the same code as JavaScript. */
  constructor(
    private readonly helpers: Set<string>,
    private readonly typed: boolean,
  ) {}

  /** `expression` as `type` in TypeScript; as is in JavaScript (an assignment's right side, so no parentheses needed). */
  private cast(expression: string, type: string): string {
    return this.typed ? `(${expression}) as ${type}` : expression;
  }

  /** A parameter or variable with its type in TypeScript. */
  private typedName(name: string, type: string): string {
    return this.typed ? `${name}: ${type}` : name;
  }

  private name(prefix: string) {
    return `${prefix}${this.counter++}`;
  }

  private helper(name: string) {
    if (this.typed || !name.startsWith("type ")) this.helpers.add(name);
    return name;
  }

  /** A factory constant, declared on first use only (so that no unused one is declared). */
  private constant(prefix: string, expression: () => string, type?: string): () => string {
    let name: string | undefined;
    return () => {
      if (name === undefined) {
        const code = expression();
        // One regex, Set or result per computation: two buckets testing the same hostname
        // pattern share it. Outcomes are not shared: the checker narrows a shared one after the
        // first bucket tests it, and calls the second test unintentional.
        const existing = type ? undefined : this.constants.get(code);
        if (existing !== undefined) return (name = existing);
        name = this.name(prefix);
        if (!type) this.constants.set(code, name);
        // Typed as the outcome it may be, not as the one it is here: the checker would call a
        // comparison with another outcome unintentional.
        if (type) this.helper("type Outcome");
        this.factory.push(`const ${name} = ${type ? this.cast(code, type) : code};`);
      }
      return name;
    };
  }

  /** The statement that sets `t` to `expression`. */
  private outcomeOf(expression: string): string[] {
    this.usesOutcome = true;
    this.helper("type Outcome");
    return [`t = ${this.cast(expression, "Outcome")};`];
  }

  /** A factory constant holding an outcome decided once per process. */
  private outcome(expression: () => string): () => string {
    return this.constant("x", expression, "Outcome");
  }

  /** The code that is true when `value` (of the expected type) matches. */
  private matches(json: Comparison, value: string): string {
    switch (json.kind) {
      case "lt":
        return `${value} < ${numberText(json.value)}`;
      case "lte":
        return `${value} <= ${numberText(json.value)}`;
      case "gt":
        return `${value} > ${numberText(json.value)}`;
      case "gte":
        return `${value} >= ${numberText(json.value)}`;
      case "eq":
        return `${value} === ${scalarText(json.value)}`;
      case "ne":
        return `${value} !== ${scalarText(json.value)}`;
      case "oneOf": {
        // Only listed values of the expected type can be equal to the value. Documents hold finite
        // numbers only, so === is the Set's SameValueZero here: no NaN, and -0 equals 0 in both.
        const type = expectedType(json);
        const listed = [...new Set(json.values.filter((listedValue) => typeof listedValue === type))];
        if (!listed.length) return "false";
        if (listed.length <= 8) return `(${listed.map((item) => `${value} === ${scalarText(item)}`).join(" || ")})`;
        const set = this.constant("x", () => `new Set([${listed.map(scalarText).join(", ")}])`)();
        return `${set}.has(${value})`;
      }
      case "regexMatch": {
        const regex = this.constant("x", () => `new RegExp(${literal(json.pattern)}, ${literal(json.flags ?? "")})`)();
        // search(), as the document evaluator: it ignores lastIndex.
        return `${value}.search(${regex}) >= 0`;
      }
    }
  }

  private comparison(json: Comparison): Node {
    const attribute: AttributeJson = json.attribute;
    const type = expectedType(json);
    switch (attribute.kind) {
      case "static": {
        const value = attribute.value;
        if (typeof value !== type) return { kind: "known", outcome: problemText("static", value, type) };
        if (json.kind === "regexMatch")
          return { kind: "process", ref: this.outcome(() => this.matches(json, scalarText(value))) };
        return { kind: "known", outcome: staticMatch(json, value) };
      }
      case "hostname":
      case "runtimeVersion": {
        const read = `k.${attribute.kind}`;
        const name = attribute.kind;
        // Both are strings or undefined (the options accept strings only): of any other type,
        // they never compare.
        const code = () =>
          type === "string"
            ? `${read} === undefined ? ${literal(`${name} is missing`)} : ${this.matches(json, read)}`
            : type === "undefined"
              ? `${read} === undefined ? false : ${literal(problemText(name, "", "undefined"))}`
              : problemCode(name, read, type);
        const ref = this.outcome(() => {
          this.usesKit = true;
          return code();
        });
        return { kind: "process", ref };
      }
      case "sessionRandom": {
        // Always a number: the process's in [0, 1), or the unit's hash.
        if (type !== "number") return { kind: "known", outcome: problemText("sessionRandom", 0, type) };
        const salt = attribute.salt ?? "sessionRandom";
        const hashed = () => {
          let hash = this.salts.get(salt);
          if (hash === undefined) this.salts.set(salt, (hash = `s${this.salts.size}`));
          this.helper("unitFraction");
          // The unit's hash, computed at most once per evaluation and salt.
          return `(${hash} ?? (${hash} = u === undefined ? r : unitFraction(${literal(salt)}, u)))`;
        };
        if (json.kind === "oneOf")
          return {
            kind: "evaluation",
            fold: () => undefined,
            body: () => {
              const hash = hashed();
              this.usesOutcome = true;
              this.helper("type Outcome");
              return [`${hash};`, `t = ${this.cast(this.matches(json, this.salts.get(salt)!), "Outcome")};`];
            },
          };
        const test = () => `(${this.matches(json, hashed())})`;
        return {
          kind: "evaluation",
          fold: () => undefined,
          test,
          body: () => {
            this.usesOutcome = true;
            this.helper("type Outcome");
            return [`t = ${this.cast(test(), "Outcome")};`];
          },
        };
      }
      case "context": {
        const key = literal(attribute.key);
        return {
          kind: "evaluation",
          fold: () => undefined,
          body: () => {
            this.usesContext = this.usesValue = this.usesOutcome = true;
            this.helper("type Outcome");
            return [
              `v = c[${key}];`,
              `t = ${this.cast(`typeof v === ${literal(type)} ? ${this.matches(json, "v")} : ${problemCode(attribute.key, "v", type)}`, "Outcome")};`,
            ];
          },
        };
      }
    }
  }

  /** `all` (decisive false) or `any` (decisive true), folded as the document evaluator folds them. */
  private junction(decisive: boolean, of: readonly ClassifierJson[]): Node {
    const members = of.map((inner) => this.node(inner));
    if (members.some((member) => member.kind === "known" && member.outcome === decisive))
      return { kind: "known", outcome: decisive };
    const live = members.filter((member) => !(member.kind === "known" && member.outcome === !decisive));
    if (!live.length) return { kind: "known", outcome: !decisive };
    if (live.every((member) => member.kind === "known"))
      return { kind: "known", outcome: (live.at(-1) as Known).outcome };
    if (live.every((member) => member.kind !== "evaluation"))
      return {
        kind: "process",
        ref: this.outcome(() => settled(decisive, live as (Known | Process)[])),
      };
    const fold = once(() => {
      const folds = live.map((member) =>
        member.kind === "known" ? undefined : member.kind === "process" ? member.ref() : member.fold(),
      );
      const refs = folds.filter((name): name is string => name !== undefined);
      if (!refs.length) return undefined;
      return this.constant("k", () => folded(decisive, refs, refs.length < folds.length), "Outcome | undefined")();
    });
    const dynamic = live.filter((member): member is PerEvaluation => member.kind === "evaluation");
    const others = live.filter((member): member is Known | Process => member.kind !== "evaluation");
    if (dynamic.every((member) => member.test)) {
      // Every per-evaluation member is a boolean test: what else there is, is a problem or the
      // other boolean, the same at each evaluation (one that decides folds the junction).
      const test = () => `(${dynamic.map((member) => member.test!()).join(decisive ? " || " : " && ")})`;
      if (!others.length) return { kind: "evaluation", fold, test, body: () => this.outcomeOf(test()) };
      const otherwise = () =>
        others.every((member) => member.kind === "known")
          ? literal((others.at(-1) as Known).outcome as string)
          : this.outcome(() => settled(decisive, others))();
      return {
        kind: "evaluation",
        fold,
        body: () =>
          this.outcomeOf(decisive ? `${test()} ? true : ${otherwise()}` : `${test()} ? ${otherwise()} : false`),
      };
    }
    const body = () => {
      this.usesOutcome = true;
      this.helper("type Outcome");
      const label = this.name("j");
      const lines = [`${label}: {`, `let ${this.typedName("p", "Outcome")} = ${!decisive};`];
      for (const member of live) {
        if (member.kind === "known") lines.push(`p = ${literal(member.outcome as string)};`);
        else if (member.kind === "process") {
          const ref = member.ref();
          lines.push(`if (typeof ${ref} === "string") p = ${ref};`);
        } else if (member.test) {
          // A boolean test: it decides, or does nothing.
          const folded = member.fold();
          const decides = `if (${decisive ? "" : "!"}${member.test()}) { t = ${decisive}; break ${label}; }`;
          lines.push(folded === undefined ? decides : `if (typeof ${folded} !== "boolean") ${decides}`);
        } else {
          const inner = [...member.body(), `if (t === ${decisive}) break ${label};`, `if (t !== ${!decisive}) p = t;`];
          const folded = member.fold();
          lines.push(...(folded === undefined ? inner : [`if (typeof ${folded} !== "boolean") {`, ...inner, `}`]));
        }
      }
      lines.push(`t = ${this.typed ? "p as Outcome" : "p"};`, `}`);
      return lines;
    };
    return { kind: "evaluation", fold, body };
  }

  private negation(of: ClassifierJson): Node {
    const inner = this.node(of);
    if (inner.kind === "known")
      return { kind: "known", outcome: typeof inner.outcome === "boolean" ? !inner.outcome : inner.outcome };
    if (inner.kind === "process") {
      const ref = inner.ref;
      return { kind: "process", ref: this.outcome(() => `typeof ${ref()} === "boolean" ? !${ref()} : ${ref()}`) };
    }
    return {
      kind: "evaluation",
      fold: once(() => {
        const folded = inner.fold();
        return folded === undefined
          ? undefined
          : this.constant(
              "k",
              () => `typeof ${folded} === "boolean" ? !${folded} : undefined`,
              "Outcome | undefined",
            )();
      }),
      body: () =>
        inner.test ? this.outcomeOf(`!(${inner.test()})`) : [...inner.body(), `if (typeof t === "boolean") t = !t;`],
      test: inner.test && (() => `!(${inner.test!()})`),
    };
  }

  node(json: ClassifierJson): Node {
    switch (json.kind) {
      case "all":
        return this.junction(false, json.of);
      case "any":
        return this.junction(true, json.of);
      case "not":
        return this.negation(json.of);
      default:
        return this.comparison(json);
    }
  }

  /** The factory of a feature the runtime reader accepted. */
  feature(json: FeatureJson): string {
    const prelude = [`const d = defaultOf(${valueText(json.default)});`];
    if (json.runtimes) {
      prelude.push(
        `if (!${this.typed ? `(${JSON.stringify(json.runtimes)} as string[])` : JSON.stringify(json.runtimes)}.includes(k.runtime)) return ${this.helper("note")}(d, ${literal(`runs on ${json.runtimes}, not `)} + k.runtime, "DISABLED");`,
      );
    }
    const evaluation: string[] = [];
    let messages = false;
    const message = (text: string) => {
      messages = true;
      return `m = (m ? m + "; " : "") + ${text};`;
    };
    for (const bucket of json.buckets) {
      const node = this.node(bucket.classifier);
      if (node.kind === "known" && node.outcome === false) continue;
      const split = readsSessionRandom(bucket.classifier);
      const resultName = this.constant(
        "b",
        () =>
          `${this.helper("result")}(${valueText(bucket.value)}, ${literal(bucket.name)}, ${split ? `"SPLIT"` : `"TARGETING_MATCH"`})`,
      );
      const matched = () =>
        messages ? `return ${this.helper("note")}(${resultName()}, m);` : `return ${resultName()};`;
      const prefix = literal(`bucket "${bucket.name}": `);
      if (node.kind === "known") {
        if (node.outcome === true) {
          evaluation.push(matched());
          break;
        }
        evaluation.push(message(literal(`bucket "${bucket.name}": ${node.outcome}`)));
      } else if (node.kind === "process") {
        const ref = node.ref();
        evaluation.push(`if (${ref} === true) ${matched()}`);
        evaluation.push(`if (typeof ${ref} === "string") ${message(`${prefix} + ${ref}`)}`);
      } else {
        const folded = node.fold();
        if (folded !== undefined)
          evaluation.push(`if (${folded} === true) ${matched()}`, `if (typeof ${folded} !== "boolean") {`);
        if (node.test) evaluation.push(`if (${node.test()}) ${matched()}`);
        else {
          evaluation.push(...node.body(), `if (t === true) ${matched()}`);
          evaluation.push(`if (t !== false) ${message(`${prefix} + t`)}`);
        }
        if (folded !== undefined) evaluation.push(`}`);
      }
    }
    // The default, unless a bucket always matched.
    const servesDefault = !/^return /.test(evaluation.at(-1) ?? "");
    if (servesDefault) evaluation.push(messages ? `return ${this.helper("note")}(d, m);` : `return d;`);
    const salts = [...this.salts.values()];
    const variables = [
      ...(messages ? [this.typedName("m", "string | undefined")] : []),
      ...(this.usesOutcome ? [this.typedName("t", "Outcome")] : []),
      // unknown: a key named like an Object.prototype member ("toString") types as a function.
      ...(this.usesValue ? [this.typedName("v", "unknown")] : []),
      ...salts.map((hash) => this.typedName(hash, "number | undefined")),
    ];
    const declarations = variables.length ? [`let ${variables.join(", ")};`] : [];
    const body = [...declarations, ...evaluation];
    // The default is made first, whether or not the evaluator serves it: a failure later serves it.
    if (!json.runtimes && !servesDefault) prelude[0] = `defaultOf(${valueText(json.default)});`;
    const lines = [...prelude, ...this.factory];
    if (salts.length) lines.push(`const r = k.sessionRandom;`);
    // Parameters typed here, not by context: a feature named "toString" would take Object's.
    this.helper("type FeatureKit");
    if (this.usesContext) {
      this.helper("type EvaluationContext");
      const unit = this.typedName(salts.length ? "u" : "_u", "string | undefined");
      lines.push(`return (${this.typedName("c", "EvaluationContext")}, ${unit}) => {`, ...body, `};`);
    } else {
      // Nothing read from the context: evaluated once now for "no unit id", which is then served as is.
      this.helper("type FeatureEvaluation");
      lines.push(
        `const f = (${salts.length ? this.typedName("u", "string | undefined") : ""})${this.typed ? ": FeatureEvaluation" : ""} => {`,
        ...body,
        `};`,
        `const n = f(${salts.length ? "undefined" : ""});`,
        salts.length
          ? `return (${this.typedName("_c", "unknown")}, ${this.typedName("u", "string | undefined")}) => (u === undefined ? n : f(u));`
          : `return () => n;`,
      );
    }
    this.helper("type DefaultOf");
    const kit = this.usesKit || salts.length || json.runtimes ? "k" : "_k";
    return `(${this.typedName(kit, "FeatureKit")}, ${this.typedName("defaultOf", "DefaultOf")}) => {\n${lines.join("\n")}\n}`;
  }
}

/**
 * Three-valued `all`/`any` over outcomes known in the factory, as code: `decisive` if one is,
 * else the last that is not a boolean (a problem), else the other boolean.
 */
function settled(decisive: boolean, members: readonly (Known | Process)[]): string {
  const refs = members.flatMap((member) => (member.kind === "process" ? [member.ref()] : []));
  let code = `${!decisive}`;
  for (const member of members) {
    if (member.kind === "known") code = literal(member.outcome as string);
    else code = `typeof ${member.ref()} !== "boolean" ? ${member.ref()} : ${code}`;
  }
  return `${refs.map((ref) => `${ref} === ${decisive}`).join(" || ")} ? ${decisive} : ${code}`;
}

/**
 * Whether a junction folds, as code: `decisive` when a member folded to it, the other boolean when
 * every member folded to that, else undefined (evaluated each time). `never` says that a member
 * never folds.
 */
function folded(decisive: boolean, refs: readonly string[], never: boolean): string {
  const rest = never
    ? "undefined"
    : `${refs.map((ref) => `typeof ${ref} === "boolean"`).join(" && ")} ? ${!decisive} : undefined`;
  return `${refs.map((ref) => `${ref} === ${decisive}`).join(" || ")} ? ${decisive} : ${rest}`;
}

function staticMatch(json: Comparison, value: Scalar): boolean {
  switch (json.kind) {
    case "lt":
      return (value as number) < json.value;
    case "lte":
      return (value as number) <= json.value;
    case "gt":
      return (value as number) > json.value;
    case "gte":
      return (value as number) >= json.value;
    case "eq":
      return value === json.value;
    case "ne":
      return value !== json.value;
    case "oneOf":
      return new Set<unknown>(json.values).has(value);
    case "regexMatch":
      throw new Error("a pattern is tested where it runs");
  }
}

function readsSessionRandom(json: ClassifierJson): boolean {
  switch (json.kind) {
    case "all":
    case "any":
      return json.of.some(readsSessionRandom);
    case "not":
      return readsSessionRandom(json.of);
    default:
      return json.attribute.kind === "sessionRandom";
  }
}

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** The text of a document problem, as the runtime's reader words the first one. */
function problemOf(problems: readonly { path: readonly (string | number)[]; message: string }[]): string {
  const [first, ...more] = problems;
  const path = first!.path.map((step) => (typeof step === "number" ? `[${step}]` : "." + step)).join("");
  return (path && path.slice(1) + ": ") + first!.message + (more.length ? ` (and ${more.length} more)` : "");
}

/** Gives the piece `part` of `document` that `make` makes, or the one made before for the same document. */
export type Memo = <T>(document: object, part: string, make: () => T) => T;

export interface FeatureCode {
  /** The object literal of factories by feature name, for `generatedFeatures` of `prosper-runtime/features`. */
  readonly table: string;
  /** What the factories use from `prosper-runtime/features`, to import: `result`, `type Outcome`, ... */
  readonly helpers: readonly string[];
}

/** One feature's member of the table, as written (indented), and what it uses. */
export interface FeaturePiece {
  readonly name: string;
  readonly member: string;
  readonly helpers: readonly string[];
}

/**
 * One document's factory, or null when the document has no readable name. The document goes
 * through the runtime's reader first: the compiler passes only documents it read, but a document
 * the reader refuses still comes out as code that serves its default with reason ERROR (as the
 * document evaluator does), never as code built from unchecked parts.
 */
function featurePiece(document: unknown, typed: boolean): FeaturePiece | null {
  const helpers = new Set<string>();
  const member = (name: string, factory: string): FeaturePiece => ({
    name,
    member: indented(`${name === "__proto__" ? `["__proto__"]` : propertyKey(name)}: ${factory},`, 1),
    helpers: [...helpers],
  });
  const read = readFeature(document);
  if (read.ok) return member(read.document.name, new FeatureWriter(helpers, typed).feature(read.document));
  try {
    const name = (document as { name?: unknown } | null)?.name;
    if (typeof name !== "string" || name === "") return null;
    // The default, when that part is valid, as the document evaluator serves it.
    const fallback = readFeature({
      formatVersion: 1,
      kind: "feature",
      name,
      buckets: [],
      default: (document as { default?: unknown }).default,
    });
    const defaultText = fallback.ok ? valueText(fallback.document.default) : typed ? "undefined as never" : "undefined";
    helpers.add("note");
    if (typed) helpers.add("type FeatureKit").add("type DefaultOf");
    const parameters = typed ? "_k: FeatureKit, defaultOf: DefaultOf" : "_k, defaultOf";
    return member(
      name,
      `(${parameters}) => note(defaultOf(${defaultText}), ${literal(problemOf(read.problems))}, "ERROR")`,
    );
  } catch {
    // A document whose name or default cannot even be read has no entry: its name is unknown.
    return null;
  }
}

/**
 * The factories of `documents`, by name (a later document of the same name replaces an earlier
 * one), as TypeScript when `typed`, else as JavaScript. `memo` keeps each document's piece: a
 * watch's (see DocumentMemo) gives back those of documents that did not change.
 */
export function featureCode(documents: readonly unknown[], typed = true, memo?: Memo): FeatureCode {
  const helpers = new Set<string>();
  const entries = new Map<string, string>();
  for (const document of documents) {
    const make = () => featurePiece(document, typed);
    const piece =
      memo && typeof document === "object" && document !== null
        ? memo(document, typed ? "feature-ts" : "feature-js", make)
        : make();
    if (piece === null) continue;
    entries.set(piece.name, piece.member);
    for (const helper of piece.helpers) helpers.add(helper);
  }
  return {
    table: `{\n${[...entries.values()].join("\n")}\n}`,
    helpers: [...helpers].sort((a, b) => (a.replace("type ", "") < b.replace("type ", "") ? -1 : 1)),
  };
}
