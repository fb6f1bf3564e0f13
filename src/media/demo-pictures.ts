import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import sharp from 'sharp';
import type { OcopGroup } from '../catalog/ocop.js';

/**
 * Pictures for the demo products, drawn here at seed time: no network, no stock photos. Each is
 * an illustration of its OCOP group (a bag, a bottle, a jar of herbs, a basket, a potted plant, a
 * landscape) in colours derived from the product's name, with the name on a label, rendered by
 * sharp (librsvg for the shapes, Pango with the bundled DejaVu Sans for the Vietnamese text).
 * They go through the same upload checks and processing as a cooperative's photo.
 */

const require = createRequire(import.meta.url);
const FONT_FILE = require.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');

export const DEMO_PICTURE_SIZE = { width: 1280, height: 960 } as const;

export interface DemoPictureInput {
  name: string;
  group: OcopGroup;
  stars: number;
}

/** A JPEG (quality 88) of DEMO_PICTURE_SIZE. Deterministic for a given input. */
export async function renderDemoPicture(p: DemoPictureInput): Promise<Buffer> {
  const { width, height } = DEMO_PICTURE_SIZE;
  const hue = hueOf(p.name);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
  <defs>
    <linearGradient id="bg" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="${hsl(hue + 20, 45, 93)}"/>
      <stop offset="1" stop-color="${hsl(hue, 40, 82)}"/>
    </linearGradient>
    <radialGradient id="shine" cx="0.35" cy="0.3" r="0.7">
      <stop offset="0" stop-color="#fff" stop-opacity="0.55"/>
      <stop offset="1" stop-color="#fff" stop-opacity="0"/>
    </radialGradient>
  </defs>
  <rect width="${width}" height="${height}" fill="url(#bg)"/>
  <ellipse cx="640" cy="800" rx="420" ry="60" fill="#000" opacity="0.12"/>
  ${ART[artFor(p)](hue)}
  ${starBadge(p.stars)}
</svg>`;
  const label = await sharp({
    text: {
      text: `<span foreground="#2b2118">${escapeMarkup(p.name)}</span>`,
      fontfile: FONT_FILE,
      font: 'DejaVu Sans Bold 40',
      width: 1000,
      align: 'centre',
      wrap: 'word',
      rgba: true,
      dpi: 72,
    },
  })
    .png()
    .toBuffer({ resolveWithObject: true });
  const labelTop = height - 40 - 130;
  const plate = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="1080" height="130"><rect x="0" y="0" width="1080" height="130" rx="24" fill="#fffaf0" opacity="0.92"/></svg>`,
  );
  return sharp(Buffer.from(svg))
    .composite([
      { input: plate, left: 100, top: labelTop },
      { input: label.data, left: Math.round((width - label.info.width) / 2), top: labelTop + Math.round((130 - label.info.height) / 2) },
    ])
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 88 })
    .toBuffer();
}

type Art = 'pouch' | 'bottle' | 'jar' | 'basket' | 'vase' | 'cloth' | 'plant' | 'landscape';

/** The product's kind by the words of its name, else by its OCOP group. */
export function artFor(p: Pick<DemoPictureInput, 'name' | 'group'>): Art {
  const n = p.name.toLowerCase();
  if (p.group === 'community_tourism') return 'landscape';
  if (/^(trà|chè|cà phê|tiêu)\s/.test(n)) return 'pouch';
  if (/nước mắm|rượu|mật ong|nước |siro|giấm/.test(n)) return 'bottle';
  if (/dầu|cao |tinh dầu|thuốc|lá tắm/.test(n)) return 'jar';
  if (/(^|\s)(gốm|bình|ấm|chén|đĩa|bát|sứ)(\s|$)/.test(n)) return 'vase';
  if (/thổ cẩm|dệt|lụa|vải|khăn/.test(n)) return 'cloth';
  if (/giỏ|mây|tre|cói|đan/.test(n)) return 'basket';
  const byGroup: Record<OcopGroup, Art> = { food: 'pouch', beverages: 'pouch', herbal: 'jar', handicrafts: 'basket', ornamental: 'plant', community_tourism: 'landscape' };
  return byGroup[p.group];
}

