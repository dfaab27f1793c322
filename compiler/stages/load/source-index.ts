import type { DocumentPath } from "prosper-runtime";
import type { CallExpression, Node, SourceFile, ts } from "ts-morph";
import { tsMorph, typescript } from "../../externals.js";
import type { RelatedLocation, Span } from "../../diagnostics/diagnostic.js";
import type { DefinitionSource } from "../../model/definitions.js";

/** A definition as the run stage found it: which export of which file reaches it. */
export interface DefinitionSite {
  /** Absolute path of the file whose export reaches the definition. */
  readonly file: string;
  readonly exportName: string;
  /** Within the export: `[]` for the export itself, `[2]` for an element of an exported array. */
  readonly path: readonly (string | number)[];
  /** Where the `experiment(...)`/`feature(...)` call ran, when known. */
  readonly builtAt?: { readonly file: string; readonly line: number; readonly column: number } | undefined;
}

export interface SourceIndex {
  /** Where a definition and each part of its document are written. */
  locate(site: DefinitionSite, document: unknown): DefinitionSource;
  /**
   * Finds where these definitions are written ahead of `locate`, a few at a time until `enough()`
   * says so: a watch passes the last run's definitions while this run's are still being built.
   */
  prepare(sites: readonly DefinitionSite[], enough: () => boolean): Promise<void>;
  /** The span of the expression that starts at a 1-based line and column of a file (absolute path). */
  pointAt(point: { readonly file: string; readonly line: number; readonly column: number }): Span;
  /**
   * Whether `locate` needs to know where the definition was built: only when its export does
   * not lead to the define call itself (a helper built it, or a loop), to point at that call too.
   */
  needsBuiltAt(site: DefinitionSite): boolean;
}

/**
 * The position index: it pairs each part of a document, by its path, with the source that
 * spells it out. It follows the source only as far as it mirrors the document (object and array
 * literals, the define helpers' calls, consts); past that, a part is placed at the nearest
 * enclosing node that is written out, down to the definition's call or export.
 */
/** ts-morph's type guards (its Node class), loaded with ts-morph. */
const nodeIs = () => tsMorph().Node;

/**
 * Where definitions were found in earlier programs of a watch, by file: kept while the file and
 * every file it depends on (imports, transitively, as the builder program records them) are the
 * very same parsed files, since only those decide where an export leads.
 */
export type AnchorCache = Map<
  string,
  {
    readonly sources: readonly ts.SourceFile[];
    readonly anchors: Map<string, { readonly span: Span; readonly isCall: boolean }>;
  }
>;

/** A watch's cache, and the files each file depends on in the current program. */
export interface AnchorReuse {
  readonly cache: AnchorCache;
  readonly dependencies: (file: ts.SourceFile) => readonly string[];
}

