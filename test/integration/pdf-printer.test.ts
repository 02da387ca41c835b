/**
 * The PDF printer (issue 19): one Chromium for every report, a few pages at a time, a bounded queue, and a French
 * refusal when Chromium is missing or the queue is full.
 */
import { afterAll, expect, it } from 'vitest';
import { chromiumPath } from '../../lib/chromium';
import { PdfPrinter, PdfUnavailable } from '../../reports/pdf';

const html = (title: string) => `<!doctype html><html lang="fr"><title>${title}</title><h1>${title}</h1><script>window.chartsReady = true</script></html>`;
const printer = new PdfPrinter({ executablePath: chromiumPath(), concurrency: 1, queueLimit: 1 });
afterAll(() => printer.close());

it('prints one at a time, queues the next and refuses beyond the queue, in French', async () => {
  // All three asked at once: the first prints, the second waits, the third is refused at once.
  const asked = [printer.print(html('Bilan 2025')), printer.print(html('Bilan 2026')), printer.print(html('Bilan 2027'))];
  expect(printer.load()).toEqual({ running: 1, waiting: 1 });
  const [first, second, third] = await Promise.allSettled(asked);
  expect(third).toMatchObject({ status: 'rejected', reason: expect.any(PdfUnavailable) });
  expect((third as PromiseRejectedResult).reason.message).toBe('Trop de bilans PDF sont en cours de préparation. Réessayez dans une minute.');
  for (const done of [first!, second!]) {
    expect(done.status).toBe('fulfilled');
    expect((done as PromiseFulfilledResult<Buffer>).value.subarray(0, 5).toString()).toBe('%PDF-');
  }
  expect(printer.load()).toEqual({ running: 0, waiting: 0 });
}, 60_000);

it('says in French that Chromium is missing, and where it was looked for', async () => {
  const nowhere = new PdfPrinter({ executablePath: '/nulle-part/chromium' });
  const refusal = await nowhere.print(html('Bilan')).catch((err: unknown) => err);
  expect(refusal).toBeInstanceOf(PdfUnavailable);
  expect((refusal as Error).message).toMatch(/^Chromium est introuvable \(\/nulle-part\/chromium\) : le bilan PDF ne peut pas être produit\. .*CHROMIUM_PATH/);
  expect(nowhere.load()).toEqual({ running: 0, waiting: 0 });
});
