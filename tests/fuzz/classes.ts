import { connectorRoutes, directLineAuth, directLineFloods } from './directLineAbuse';
import { deepNesting } from './deepNesting';
import { encodingLies } from './encodingLies';
import type { DraftRequest, Gen, HostileRequest, Surroundings } from './hostileRequest';
import { hugeBodies, slowBodies } from './hugeAndSlowBodies';
import { malformedJson } from './malformedJson';
import { massMembers } from './massMembers';
import { pathsAndMethods } from './pathsAndMethods';
import { deriveSeed, Prng } from './prng';
import { serviceUrls } from './serviceUrls';
import { unicodeText } from './unicodeText';
import { wrongTypes } from './wrongTypes';

export interface FuzzClass {
  name: string;
  /** Requests in the suite's run; `npm run fuzz -- --count N` shares N out in the same proportions. */
  suiteCount: number;
  /** Requests in flight at once. */
  concurrency: number;
  generate(g: Gen): DraftRequest;
}

/**
 * In running order. The floods come last because they fill the local Direct Line endpoint's store of
 * conversations, which every class needs a couple of (placeholders); slow bodies all go at once, since
 * each holds its connection for seconds.
 */
export const FUZZ_CLASSES: readonly FuzzClass[] = [
  { name: 'malformed-json', suiteCount: 700, concurrency: 8, generate: malformedJson },
  { name: 'wrong-types', suiteCount: 1000, concurrency: 8, generate: wrongTypes },
  { name: 'deep-nesting', suiteCount: 250, concurrency: 8, generate: deepNesting },
  { name: 'unicode', suiteCount: 600, concurrency: 8, generate: unicodeText },
  { name: 'encoding-lies', suiteCount: 300, concurrency: 8, generate: encodingLies },
  { name: 'huge-bodies', suiteCount: 60, concurrency: 8, generate: hugeBodies },
  { name: 'slow-bodies', suiteCount: 4, concurrency: 4, generate: slowBodies },
  { name: 'service-urls', suiteCount: 250, concurrency: 8, generate: serviceUrls },
  { name: 'mass-members', suiteCount: 12, concurrency: 4, generate: massMembers },
  { name: 'paths-and-methods', suiteCount: 500, concurrency: 8, generate: pathsAndMethods },
  { name: 'directline-auth', suiteCount: 600, concurrency: 8, generate: directLineAuth },
  { name: 'connector-routes', suiteCount: 300, concurrency: 8, generate: connectorRoutes },
  { name: 'directline-floods', suiteCount: 600, concurrency: 8, generate: directLineFloods },
];

/** The seed the suite always uses, so a failure in CI replays exactly with `npm run fuzz -- --seed`. */
export const SUITE_SEED = 20_240_607;

export const SUITE_TOTAL = FUZZ_CLASSES.reduce((sum, c) => sum + c.suiteCount, 0);

/** Requests per class for a run of about `total`, in the suite's proportions, at least one each. */
export function shareOut(total: number): Map<FuzzClass, number> {
  return new Map(FUZZ_CLASSES.map((c) => [c, Math.max(1, Math.round((total * c.suiteCount) / SUITE_TOTAL))]));
}

export interface ClassPlan {
  fuzzClass: FuzzClass;
  /** The run-wide index of the class's first request: indexes never repeat within a run. */
  firstIndex: number;
  count: number;
}

export function planRun(counts: Map<FuzzClass, number>): ClassPlan[] {
  let next = 0;
  return [...counts].map(([fuzzClass, count]) => {
    const plan = { fuzzClass, firstIndex: next, count };
    next += count;
    return plan;
  });
}

/**
 * The class's requests, made one at a time as the client asks for them (the huge ones are megabytes, so
 * they are never all held at once). Same seed, same plan, same requests.
 */
export function* hostileRequests({ fuzzClass, firstIndex, count }: ClassPlan, seed: number, around: Surroundings): Generator<HostileRequest> {
  const rng = new Prng(deriveSeed(seed, fuzzClass.name));
  for (let nth = 0; nth < count; nth += 1) {
    const index = firstIndex + nth;
    const canary = () => `canary-${seed}-${index}-${rng.letters(6, 'abcdefghijklmnopqrstuvwxyz0123456789')}`;
    yield { ...fuzzClass.generate({ rng, nth, around, canary }), index, fuzzClass: fuzzClass.name };
  }
}
