// Every runtime prosper supports has queueMicrotask; declared here so the runtime needs no DOM or node typings.
declare function queueMicrotask(callback: () => void): void;

/** How many batches' worth of calls may wait behind the ones in flight. */
const WAITING_BATCHES = 10;

interface Waiting<Item, Answer> {
  readonly item: Item;
  readonly resolve: (answer: Answer) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Calls that arrive while `inFlight` batches are already on their way wait, and go together in the
 * next batch (up to `maxBatch` items): one statement for many calls, the way a database's group
 * commit works. A lone call goes at once, at the end of its tick, so a quiet server adds no delay,
 * and a busy one gets fewer, larger statements. Each call hears its own answer, or its batch's failure.
 * While batches hang (a server that stopped answering), at most WAITING_BATCHES batches' worth of
 * calls wait; later ones fail at once, so that memory does not grow with the length of the outage.
 */
export function batchedCalls<Item, Answer>(
  send: (items: readonly Item[]) => Promise<readonly Answer[]>,
  inFlight: number,
  maxBatch: number,
): (item: Item) => Promise<Answer> {
  const waiting: Waiting<Item, Answer>[] = [];
  let sending = 0;
  let scheduled = false;

  const pump = () => {
    scheduled = false;
    while (sending < inFlight && waiting.length) {
      const batch = waiting.splice(0, maxBatch);
      sending++;
      // `send` runs inside the promise chain, so that even a synchronous throw fails only this batch.
      void Promise.resolve()
        .then(() => send(batch.map(({ item }) => item)))
        .then((answers) => {
          if (answers.length !== batch.length)
            throw new Error(`the server gave ${answers.length} answers for ${batch.length} calls`);
          batch.forEach(({ resolve }, index) => resolve(answers[index]!));
        })
        .catch((error: unknown) => batch.forEach(({ reject }) => reject(error)))
        .finally(() => {
          sending--;
          pump();
        });
    }
  };

  return (item) =>
    new Promise<Answer>((resolve, reject) => {
      if (waiting.length >= WAITING_BATCHES * maxBatch)
        return reject(new Error(`${waiting.length} calls are waiting for the server already`));
      waiting.push({ item, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(pump);
      }
    });
}
