import type { JsonValue, Scalar } from "prosper/runtime";
import {
  Node,
  SyntaxKind,
  type CallExpression,
  type ObjectLiteralExpression,
  type Symbol as MorphSymbol,
  type VariableDeclaration,
} from "ts-morph";
import type { Span } from "../diagnostics/diagnostic.js";
import { attributeHelpers, attributeMethods, classifierHelpers, classifierMethods, type Call } from "./helpers.js";
import type { LoadedAttribute, LoadedClassifier } from "./model.js";
import { NotStatic } from "./load-error.js";

/** What a definition expression stands for, once evaluated without running it. */
export type Evaluated =
  | { readonly kind: "json"; readonly value: JsonValue }
  | { readonly kind: "attribute"; readonly attribute: LoadedAttribute }
  | { readonly kind: "classifier"; readonly classifier: LoadedClassifier };

export interface ObjectEntry {
  readonly key: string;
  readonly keyNode: Node;
  readonly value: Node;
}

/** A top-level `prosper/define` export (`lt`, `experiment`), or a method of its types (`.lt`, `.and`). */
export type HelperRef = { readonly kind: "function" | "method"; readonly name: string };

export class Evaluator {
  /** Declarations being evaluated, to report a const that refers to itself instead of looping. */
  private readonly active = new Set<Node>();
  /** Consts already found not to be changed after their declaration. */
  private readonly unchanged = new Set<VariableDeclaration>();

  constructor(
    readonly spanOf: (node: Node) => Span,
    private readonly isDefineFile: (filePath: string) => boolean,
  ) {}

  /** Which helper a call's callee names, if it is one of `prosper/define`'s. */
  helperOf(callee: Node): HelperRef | undefined {
    let symbol: MorphSymbol | undefined = callee.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
    const declaration = symbol?.getDeclarations()[0];
    if (!symbol || !declaration || !this.isDefineFile(declaration.getSourceFile().getFilePath())) return undefined;
    const isMethod = Node.isMethodSignature(declaration) || Node.isPropertySignature(declaration);
    return { kind: isMethod ? "method" : "function", name: symbol.getName() };
  }

  json(node: Node): JsonValue {
    const evaluated = this.evaluate(node);
    if (evaluated.kind !== "json")
      throw new NotStatic(node, `expected a JSON value here, found ${article(evaluated.kind)}`);
    return evaluated.value;
  }

  string(node: Node, what: string): string {
    const value = this.json(node);
    if (typeof value !== "string") throw new NotStatic(node, `${what} must be a string`);
    return value;
  }

  attribute(node: Node): LoadedAttribute {
    const evaluated = this.evaluate(node);
    if (evaluated.kind !== "attribute") {
      throw new NotStatic(
        node,
        `expected an attribute such as sessionRandom() or hostname(), found ${article(evaluated.kind)}`,
      );
    }
    return evaluated.attribute;
  }

  classifier(node: Node): LoadedClassifier {
    const evaluated = this.evaluate(node);
    if (evaluated.kind !== "classifier") {
      throw new NotStatic(
        node,
        `expected a classifier such as all(...) or sessionRandom().lt(0.1), found ${article(evaluated.kind)}`,
      );
    }
    return evaluated.classifier;
  }

  /**
   * The entries of an object literal, following consts and spreads, in the order JavaScript gives
   * them: a later key replaces an earlier one where that one stood, and integer-like keys come
   * first, ascending. So the compiler sees what running the definition would.
   */
  objectEntries(node: Node): ObjectEntry[] {
    return this.resolved(node, (literal) => {
      if (!Node.isObjectLiteralExpression(literal)) throw new NotStatic(node, "expected an object literal");
      return this.literalEntries(literal);
    });
  }

  private literalEntries(literal: ObjectLiteralExpression): ObjectEntry[] {
    // A Map keeps a key where it was first set, as an object does.
    const entries = new Map<string, ObjectEntry>();
    for (const property of literal.getProperties()) {
      if (Node.isPropertyAssignment(property)) {
        const key = this.propertyName(property.getNameNode());
        entries.set(key, { key, keyNode: property.getNameNode(), value: property.getInitializerOrThrow() });
      } else if (Node.isShorthandPropertyAssignment(property)) {
        entries.set(property.getName(), {
          key: property.getName(),
          keyNode: property.getNameNode(),
          value: property.getNameNode(),
        });
      } else if (Node.isSpreadAssignment(property)) {
        for (const entry of this.objectEntries(property.getExpression())) entries.set(entry.key, entry);
      } else {
        throw new NotStatic(property, "methods and accessors cannot be turned into JSON");
      }
    }
    const integerLike = [...entries.values()]
      .filter((entry) => isArrayIndex(entry.key))
      .sort((a, b) => Number(a.key) - Number(b.key));
    return [...integerLike, ...[...entries.values()].filter((entry) => !isArrayIndex(entry.key))];
  }

  /** The element nodes of an array literal, following consts and spreads. */
  elements(node: Node): Node[] {
    return this.resolved(node, (literal) => {
      if (!Node.isArrayLiteralExpression(literal)) throw new NotStatic(node, "expected an array literal");
      return literal
        .getElements()
        .flatMap((element) => (Node.isSpreadElement(element) ? this.elements(element.getExpression()) : [element]));
    });
  }

