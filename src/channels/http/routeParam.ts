import type { Request } from 'restify';

/** A route's parameter as text: restify types them as any, and a client may leave one out. */
export function routeParam(req: Request, name: string): string {
  const value: unknown = (req.params as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}
