import type { Decider } from '../src/conversation/decide';
import { TopicDialog } from './topicDialog';

export const MEMBERSHIP_DIALOG = 'MembershipDialog';

export class MembershipDialog extends TopicDialog {
  constructor(decider: Decider) {
    super(MEMBERSHIP_DIALOG, 'membership', decider);
  }
}
