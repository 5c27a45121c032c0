/** Every object in a card (body, actions, shown cards), for finding actions and inputs by type. */
export function cardNodes(value: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
  if (Array.isArray(value)) value.forEach((v) => cardNodes(v, out));
  else if (value && typeof value === 'object') {
    out.push(value as Record<string, unknown>);
    Object.values(value).forEach((v) => cardNodes(v, out));
  }
  return out;
}
