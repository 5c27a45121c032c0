import type { Responder } from './respond';
import { TopicDialog } from './topicDialog';

export const GOVERNANCE_DIALOG = 'GovernanceDialog';

export class GovernanceDialog extends TopicDialog {
  constructor(responder: Responder) {
    super(GOVERNANCE_DIALOG, 'governance', responder);
  }
}
