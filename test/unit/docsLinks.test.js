/**
 * The Docs links the package ships (codex files of the nodes, documentationUrl of the credentials). No network
 * here, so this checks their form and targets: pages that exist for a package installed from npm, no #anchor
 * (n8n appends "?utm_source=…" to a node's first documentation link, which would end up inside the anchor).
 */
'use strict';
const { readFileSync } = require('fs');
const { join } = require('path');

const { TelesignVoiceApi } = require('../../credentials/TelesignVoiceApi.credentials');
const { TelesignVoiceWebhookAuthApi } = require('../../credentials/TelesignVoiceWebhookAuthApi.credentials');
const { TelesignVoice } = require('../../nodes/TelesignVoice/TelesignVoice.node');
const { TelesignVoiceTrigger } = require('../../nodes/TelesignVoiceTrigger/TelesignVoiceTrigger.node');

const root = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const PACKAGE_PAGE = `https://www.npmjs.com/package/${pkg.name}`;
/** Hosts whose pages exist whether or not this package is published. */
const ALLOWED_HOSTS = ['www.npmjs.com', 'developer.telesign.com'];

/** The codex file as the build ships it (gulp copies nodes/<Node>/<Node>.node.json into dist unchanged). */
const codexOf = (folder) => JSON.parse(readFileSync(join(root, 'nodes', folder, `${folder}.node.json`), 'utf8'));

const nodes = [
	{ folder: 'TelesignVoice', name: new TelesignVoice().description.name },
	{ folder: 'TelesignVoiceTrigger', name: new TelesignVoiceTrigger().description.name },
];
const credentials = [new TelesignVoiceApi(), new TelesignVoiceWebhookAuthApi()];

/** What n8n 2.41's editor opens for a node's Docs link: the first primary documentation URL plus its tracking query. */
function editorDocsUrl(codex) {
	const query = new URLSearchParams({ utm_source: 'n8n_app', utm_medium: 'node_settings_modal-credential_link' });
	return new URL(`${codex.resources.primaryDocumentation[0].url}?${query.toString()}`);
}

const allUrls = [
	...nodes.flatMap(({ folder }) => {
		const { resources } = codexOf(folder);
		return [...resources.primaryDocumentation, ...resources.credentialDocumentation].map((link) => [folder, link.url]);
	}),
	...credentials.map((credential) => [credential.name, credential.documentationUrl ?? '']),
];

describe('Docs links', () => {
	it.each(allUrls)('%s: %s is an https page on npm (the package page) or the Telesign docs, without #anchor or query', (_owner, url) => {
		const parsed = new URL(url);
		expect(parsed.protocol).toBe('https:');
		expect(ALLOWED_HOSTS).toContain(parsed.hostname);
		expect(url).not.toContain('#');
		expect(parsed.search).toBe('');
	});

	it.each(nodes)('$folder: the Docs link opens the package page, and n8n\'s tracking query stays a query', ({ folder, name }) => {
		const codex = codexOf(folder);
		expect(codex.node).toBe(`${pkg.name}.${name}`);
		const opened = editorDocsUrl(codex);
		expect(`${opened.origin}${opened.pathname}`).toBe(PACKAGE_PAGE);
		expect(opened.hash).toBe('');
		expect(opened.searchParams.get('utm_source')).toBe('n8n_app');
		expect(codex.resources.credentialDocumentation.map((link) => link.url)).toEqual([PACKAGE_PAGE]);
	});

	it.each(credentials.map((credential) => [credential.name, credential.documentationUrl]))(
		'credential %s links to the package page',
		(_name, url) => {
			expect(url).toBe(PACKAGE_PAGE);
		},
	);

	it('the package page (the README) lists its sections at the top, so they are one click away without an anchor in the link', () => {
		const readme = readFileSync(join(root, 'README.md'), 'utf8');
		const top = readme.split('\n').slice(0, 40).join('\n');
		for (const section of ['Credentials', 'Telesign Voice (action node)', 'Telesign Voice Trigger', 'Securing the webhook', 'Examples']) {
			expect(top).toContain(`[${section}]`);
			expect(readme).toContain(`\n## ${section}\n`.replace('## Securing', '### Securing'));
		}
	});
});
