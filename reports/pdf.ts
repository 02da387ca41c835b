/** Prints an HTML page to PDF with headless Chromium (the same browser the tests drive). */
import { chromium } from 'playwright-core';
import { chromiumPath } from '../lib/chromium';

export async function htmlToPdf(html: string, executablePath = chromiumPath()): Promise<Buffer> {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    // The charts draw after load; the page says when they are done.
    await page.waitForFunction('window.chartsReady === true', undefined, { timeout: 15_000 });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
  } finally {
    await browser.close();
  }
}
