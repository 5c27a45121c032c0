/**
 * What `npm run bench:turns` uses of autocannon 9, which ships no types (@types/autocannon describes
 * version 7). Only the options and result fields the bench reads.
 */
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      /** Called before each request is sent; what it returns is sent. */
      setupRequest?: (request: Request, context: Record<string, unknown>) => Request;
    }

    interface Options {
      url: string;
      method?: string;
      headers?: Record<string, string>;
      connections?: number;
      /** Seconds. */
      duration?: number;
      /** Each connection sends these in turn, over and over. */
      requests?: Request[];
      /** Run first with these settings; its figures come back as `warmup`, apart from the timed run's. */
      warmup?: { connections?: number; duration?: number };
    }

    /** Milliseconds for latency, requests per second for requests. */
    interface Histogram {
      average: number;
      p50: number;
      p99: number;
    }

    interface Result {
      latency: Histogram;
      requests: Histogram;
      /** Seconds. */
      duration: number;
      non2xx: number;
      /** Connection errors and timeouts. */
      errors: number;
      timeouts: number;
      '2xx': number;
      statusCodeStats: Record<string, { count: number }>;
      warmup?: Result;
    }
  }

  function autocannon(options: autocannon.Options): PromiseLike<autocannon.Result>;
  export = autocannon;
}