  evaluate(node: Node): Evaluated {
    return this.resolved(node, (target) =>
      Node.isCallExpression(target) ? this.call(target) : { kind: "json", value: this.literal(target) },
    );
  }

  /**
   * Calls `use` with the expression `node` stands for, seeing through parentheses, `as`,
   * `satisfies`, `!` and references to `const` declarations (also imported ones).
   */
  private resolved<T>(node: Node, use: (expression: Node) => T): T {
    if (
      Node.isParenthesizedExpression(node) ||
      Node.isAsExpression(node) ||
      Node.isSatisfiesExpression(node) ||
      Node.isNonNullExpression(node) ||
      Node.isTypeAssertion(node)
    ) {
      return this.resolved(node.getExpression(), use);
    }
    if (!Node.isIdentifier(node)) return use(node);
    const declaration = this.constDeclaration(node);
    if (this.active.has(declaration)) throw new NotStatic(node, `"${node.getText()}" refers to itself`);
    this.active.add(declaration);
    try {
      return this.resolved(declaration.getInitializerOrThrow(), use);
    } finally {
      this.active.delete(declaration);
    }
  }

  private constDeclaration(identifier: Node): VariableDeclaration {
    const parent = identifier.getParent();
    let symbol: MorphSymbol | undefined =
      Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === identifier
        ? parent.getValueSymbol()
        : identifier.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
    const declaration = symbol?.getValueDeclaration();
    if (
      Node.isVariableDeclaration(declaration) &&
      declaration.getVariableStatement()?.getDeclarationKind() === "const" &&
      declaration.getInitializer()
    ) {
      this.assertUnchanged(declaration);
      return declaration;
    }
    const name = identifier.getText();
    throw new NotStatic(
      identifier,
      name === "undefined"
        ? "undefined cannot be turned into JSON"
        : `"${name}" is not a const with a value the compiler can read`,
    );
  }

  /**
   * The compiler reads a const's value as declared. Running the file could give something else
   * if the value is changed afterwards (`list.push(x)`, `weights.b = 0`): say so, at the change.
   */
  private assertUnchanged(declaration: VariableDeclaration): void {
    if (this.unchanged.has(declaration)) return;
    const name = declaration.getNameNode();
    for (const reference of Node.isIdentifier(name) ? name.findReferencesAsNodes() : []) {
      let target: Node = reference;
      let parent = target.getParent();
      // Walk out through member accesses: countries.push(...), weights["b"].x = 0.
      while (
        parent &&
        (Node.isPropertyAccessExpression(parent) || Node.isElementAccessExpression(parent)) &&
        parent.getExpression() === target
      ) {
        target = parent;
        parent = target.getParent();
      }
      const member = target !== reference;
      const changed =
        (member &&
          Node.isCallExpression(parent) &&
          Node.isPropertyAccessExpression(target) &&
          mutators.has(target.getName())) ||
        (member &&
          Node.isBinaryExpression(parent) &&
          parent.getLeft() === target &&
          isAssignment(parent.getOperatorToken().getKind())) ||
        (member &&
          (Node.isDeleteExpression(parent) ||
            Node.isPrefixUnaryExpression(parent) ||
            Node.isPostfixUnaryExpression(parent))) ||
        (Node.isCallExpression(parent) &&
          parent.getArguments()[0] === target &&
          /^Object\.(assign|defineProperty|defineProperties|setPrototypeOf)$/.test(parent.getExpression().getText()));
      if (changed) {
        throw new NotStatic(
          target,
          `"${name.getText()}" is changed here after its declaration; the compiler reads it as declared, so give it its final value there`,
        );
      }
    }
    this.unchanged.add(declaration);
  }

  private propertyName(name: Node): string {
    if (Node.isIdentifier(name) || Node.isPrivateIdentifier(name)) return name.getText();
    if (Node.isStringLiteral(name) || Node.isNoSubstitutionTemplateLiteral(name)) return name.getLiteralValue();
    if (Node.isNumericLiteral(name)) return String(name.getLiteralValue());
    if (Node.isComputedPropertyName(name)) {
      const key = this.json(name.getExpression());
      if (typeof key === "string" || typeof key === "number") return String(key);
    }
    throw new NotStatic(name, "property name must be a string or number the compiler can read");
  }

