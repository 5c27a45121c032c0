import type { Decider } from '../src/conversation/decide';
import { TopicDialog } from './topicDialog';

export const OFFICES_DIALOG = 'OfficesDialog';

export class OfficesDialog extends TopicDialog {
  constructor(decider: Decider) {
    super(OFFICES_DIALOG, 'offices', decider);
  }
}
