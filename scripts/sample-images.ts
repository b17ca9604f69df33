// Draws the demo's sample pictures (content/samples/images/) from SVG with sharp: invented illustrations, no photographs,
// so the offline demo shows pictures that belong to no one. Run once after changing a drawing:
//   node scripts/sample-images.ts
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { projectRoot } from '../src/paths.ts';

const folder = join(projectRoot, 'content/samples/images');
const W = 800;
const H = 450;

/** A deterministic pseudo-random sequence (mulberry32), so a redraw gives the same bytes. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function stars(seed: number, count: number): string {
  const next = random(seed);
  return Array.from({ length: count }, () =>
    `<circle cx="${(next() * W).toFixed(1)}" cy="${(next() * H).toFixed(1)}" r="${(next() * 1.6 + .3).toFixed(2)}" fill="#fff" opacity="${(next() * .7 + .3).toFixed(2)}"/>`).join('');
}

const sky = (id: string, top: string, bottom: string) =>
  `<defs><linearGradient id="${id}" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient></defs><rect width="${W}" height="${H}" fill="url(#${id})"/>`;

const drawings: Record<string, string> = {
  // S3: a dusty pinwheel around a bright star.
  'ember-star-aquila.jpg': `${sky('s', '#05060f', '#1a1030')}${stars(1, 260)}
    <defs><radialGradient id="g"><stop offset="0" stop-color="#fff6d0"/><stop offset=".15" stop-color="#ffb347"/><stop offset=".5" stop-color="#a0301a" stop-opacity=".6"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient></defs>
    <circle cx="400" cy="225" r="170" fill="url(#g)"/>
    ${Array.from({ length: 5 }, (_, i) => `<path d="M400 225 m ${30 + i * 28} 0 a ${30 + i * 28} ${24 + i * 22} ${i * 35} 1 1 -${20 + i * 20} ${40 + i * 12}" fill="none" stroke="#e07030" stroke-width="${9 - i}" opacity="${.8 - i * .12}"/>`).join('')}`,
  // A planet and a moon low over hills.
  'moon-jupiter.jpg': `${sky('s', '#0b1a3a', '#3a4f7a')}${stars(2, 140)}
    <circle cx="520" cy="150" r="46" fill="#f1e2c4"/><rect x="474" y="140" width="92" height="8" fill="#c9a27a" opacity=".7"/><rect x="476" y="160" width="88" height="6" fill="#b98d66" opacity=".7"/>
    <circle cx="300" cy="120" r="28" fill="#e8e8e8"/><circle cx="292" cy="112" r="5" fill="#c8c8c8"/><circle cx="308" cy="128" r="4" fill="#c8c8c8"/>
    <path d="M0 380 Q200 320 400 370 T800 350 V450 H0 Z" fill="#0a1020"/>`,
  // A comet's head and tail before dawn.
  'comet-k3.jpg': `${sky('s', '#02030a', '#203050')}${stars(3, 200)}
    <defs><linearGradient id="t" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#bfe8ff"/><stop offset="1" stop-color="#bfe8ff" stop-opacity="0"/></linearGradient></defs>
    <path d="M250 160 L700 40 L720 110 Z" fill="url(#t)" opacity=".8"/><circle cx="250" cy="160" r="14" fill="#f4fbff"/>
    <path d="M0 410 Q400 370 800 410 V450 H0 Z" fill="#05070d"/>`,
  // S3 again, another outlet's view: the same star as a red disc in a dark lane.
  'the-ember.webp': `${sky('s', '#120814', '#2a0e1c')}${stars(4, 220)}
    <ellipse cx="400" cy="230" rx="380" ry="70" fill="#000" opacity=".55" transform="rotate(-12 400 230)"/>
    <circle cx="410" cy="222" r="22" fill="#ff8040"/><circle cx="410" cy="222" r="60" fill="#ff6020" opacity=".25"/>`,
  // S4: rock strata with a bone.
  'fossil-record.webp': `<rect width="${W}" height="${H}" fill="#e6c79a"/>${[['#d9b382', 0], ['#c49a6c', 80], ['#b08458', 160], ['#9a7048', 240], ['#835e3c', 320], ['#6e4e32', 390]]
    .map(([colour, y]) => `<path d="M0 ${y} Q200 ${Number(y) - 18} 400 ${Number(y) + 6} T800 ${y} V450 H0 Z" fill="${colour}"/>`).join('')}
    <g transform="rotate(-8 400 250)" fill="#f3ead8"><rect x="300" y="238" width="200" height="24" rx="10"/><circle cx="296" cy="236" r="20"/><circle cx="296" cy="266" r="20"/><circle cx="504" cy="236" r="20"/><circle cx="504" cy="266" r="20"/></g>`,
  // Shells of gas around a young star.
  'young-star-bubbles.webp': `${sky('s', '#1b0a2a', '#3d1450')}${stars(5, 120)}
    ${[180, 140, 104, 70].map((r, i) => `<ellipse cx="400" cy="225" rx="${r * 1.3}" ry="${r}" fill="none" stroke="${['#ff7ac8', '#c77dff', '#7ad0ff', '#ffd27a'][i]}" stroke-width="6" opacity=".7"/>`).join('')}
    <circle cx="400" cy="225" r="12" fill="#fff"/>`,
  // S1: a grid of app tiles, greyed out, with one warning.
  'meta-outage.webp': `<rect width="${W}" height="${H}" fill="#e9edf3"/>
    ${Array.from({ length: 15 }, (_, i) => `<rect x="${120 + (i % 5) * 120}" y="${60 + Math.floor(i / 5) * 120}" width="80" height="80" rx="18" fill="#b8c0cc"/>`).join('')}
    <path d="M400 130 L480 280 H320 Z" fill="#d93025"/><rect x="394" y="180" width="12" height="54" fill="#fff"/><circle cx="400" cy="252" r="7" fill="#fff"/>`,
  // S7: a group chat behind a card that asks first.
  'group-invite.webp': `<rect width="${W}" height="${H}" fill="#dff3e4"/>
    ${[[90, 70, 260], [450, 120, 250], [110, 250, 220], [470, 300, 230]].map(([x, y, w]) => `<rect x="${x}" y="${y}" width="${w}" height="70" rx="22" fill="#ffffff" opacity=".8"/>`).join('')}
    <rect x="250" y="95" width="300" height="260" rx="20" fill="#128c4a"/><circle cx="400" cy="170" r="40" fill="#dff3e4"/>
    <rect x="300" y="235" width="200" height="16" rx="8" fill="#dff3e4"/><rect x="330" y="265" width="140" height="12" rx="6" fill="#9fd8b2"/>
    <rect x="290" y="300" width="100" height="34" rx="17" fill="#ffffff"/><rect x="410" y="300" width="100" height="34" rx="17" fill="#0b5e31"/>`,
  // S6: server racks and a rising arrow.
  'server-tariffs.webp': `<rect width="${W}" height="${H}" fill="#1f2630"/>
    ${[150, 330, 510].map((x) => `<rect x="${x}" y="80" width="140" height="300" rx="8" fill="#3a4656"/>${Array.from({ length: 8 }, (_, i) => `<rect x="${x + 14}" y="${96 + i * 34}" width="112" height="22" rx="3" fill="#566477"/><circle cx="${x + 116}" cy="${107 + i * 34}" r="4" fill="#5fe08a"/>`).join('')}`).join('')}
    <path d="M110 400 L330 300 L470 340 L700 160" fill="none" stroke="#ffb000" stroke-width="14" stroke-linecap="round"/><path d="M700 160 l-52 8 l30 40 Z" fill="#ffb000"/>`,
};

mkdirSync(folder, { recursive: true });
for (const [name, body] of Object.entries(drawings)) {
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">${body}</svg>`);
  const image = sharp(svg);
  const info = await (name.endsWith('.webp') ? image.webp({ quality: 70 }) : image.jpeg({ quality: 72, mozjpeg: true })).toFile(join(folder, name));
  console.log(`${name}: ${info.width}×${info.height}, ${(info.size / 1024).toFixed(1)} KB`);
}
