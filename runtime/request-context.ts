/// <reference types="node" />
/**
 * `prosper-runtime/request-context`, for node: the current request's unit, kept by AsyncLocalStorage,
 * so that code anywhere below a request handler picks for that request's unit without being handed
 * its picks. One store round trip per request, then every pick is synchronous. Nothing here throws
 * into application code: a unit id it cannot use is reported and the request is served the controls.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingMessage, RequestListener } from "node:http";
import { quote } from "./describe.js";
import type {
  Experiments,
  ExperimentTypes,
  SymbolName,
  SymbolValue,
  UnitPicks,
} from "./experiments/create-experiments.js";
import { readOptions, unitIdProblem, type ReportError } from "./options.js";

export interface RequestContextOptions {
  /**
   * Told of unit ids it cannot use (`unitIdOf` threw or gave a non-string) and of picks made outside
   * any request, once per call site; the request is still served. console.warn by default.
   */
  readonly onError?: ReportError | undefined;
}

/** Gives the unit a request is for; undefined for an anonymous request, which is served the controls. */
export type UnitIdOf<Request> = (request: Request) => string | undefined;

/** Connect's and Express's middleware shape; `next` is called once, inside the unit's context. */
export type Middleware<Request> = (request: Request, response: unknown, next: (error?: unknown) => void) => void;

export interface RequestContext<E extends ExperimentTypes> {
  /**
   * Resolves the unit's picks (one store round trip) and runs `handler` with them as the current
   * unit, everything it awaits included; gives what `handler` gives, and rejects when it throws.
   * A run inside a run is that unit's until it ends. An undefined `unitId` is served the controls.
   */
  run<T>(unitId: string | undefined, handler: () => T): Promise<Awaited<T>>;
  /** The current unit's picks; outside any run, every experiment's control (reported, once per call site). */
  picks(): UnitPicks<E>;
  /** The value of `symbol` for the current unit, as `picks().pick(symbol)`. */
  pick<S extends SymbolName<E>>(symbol: S): SymbolValue<E, S>;
  /**
   * A node:http request listener that runs `listener` as the request's unit:
   * `http.createServer(context.listener((request) => userOf(request), (request, response) => ...))`.
   * Errors of `listener` are not caught: they surface as they would without the wrapper.
   */
  listener(unitIdOf: UnitIdOf<IncomingMessage>, listener: RequestListener): RequestListener;
  /**
   * Connect/Express middleware that runs the rest of the chain as the request's unit:
   * `app.use(context.middleware((request) => request.user?.id))`.
   */
  middleware<Request = IncomingMessage>(unitIdOf: UnitIdOf<Request>): Middleware<Request>;
}

/** Outside-run call sites remembered, so that a pick in a hot loop is reported once and memory stays bounded. */
const MAX_REPORTED_SITES = 100;

/**
 * Keeps the current request's experiment picks for `experiments`:
 * `const context = createRequestContext(experiments)`, then `context.pick("ctaLabel")` anywhere below
 * `context.run(userId, handler)`, `context.listener(...)` or `context.middleware(...)`.
 */
export function createRequestContext<E extends ExperimentTypes>(
  experiments: Experiments<E>,
  options: RequestContextOptions = {},
): RequestContext<E> {
  const { report } = readOptions(options);
  const storage = new AsyncLocalStorage<UnitPicks<E>>();
  const reportedSites = new Set<string>();

  /** The unit's picks; an id it cannot use is reported and served the controls, as an absent one is. */
  const resolve = async (unitId: unknown, where: string): Promise<UnitPicks<E>> => {
    const problem = unitId === undefined ? undefined : unitIdProblem(unitId);
    if (problem) report(new TypeError(problem), where);
    if (unitId === undefined || problem) return experiments.controls();
    try {
      return await experiments.forUnit(unitId as string);
    } catch (error) {
      // forUnit never fails; a hand-made `experiments` might, and the request must still be served.
      report(error, where);
      return experiments.controls();
    }
  };

  /** The unit id of `request`; a throwing `unitIdOf` is reported and the request is anonymous. */
  const unitOf = <Request>(unitIdOf: UnitIdOf<Request>, request: Request, where: string): Promise<UnitPicks<E>> => {
    let unitId: unknown;
    try {
      unitId = unitIdOf(request);
    } catch (error) {
      report(error, where);
    }
    return resolve(unitId, where);
  };

  /** The current unit's picks; `caller` (the public method) is cut from the stack so that the site is the app's. */
  const current = (caller: Function, where: () => string): UnitPicks<E> => {
    const picks = storage.getStore();
    if (picks) return picks;
    const error = new Error("called outside context.run, listener or middleware: served every experiment's control");
    Error.captureStackTrace?.(error, caller);
    const site = error.stack?.split("\n")[1] ?? "";
    if (!reportedSites.has(site) && reportedSites.size < MAX_REPORTED_SITES) {
      reportedSites.add(site);
      report(error, where());
    }
    return experiments.controls();
  };

  const context: RequestContext<E> = {
    run: async <T>(unitId: string | undefined, handler: () => T): Promise<Awaited<T>> =>
      await storage.run(await resolve(unitId, "run"), handler),
    picks: () => current(context.picks, () => "picks()"),
    pick: (symbol) => current(context.pick, () => `pick(${quote(symbol)})`).pick(symbol),
    listener: (unitIdOf, listener) =>
      function (this: unknown, request, response) {
        void unitOf(unitIdOf, request, "listener(unitIdOf)").then((picks) =>
          storage.run(picks, () => surface(() => listener.call(this, request, response))),
        );
      },
    middleware: (unitIdOf) => (request, _response, next) => {
      void unitOf(unitIdOf, request, "middleware(unitIdOf)").then((picks) => storage.run(picks, () => surface(next)));
    },
  };
  return context;
}

/**
 * Calls `application` and lets its synchronous error surface as an uncaught exception, as it would
 * had node:http or the router called it directly, not as a rejection of our promise, which no one holds.
 */
function surface(application: () => unknown): void {
  try {
    application();
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