export function sourceIndex(
  program: ts.Program | undefined,
  relativePath: (path: string) => string,
  reuse?: AnchorReuse,
): SourceIndex {
  const typeChecker = program?.getTypeChecker();
  const wrapped = new Map<string, SourceFile | undefined>();
  /** A file of the program as ts-morph nodes; one outside it (reached only at run time) parsed on its own. */
  const sourceFileOf = (file: string): SourceFile | undefined => {
    if (!wrapped.has(file)) {
      let compilerFile = program?.getSourceFile(file);
      if (!compilerFile && typescript().sys.fileExists(file))
        compilerFile = typescript().createSourceFile(
          file,
          typescript().sys.readFile(file) ?? "",
          typescript().ScriptTarget.Latest,
          true,
        );
      wrapped.set(
        file,
        compilerFile &&
          tsMorph().createWrappedNode(compilerFile, {
            sourceFile: compilerFile,
            ...(typeChecker && program?.getSourceFile(file) ? { typeChecker } : {}),
          }),
      );
    }
    return wrapped.get(file);
  };
  const spanOf = (node: Node): Span => ({
    file: relativePath(node.getSourceFile().getFilePath()),
    start: node.getStart(),
    length: node.getWidth(),
  });

  const pointAt: SourceIndex["pointAt"] = ({ file, line, column }) => {
    const sourceFile = sourceFileOf(file);
    if (!sourceFile) return { file: relativePath(file), start: 0, length: 0 };
    const lineStarts = sourceFile.compilerNode.getLineStarts();
    const lineStart = lineStarts[Math.min(line - 1, lineStarts.length - 1)] ?? 0;
    const start = Math.min(lineStart + column - 1, sourceFile.getEnd());
    // The expression that starts there: `new Error("x")` for a throw, `experiment({...})` for a call.
    let node = sourceFile.getDescendantAtPos(start);
    while (node?.getParent() && node.getParent()!.getStart() === start && !nodeIs().isStatement(node.getParent()!))
      node = node.getParent();
    return node && node.getStart() === start ? spanOf(node) : { file: relativePath(file), start, length: 0 };
  };

  const exportsOf = new Map<string, ReadonlyMap<string, Node[]>>();
  const exportedNode = (file: string, exportName: string): Node | undefined => {
    if (!exportsOf.has(file)) exportsOf.set(file, sourceFileOf(file)?.getExportedDeclarations() ?? new Map());
    const declaration = exportsOf.get(file)!.get(exportName)?.[0];
    if (!declaration) return undefined;
    if (nodeIs().isVariableDeclaration(declaration)) return declaration.getInitializer() ?? declaration.getNameNode();
    if (nodeIs().isExportAssignment(declaration)) return declaration.getExpression();
    if (nodeIs().isExpression(declaration)) return declaration;
    return (declaration as { getNameNode?: () => Node }).getNameNode?.() ?? declaration;
  };

  /** The file's entry in the watch's cache, emptied first if the file or one it depends on changed. */
  const checkedFiles = new Set<string>();
  const cacheEntry = (file: string) => {
    if (!reuse || !program) return undefined;
    if (!checkedFiles.has(file)) {
      const compilerFile = program.getSourceFile(file);
      if (!compilerFile) {
        reuse.cache.delete(file);
        checkedFiles.add(file);
        return undefined;
      }
      const sources = [
        compilerFile,
        ...reuse
          .dependencies(compilerFile)
          .map((name) => program.getSourceFile(name))
          .filter((found): found is ts.SourceFile => found !== undefined && found !== compilerFile)
          .sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0)),
      ];
      const known = reuse.cache.get(file);
      const same = known?.sources.length === sources.length && known.sources.every((s, i) => s === sources[i]);
      if (!same) reuse.cache.set(file, { sources, anchors: new Map() });
      // Only once checked: a check that threw leaves the entry unused, and is tried again.
      checkedFiles.add(file);
    }
    return reuse.cache.get(file);
  };

  /** Where an export leads, in this program: the node itself, for the walk to a document's parts. */
  const freshAnchor = (site: DefinitionSite) => {
    const exported = exportedNode(site.file, site.exportName);
    const anchor = exported && follow(exported, site.path);
    const call = anchor && isDefinitionCall(anchor) ? anchor : undefined;
    return { call, span: anchor ? spanOf(anchor) : { file: relativePath(site.file), start: 0, length: 0 } };
  };
  // Where each export leads: the program is the same for every lookup, so the answer is too.
  const anchors = new Map<
    string,
    { readonly span: Span; readonly isCall: boolean; readonly call: () => CallExpression | undefined }
  >();
  const anchorOf = (site: DefinitionSite) => {
    const key = JSON.stringify([site.file, site.exportName, site.path]);
    let found = anchors.get(key);
    if (!found) {
      const entry = cacheEntry(site.file);
      const cached = entry?.anchors.get(key);
      if (cached) {
        // The call's node, for the walk to a part of the document, only when a diagnostic asks.
        let call: CallExpression | undefined | null = null;
        found = { ...cached, call: () => (call === null ? (call = freshAnchor(site).call) : call) };
      } else {
        const { call, span } = freshAnchor(site);
        found = { span, isCall: call !== undefined, call: () => call };
        entry?.anchors.set(key, { span, isCall: found.isCall });
      }
      anchors.set(key, found);
    }
    return found;
  };

  const prepare: SourceIndex["prepare"] = async (sites, enough) => {
    for (let next = 0; next < sites.length && !enough(); next++) {
      try {
        anchorOf(sites[next]!);
      } catch {
        // A file the checker cannot follow: locate meets it again and says so.
      }
      if (next % 64 === 63) await new Promise((resolve) => setImmediate(resolve));
    }
  };

  const needsBuiltAt: SourceIndex["needsBuiltAt"] = (site) => {
    try {
      return !anchorOf(site).isCall;
    } catch {
      // A file the checker cannot follow: locate meets it again, and may use all it can get.
      return true;
    }
  };

  const locate: SourceIndex["locate"] = (site, document) => {
    const { isCall, call, span } = anchorOf(site);
    // Built elsewhere (by a helper, in a loop): the export places it; the call is worth a note.
    const builtAt = !isCall && site.builtAt ? pointAt(site.builtAt) : undefined;
    const elsewhere = builtAt && (builtAt.file !== span.file || builtAt.start !== span.start);
    const related: RelatedLocation[] = elsewhere ? [{ message: "the definition is built here", span: builtAt }] : [];
    const walk = (path: DocumentPath) => {
      const node = isCall ? call() : undefined;
      return node ? align(node, document, path) : { node: undefined, key: undefined };
    };
    return {
      span,
      related,
      at: (path) => {
        const { node } = walk(path);
        return node ? spanOf(node) : span;
      },
      keyAt: (path) => {
        const { node, key } = walk(path);
        return key ? spanOf(key) : node ? spanOf(node) : span;
      },
    };
  };
  return { locate, prepare, pointAt, needsBuiltAt };
}

