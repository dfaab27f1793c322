import { Worker } from "node:worker_threads";

export interface SearchTime {
  /** The slowest `input.search(re)`, in ms; at least `timeoutMs` when it was cut off. */
  worstMs: number;
  /** The input it took that long on. */
  worstInput: string;
  /** The search on `worstInput` did not finish within `timeoutMs`. */
  timedOut: boolean;
}

/**
 * Runs `input.search(new RegExp(pattern, flags))` for every input in a worker thread, and reports
 * the slowest. A catastrophic pattern never returns, so the worker is terminated once one search
 * has run `timeoutMs` without an answer (V8 interrupts a running regex on terminate).
 *
 * A search slower than `retryAboveMs` is run twice more and its fastest run kept: a shared machine
 * can pause any thread for a few ms (GC, another process), while a blow-up is slow every time.
 * With `stopAboveMs`, the first search that stays slower than that ends the run (a test needs
 * one counterexample, not the worst).
 */
export function worstSearchTime(
  pattern: string,
  flags: string,
  inputs: readonly string[],
  { timeoutMs = 1000, retryAboveMs = 1, stopAboveMs = Infinity } = {},
): Promise<SearchTime> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerSource, {
      eval: true,
      workerData: { pattern, flags, inputs, retryAboveMs, stopAboveMs },
    });
    let next = 0;
    let worst: SearchTime = { worstMs: 0, worstInput: "", timedOut: false };
    const cutOff = () => {
      worst = { worstMs: timeoutMs, worstInput: inputs[next]!, timedOut: true };
      void worker.terminate();
    };
    let timer = setTimeout(cutOff, timeoutMs);
    worker.on("message", (ms: number) => {
      clearTimeout(timer);
      if (worst.timedOut) return;
      if (ms > worst.worstMs) worst = { worstMs: ms, worstInput: inputs[next]!, timedOut: false };
      next++;
      timer = setTimeout(cutOff, timeoutMs);
    });
    worker.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    worker.on("exit", () => {
      clearTimeout(timer);
      resolve(worst);
    });
  });
}

// Plain JS: a worker started from source needs no TypeScript loader.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const { pattern, flags, inputs, retryAboveMs, stopAboveMs } = workerData;
const re = new RegExp(pattern, flags);
// V8 interprets a regex on its first search and compiles it on the next: time the compiled code.
"".search(re);
"x".search(re);
const time = (input) => {
  const start = performance.now();
  input.search(re);
  return performance.now() - start;
};
for (const input of inputs) {
  let ms = time(input);
  for (let retry = 0; retry < 2 && ms > retryAboveMs; retry++) ms = Math.min(ms, time(input));
  parentPort.postMessage(ms);
  if (ms > stopAboveMs) break;
}
`;
