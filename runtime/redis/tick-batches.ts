// Every runtime prosper supports has queueMicrotask; declared here so the runtime needs no DOM or node typings.
declare function queueMicrotask(callback: () => void): void;

interface Waiting<Item, Answer> {
  readonly item: Item;
  readonly resolve: (answer: Answer) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * One call per item, sent together: the items asked for in the same tick go to `send` in chunks of
 * at most `size` (so no one script holds the server for long), all chunks in the same round trip.
 * Each caller gets its own answer, or its chunk's error.
 */
export function tickBatches<Item, Answer>(
  size: number,
  send: (items: readonly Item[]) => Promise<readonly Answer[]>,
): (item: Item) => Promise<Answer> {
  let waiting: Waiting<Item, Answer>[] | undefined;
  const sendChunk = async (chunk: readonly Waiting<Item, Answer>[]) => {
    try {
      const answers = await send(chunk.map(({ item }) => item));
      chunk.forEach(({ resolve }, index) => resolve(answers[index]!));
    } catch (error) {
      for (const { reject } of chunk) reject(error);
    }
  };
  const flush = (queued: readonly Waiting<Item, Answer>[]) => {
    for (let start = 0; start < queued.length; start += size) void sendChunk(queued.slice(start, start + size));
  };
  return (item) =>
    new Promise<Answer>((resolve, reject) => {
      if (!waiting) {
        const queued: Waiting<Item, Answer>[] = (waiting = []);
        queueMicrotask(() => {
          waiting = undefined;
          flush(queued);
        });
      }
      waiting.push({ item, resolve, reject });
    });
}
