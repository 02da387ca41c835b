import nodemailer, { type Transporter } from 'nodemailer';
import type { Config } from './config';

/** The SMTP transport; a pool, because workers send many mails over one connection. */
export function createMailer(smtp: Config['smtp']): Transporter {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.auth,
    pool: true,
    maxConnections: 5,
    // Bounded, so a send attempt ends well within its lease (activities/mail.ts).
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
  });
}
