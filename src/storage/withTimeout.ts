/** The store did not answer in time; the turn fails fast so the user gets an apology, not a long wait. */
export class StoreTimeoutError extends Error {
  constructor(operation: string, ms: number) {
    super(`${operation} did not complete within ${ms} ms`);
    this.name = 'StoreTimeoutError';
  }
}

/**
 * Runs `work` with an AbortSignal that fires after `ms`, and rejects with StoreTimeoutError at that moment
 * even if `work` ignores the signal (BlobsStorage takes none). Work that ignores it keeps running in the
 * background: a write that times out may still land later, which conditional writes make harmless.
 */
export async function withTimeout<T>(operation: string, ms: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new StoreTimeoutError(operation, ms);
      controller.abort(error);
      reject(error);
    }, ms);
  });
  try {
    return await Promise.race([work(controller.signal), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
