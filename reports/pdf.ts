/**
 * Prints an HTML page to PDF with headless Chromium (the same browser the tests drive). One browser, started at the
 * first PDF asked for (playwright-core is loaded then, not before), serves every request: at most `concurrency`
 * pages print at once, the others wait in a queue of `queueLimit`, and beyond that the request is refused at once.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { chromiumPath } from '../lib/chromium';

/** The PDF cannot be made now; `status` is the HTTP answer (503: no Chromium, or too many at once). */
export class PdfUnavailable extends Error {
  readonly statusCode = 503;
}

export interface PdfPrinterOptions {
  executablePath?: string;
  concurrency?: number;
  queueLimit?: number;
}

export class PdfPrinter {
  private browser?: Promise<Browser>;
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly executablePath: string;
  private readonly concurrency: number;
  private readonly queueLimit: number;

  constructor(options: PdfPrinterOptions = {}) {
    this.executablePath = options.executablePath ?? chromiumPath();
    this.concurrency = options.concurrency ?? 2;
    this.queueLimit = options.queueLimit ?? 20;
  }

  async print(html: string): Promise<Buffer> {
    await this.slot();
    try {
      const browser = await this.launch();
      // A context per document: nothing (cookies, storage) passes from one report to another.
      const context = await browser.newContext();
      try {
        const page = await context.newPage();
        await page.setContent(html, { waitUntil: 'load' });
        // The charts draw after load; the page says when they are done.
        await page.waitForFunction('window.chartsReady === true', undefined, { timeout: 15_000 });
        return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
      } finally {
        await context.close().catch(() => undefined);
      }
    } finally {
      this.release();
    }
  }

  /** How many are printing and waiting (for tests and logs). */
  load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }

  async close(): Promise<void> {
    const browser = this.browser;
    this.browser = undefined;
    await (await browser?.catch(() => undefined))?.close().catch(() => undefined);
  }

  private async slot(): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return;
    }
    if (this.waiting.length >= this.queueLimit) {
      throw new PdfUnavailable('Trop de bilans PDF sont en cours de préparation. Réessayez dans une minute.');
    }
    // The slot is handed over by `release`, so `running` does not change on the way.
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  private launch(): Promise<Browser> {
    if (!existsSync(this.executablePath)) {
      return Promise.reject(new PdfUnavailable(
        `Chromium est introuvable (${this.executablePath}) : le bilan PDF ne peut pas être produit. ` +
        'La version HTML du bilan reste disponible ; installez Chromium ou indiquez son chemin dans CHROMIUM_PATH.',
      ));
    }
    this.browser ??= (async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({ executablePath: this.executablePath, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
      // A browser that dies (killed, out of memory) is started again for the next report.
      browser.once('disconnected', () => {
        if (this.browser === launched) this.browser = undefined;
      });
      return browser;
    })();
    const launched = this.browser;
    launched.catch(() => {
      if (this.browser === launched) this.browser = undefined;
    });
    return launched;
  }
}
