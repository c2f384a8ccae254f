#!/usr/bin/env node
'use strict';
/**
 * `npm run docs:diagram`: turns a sequence-diagram source (docs/call-and-wait-sequence.txt; its header says the
 * syntax) into an SVG and a PNG in docs/images/. A PNG because the README is also read on npm's package page,
 * which renders neither mermaid blocks nor every SVG; the PNG is drawn by headless Chromium from the SVG, so the
 * two always agree. scripts/screenshots.js calls `renderDiagrams` with its own browser.
 *
 * Env: CHROMIUM_PATH (default /usr/bin/chromium, Debian's `chromium` package).
 */
const fs = require('fs');
const path = require('path');

const REPO_ROOT = path.resolve(__dirname, '..');
const DIAGRAMS = [
	{ source: 'docs/call-and-wait-sequence.txt', out: 'docs/images/call-and-wait-sequence' },
];

const FONT = 14;
const CHAR_W = FONT * 0.56; // average width of a character of the sans-serif font, for wrapping
const LINE_H = FONT + 5;
const COL_W = 300;
const MARGIN = 30;
const NOTE_W = 380;

/** @returns {{title: string, participants: {id: string, label: string[]}[], steps: object[]}} */
function parseDiagram(text) {
	const diagram = { title: '', participants: [], steps: [] };
	const known = (id, lineNo) => {
		if (!diagram.participants.some((p) => p.id === id))
			throw new Error(`line ${lineNo}: unknown participant "${id}"`);
		return id;
	};
	text.split('\n').forEach((raw, index) => {
		const line = raw.trim();
		const lineNo = index + 1;
		if (line === '' || line.startsWith('#')) return;
		let m;
		if ((m = /^title:\s*(.+)$/.exec(line))) diagram.title = m[1];
		else if ((m = /^participant\s+(\w+)\s+(.+)$/.exec(line)))
			diagram.participants.push({ id: m[1], label: m[2].split('\\n') });
		else if ((m = /^(\w+)\s*(-->|->)\s*(\w+):\s*(.+)$/.exec(line))) {
			diagram.steps.push({
				kind: m[2] === '->' ? 'request' : 'answer',
				from: known(m[1], lineNo),
				to: known(m[3], lineNo),
				text: m[4],
			});
		} else if ((m = /^note\s+(\w+):\s*(.+)$/.exec(line)))
			diagram.steps.push({ kind: 'note', over: known(m[1], lineNo), text: m[2] });
		else if (line === 'gap') diagram.steps.push({ kind: 'gap' });
		else throw new Error(`line ${lineNo}: cannot read "${line}"`);
	});
	if (diagram.participants.length < 2)
		throw new Error('a sequence diagram needs at least two participants');
	return diagram;
}

/** Greedy word wrap to a width in pixels. */
function wrap(text, widthPx) {
	const max = Math.max(10, Math.floor(widthPx / CHAR_W));
	const lines = [];
	let current = '';
	for (const word of text.split(/\s+/)) {
		if (current !== '' && (current + ' ' + word).length > max) {
			lines.push(current);
			current = word;
		} else current = current === '' ? word : `${current} ${word}`;
	}
	if (current !== '') lines.push(current);
	return lines;
}

const escape = (s) =>
	s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function textLines(lines, x, y, anchor, extra = '') {
	return lines
		.map(
			(line, i) =>
				`<text x="${x}" y="${y + i * LINE_H}" text-anchor="${anchor}"${extra}>${escape(line)}</text>`,
		)
		.join('');
}

