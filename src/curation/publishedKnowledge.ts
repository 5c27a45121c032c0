import { Decider, loadKnowledge, textFiles, type DeciderOptions, type KnowledgeBase } from '../faq';
import { errorFields, type Logger } from '../shared/logger';
import { COMMITTED_VERSION, type KnowledgeVersionStore } from '../storage/knowledgeVersions';

/** How often an instance asks the store which version to serve: with a load, well within 30 s of a publish. */
export const KNOWLEDGE_REFRESH_MS = 15_000;

/**
 * The knowledge base this instance serves: the version the store names as current, or the committed
 * knowledge/ (version 1) until one is published. Each instance follows the store on its own timer, so a
 * publish or a rollback reaches all of them without a restart. A version that fails to load (it passed
 * the same checks when it was published, so only a damaged store does this) leaves the last one serving.
 */
export class PublishedKnowledge {
  private serving: { version: number; knowledge: KnowledgeBase; decider: Decider };

  constructor(
    private readonly versions: KnowledgeVersionStore,
    private readonly committed: KnowledgeBase,
    private readonly logger: Logger,
    private readonly deciderOptions?: DeciderOptions,
  ) {
    this.serving = { version: COMMITTED_VERSION, knowledge: committed, decider: new Decider(committed, deciderOptions) };
  }

  get version(): number {
    return this.serving.version;
  }

  get knowledge(): KnowledgeBase {
    return this.serving.knowledge;
  }

  get decider(): Decider {
    return this.serving.decider;
  }

  /** Switches to the store's current version if it is not the one served; never throws. */
  async refresh(): Promise<void> {
    try {
      const wanted = await this.versions.current();
      if (wanted === this.serving.version) return;
      const knowledge = wanted === COMMITTED_VERSION ? this.committed : await this.load(wanted);
      this.serving = { version: wanted, knowledge, decider: new Decider(knowledge, this.deciderOptions) };
      this.logger.info('knowledge_version', { version: wanted, entries: knowledge.entries.length });
    } catch (err) {
      this.logger.warn('knowledge_refresh_failed', { serving: this.serving.version, ...errorFields(err) });
    }
  }

  /** Refreshes every `intervalMs` on a timer that does not keep the process alive; returns how to stop it. */
  follow(intervalMs = KNOWLEDGE_REFRESH_MS): () => void {
    const timer = setInterval(() => void this.refresh(), intervalMs);
    timer.unref();
    return () => {
      clearInterval(timer);
    };
  }

  private async load(version: number): Promise<KnowledgeBase> {
    const stored = await this.versions.get(version);
    if (!stored) throw new Error(`the store names version ${version} as current but does not hold it`);
    return loadKnowledge(textFiles(stored.files, `version ${version}`));
  }
}
