/**
 * CONTRIBUTING.md's "Where things live" matches the tree: (a) every path it names exists, (b) every folder of nodes/,
 * credentials/, test/ and bench/, docs/ and examples/, and every file of scripts/, is named there.
 *
 * A path is a `code` span with a `/` or a file extension. It is read from the package root, or from a place the
 * row's first column names (`actions/router.ts` in the row of `nodes/TelesignVoice/`); a bare file name may also be
 * deeper below that place (`triggerHarness.ts` in the row of `test/unit/`). Patterns (`<op>.operation.ts`) are not paths.
 */
'use strict';
const { existsSync, readFileSync, readdirSync, statSync } = require('fs');
const { dirname, join, relative, sep } = require('path');

const ROOT = join(__dirname, '..', '..');
const HEADING = '## Where things live';
const FILE_EXTENSION = /\.(ts|js|md|sh|json|svg|png|txt|mjs)$/;

/** The section's text, from its heading to the next `## ` heading. */
function sectionOf(markdown) {
	const start = markdown.indexOf(`\n${HEADING}\n`);
	if (start < 0) throw new Error(`CONTRIBUTING.md has no "${HEADING}" section`);
	const rest = markdown.slice(start + HEADING.length + 2);
	const end = rest.search(/^## /m);
	return end < 0 ? rest : rest.slice(0, end);
}

const codeSpans = (text) => [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]);
const isPath = (span) =>
	/^[\w.\-/]+$/.test(span) && (span.includes('/') || FILE_EXTENSION.test(span));
const toPosix = (p) => p.split(sep).join('/');
const clean = (p) => toPosix(p).replace(/\/+$/, '');
const isDir = (p) => existsSync(join(ROOT, p)) && statSync(join(ROOT, p)).isDirectory();

function filesBelow(folder) {
	const out = [];
	for (const name of readdirSync(join(ROOT, folder))) {
		const path = `${folder}/${name}`;
		if (name.startsWith('.') || name === 'node_modules') continue;
		out.push(path);
		if (isDir(path)) out.push(...filesBelow(path));
	}
	return out;
}

/** Where a span names a path that exists (package-relative, no trailing `/`), or undefined. */
function resolveSpan(span, bases) {
	for (const base of ['', ...bases]) {
		const candidate = clean(join(base, span));
		if (!candidate.startsWith('..') && existsSync(join(ROOT, candidate))) return candidate;
	}
	if (!span.includes('/')) {
		for (const base of bases.filter(isDir)) {
			const found = filesBelow(base).find((p) => p.endsWith(`/${span}`));
			if (found) return found;
		}
	}
	return undefined;
}

/** The paths the section names, and the spans that name nothing in the tree. */
function readSection(section) {
	const named = new Set();
	const missing = [];
	const rows = section
		.split('\n')
		.filter((line) => line.startsWith('| ') && !line.startsWith('| Path'));
	const units = [
		{
			text: section
				.split('\n')
				.filter((line) => !line.startsWith('|'))
				.join('\n'),
			places: [],
		},
		...rows.map((row) => ({ text: row, places: codeSpans(row.split(' | ')[0]) })),
	];
	for (const { text, places } of units) {
		const bases = places.map((place) => (isDir(place) ? clean(place) : clean(dirname(place))));
		for (const span of codeSpans(text).filter(isPath)) {
			const path = resolveSpan(span, bases);
			if (path === undefined)
				missing.push(places.length ? `${span} (row of ${places.join(', ')})` : span);
			else named.add(path);
		}
	}
	return { named, missing, rows };
}

/** What must be named: every folder of the production and test trees, docs/ and examples/, every script. */
function mustBeNamed() {
	const folders = ['nodes', 'credentials', 'test', 'bench'].flatMap((top) =>
		[top, ...filesBelow(top)].filter(isDir),
	);
	return [
		...folders.filter((f) => !['nodes', 'test'].includes(f)),
		'docs',
		'examples',
		...filesBelow('scripts'),
	];
}

const unnamed = (named) => mustBeNamed().filter((path) => !named.has(path));

describe('CONTRIBUTING.md "Where things live" matches the tree', () => {
	const section = sectionOf(readFileSync(join(ROOT, 'CONTRIBUTING.md'), 'utf8'));
	const { named, missing, rows } = readSection(section);

	it('is a table of places', () => {
		expect(rows.length).toBeGreaterThan(20);
		expect(named.size).toBeGreaterThan(100);
	});

	it('names only paths that exist', () => {
		expect(missing).toEqual([]);
	});

	it('names every folder of nodes/, credentials/, test/ and bench/, docs/, examples/ and every file of scripts/', () => {
		expect(mustBeNamed()).toEqual(
			expect.arrayContaining([
				'nodes/shared/recordings',
				'nodes/TelesignVoice/methods',
				'scripts/test.js',
				'test/queue/harness',
			]),
		);
		expect(unnamed(named)).toEqual([]);
	});

	describe('the check itself', () => {
		it('finds a path that does not exist, also as a file name in a row', () => {
			const fake = [
				'See `nodes/TelesignVoice/actions/nowhere.ts`.',
				'| `nodes/TelesignVoice/actions/recording/` | `recordingsApi.ts`; `callRecordings.ts` |',
				'| `nodes/TelesignVoiceGone/` | gone |',
			].join('\n');
			expect(readSection(fake).missing).toEqual([
				'nodes/TelesignVoice/actions/nowhere.ts',
				'recordingsApi.ts (row of nodes/TelesignVoice/actions/recording/)',
				'nodes/TelesignVoiceGone/ (row of nodes/TelesignVoiceGone/)',
			]);
		});

		it("resolves a path from the row's place and a file name below it", () => {
			const fake =
				'| `nodes/TelesignVoice/` | `actions/router.ts`, `listSearch.ts` |\n| `test/unit/` | `triggerHarness.ts` |';
			const { named, missing } = readSection(fake);
			expect(missing).toEqual([]);
			expect([...named]).toEqual(
				expect.arrayContaining([
					'nodes/TelesignVoice/actions/router.ts',
					'nodes/TelesignVoice/methods/listSearch.ts',
					'test/unit/trigger/triggerHarness.ts',
				]),
			);
		});

		it('finds a folder or script the section leaves out', () => {
			const withoutMethods = new Set(
				[...named].filter((p) => p !== 'nodes/TelesignVoice/methods' && p !== 'scripts/test.js'),
			);
			expect(unnamed(withoutMethods)).toEqual(['nodes/TelesignVoice/methods', 'scripts/test.js']);
		});
	});
});

module.exports = { sectionOf, readSection, mustBeNamed };