/** The diagram as a standalone SVG document (its width and height are in the root element). */
function diagramToSvg(diagram) {
	const x = Object.fromEntries(
		diagram.participants.map((p, i) => [p.id, MARGIN + COL_W / 2 + i * COL_W]),
	);
	const width = MARGIN * 2 + COL_W * diagram.participants.length;
	const parts = [];
	let y = MARGIN;
	if (diagram.title) {
		parts.push(
			`<text x="${width / 2}" y="${y + FONT}" text-anchor="middle" class="title">${escape(diagram.title)}</text>`,
		);
		y += FONT + 24;
	}
	const boxH = Math.max(...diagram.participants.map((p) => p.label.length)) * LINE_H + 16;
	const heads = (top) =>
		diagram.participants
			.map(
				(p) =>
					`<rect x="${x[p.id] - COL_W / 2 + 14}" y="${top}" width="${COL_W - 28}" height="${boxH}" rx="6" class="actor"/>` +
					textLines(p.label, x[p.id], top + 8 + FONT, 'middle', ' class="actor-label"'),
			)
			.join('');
	parts.push(heads(y));
	const lifelineTop = y + boxH;
	y += boxH + 24;
	for (const step of diagram.steps) {
		if (step.kind === 'gap') {
			y += 16;
			continue;
		}
		if (step.kind === 'note') {
			const lines = wrap(step.text, NOTE_W - 20);
			const h = lines.length * LINE_H + 12;
			const left = Math.min(Math.max(x[step.over] - NOTE_W / 2, MARGIN), width - MARGIN - NOTE_W);
			parts.push(`<rect x="${left}" y="${y}" width="${NOTE_W}" height="${h}" class="note"/>`);
			parts.push(textLines(lines, left + 10, y + 6 + FONT, 'start', ' class="note-text"'));
			y += h + 14;
			continue;
		}
		const [x1, x2] = [x[step.from], x[step.to]];
		const span = Math.abs(x2 - x1);
		const lines = wrap(step.text, Math.max(span - 24, 220));
		const mid = (x1 + x2) / 2;
		parts.push(textLines(lines, mid, y + FONT, 'middle', ` class="${step.kind}-label"`));
		y += lines.length * LINE_H + 4;
		const dir = Math.sign(x2 - x1);
		parts.push(
			`<line x1="${x1}" y1="${y}" x2="${x2 - dir * 2}" y2="${y}" class="${step.kind}" marker-end="url(#head-${step.kind})"/>`,
		);
		y += 18;
	}
	y += 6;
	const lifelines = diagram.participants
		.map(
			(p) =>
				`<line x1="${x[p.id]}" y1="${lifelineTop}" x2="${x[p.id]}" y2="${y}" class="lifeline"/>`,
		)
		.join('');
	parts.push(heads(y));
	const height = y + boxH + MARGIN;
	const style = `
		text { font-family: 'Liberation Sans', Arial, Helvetica, sans-serif; font-size: ${FONT}px; fill: #1f2328; }
		.title { font-size: ${FONT + 4}px; font-weight: bold; }
		.actor { fill: #eef3ff; stroke: #4b6bd6; stroke-width: 1.5; }
		.actor-label { font-weight: bold; }
		.lifeline { stroke: #9aa4b2; stroke-dasharray: 5 5; }
		.request { stroke: #1f2328; stroke-width: 1.5; }
		.answer { stroke: #1f2328; stroke-width: 1.5; stroke-dasharray: 6 4; }
		.answer-label { fill: #3d4650; }
		.note { fill: #fff8c5; stroke: #d4a72c; }
	`;
	const markers = ['request', 'answer']
		.map(
			(kind) =>
				`<marker id="head-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 ${kind === 'request' ? 'z' : ''}" fill="${kind === 'request' ? '#1f2328' : 'none'}" stroke="#1f2328"/></marker>`,
		)
		.join('');
	return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<style>${style}</style><defs>${markers}</defs><rect width="100%" height="100%" fill="#ffffff"/>
${lifelines}${parts.join('\n')}
</svg>
`;
}

/** Writes <out>.svg and <out>.png (drawn by the browser at twice the size, for sharp text) for each diagram. */
async function renderDiagrams(browser, { log = console.log } = {}) {
	const written = [];
	for (const { source, out } of DIAGRAMS) {
		const svg = diagramToSvg(parseDiagram(fs.readFileSync(path.join(REPO_ROOT, source), 'utf8')));
		const [, width, height] = /width="(\d+(?:\.\d+)?)" height="(\d+(?:\.\d+)?)"/
			.exec(svg)
			.map(Number);
		fs.writeFileSync(path.join(REPO_ROOT, `${out}.svg`), svg);
		const page = await browser.newPage();
		await page.setViewport({
			width: Math.ceil(width),
			height: Math.ceil(height),
			deviceScaleFactor: 2,
		});
		await page.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`, {
			waitUntil: 'load',
		});
		await page.waitForSelector('svg');
		await page.screenshot({
			path: path.join(REPO_ROOT, `${out}.png`),
			clip: { x: 0, y: 0, width, height },
		});
		await page.close();
		written.push(`${out}.svg`, `${out}.png`);
		log(`[docs] ${source} → ${out}.svg, ${out}.png`);
	}
	return written;
}

function chromiumPath() {
	const candidate = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
	if (!fs.existsSync(candidate)) {
		throw new Error(
			`No Chromium at ${candidate}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`,
		);
	}
	return candidate;
}

/** Debian's Chromium, headless, with no sandbox when running as root (containers, CI). */
async function launchBrowser() {
	const puppeteer = require('puppeteer-core');
	const args = ['--hide-scrollbars', '--font-render-hinting=none'];
	if (process.getuid?.() === 0) args.push('--no-sandbox');
	return await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args });
}

async function main() {
	const browser = await launchBrowser();
	try {
		await renderDiagrams(browser);
	} finally {
		await browser.close();
	}
}

if (require.main === module) {
	main().catch((error) => {
		console.error(error);
		process.exit(1);
	});
}

module.exports = { parseDiagram, diagramToSvg, renderDiagrams, launchBrowser, DIAGRAMS };
