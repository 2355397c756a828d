/**
 * Colours of a branded Hub that stay WCAG AA whatever accent a platform picks: the accent is
 * deepened (light scheme) or lightened (dark scheme) until it reaches 3:1 against the card, as
 * graphics and control boundaries need, and the text on it is black or white, whichever contrasts
 * more; that choice is always at least 4.58:1, above the 4.5:1 text needs.
 */

type Rgb = readonly [number, number, number];

/** The card colours of hub.css, light and dark. */
export const HUB_CARD = { light: '#ffffff', dark: '#1a2029' } as const;
const BLACK: Rgb = [0, 0, 0];
const WHITE: Rgb = [255, 255, 255];
export const MIN_GRAPHIC_CONTRAST = 3;

const parse = (hex: string): Rgb => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb;
const format = (c: Rgb) => `#${c.map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;

function luminance(c: Rgb): number {
  const [r, g, b] = c.map((v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as unknown as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours. */
export function contrastRatio(a: string | Rgb, b: string | Rgb): number {
  const [la, lb] = [a, b].map((c) => luminance(typeof c === 'string' ? parse(c) : c)) as [number, number];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

const mix = (c: Rgb, toward: Rgb, share: number): Rgb => c.map((v, i) => v + (toward[i]! - v) * share) as unknown as Rgb;

export interface ThemeColors {
  brand: string;
  brandText: string;
}

function forCard(accent: string, card: string): ThemeColors {
  const toward = luminance(parse(card)) > 0.5 ? BLACK : WHITE;
  let brand = parse(accent);
  let hex = format(brand);
  // Each step moves 8% of the way to black/white, judged on the rounded colour the page will use;
  // the loop ends because pure black/white clears 3:1 on both cards.
  while (contrastRatio(hex, card) < MIN_GRAPHIC_CONTRAST) {
    brand = mix(brand, toward, 0.08);
    hex = format(brand);
  }
  return { brand: hex, brandText: contrastRatio(hex, WHITE) >= contrastRatio(hex, BLACK) ? '#ffffff' : '#000000' };
}

/** The accent colours for both colour schemes of the page. */
export function hubTheme(accentColor: string): { light: ThemeColors; dark: ThemeColors } {
  return { light: forCard(accentColor, HUB_CARD.light), dark: forCard(accentColor, HUB_CARD.dark) };
}
