/** One thing wrong in a knowledge file, located so a curator can go straight to it. */
export interface KnowledgeProblem {
  file: string;
  entryId?: string;
  field?: string;
  message: string;
}

export class KnowledgeError extends Error {
  constructor(readonly problems: KnowledgeProblem[]) {
    super(
      `The knowledge base has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n` + problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'KnowledgeError';
  }
}

export function formatProblem(p: KnowledgeProblem): string {
  const where = [p.file, p.entryId !== undefined ? `entry "${p.entryId}"` : undefined, p.field ? `field "${p.field}"` : undefined].filter(Boolean).join(', ');
  return `${where}: ${p.message}`;
}
