import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { chromiumPath } from '../../lib/chromium';


/** Headless; the sandbox is off because CI runs as root. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
  });
}

/** A fresh browser context signed in with a personal token: asks for `/taches`, is sent to the sign-in page, comes back. */
export async function signIn(browser: Browser, baseUrl: string, token: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${baseUrl}/taches`);
  expect(new URL(page.url()).pathname).toBe('/connexion');
  await page.getByLabel('Jeton d’accès personnel').fill(token);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForLoadState();
  return page;
}
