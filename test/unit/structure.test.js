/**
 * The package's folder rule: no node folder imports another's. Each nodes/<NodeFolder>/ imports only from itself,
 * nodes/shared/ and credentials/; nodes/shared/ only from itself (it serves every node, so it never reaches back into
 * one); credentials/ only from itself and nodes/shared/. What two nodes need is moved into nodes/shared/ instead.
 * Every .ts file of nodes/ and credentials/ is read, and every relative import, export … from, import() and require().
 */
'use strict';
const { readdirSync, readFileSync, statSync } = require('fs');
const { dirname, join, relative, resolve, sep } = require('path');

const ROOT = resolve(__dirname, '..', '..');

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)(['"])([^'"\n]+)\1/g;

/** Every module specifier a file names (static and dynamic imports, re-exports, require). */
function specifiersOf(text) {
	return [...text.matchAll(SPECIFIER)].map((match) => match[2]);
}

/** The area of a package path ({kind: shared | node | credentials, name}), or undefined (elsewhere). */
function areaOf(path) {
	const parts = path.split('/');
	if (parts[0] === 'credentials') return { kind: 'credentials', name: 'credentials' };
	if (parts[0] !== 'nodes' || parts.length < 3) return undefined;
	return parts[1] === 'shared'
		? { kind: 'shared', name: 'shared' }
		: { kind: 'node', name: parts[1] };
}

/** The imports of the given files ({path from the package root with `/`, text}) that break the folder rule. */
function importViolations(files) {
	const violations = [];
	for (const file of files) {
		const from = areaOf(file.path);
		if (from === undefined) continue;
		for (const specifier of specifiersOf(file.text)) {
			if (!specifier.startsWith('.')) continue; // a package (n8n-workflow, node:crypto): not ours
			const target = join(dirname(file.path), specifier).split(sep).join('/');
			const to = areaOf(target);
			let rule;
			if (to === undefined) rule = 'imports from outside nodes/ and credentials/';
			else if (from.kind === 'shared' && to.kind !== 'shared')
				rule = `nodes/shared imports from ${to.kind === 'node' ? `the node folder nodes/${to.name}` : to.name}`;
			else if (from.kind === 'node' && to.kind === 'node' && to.name !== from.name)
				rule = `nodes/${from.name} imports from the node folder nodes/${to.name}`;
			else if (from.kind === 'credentials' && to.kind === 'node')
				rule = `credentials imports from the node folder nodes/${to.name}`;
			if (rule !== undefined) violations.push({ file: file.path, specifier, target, rule });
		}
	}
	return violations;
}

function tsFilesUnder(folder) {
	const out = [];
	const walk = (dir) => {
		for (const name of readdirSync(dir)) {
			const full = join(dir, name);
			if (statSync(full).isDirectory()) walk(full);
			else if (name.endsWith('.ts'))
				out.push({
					path: relative(ROOT, full).split(sep).join('/'),
					text: readFileSync(full, 'utf8'),
				});
		}
	};
	walk(join(ROOT, folder));
	return out;
}

describe('no node folder imports another', () => {
	const files = [...tsFilesUnder('nodes'), ...tsFilesUnder('credentials')];

	it('reads the whole tree: every node folder, nodes/shared and credentials, and their relative imports', () => {
		const nodeFolders = readdirSync(join(ROOT, 'nodes')).filter((name) =>
			statSync(join(ROOT, 'nodes', name)).isDirectory(),
		);
		for (const folder of nodeFolders)
			expect(files.some((file) => file.path.startsWith(`nodes/${folder}/`))).toBe(true);
		expect(nodeFolders).toEqual(
			expect.arrayContaining([
				'shared',
				'TelesignVoice',
				'TelesignVoiceTrigger',
				'TelesignVoiceRecordingTrigger',
			]),
		);
		const relativeImports = files.flatMap((file) =>
			specifiersOf(file.text).filter((s) => s.startsWith('.')),
		);
		expect(relativeImports.length).toBeGreaterThan(100);
	});

	it('holds for every .ts file of nodes/ and credentials/', () => {
		expect(importViolations(files)).toEqual([]);
	});

	describe('the check itself', () => {
		const check = (path, text) => importViolations([{ path, text }]).map((v) => v.rule);

		it('refuses a node folder importing another, in every form of import', () => {
			const forms = [
				"import { fileItem } from '../TelesignVoice/actions/recording/files';",
				"import type {\n\tA,\n\tB,\n} from '../TelesignVoice/x';",
				"export * from '../TelesignVoice/x';",
				'const m = require("../TelesignVoice/x");',
				"const m = await import('../TelesignVoice/x');",
				"import '../TelesignVoice/x';",
			];
			for (const text of forms) {
				expect(check('nodes/TelesignVoiceRecordingTrigger/poll.ts', text)).toEqual([
					'nodes/TelesignVoiceRecordingTrigger imports from the node folder nodes/TelesignVoice',
				]);
			}
			expect(
				check(
					'nodes/TelesignVoice/actions/call/x.ts',
					"import { a } from '../../../TelesignVoiceTrigger/relay';",
				),
			).toEqual(['nodes/TelesignVoice imports from the node folder nodes/TelesignVoiceTrigger']);
		});

		it('refuses nodes/shared importing a node folder, and credentials importing one', () => {
			expect(
				check(
					'nodes/shared/recordings/files.ts',
					"import { runItems } from '../../TelesignVoice/actions/runItems';",
				),
			).toEqual(['nodes/shared imports from the node folder nodes/TelesignVoice']);
			expect(
				check(
					'nodes/shared/apiError.ts',
					"import { X } from '../../credentials/TelesignVoiceApi.credentials';",
				),
			).toEqual(['nodes/shared imports from credentials']);
			expect(
				check(
					'credentials/A.credentials.ts',
					"import { x } from '../nodes/TelesignVoice/actions/runItems';",
				),
			).toEqual(['credentials imports from the node folder nodes/TelesignVoice']);
		});

		it('allows a node folder its own files, nodes/shared, credentials/ and packages', () => {
			const text = [
				"import { a } from './poll';",
				"import { b } from '../shared/recordings/files';",
				"import { c } from '../../credentials/TelesignVoiceApi.credentials';",
				"import { d } from 'n8n-workflow';",
				"import { e } from 'node:crypto';",
			].join('\n');
			expect(check('nodes/TelesignVoiceRecordingTrigger/poll.ts', text)).toEqual([]);
			expect(
				check(
					'nodes/TelesignVoice/actions/call/callAndWait/x.ts',
					"import { f } from '../../../../shared/relay';",
				),
			).toEqual([]);
		});
	});
});

module.exports = { specifiersOf, importViolations };
