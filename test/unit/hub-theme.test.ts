import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { contrastRatio, HUB_CARD, hubTheme, MIN_GRAPHIC_CONTRAST } from '../../src/hub/hub-theme.js';

const hexColor = fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, '0')}`);

describe('hubTheme', () => {
  it('keeps any accent visible on both cards and its text at WCAG AA', () => {
    fc.assert(
      fc.property(hexColor, (accent) => {
        const theme = hubTheme(accent);
        for (const scheme of ['light', 'dark'] as const) {
          const { brand, brandText } = theme[scheme];
          expect(contrastRatio(brand, HUB_CARD[scheme])).toBeGreaterThanOrEqual(MIN_GRAPHIC_CONTRAST);
          expect(contrastRatio(brand, brandText)).toBeGreaterThanOrEqual(4.5);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves an accent that already contrasts as it is', () => {
    expect(hubTheme('#1f5fd1').light).toEqual({ brand: '#1f5fd1', brandText: '#ffffff' });
    expect(hubTheme('#ffd400').dark).toEqual({ brand: '#ffd400', brandText: '#000000' });
  });

  it('deepens a pale accent on the light card and lightens a dark one on the dark card', () => {
    expect(hubTheme('#ffd400').light.brand).not.toBe('#ffd400');
    expect(hubTheme('#101010').dark.brand).not.toBe('#101010');
  });

  it('computes the WCAG ratio', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });
});
