import type { Responder } from './respond';
import { TopicDialog } from './topicDialog';

export const MEMBERSHIP_DIALOG = 'MembershipDialog';

export class MembershipDialog extends TopicDialog {
  constructor(responder: Responder) {
    super(MEMBERSHIP_DIALOG, 'membership', responder);
  }
}
