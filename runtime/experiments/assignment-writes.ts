import { messageOf, quote } from "../describe.js";
import type { ReportError } from "../options.js";
import type { AssignRequest, AssignResult, ExperimentStore } from "./store.js";

// Every runtime prosper supports has queueMicrotask; declared here so the runtime needs no DOM or node typings.
declare function queueMicrotask(callback: () => void): void;

/** What the store kept, or why the write failed (already reported). */
export type WriteOutcome = AssignResult | { readonly failed: string };

interface Queued {
  readonly request: AssignRequest;
  readonly resolve: (outcome: WriteOutcome) => void;
}

interface Batch {
  readonly items: Queued[];
  /** Settles when the batch's write has. */
  readonly written: Promise<void>;
}

/**
 * Assignments are served at once and written behind: the ones made in the same tick, by any
 * number of units, go to the store as one batch in one call. Each write's promise gives what the
 * store kept, or why the write failed (reported once per batch).
 */
export function assignmentWrites(store: ExperimentStore, report: ReportError) {
  let next: Batch | undefined;
  const inFlight = new Set<Promise<void>>();

  const write = async (items: readonly Queued[]) => {
    next = undefined;
    const requests = items.map(({ request }) => request);
    let answers: readonly WriteOutcome[];
    try {
      answers = await store.assign(requests);
    } catch (error) {
      const [first] = requests;
      const what =
        requests.length === 1
          ? `${quote(first!.experiment)}, ${quote(first!.unitId)}`
          : `${requests.length} assignments`;
      report(error, `assign(${what})`);
      const failed = { failed: `assign(${what}) failed: ${messageOf(error)}` };
      answers = requests.map(() => failed);
    }
    items.forEach(({ resolve }, index) => resolve(answers[index]!));
  };

  return {
    assign: (request: AssignRequest) =>
      new Promise<WriteOutcome>((resolve) => {
        if (!next) {
          const items: Queued[] = [];
          const written = new Promise<void>((done) =>
            queueMicrotask(() => {
              const writing = write(items);
              inFlight.add(writing);
              void writing.finally(() => inFlight.delete(writing)).then(done);
            }),
          );
          next = { items, written };
        }
        next.items.push({ request, resolve });
      }),
    /**
     * Resolves once every write queued so far has settled. Writes queued later are not waited
     * for, so that a steady stream of new units cannot hold up a completion.
     */
    settled: async () => {
      await Promise.all([...inFlight, ...(next ? [next.written] : [])]);
    },
  };
}
