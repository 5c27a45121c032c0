import type { Decider } from '../src/conversation/decide';
import { TopicDialog } from './topicDialog';

export const GOVERNANCE_DIALOG = 'GovernanceDialog';

export class GovernanceDialog extends TopicDialog {
  constructor(decider: Decider) {
    super(GOVERNANCE_DIALOG, 'governance', decider);
  }
}