function unwrap(node: Node): Node {
  let current = node;
  for (let hops = 0; hops < 32; hops++) {
    if (
      nodeIs().isParenthesizedExpression(current) ||
      nodeIs().isAsExpression(current) ||
      nodeIs().isSatisfiesExpression(current) ||
      nodeIs().isNonNullExpression(current) ||
      nodeIs().isTypeAssertion(current)
    ) {
      current = current.getExpression();
    } else if (nodeIs().isIdentifier(current)) {
      // A const written elsewhere in the user's files: its initializer spells the value out.
      const declaration =
        current.getSymbol()?.getAliasedSymbol()?.getValueDeclaration() ?? current.getSymbol()?.getValueDeclaration();
      const initializer =
        nodeIs().isVariableDeclaration(declaration) &&
        declaration.getVariableStatement()?.getDeclarationKind() === "const"
          ? declaration.getInitializer()
          : undefined;
      if (!initializer || initializer.getSourceFile().getFilePath().includes("/node_modules/")) return current;
      current = initializer;
    } else {
      return current;
    }
  }
  return current;
}

/**
 * Follows `path` within an exported value: elements of array literals, members of object
 * literals. Where the source stops spelling it out (`names.map(...)`), the last node reached places it.
 */
function follow(node: Node, path: readonly (string | number)[]): Node {
  let current = unwrap(node);
  for (const step of path) {
    const next = typeof step === "number" ? element(current, step) : property(current, step)?.value;
    if (!next) return current;
    current = unwrap(next);
  }
  return current;
}

/** The name a callee goes by in `prosper/define`, seeing through `import { lt as below }`. */
function helperName(callee: Node): string | undefined {
  if (nodeIs().isPropertyAccessExpression(callee)) return callee.getName();
  if (!nodeIs().isIdentifier(callee)) return undefined;
  return callee.getSymbol()?.getAliasedSymbol()?.getName() ?? callee.getText();
}

function isDefinitionCall(node: Node): node is CallExpression {
  if (!nodeIs().isCallExpression(node) || nodeIs().isPropertyAccessExpression(node.getExpression())) return false;
  const name = helperName(node.getExpression());
  return name === "experiment" || name === "feature";
}

/** The index-th element of an array literal, when no spread before it makes the index uncertain. */
function element(node: Node, index: number): Node | undefined {
  if (!nodeIs().isArrayLiteralExpression(node)) return undefined;
  const elements = node.getElements();
  if (elements.slice(0, index + 1).some((e) => nodeIs().isSpreadElement(e) || nodeIs().isOmittedExpression(e)))
    return undefined;
  return elements[index];
}

/** The key a property is written with, as JavaScript reads it (`1e3` is "1000"); undefined when computed at run time. */
function keyOf(name: Node): string | undefined {
  if (nodeIs().isIdentifier(name) || nodeIs().isPrivateIdentifier(name)) return name.getText();
  if (nodeIs().isStringLiteral(name) || nodeIs().isNoSubstitutionTemplateLiteral(name)) return name.getLiteralValue();
  if (nodeIs().isNumericLiteral(name)) return String(Number(name.getText().replace(/_/g, "")));
  if (nodeIs().isComputedPropertyName(name)) {
    const expression = unwrap(name.getExpression());
    if (nodeIs().isStringLiteral(expression) || nodeIs().isNoSubstitutionTemplateLiteral(expression))
      return expression.getLiteralValue();
    if (nodeIs().isNumericLiteral(expression)) return String(Number(expression.getText().replace(/_/g, "")));
  }
  return undefined;
}

/**
 * The member of an object literal that gives `key`: the last one written, unless a spread or a
 * computed key after it could replace it. A plain `__proto__: x` sets the prototype, not a key.
 */
function property(node: Node, key: string): { value: Node; key: Node } | undefined {
  if (!nodeIs().isObjectLiteralExpression(node)) return undefined;
  let found: { value: Node; key: Node } | undefined;
  for (const member of node.getProperties()) {
    if (nodeIs().isSpreadAssignment(member)) {
      if (found) found = undefined;
      continue;
    }
    const name = (member as { getNameNode?: () => Node }).getNameNode?.();
    if (!name) continue;
    const memberKey = keyOf(name);
    if (memberKey === undefined) {
      found = undefined;
      continue;
    }
    if (memberKey !== key || (key === "__proto__" && !nodeIs().isComputedPropertyName(name))) continue;
    if (nodeIs().isPropertyAssignment(member)) found = { value: member.getInitializerOrThrow(), key: name };
    else if (nodeIs().isShorthandPropertyAssignment(member)) found = { value: name, key: name };
    else found = { value: member, key: name };
  }
  return found;
}

