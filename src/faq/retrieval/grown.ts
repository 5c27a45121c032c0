type GrowableArray = Uint8Array<ArrayBuffer> | Int32Array<ArrayBuffer> | Float32Array<ArrayBuffer>;

/**
 * A copy of a typed array at least `needed` long: twice as long, or more if that is not enough. Building an
 * index fills arrays whose final length is known only at the end; doubling keeps the copying linear.
 */
export function grown<T extends GrowableArray>(array: T, needed: number): T {
  const copy = new (array.constructor as new (length: number) => T)(Math.max(2 * array.length, needed));
  copy.set(array);
  return copy;
}
