import type { AttributeJson, ContextValueType, Scalar } from "prosper-runtime";
import {
  eq,
  gt,
  gte,
  lt,
  lte,
  ne,
  oneOf,
  regexMatch,
  type Attribute,
  type BooleanAttribute,
  type NumberAttribute,
  type StringAttribute,
} from "./classifiers.js";

function base<T extends Scalar>(json: AttributeJson): Attribute<T> {
  const self: Attribute<T> = {
    json,
    eq: (value) => eq(self, value),
    ne: (value) => ne(self, value),
    oneOf: (values) => oneOf(self, values),
    toJSON: () => json,
  };
  return self;
}

function numberAttribute(json: AttributeJson): NumberAttribute {
  const self: NumberAttribute = {
    ...base<number>(json),
    lt: (value) => lt(self, value),
    lte: (value) => lte(self, value),
    gt: (value) => gt(self, value),
    gte: (value) => gte(self, value),
  };
  return self;
}

function stringAttribute(json: AttributeJson): StringAttribute {
  const self: StringAttribute = {
    ...base<string>(json),
    matches: (pattern, flags) => regexMatch(self, pattern, flags),
  };
  return self;
}

/**
 * A number in [0, 1) for the session: hashed from the context's `unitId` when there is one
 * (so a user gets the same number everywhere), else drawn once per process, as PyOF does.
 * A `salt` gives a number independent of other features' draws.
 */
export function sessionRandom(salt?: string): NumberAttribute {
  return numberAttribute(salt === undefined ? { kind: "sessionRandom" } : { kind: "sessionRandom", salt });
}

/** The machine's hostname on servers, the page's hostname in browsers. */
export function hostname(): StringAttribute {
  return stringAttribute({ kind: "hostname" });
}

/** The JavaScript runtime's version, e.g. "20.20.2" on node. */
export function runtimeVersion(): StringAttribute {
  return stringAttribute({ kind: "runtimeVersion" });
}

export function staticNumber(value: number): NumberAttribute {
  return numberAttribute({ kind: "static", value });
}

export function staticString(value: string): StringAttribute {
  return stringAttribute({ kind: "static", value });
}

const context = (key: string, type: ContextValueType): AttributeJson => ({ kind: "context", key, type });

/** A string the application passes in the evaluation context, e.g. `contextString("country")`. */
export function contextString(key: string): StringAttribute {
  return stringAttribute(context(key, "string"));
}

export function contextNumber(key: string): NumberAttribute {
  return numberAttribute(context(key, "number"));
}

export function contextBoolean(key: string): BooleanAttribute {
  return base<boolean>(context(key, "boolean"));
}
