/// <reference lib="dom" />
/**
 * The accessibility checks run inside a page (RGAA): axe-core with no serious or critical violation, plus what axe
 * does not check: the skip link first, a caption and header scopes on every table, a table of values for each chart,
 * and field borders at 3:1 at least.
 */
import axe from 'axe-core';
import type { Page } from 'playwright-core';

/** What a page breaks of these checks, as readable lines (empty when it passes). */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axe.source });
  return page.evaluate(async () => {
    const found: string[] = [];
    const { violations } = await (globalThis as unknown as { axe: typeof axe }).axe.run();
    for (const v of violations) if (v.impact === 'serious' || v.impact === 'critical') found.push(`axe ${v.id} (${v.impact}) : ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    // Pages with the navigation bar (not the printable report) open on the skip link.
    const first = document.querySelector('a, button, input, select, textarea');
    const skips = first instanceof HTMLAnchorElement && first.getAttribute('href') === '#contenu';
    if (document.querySelector('header.top') && !skips) found.push('le premier élément focalisable n’est pas le lien d’évitement');
    document.querySelectorAll('table').forEach((t, i) => {
      if (!t.querySelector(':scope > caption')?.textContent?.trim()) found.push(`tableau ${t.id || i} sans titre (caption)`);
      if (t.querySelector('thead th:not([scope])')) found.push(`tableau ${t.id || i} : en-tête sans scope`);
    });
    document.querySelectorAll('canvas').forEach((c) => {
      const table = document.getElementById(c.getAttribute('aria-describedby') ?? '');
      if (table?.tagName !== 'TABLE') found.push(`graphique ${c.id} sans tableau de valeurs`);
    });
    // Non-text contrast (RGAA 3.3): a field's border against the page.
    const luminance = (rgb: string) => {
      const [r, g, b] = (rgb.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map(Number).map((v) => v / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    document.querySelectorAll('input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea').forEach((f) => {
      const border = luminance(getComputedStyle(f).borderTopColor);
      const ratio = (Math.max(border, 1) + 0.05) / (Math.min(border, 1) + 0.05);
      if (ratio < 3) found.push(`bordure du champ ${(f as HTMLInputElement).name} à ${ratio.toFixed(2)}:1`);
    });
    return found;
  });
}

