/**
 * How the compiler learns which definitions a file built. The compiler runs the definition files
 * and installs a listener under this global key; in an application nothing listens, and building
 * a definition costs nothing extra. A global key, not a module variable, so that a second copy of
 * prosper in node_modules still reports to the compiler that runs.
 */
export const definitionListenerKey: unique symbol = Symbol.for("prosper.define.definition-built") as never;

export type DefinitionKind = "experiment" | "feature";
export type DefinitionListener = (document: object, kind: DefinitionKind) => void;

/** Tells the listening compiler, if any, that `document` was built here; returns it. */
export function built<T extends object>(document: T, kind: DefinitionKind): T {
  const listener = (globalThis as { [definitionListenerKey]?: unknown })[definitionListenerKey];
  if (typeof listener === "function") (listener as DefinitionListener)(document, kind);
  return document;
}
