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
  });
}
