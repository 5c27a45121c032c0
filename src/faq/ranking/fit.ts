/**
 * A conditional logit (multinomial choice among a message's candidates and "none of them"), L2-regularised
 * and fitted by Newton's method. Hand-written rather than taken from npm: the logistic-regression packages
 * there (ml-logistic-regression) fit one yes/no per row by plain gradient descent, with a learning rate to
 * tune and no penalty, and none fits a choice among a varying set; with some twenty-five inputs the exact
 * Newton step is a small linear solve (one row per input and one for the bias) that converges in a
 * handful of steps to the same weights every time.
 */

/** One message: its candidates' inputs, and which of them was the entry wanted, if any was. */
export interface Query {
  candidates: readonly (readonly number[])[];
  chosen?: number;
  /** How much this message counts in the fit; 1 unless said. */
  weight?: number;
}

export interface Fitted {
  bias: number;
  weights: number[];
}

/** Solves A x = b for a symmetric positive-definite A by Cholesky; A and b are not changed. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = a.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = a[i]![j]!;
      for (let k = 0; k < j; k++) sum -= l[i]![k]! * l[j]![k]!;
      l[i]![j] = i === j ? Math.sqrt(Math.max(sum, 1e-12)) : sum / l[j]![j]!;
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= l[i]![k]! * y[k]!;
    y[i] = sum / l[i]![i]!;
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i]!;
    for (let k = i + 1; k < n; k++) sum -= l[k]![i]! * x[k]!;
    x[i] = sum / l[i]![i]!;
  }
  return x;
}

/** The penalised log-likelihood of the chosen alternatives, its gradient, and its negated Hessian. */
function evaluate(
  queries: readonly (readonly number[][])[],
  chosen: readonly (number | undefined)[],
  counts: readonly number[],
  beta: readonly number[],
  l2: number,
) {
  const d = beta.length;
  let objective = 0;
  const gradient = beta.map((b, j) => (j === 0 ? 0 : -l2 * b));
  const hessian = beta.map((_, i) => beta.map((__, j) => (i === j && i > 0 ? l2 : 0)));
  for (let j = 1; j < d; j++) objective -= (l2 / 2) * beta[j]! ** 2;
  queries.forEach((xs, n) => {
    const utilities = xs.map((x) => x.reduce((sum, v, j) => sum + v * beta[j]!, 0));
    const top = Math.max(0, ...utilities);
    const weights = utilities.map((u) => Math.exp(u - top));
    const total = weights.reduce((sum, w) => sum + w, Math.exp(-top));
    const picked = chosen[n];
    const count = counts[n]!;
    objective += count * ((picked === undefined ? 0 : utilities[picked]!) - top - Math.log(total));
    const p = weights.map((w) => w / total);
    const mean = new Array<number>(d).fill(0);
    xs.forEach((x, a) => {
      x.forEach((v, j) => (mean[j]! += p[a]! * v));
    });
    const x0 = picked === undefined ? undefined : xs[picked];
    for (let i = 0; i < d; i++) gradient[i]! += count * ((x0?.[i] ?? 0) - mean[i]!);
    xs.forEach((x, a) => {
      for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) hessian[i]![j]! += count * p[a]! * x[i]! * x[j]!;
    });
    for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) hessian[i]![j]! -= count * mean[i]! * mean[j]!;
  });
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) hessian[i]![j] = hessian[j]![i]!;
  return { objective, gradient, hessian };
}

/**
 * Maximises the conditional log-likelihood of the chosen alternatives, minus l2/2 × |weights|² (the bias
 * is not penalised). Each query's alternatives are its candidates and "none of them", whose utility is 0;
 * a candidate's utility is bias + weights · x. The weights numbered in `atMostZero` are kept at or below 0.
 * Each Newton step is halved until it improves the objective,
 * since a full step from far away can overshoot; stops when no weight moves more than 1e-8, or after 100 steps.
 */
export function fitConditionalLogit(queries: readonly Query[], l2: number, atMostZero: ReadonlySet<number> = new Set()): Fitted {
  // Active set: a weight that must not be positive but is fitted so is held at 0 (its input zeroed), and
  // the rest refitted, until none is.
  const held = new Set<number>();
  for (;;) {
    const fitted = fitUnconstrained(
      queries.map((q) => (held.size === 0 ? q : { ...q, candidates: q.candidates.map((x) => x.map((v, j) => (held.has(j) ? 0 : v))) })),
      l2,
    );
    const wrong = [...atMostZero].filter((j) => !held.has(j) && fitted.weights[j]! > 0);
    if (wrong.length === 0) return fitted;
    // The most positive first: holding it at 0 can bring the others back below 0.
    held.add(wrong.reduce((worst, j) => (fitted.weights[j]! > fitted.weights[worst]! ? j : worst)));
  }
}

function fitUnconstrained(queries: readonly Query[], l2: number): Fitted {
  const d = (queries.find((q) => q.candidates.length > 0)?.candidates[0]!.length ?? 0) + 1;
  // Each candidate's inputs with the constant for the bias in front.
  const withBias = queries.map((q) => q.candidates.map((x) => [1, ...x]));
  const chosen = queries.map((q) => q.chosen);
  const counts = queries.map((q) => q.weight ?? 1);
  let beta = new Array<number>(d).fill(0);
  let current = evaluate(withBias, chosen, counts, beta, l2);
  for (let step = 0; step < 100; step++) {
    const delta = solve(current.hessian, current.gradient);
    let scale = 1;
    let next = beta.map((b, i) => b + delta[i]!);
    let tried = evaluate(withBias, chosen, counts, next, l2);
    while (tried.objective < current.objective && scale > 1e-6) {
      scale /= 2;
      next = beta.map((b, i) => b + scale * delta[i]!);
      tried = evaluate(withBias, chosen, counts, next, l2);
    }
    beta = next;
    current = tried;
    if (Math.max(...delta.map((v) => Math.abs(v * scale))) < 1e-8) break;
  }
  return { bias: beta[0]!, weights: beta.slice(1) };
}