  private literal(node: Node): JsonValue {
    if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
    if (Node.isNumericLiteral(node)) return finite(node, node.getLiteralValue());
    if (Node.isTrueLiteral(node)) return true;
    if (Node.isFalseLiteral(node)) return false;
    if (Node.isNullLiteral(node)) return null;
    if (Node.isPrefixUnaryExpression(node)) {
      const operand = this.json(node.getOperand());
      const operator = node.getOperatorToken();
      if (typeof operand === "number" && operator === SyntaxKind.MinusToken) return finite(node, -operand);
      if (typeof operand === "number" && operator === SyntaxKind.PlusToken) return operand;
      throw new NotStatic(node, "only - and + on numbers can be turned into JSON");
    }
    if (Node.isTemplateExpression(node)) {
      let text = node.getHead().getLiteralText();
      for (const span of node.getTemplateSpans()) {
        const value = this.json(span.getExpression());
        if (typeof value === "object")
          throw new NotStatic(span.getExpression(), "only strings, numbers and booleans can be put in a template");
        text += String(value) + span.getLiteral().getLiteralText();
      }
      return text;
    }
    if (Node.isArrayLiteralExpression(node)) {
      return node.getElements().flatMap((element) => {
        if (!Node.isSpreadElement(element)) return [this.json(element)];
        const spread = this.json(element.getExpression());
        if (!Array.isArray(spread)) throw new NotStatic(element, "only arrays can be spread into an array");
        return spread;
      });
    }
    if (Node.isObjectLiteralExpression(node)) {
      // fromEntries defines own properties, so even a "__proto__" key is kept, as running it would.
      return Object.fromEntries(this.literalEntries(node).map((entry) => [entry.key, this.json(entry.value)]));
    }
    if (Node.isPropertyAccessExpression(node) || Node.isElementAccessExpression(node)) {
      const owner = this.json(node.getExpression());
      const key = Node.isPropertyAccessExpression(node)
        ? node.getName()
        : this.json(node.getArgumentExpressionOrThrow());
      if (owner !== null && typeof owner === "object" && (typeof key === "string" || typeof key === "number")) {
        const value = (owner as Record<string, JsonValue>)[key];
        if (value !== undefined && Object.hasOwn(owner, key)) return value;
      }
      throw new NotStatic(node, `"${node.getText()}" does not name a value the compiler can read`);
    }
    throw new NotStatic(node, `${describeNode(node)} cannot be turned into JSON`);
  }

  private call(node: CallExpression): Evaluated {
    const callee = node.getExpression();
    const helper = this.helperOf(callee);
    const call: Call = { node, args: node.getArguments(), span: this.spanOf(node) };
    if (helper?.kind === "function") {
      if (Object.hasOwn(attributeHelpers, helper.name)) {
        const read = attributeHelpers[helper.name as keyof typeof attributeHelpers];
        return { kind: "attribute", attribute: { ...read(this, call), span: call.span } };
      }
      if (Object.hasOwn(classifierHelpers, helper.name)) {
        return {
          kind: "classifier",
          classifier: classifierHelpers[helper.name as keyof typeof classifierHelpers](this, call),
        };
      }
    }
    if (helper?.kind === "method" && Node.isPropertyAccessExpression(callee)) {
      const receiver = this.evaluate(callee.getExpression());
      if (receiver.kind === "attribute" && Object.hasOwn(attributeMethods, helper.name)) {
        const read = attributeMethods[helper.name as keyof typeof attributeMethods];
        return { kind: "classifier", classifier: read(this, receiver.attribute, call) };
      }
      if (receiver.kind === "classifier" && Object.hasOwn(classifierMethods, helper.name)) {
        const read = classifierMethods[helper.name as keyof typeof classifierMethods];
        return { kind: "classifier", classifier: read(this, receiver.classifier, call) };
      }
    }
    throw new NotStatic(
      node,
      `the call ${truncate(callee.getText())}(...) cannot be turned into JSON: only prosper/define's attributes and classifiers can be called here`,
    );
  }

  scalar(node: Node): Scalar {
    const value = this.json(node);
    if (value === null || typeof value === "object") throw new NotStatic(node, "expected a string, number or boolean");
    return value;
  }
}

const mutators = new Set([
  "push",
  "pop",
  "shift",
  "unshift",
  "splice",
  "sort",
  "reverse",
  "fill",
  "copyWithin",
  "set",
  "add",
  "delete",
  "clear",
]);

const isAssignment = (kind: SyntaxKind) => kind >= SyntaxKind.FirstAssignment && kind <= SyntaxKind.LastAssignment;

/** Keys JavaScript orders before all others in an object: canonical integers below 2^32 - 1. */
export const isArrayIndex = (key: string) => /^(0|[1-9]\d*)$/.test(key) && Number(key) < 4294967295;

function finite(node: Node, value: number): number {
  if (!Number.isFinite(value)) throw new NotStatic(node, `${value} cannot be turned into JSON`);
  return value;
}

const article = (kind: Evaluated["kind"]) =>
  kind === "json" ? "a JSON value" : kind === "attribute" ? "an attribute" : "a classifier";

const truncate = (text: string) => (text.length > 40 ? text.slice(0, 37) + "..." : text);

function describeNode(node: Node): string {
  if (Node.isArrowFunction(node) || Node.isFunctionExpression(node)) return "a function";
  if (Node.isNewExpression(node)) return `"new ${truncate(node.getExpression().getText())}(...)"`;
  if (Node.isRegularExpressionLiteral(node)) return "a RegExp literal (write the pattern as a string)";
  if (Node.isBigIntLiteral(node)) return "a bigint";
  if (Node.isBinaryExpression(node)) return `the expression "${truncate(node.getText())}"`;
  return `"${truncate(node.getText())}"`;
}