type Step = { node: Node | undefined; key: Node | undefined };

const junctionMethod = { all: "and", any: "or" } as const;

/** The members a junction call was written with, flattened as the helpers flatten them. */
function junctionMembers(node: Node, kind: "all" | "any"): Node[] {
  const call = unwrap(node);
  if (!nodeIs().isCallExpression(call)) return [call];
  const callee = call.getExpression();
  const name = helperName(callee);
  const args = call.getArguments();
  if (args.some((arg) => nodeIs().isSpreadElement(arg))) return [call];
  if (name === kind && !nodeIs().isPropertyAccessExpression(callee))
    return args.flatMap((arg) => junctionMembers(arg, kind));
  if (name === junctionMethod[kind] && nodeIs().isPropertyAccessExpression(callee))
    return [...junctionMembers(callee.getExpression(), kind), ...args.flatMap((arg) => junctionMembers(arg, kind))];
  return [call];
}

/** Where a classifier's or attribute's part is written, in function style (`lt(a, 1)`) or chained (`a.lt(1)`). */
function callPart(call: CallExpression, kind: string, part: string): Node | undefined {
  const callee = call.getExpression();
  const chained = nodeIs().isPropertyAccessExpression(callee);
  const args = call.getArguments();
  const name = helperName(callee);
  const names: Record<string, readonly string[]> = { regexMatch: ["regexMatch", "matches"], not: ["not"] };
  if (!(names[kind] ?? [kind]).includes(name ?? "") && !isAttributeHelper(name, kind)) return undefined;
  if (part === "attribute") return chained ? callee.getExpression() : args[0];
  const offset = chained ? 0 : 1;
  if (part === "flags") return args[offset + 1];
  if (part === "key" || part === "salt" || (part === "value" && isAttributeHelper(name, kind))) return args[0];
  return args[offset];
}

const attributeHelpers: Record<string, readonly string[]> = {
  sessionRandom: ["sessionRandom"],
  hostname: ["hostname"],
  runtimeVersion: ["runtimeVersion"],
  static: ["staticNumber", "staticString"],
  context: ["contextString", "contextNumber", "contextBoolean"],
};

const isAttributeHelper = (name: string | undefined, kind: string) =>
  name !== undefined && (attributeHelpers[kind]?.includes(name) ?? false);

const isClassifierOrAttribute = (value: unknown): value is { kind: string } =>
  typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string";

/**
 * Walks `path` through the document and the source together, from a definition call. The
 * document says what each step is (a variant is a key of `variants`, a junction's member may
 * come from a chain), the source where it is written; the walk stops where they part.
 */
function align(call: CallExpression, document: unknown, path: DocumentPath): Step {
  let node: Node | undefined = call.getArguments()[0];
  let key: Node | undefined;
  let value: unknown = document;
  let members: Node[] | undefined;
  let last: Step = { node: call, key: undefined };
  for (const [index, step] of path.entries()) {
    if (!node) break;
    node = unwrap(node);
    const parentValue = value;
    value = readStep(value, step);
    key = undefined;
    if (members && typeof step === "number") {
      node = members.length === (parentValue as unknown[]).length ? members[step] : undefined;
      members = undefined;
    } else if (index === 1 && path[0] === "variants" && typeof step === "number") {
      // Variants are written as an object keyed by name; the document lists them in order.
      const name = (value as { name?: unknown } | undefined)?.name;
      const found = typeof name === "string" ? property(node, name) : undefined;
      node = found?.value;
      key = found?.key;
    } else if (index === 2 && path[0] === "variants") {
      // `name` is the variant's key; `symbols` is its object.
      const variant = last;
      node = step === "symbols" ? variant.node : step === "name" ? variant.key : undefined;
      key = step === "name" ? variant.key : undefined;
    } else if (nodeIs().isCallExpression(node) && isClassifierOrAttribute(parentValue)) {
      const kind = parentValue.kind;
      if ((kind === "all" || kind === "any") && step === "of") {
        members = junctionMembers(node, kind);
        continue;
      }
      const callee = node.getExpression();
      if (kind === "not" && step === "of")
        node = nodeIs().isPropertyAccessExpression(callee) ? callee.getExpression() : node.getArguments()[0];
      else node = callPart(node, kind, String(step));
    } else if (typeof step === "number") {
      node = element(node, step);
    } else {
      const found = property(node, step);
      node = found?.value;
      key = found?.key;
    }
    if (!node) break;
    last = { node, key };
  }
  return last;
}

function readStep(value: unknown, step: string | number): unknown {
  try {
    return typeof value === "object" && value !== null ? (value as Record<string | number, unknown>)[step] : undefined;
  } catch {
    return undefined;
  }
}
