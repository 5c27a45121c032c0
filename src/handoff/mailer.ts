import { createTransport } from 'nodemailer';
import { isLoopbackHost } from '../shared/loopback';
import { TEAM_NAME } from '../cards/handoffCards';

/** Sends a supporter the team's answer when they have left the chat. */
export interface AnswerMailer {
  send(message: { to: string; question: string; answer: string }): Promise<void>;
}

/** An SMTP server that does not answer within this long is given up on; the ticket keeps its answer in the chat. */
const SMTP_TIMEOUT_MS = 10_000;

/**
 * nodemailer over SMTP_URL (smtp://user:pass@host:587, or smtps:// for implicit TLS). Anywhere but
 * loopback the connection must be encrypted: an address and an answer about a human-rights organisation
 * do not cross a network in clear text.
 */
export function smtpMailer(smtpUrl: string, from: string): AnswerMailer {
  const url = new URL(smtpUrl);
  const transport = createTransport({
    url: smtpUrl,
    requireTLS: url.protocol === 'smtp:' && !isLoopbackHost(url.hostname),
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  });
  return {
    async send({ to, question, answer }) {
      await transport.sendMail({
        from,
        to,
        subject: 'Your question to Amnesty International UK',
        text: [
          'Hello,',
          '',
          `You asked ${TEAM_NAME}:`,
          `  “${question}”`,
          '',
          'Their answer:',
          '',
          answer,
          '',
          'We have now deleted your email address. You are getting this email only because you left it with your question in our chat.',
        ].join('\n'),
      });
    },
  };
}
