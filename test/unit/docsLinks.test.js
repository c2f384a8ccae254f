/**
 * The Docs links the package ships (codex files of the nodes, documentationUrl of the credentials). No network
 * here, so this checks their form and targets: pages that exist for a package installed from npm, no #anchor
 * (n8n appends "?utm_source=…" to a node's first documentation link, which would end up inside the anchor).
 */
'use strict';
const { existsSync, readFileSync, readdirSync, statSync } = require('fs');
const { dirname, join, normalize } = require('path');

const { TelesignVoiceApi } = require('../../credentials/TelesignVoiceApi.credentials');
const {
	TelesignVoiceWebhookAuthApi,
} = require('../../credentials/TelesignVoiceWebhookAuthApi.credentials');
const { TelesignVoice } = require('../../nodes/TelesignVoice/TelesignVoice.node');
const {
	TelesignVoiceTrigger,
} = require('../../nodes/TelesignVoiceTrigger/TelesignVoiceTrigger.node');

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const PACKAGE_PAGE = `https://www.npmjs.com/package/${pkg.name}`;
/** Hosts whose pages exist whether or not this package is published. */
const ALLOWED_HOSTS = ['www.npmjs.com', 'developer.telesign.com'];

/** The codex file as the build ships it (gulp copies nodes/<Node>/<Node>.node.json into dist unchanged). */
const codexOf = (folder) =>
	JSON.parse(readFileSync(join(root, 'nodes', folder, `${folder}.node.json`), 'utf8'));

const nodes = [
	{ folder: 'TelesignVoice', name: new TelesignVoice().description.name },
	{ folder: 'TelesignVoiceTrigger', name: new TelesignVoiceTrigger().description.name },
];
const credentials = [new TelesignVoiceApi(), new TelesignVoiceWebhookAuthApi()];

/** What n8n 2.41's editor opens for a node's Docs link: the first primary documentation URL plus its tracking query. */
function editorDocsUrl(codex) {
	const query = new URLSearchParams({
		utm_source: 'n8n_app',
		utm_medium: 'node_settings_modal-credential_link',
	});
	return new URL(`${codex.resources.primaryDocumentation[0].url}?${query.toString()}`);
}

const allUrls = [
	...nodes.flatMap(({ folder }) => {
		const { resources } = codexOf(folder);
		return [...resources.primaryDocumentation, ...resources.credentialDocumentation].map((link) => [
			folder,
			link.url,
		]);
	}),
	...credentials.map((credential) => [credential.name, credential.documentationUrl ?? '']),
];

describe('Docs links', () => {
	it.each(allUrls)(
		'%s: %s is an https page on npm (the package page) or the Telesign docs, without #anchor or query',
		(_owner, url) => {
			const parsed = new URL(url);
			expect(parsed.protocol).toBe('https:');
			expect(ALLOWED_HOSTS).toContain(parsed.hostname);
			expect(url).not.toContain('#');
			expect(parsed.search).toBe('');
		},
	);

	it.each(nodes)(
		"$folder: the Docs link opens the package page, and n8n's tracking query stays a query",
		({ folder, name }) => {
			const codex = codexOf(folder);
			expect(codex.node).toBe(`${pkg.name}.${name}`);
			const opened = editorDocsUrl(codex);
			expect(`${opened.origin}${opened.pathname}`).toBe(PACKAGE_PAGE);
			expect(opened.hash).toBe('');
			expect(opened.searchParams.get('utm_source')).toBe('n8n_app');
			expect(codex.resources.credentialDocumentation.map((link) => link.url)).toEqual([
				PACKAGE_PAGE,
			]);
		},
	);

	it.each(credentials.map((credential) => [credential.name, credential.documentationUrl]))(
		'credential %s links to the package page',
		(_name, url) => {
			expect(url).toBe(PACKAGE_PAGE);
		},
	);

	it('the package page (the README) lists its sections at the top, so they are one click away without an anchor in the link', () => {
		const readme = readFileSync(join(root, 'README.md'), 'utf8');
		const top = readme.split('\n').slice(0, 40).join('\n');
		for (const section of README_SECTIONS) {
			expect(top).toContain(`[${section}](#${slugOf(section)})`);
			expect(readme).toContain(`\n## ${section}\n`);
		}
	});
});

/**
 * The documentation read on GitHub and on npm's package page: every link to a file of the repository, every
 * #anchor and every image resolves, the README stays short, and docs/images holds no picture nobody shows.
 */
const README_SECTIONS = [
	'Installation',
	'Credentials',
	'Registering the event URL with Telesign',
	'The three jobs',
	'Try it locally without a Telesign account',
	'Troubleshooting',
	'Limits',
	'More documentation',
];
const DOC_FILES = [
	'README.md',
	'CONTRIBUTING.md',
	'CHANGELOG.md',
	...readdirSync(join(root, 'docs'))
		.filter((f) => f.endsWith('.md'))
		.map((f) => `docs/${f}`),
];
const IMAGES_DIR = join(root, 'docs', 'images');

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
function slugOf(heading) {
	return heading
		.trim()
		.toLowerCase()
		.replace(/<[^>]+>/g, '')
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/\s/g, '-');
}