const ART: Record<Art, (hue: number) => string> = {
  // A kraft stand-up pouch with a window and a coloured band.
  pouch: (h) => `
  <path d="M470 240 L810 240 L840 780 L440 780 Z" fill="#c8a06a"/>
  <path d="M470 240 L810 240 L815 300 L465 300 Z" fill="#a97f48"/>
  <rect x="455" y="420" width="370" height="120" fill="${hsl(h, 60, 40)}"/>
  <ellipse cx="640" cy="640" rx="110" ry="80" fill="${hsl(h + 30, 45, 30)}" opacity="0.85"/>
  <ellipse cx="610" cy="620" rx="20" ry="14" fill="${hsl(h + 30, 40, 20)}"/>
  <ellipse cx="665" cy="655" rx="20" ry="14" fill="${hsl(h + 30, 40, 20)}"/>
  <ellipse cx="640" cy="600" rx="18" ry="12" fill="${hsl(h + 30, 40, 22)}"/>
  <rect x="440" y="240" width="400" height="540" fill="url(#shine)"/>`,
  // A tall glass bottle with a label and a cork.
  bottle: (h) => `
  <rect x="600" y="150" width="80" height="60" rx="8" fill="#8a6a45"/>
  <path d="M590 210 L690 210 L690 300 Q780 340 780 420 L780 760 Q780 790 750 790 L530 790 Q500 790 500 760 L500 420 Q500 340 590 300 Z" fill="${hsl(h, 55, 30)}"/>
  <rect x="520" y="470" width="240" height="180" rx="10" fill="#f5ecd7"/>
  <rect x="540" y="490" width="200" height="18" fill="${hsl(h, 60, 40)}"/>
  <rect x="540" y="620" width="200" height="12" fill="${hsl(h, 60, 40)}"/>
  <path d="M540 540 Q640 600 740 540" stroke="${hsl(h + 120, 50, 35)}" stroke-width="10" fill="none"/>
  <path d="M520 330 Q540 300 580 300 L580 760 L530 760 Z" fill="#fff" opacity="0.18"/>`,
  // An amber jar with leaves around it.
  jar: (h) => `
  <path d="M380 520 Q300 420 360 330 Q430 420 380 520 Z" fill="${hsl(120, 40, 38)}"/>
  <path d="M900 520 Q980 420 920 330 Q850 420 900 520 Z" fill="${hsl(110, 45, 34)}"/>
  <path d="M420 640 Q330 600 330 520 Q420 540 420 640 Z" fill="${hsl(130, 35, 42)}"/>
  <rect x="540" y="250" width="200" height="70" rx="12" fill="#2f2f2f"/>
  <rect x="500" y="320" width="280" height="460" rx="40" fill="${hsl(30, 70, 35)}"/>
  <rect x="520" y="430" width="240" height="200" rx="12" fill="#fbf6e9"/>
  <path d="M640 460 Q700 520 640 600 Q580 520 640 460 Z" fill="${hsl(h + 100, 45, 38)}"/>
  <rect x="515" y="340" width="50" height="420" rx="20" fill="#fff" opacity="0.18"/>`,
  // A woven basket.
  basket: (h) => {
    const rows = [0, 1, 2, 3, 4, 5]
      .map((i) => `<path d="M${420 - i * 4} ${470 + i * 50} L${860 + i * 4} ${470 + i * 50}" stroke="${hsl(h + 10, 45, 30)}" stroke-width="6"/>`)
      .join('');
    const ribs = [0, 1, 2, 3, 4, 5, 6, 7, 8]
      .map((i) => `<path d="M${440 + i * 50} 450 L${450 + i * 47} 780" stroke="${hsl(h + 10, 45, 28)}" stroke-width="5"/>`)
      .join('');
    return `
  <path d="M470 450 Q640 200 810 450" stroke="${hsl(h + 10, 50, 40)}" stroke-width="26" fill="none"/>
  <path d="M400 450 L880 450 L820 790 L460 790 Z" fill="${hsl(h + 10, 55, 55)}"/>
  ${rows}${ribs}
  <rect x="390" y="430" width="500" height="40" rx="18" fill="${hsl(h + 10, 50, 42)}"/>`;
  },
  // A glazed ceramic vase with a painted band, and a cup.
  vase: (h) => `
  <path d="M600 250 L680 250 L690 330 Q820 420 800 600 Q780 760 640 790 Q500 760 480 600 Q460 420 590 330 Z" fill="${hsl(h, 45, 55)}"/>
  <path d="M485 520 Q640 560 795 520 L800 590 Q640 630 482 590 Z" fill="${hsl(h + 180, 40, 30)}"/>
  <path d="M560 545 Q600 520 640 560 Q680 520 720 545" stroke="#f4efe2" stroke-width="8" fill="none"/>
  <ellipse cx="640" cy="250" rx="48" ry="12" fill="${hsl(h, 45, 40)}"/>
  <path d="M830 690 L950 690 L935 790 L845 790 Z" fill="${hsl(h, 45, 60)}"/>
  <path d="M950 710 Q990 730 948 760" stroke="${hsl(h, 45, 50)}" stroke-width="10" fill="none"/>
  <path d="M520 420 Q530 360 600 340 L590 700 Q520 640 520 420 Z" fill="#fff" opacity="0.2"/>`,
  // A folded woven cloth with a diamond pattern.
  cloth: (h) => {
    const diamonds = [0, 1, 2, 3, 4, 5]
      .map((i) => `<path d="M${470 + i * 62} 520 L${500 + i * 62} 490 L${530 + i * 62} 520 L${500 + i * 62} 550 Z" fill="${hsl(h + 40, 80, 55)}"/>`)
      .join('');
    return `
  <rect x="430" y="620" width="420" height="150" rx="14" fill="${hsl(h + 200, 50, 25)}"/>
  <rect x="420" y="430" width="440" height="190" rx="14" fill="${hsl(h, 65, 38)}"/>
  <rect x="420" y="470" width="440" height="14" fill="${hsl(h + 60, 80, 60)}"/>
  <rect x="420" y="560" width="440" height="14" fill="${hsl(h + 60, 80, 60)}"/>
  ${diamonds}
  <rect x="430" y="650" width="420" height="12" fill="${hsl(h + 120, 70, 55)}"/>
  <rect x="430" y="720" width="420" height="12" fill="${hsl(h + 120, 70, 55)}"/>`;
  },
  // A potted flowering plant.
  plant: (h) => `
  <path d="M640 560 Q600 380 640 250" stroke="${hsl(120, 40, 30)}" stroke-width="12" fill="none"/>
  <path d="M640 560 Q720 420 800 330" stroke="${hsl(120, 40, 30)}" stroke-width="10" fill="none"/>
  <path d="M640 560 Q560 430 470 360" stroke="${hsl(120, 40, 30)}" stroke-width="10" fill="none"/>
  <ellipse cx="560" cy="560" rx="120" ry="40" fill="${hsl(120, 45, 35)}" transform="rotate(-20 560 560)"/>
  <ellipse cx="730" cy="565" rx="120" ry="40" fill="${hsl(125, 45, 32)}" transform="rotate(20 730 565)"/>
  ${flower(640, 240, h)}${flower(805, 320, h + 25)}${flower(465, 350, h - 25)}
  <path d="M500 590 L780 590 L740 790 L540 790 Z" fill="${hsl(h + 180, 35, 45)}"/>
  <rect x="485" y="575" width="310" height="40" rx="10" fill="${hsl(h + 180, 35, 38)}"/>`,
  // Hills, rice terraces and a sun: a place to visit.
  landscape: (h) => `
  <circle cx="930" cy="250" r="80" fill="#ffd36b"/>
  <path d="M120 620 Q380 300 640 560 Q850 360 1160 600 L1160 790 L120 790 Z" fill="${hsl(h + 100, 35, 40)}"/>
  <path d="M120 700 Q400 560 700 680 Q950 580 1160 680 L1160 790 L120 790 Z" fill="${hsl(h + 90, 45, 48)}"/>
  <path d="M120 730 Q420 630 700 720 Q950 640 1160 720" stroke="${hsl(h + 80, 50, 62)}" stroke-width="8" fill="none"/>
  <path d="M120 765 Q420 680 700 760 Q950 690 1160 760" stroke="${hsl(h + 80, 50, 62)}" stroke-width="8" fill="none"/>
  <path d="M560 560 L620 500 L680 560 Z" fill="#8b4a2b"/><rect x="575" y="560" width="90" height="60" fill="#d9b98b"/>`,
};

