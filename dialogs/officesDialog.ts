import type { Responder } from './respond';
import { TopicDialog } from './topicDialog';

export const OFFICES_DIALOG = 'OfficesDialog';

export class OfficesDialog extends TopicDialog {
  constructor(responder: Responder) {
    super(OFFICES_DIALOG, 'offices', responder);
  }
}
