import type { EventProducer } from '../lib/kafka-producer';
import type { Transporter } from 'nodemailer';
import type { Db } from '../lib/db';
import type { SystemCheckInput } from '../workflows/system-check';

export interface SystemCheckDeps {
  db: Db;
  producer: EventProducer;
  mailer: Transporter;
  topic: string;
  mailFrom: string;
}

/** The three real effects of a system check; each is idempotent on the check id. */
export function createSystemCheckActivities({ db, producer, mailer, topic, mailFrom }: SystemCheckDeps) {
  return {
    async recordSystemCheck(checkId: string): Promise<string> {
      const row = await db.systemCheck.upsert({ where: { id: checkId }, create: { id: checkId }, update: {} });
      return row.createdAt.toISOString();
    },

    async publishSystemCheck(checkId: string) {
      const [meta] = await producer.send({
        topic,
        messages: [{ key: checkId, value: JSON.stringify({ type: 'system-check', checkId, at: new Date().toISOString() }) }],
      });
      if (!meta) throw new Error(`no acknowledgement from Kafka for topic ${topic}`);
      return { topic, partition: meta.partition, offset: meta.baseOffset ?? '' };
    },

    async mailSystemCheck({ checkId, recipient }: SystemCheckInput): Promise<string> {
      // A deterministic Message-ID lets the receiver see a retried send as the same message.
      const messageId = `<system-check-${checkId}@spaser>`;
      await mailer.sendMail({
        from: mailFrom,
        to: recipient,
        messageId,
        subject: `Vérification de l'installation SPASER (${checkId})`,
        text: `Bonjour,\n\nCe message confirme que l'installation SPASER envoie bien ses courriels.\nIdentifiant de la vérification : ${checkId}\n`,
      });
      return messageId;
    },
  };
}

export type SystemCheckActivities = ReturnType<typeof createSystemCheckActivities>;
