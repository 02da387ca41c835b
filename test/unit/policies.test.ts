import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { POLICIES_DIR, readPolicy } from '../../activities/policy';

const ids = readdirSync(POLICIES_DIR).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, ''));

describe.each(ids)('policy %s', (id) => {
  it('validates against the schema and is self-consistent', async () => {
    const p = await readPolicy(POLICIES_DIR, id);
    expect(p.collectivity.id).toBe(id);
    expect(p.partners.map((x) => x.id)).toContain(p.insertionPartner);
    for (const target of p.targets) expect(p.indicators).toContain(target.indicator);
    for (const family of [...Object.keys(p.ecoLabels), ...p.fairTradeFamilies]) expect(p.cpvFamilies).toHaveProperty(family);
  });

  it('asks each financial term once: the single question of older versions or the split decisions, not both', async () => {
    const p = await readPolicy(POLICIES_DIR, id);
    const split = (['sme-advance', 'mandatory-advance', 'price-revision', 'negotiation'] as const).filter((k) => p.checks[k]);
    expect(split.length === 0 || (split.length === 4 && !p.checks['financial-terms'])).toBe(true);
    if (split.length) expect(p.thresholds.mandatoryAdvanceSmeMinRate).toBeDefined();
    if (p.checks['equality-clauses']) expect(p.thresholds.genderEqualityFrom).toBeDefined();
  });
});

it('rejects an unknown collectivity and a malformed id with a clear error', async () => {
  await expect(readPolicy(POLICIES_DIR, 'atlantis')).rejects.toThrow(/Aucune politique pour la collectivité « atlantis »/);
  await expect(readPolicy(POLICIES_DIR, '../etc/passwd')).rejects.toThrow(/Collectivité invalide/);
});
