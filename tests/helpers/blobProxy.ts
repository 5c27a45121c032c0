import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request the bot made to Blob storage, as the proxy saw it. */
export interface ProxiedRequest {
  method: string;
  /** The path with the query string, e.g. /devstoreaccount1/faq-state/emulator%252Fconversations%252F… */
  url: string;
  /** The blob name, decoded once (as BlobsStorage named it), or '' for container and account calls. */
  blob: string;
  /** Set once Blob storage has answered. */
  status?: number;
}

/**
 * A hook run before a request is forwarded. Resolving lets it through; a promise that never resolves makes
 * the store look hung (it accepts the connection but never answers) for that request.
 */
export type Intercept = (request: ProxiedRequest) => Promise<void> | void;

/**
 * An HTTP proxy between a bot and Azurite, so a test can hold one particular store call (a state write)
 * at a chosen moment, or make the store hang, and see what the bot sent and what the store answered.
 * Azure's Shared Key signature covers the method, path and x-ms-* headers but not the host, so requests
 * are forwarded unchanged.
 */
export class BlobProxy {
  readonly requests: ProxiedRequest[] = [];
  intercept: Intercept | undefined;
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { port: number; connectionString: string }) {}

  /** The target's connection string with its blob endpoint moved to this proxy. */
  get connectionString(): string {
    return this.target.connectionString.replace(/BlobEndpoint=http:\/\/127\.0\.0\.1:\d+/, `BlobEndpoint=http://127.0.0.1:${this.port}`);
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  private async handle(req: IncomingMessage, res: import('node:http').ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '/').split('?')[0]!;
    const seen: ProxiedRequest = { method: req.method ?? 'GET', url: req.url ?? '/', blob: decodeURIComponent(path.split('/').slice(3).join('/')) };
    this.requests.push(seen);
    await this.intercept?.(seen);
    const upstream = forward({ host: '127.0.0.1', port: this.target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      seen.status = answer.statusCode;
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    upstream.end(Buffer.concat(chunks));
  }

  /** Drops every connection, held ones included, and stops listening. */
  async close(): Promise<void> {
    this.intercept = undefined;
    this.sockets.forEach((socket) => socket.destroy());
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

export interface HoldPoint {
  /** Resolves once something has arrived at the hold point. */
  reached: Promise<void>;
  /** Lets what is held go on. */
  release(): void;
  /** Called by what is held (an Intercept): waits until released. */
  pass(): Promise<void>;
}

/** Where an intercepted request waits until the test lets it go, so two turns interleave exactly. */
export function holdPoint(): HoldPoint {
  let arrive!: () => void;
  let open!: () => void;
  const reached = new Promise<void>((done) => (arrive = done));
  const opened = new Promise<void>((done) => (open = done));
  return {
    reached,
    release: () => open(),
    pass: async () => {
      arrive();
      await opened;
    },
  };
}
