import { messageOf, quote } from "../describe.js";
import type { ReportError } from "../options.js";
import type { AssignRequest, AssignResult, DirectStore, ExperimentStore } from "./store.js";

// Every runtime prosper supports has queueMicrotask; declared here so the runtime needs no DOM or node typings.
declare function queueMicrotask(callback: () => void): void;

/** What the store kept, or why the write failed (already reported). */
export type WriteOutcome = AssignResult | { readonly failed: string };

/** Hears what became of a write: one object per unit's picks, not a closure per write. */
export interface WriteListener<C> {
  heard(outcome: WriteOutcome, request: AssignRequest, context: C): void;
}

/**
 * Assignments are served at once and written behind: the ones made in the same tick, by any
 * number of units, go to the store as one batch in one call. Each write's listener hears what the
 * store kept, or why the write failed (reported once per batch).
 */
export function assignmentWrites<C extends { readonly name: string; readonly variants: readonly string[] }>(
  store: ExperimentStore,
  report: ReportError,
  direct?: DirectStore,
) {
  // What `add` was given, in parallel lists: the requests are built behind, when written.
  let units: string[] = [];
  let variants: string[] = [];
  let listeners: WriteListener<C>[] = [];
  let contexts: C[] = [];
  /** Resolvers of `settled` calls waiting for the batch being gathered. */
  let waiting: (() => void)[] = [];
  const inFlight = new Set<Promise<void>>();

  /** Tells each listener what the store kept, or, with no answers, that the batch failed with `error`. */
  const answered = (
    batch: readonly AssignRequest[],
    heard: readonly WriteListener<C>[],
    context: readonly C[],
    answers: readonly WriteOutcome[] | undefined,
    error?: unknown,
  ) => {
    if (!answers) {
      const [first] = batch;
      const what =
        batch.length === 1 ? `${quote(first!.experiment)}, ${quote(first!.unitId)}` : `${batch.length} assignments`;
      report(error, `assign(${what})`);
      const failed = { failed: `assign(${what}) failed: ${messageOf(error)}` };
      answers = batch.map(() => failed);
    }
    for (let index = 0; index < batch.length; index++)
      try {
        heard[index]!.heard(answers[index]!, batch[index]!, context[index]!);
      } catch (error) {
        // The store's answer passed its checks once; a getter that throws when read again is its failure too.
        report(error, "assign");
      }
  };

  const write = () => {
    const heard = listeners;
    const context = contexts;
    const settled = waiting;
    const batch = context.map(({ name, variants: all }, index): AssignRequest => ({
      experiment: name,
      unitId: units[index]!,
      variant: variants[index]!,
      variants: all,
    }));
    units = [];
    variants = [];
    listeners = [];
    contexts = [];
    waiting = [];
    const finish = () => {
      for (const resolve of settled) resolve();
    };
    if (direct) {
      // The memory store's own methods: they answer at once and cannot throw.
      answered(batch, heard, context, direct.assign(batch));
      return finish();
    }
    const writing = store.assign(batch).then(
      (answers) => answered(batch, heard, context, answers),
      (error: unknown) => answered(batch, heard, context, undefined, error),
    );
    inFlight.add(writing);
    void writing.then(() => {
      inFlight.delete(writing);
      finish();
    });
  };

  return {
    /** Queues the assignment of `unitId` to `variant` in the experiment `context`; `listener` hears what came of it. */
    add(listener: WriteListener<C>, context: C, unitId: string, variant: string): void {
      if (!units.length) queueMicrotask(write);
      units.push(unitId);
      variants.push(variant);
      listeners.push(listener);
      contexts.push(context);
    },
    /**
     * Resolves once every write queued so far has settled. Writes queued later are not waited
     * for, so that a steady stream of new units cannot hold up a completion.
     */
    settled: async () => {
      const pending = [...inFlight];
      if (units.length) pending.push(new Promise<void>((resolve) => waiting.push(resolve)));
      await Promise.all(pending);
    },
  };
}
