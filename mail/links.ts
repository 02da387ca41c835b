/**
 * Signed, expiring links that open one task's form without a password (HS256 JWTs, `jose`).
 * The token names the task and the person it was sent to; whether the task is still open is checked when it is used.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Config } from '../lib/config';

const AUDIENCE = 'spaser:answer-task';

export interface TaskLinkClaims {
  taskId: string;
  email: string;
}

export type TaskLinkCheck = { ok: true; claims: TaskLinkClaims; expiresAt: Date } | { ok: false; reason: 'expired' | 'invalid' };

export class TaskLinks {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly publicUrl: string,
    private readonly ttlDays: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  static fromConfig(web: Config['web']): TaskLinks {
    return new TaskLinks(web.linkSecret, web.publicUrl, web.linkTtlDays);
  }

  /** The URL to put in a mail, and when it stops working. */
  async create(claims: TaskLinkClaims, now = new Date()): Promise<{ url: string; expiresAt: Date }> {
    const expiresAt = new Date(now.getTime() + this.ttlDays * 86_400_000);
    const token = await new SignJWT({ email: claims.email })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.taskId)
      .setAudience(AUDIENCE)
      .setIssuedAt(Math.floor(now.getTime() / 1000))
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { url: `${this.publicUrl}/repondre/${token}`, expiresAt };
  }

  async verify(token: string): Promise<TaskLinkCheck> {
    try {
      const { payload } = await jwtVerify(token, this.key, { audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.email !== 'string') return { ok: false, reason: 'invalid' };
      return { ok: true, claims: { taskId: payload.sub, email: payload.email }, expiresAt: new Date(payload.exp! * 1000) };
    } catch (err) {
      return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}