function flower(cx: number, cy: number, h: number): string {
  const petals = [0, 72, 144, 216, 288]
    .map((a) => `<ellipse cx="${cx}" cy="${cy - 38}" rx="26" ry="40" fill="${hsl(h, 65, 62)}" transform="rotate(${a} ${cx} ${cy})"/>`)
    .join('');
  return `${petals}<circle cx="${cx}" cy="${cy}" r="18" fill="#f7d046"/>`;
}

function starBadge(stars: number): string {
  const star = (x: number) =>
    `<path transform="translate(${x} 95) scale(1.3)" d="M0 -20 L5.9 -8.1 L19 -6.2 L9.5 3.1 L11.8 16.2 L0 10 L-11.8 16.2 L-9.5 3.1 L-19 -6.2 L-5.9 -8.1 Z" fill="#f2b705"/>`;
  const w = 70 + stars * 56;
  return `<rect x="60" y="50" width="${w}" height="90" rx="45" fill="#b3261e"/>
  ${Array.from({ length: stars }, (_, i) => star(115 + i * 56)).join('')}`;
}

function hueOf(name: string): number {
  return createHash('sha256').update(name).digest().readUInt16BE(0) % 360;
}

function hsl(h: number, s: number, l: number): string {
  return `hsl(${((Math.round(h) % 360) + 360) % 360}, ${s}%, ${l}%)`;
}

function escapeMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
