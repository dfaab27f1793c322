import { memoryStore, type ExperimentStore } from "prosper-runtime";
import type { OpenedStore, RunningServer, StoreHarness } from "./harness.js";

/**
 * The embedded store as a harness, so that the suites check themselves against the reference
 * semantics on any machine. There is no server: each "server" is a map of namespaces to memory
 * stores in this process, the connection means nothing, and kill/restart/freeze/thaw have nothing
 * to act on.
 */

/** Why the multi-process and outage suites leave this kind out. */
export const noServer =
  "the memory store lives in one process's memory: there is no server to share between processes, or to kill or freeze";

const opened = (store: ExperimentStore): OpenedStore => ({ store, close: async () => {} });

export const harness: StoreHarness = {
  kind: "memory",
  start: async (): Promise<RunningServer> => {
    const namespaces = new Map<string, ExperimentStore>();
    const notApplicable = async () => {
      throw new Error(`kill/restart/freeze/thaw: ${noServer}`);
    };
    return {
      connection: null,
      open: async (namespace) => {
        let store = namespaces.get(namespace);
        if (!store) namespaces.set(namespace, (store = memoryStore()));
        return opened(store);
      },
      kill: notApplicable,
      restart: notApplicable,
      freeze: notApplicable,
      thaw: notApplicable,
      stop: async () => namespaces.clear(),
    };
  },
};

/** A fresh memory store of this process's own: the connection is meaningless, nothing is shared. */
export async function openStore(_connection: unknown, _namespace: string): Promise<OpenedStore> {
  return opened(memoryStore());
}
