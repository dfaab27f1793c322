import type { AttributeJson, ClassifierJson, EqualityKind, OrderingKind, Scalar } from "prosper-runtime";

/** A condition over attributes; a bucket whose classifier matches serves its value. */
export interface Classifier {
  readonly json: ClassifierJson;
  /** Matches when this and every other classifier match. */
  and(...others: readonly Classifier[]): Classifier;
  /** Matches when this or any other classifier matches. */
  or(...others: readonly Classifier[]): Classifier;
  /** Matches when this does not. */
  not(): Classifier;
  toJSON(): ClassifierJson;
}

type RegexFlag = "i" | "m" | "s" | "u";

/**
 * The flags a pattern may carry, each at most once, in any order; `g` and `y` are left out
 * because they make matching stateful.
 */
export type RegexFlags<Left extends RegexFlag = RegexFlag> =
  "" | { [F in Left]: `${F}${RegexFlags<Exclude<Left, F>>}` }[Left];

export function classifier(json: ClassifierJson): Classifier {
  const self: Classifier = {
    json,
    and: (...others) => all(self, ...others),
    or: (...others) => any(self, ...others),
    not: () => not(self),
    toJSON: () => json,
  };
  return self;
}

/** A value a classifier can look at. `T` is the type of value it yields. */
export interface Attribute<T extends Scalar> {
  readonly json: AttributeJson;
  /** Never set: it only carries `T` for inference. */
  readonly valueType?: T;
  eq(value: T): Classifier;
  ne(value: T): Classifier;
  oneOf(values: readonly T[]): Classifier;
  toJSON(): AttributeJson;
}

export interface NumberAttribute extends Attribute<number> {
  lt(value: number): Classifier;
  lte(value: number): Classifier;
  gt(value: number): Classifier;
  gte(value: number): Classifier;
}

export interface StringAttribute extends Attribute<string> {
  /** A JavaScript RegExp search: unanchored unless the pattern says `^` or `$`. */
  matches(pattern: string, flags?: RegexFlags): Classifier;
}

export type BooleanAttribute = Attribute<boolean>;

const ordering = (kind: OrderingKind) => (attribute: NumberAttribute, value: number) =>
  classifier({ kind, attribute: attribute?.json, value });

const equality =
  (kind: EqualityKind) =>
  <T extends Scalar>(attribute: Attribute<T>, value: NoInfer<T>) =>
    classifier({ kind, attribute: attribute?.json, value });

export const lt = ordering("lt");
export const lte = ordering("lte");
export const gt = ordering("gt");
export const gte = ordering("gte");
export const eq = equality("eq");
/** Not equal (PyOF's `!=` mapped to equality by mistake; this one does not). */
export const ne = equality("ne");

export function oneOf<T extends Scalar>(attribute: Attribute<T>, values: readonly NoInfer<T>[]) {
  return classifier({ kind: "oneOf", attribute: attribute?.json, values });
}

/** A JavaScript RegExp search over a string attribute, e.g. `regexMatch(hostname(), "^len.+")`. */
export function regexMatch(attribute: StringAttribute, pattern: string, flags?: RegexFlags) {
  return classifier(
    flags
      ? { kind: "regexMatch", attribute: attribute?.json, pattern, flags }
      : { kind: "regexMatch", attribute: attribute?.json, pattern },
  );
}

/**
 * The members of a junction, with members of the same kind spliced in: `a.or(b).or(c)` is one
 * `any` of three, not `any` nested in `any`, so a long chain stays flat (and within the depth a
 * document may have). Both are the same condition.
 */
const members = (kind: "all" | "any", classifiers: readonly Classifier[]): ClassifierJson[] =>
  classifiers.flatMap((c) => (c?.json?.kind === kind ? c.json.of : [c?.json]));

/** Matches when every classifier matches; `all()` with none always matches. */
export function all(...classifiers: readonly Classifier[]): Classifier {
  return classifier({ kind: "all", of: members("all", classifiers) });
}

/** Matches when at least one classifier matches; `any()` with none never matches. */
export function any(...classifiers: readonly Classifier[]): Classifier {
  return classifier({ kind: "any", of: members("any", classifiers) });
}

export function not(inner: Classifier): Classifier {
  return classifier({ kind: "not", of: inner?.json });
}
