import nodemailer, { type Transporter } from 'nodemailer';
import { DeliveryError, DeliveryErrorCode, type DeliveryChannel, type OutgoingMessage } from './channel';

const SUBJECTS: Record<OutgoingMessage['kind'], string> = {
  'event-accepted': 'Report accepted',
  'event-merged': 'Report merged',
  'event-routed': 'Event routed',
  'event-resolved': 'Event resolved',
  'event-closed': 'Event closed',
  'event-rejected': 'Report rejected',
  'event-reopened': 'Event reopened',
  'feedback-request': 'Your feedback, please',
  'task-assigned': 'New task',
  'sla-warning': 'SLA warning',
  escalation: 'Escalation (督办)',
  incident: 'Incident',
};

/**
 * E-mail to staff over SMTP (nodemailer, pooled connections). The
 * idempotency key is the Message-ID, so a mail sent again after a lost
 * answer is recognisably the same mail. 5xx answers are refused for good;
 * everything else is tried again.
 */
export class EmailChannel implements DeliveryChannel {
  private readonly transport: Transporter;

  constructor(
    smtpUrl: string,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport(smtpUrl);
  }

  async send(message: OutgoingMessage): Promise<void> {
    if (message.to.email === null) throw new DeliveryError(DeliveryErrorCode.REFUSED, `${message.to.person} has no e-mail address`);
    const domain = this.from.slice(this.from.indexOf('@') + 1);
    try {
      await this.transport.sendMail({
        from: this.from,
        to: message.to.email,
        subject: `${message.urgent ? '[urgent] ' : ''}${SUBJECTS[message.kind]}${message.eventId === null ? '' : ` — event ${message.eventId}`}`,
        text: message.link === null ? message.text : `${message.text}\n\n${message.link}`,
        messageId: `<${message.idempotencyKey}@${domain}>`,
        headers: { 'Idempotency-Key': message.idempotencyKey },
      });
    } catch (error) {
      const responseCode = (error as { responseCode?: unknown }).responseCode;
      const refused = typeof responseCode === 'number' && responseCode >= 500;
      throw new DeliveryError(refused ? DeliveryErrorCode.REFUSED : DeliveryErrorCode.TEMPORARY, `SMTP: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  close(): void {
    this.transport.close();
  }
}