function anchorsOf(markdown) {
	const seen = new Map();
	const anchors = new Set();
	for (const [, heading] of withoutFences(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
		const slug = slugOf(heading);
		const n = seen.get(slug) ?? 0;
		seen.set(slug, n + 1);
		anchors.add(n === 0 ? slug : `${slug}-${n}`);
	}
	return anchors;
}

/** Markdown without fenced code blocks (a "# comment" in a shell block is not a heading). */
function withoutFences(markdown) {
	return markdown.replace(/^```[\s\S]*?^```/gm, '');
}

/** Markdown without fenced code blocks and inline code (a "[x](y)" in code is not a link). */
function withoutCode(markdown) {
	return withoutFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** [text](target), ![alt](target) and <img src="target">, with whether each is an image. */
function linksOf(markdown) {
	const text = withoutCode(markdown);
	const links = [
		...text.matchAll(/(!?)\[(?:[^\]\[]|\[[^\]]*\])*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g),
	].map((m) => ({ target: m[2], image: m[1] === '!' }));
	for (const m of text.matchAll(/<img\s[^>]*src="([^"]+)"/g))
		links.push({ target: m[1], image: true });
	return links;
}

const isExternal = (target) => /^[a-z]+:/i.test(target);
const read = (file) => readFileSync(join(root, file), 'utf8');

describe.each(DOC_FILES)('%s', (file) => {
	const links = linksOf(read(file));

	it('links only to files that exist, and to headings that exist', () => {
		const broken = [];
		for (const { target } of links.filter((l) => !isExternal(l.target))) {
			const [pathPart, anchor] = target.split('#');
			const resolved =
				pathPart === '' ? file : normalize(join(dirname(file), decodeURIComponent(pathPart)));
			if (!existsSync(join(root, resolved))) broken.push(`${target}: no file ${resolved}`);
			else if (
				anchor !== undefined &&
				resolved.endsWith('.md') &&
				!anchorsOf(read(resolved)).has(anchor)
			)
				broken.push(`${target}: no heading #${anchor} in ${resolved}`);
		}
		expect(broken).toEqual([]);
	});

	it('shows only images that exist in the repository, as PNG or SVG files (they render on npm and GitHub; a mermaid block does not)', () => {
		const images = links.filter((l) => l.image);
		for (const { target } of images) {
			expect(isExternal(target)).toBe(false);
			expect(target).toMatch(/\.(png|svg)$/);
			const resolved = join(root, dirname(file), target);
			expect(existsSync(resolved) && statSync(resolved).size > 0).toBe(true);
		}
	});
});

describe('pictures', () => {
	const shown = new Set(
		DOC_FILES.flatMap((file) =>
			linksOf(read(file))
				.filter((l) => l.image && !isExternal(l.target))
				.map((l) => normalize(join(dirname(file), l.target))),
		),
	);

	it('the README shows the workflows (at least one canvas per job) and the sequence diagram is in the Call and Wait page', () => {
		const readmeImages = linksOf(read('README.md'))
			.filter((l) => l.image)
			.map((l) => l.target);
		expect(readmeImages.filter((t) => t.endsWith('-canvas.png')).length).toBeGreaterThanOrEqual(3);
		expect(linksOf(read('docs/call-and-wait.md')).map((l) => l.target)).toContain(
			'images/call-and-wait-sequence.png',
		);
	});

	it('every PNG in docs/images is shown somewhere (no stale picture), and each is a real PNG', () => {
		const files = readdirSync(IMAGES_DIR).filter((f) => f.endsWith('.png'));
		expect(files.length).toBeGreaterThan(0);
		for (const f of files) {
			expect(shown).toContain(`docs/images/${f}`);
			expect(readFileSync(join(IMAGES_DIR, f)).subarray(0, 8).toString('hex')).toBe(
				'89504e470d0a1a0a',
			);
		}
	});

	it("the README stays a five-minute read (maintainers' material lives in CONTRIBUTING.md and docs/)", () => {
		expect(read('README.md').split('\n').length).toBeLessThanOrEqual(300);
	});
});

describe('the link checker itself', () => {
	it('finds links, images and anchors the way GitHub does', () => {
		const md =
			'# Call → Dial\n## Call → Dial\n## The demo (`npm start`)\n[a](x.md#y) ![b](images/c.png) `[not](a link)`\n```\n[nor](this)\n```\n<img src="d.png" width="5">';
		expect(linksOf(md)).toEqual([
			{ target: 'x.md#y', image: false },
			{ target: 'images/c.png', image: true },
			{ target: 'd.png', image: true },
		]);
		expect([...anchorsOf(md)]).toEqual(['call--dial', 'call--dial-1', 'the-demo-npm-start']);
		expect(slugOf('Registering the event URL with Telesign')).toBe(
			'registering-the-event-url-with-telesign',
		);
		expect(slugOf('Scaling: queue mode')).toBe('scaling-queue-mode');
	});
});
