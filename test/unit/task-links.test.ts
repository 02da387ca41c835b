import { describe, expect, it } from 'vitest';
import { TaskLinks } from '../../mail/links';

const links = new TaskLinks('a'.repeat(32), 'https://spaser.test', 30);
const tokenOf = (url: string) => url.split('/repondre/')[1]!;

describe('task links', () => {
  it('round-trips the task and the person it was sent to', async () => {
    const { url, expiresAt } = await links.create({ taskId: 'C-1:c1:sourcing', email: 'a@b.test' });
    expect(url).toMatch(/^https:\/\/spaser\.test\/repondre\//);
    const check = await links.verify(tokenOf(url));
    expect(check).toEqual({ ok: true, claims: { taskId: 'C-1:c1:sourcing', email: 'a@b.test' }, expiresAt: new Date(Math.floor(expiresAt.getTime() / 1000) * 1000) });
  });

  it('refuses an expired link', async () => {
    const { url } = await links.create({ taskId: 't', email: 'a@b.test' }, new Date(Date.now() - 31 * 86_400_000));
    expect(await links.verify(tokenOf(url))).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a tampered link and one signed with another secret', async () => {
    const token = tokenOf((await links.create({ taskId: 't', email: 'a@b.test' })).url);
    const [header, payload, signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: 'other' })).toString('base64url');
    expect(await links.verify(`${header}.${forged}.${signature}`)).toEqual({ ok: false, reason: 'invalid' });
    const other = new TaskLinks('b'.repeat(32), 'https://spaser.test', 30);
    expect(await other.verify(token)).toEqual({ ok: false, reason: 'invalid' });
    expect(await links.verify('not-a-token')).toEqual({ ok: false, reason: 'invalid' });
  });
});
