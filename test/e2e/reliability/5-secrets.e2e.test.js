'use strict';
/**
 * Reliability and security suite, part 5 (see harness/reliability/suite.js for the six parts and the report),
 * run last (after part 6): the API key (and its Basic-header form) and the webhook password appear nowhere in
 * what the other parts saw (HTTP answers, error items), in n8n's execution data of their workflows, in the
 * simulators' logs or in n8n's log; and no dial was placed twice over the whole run.
 */
const fs = require('fs');

const { reliabilitySuite, SecretScanner, BURST_EVENTS } = require('../harness/reliability');

const suite = reliabilitySuite('secrets', { simulator: false });
const { board } = suite;

/** Groups of dials placed more than once with the same external_id. */
function duplicateDials(dials) {
	const counts = new Map();
	for (const d of dials)
		if (d.external_id) counts.set(d.external_id, (counts.get(d.external_id) || 0) + 1);
	return [...counts]
		.filter(([, count]) => count > 1)
		.map(([externalId, count]) => ({ external_id: externalId, count }));
}

async function scannerSelfTest() {
	const { account } = suite.secrets;
	await suite.check('self-test: the scanner finds a planted key in each of its forms', () => {
		const probe = new SecretScanner();
		probe.addSecret('key', account.apiKey, { basicUser: account.customerId });
		probe.add('plain', `x ${account.apiKey} y`);
		probe.add('basic', {
			headers: {
				authorization: `Basic ${Buffer.from(`${account.customerId}:${account.apiKey}`).toString('base64')}`,
			},
		});
		probe.add('url', `?k=${encodeURIComponent(account.apiKey)}`);
		probe.add('clean', 'nothing here');
		const found = Object.fromEntries(probe.scan().map((s) => [s.source, s.findings.length > 0]));
		expect(found).toEqual({ plain: true, basic: true, url: true, clean: false });
	});
}

/** Everything the other parts saw and left behind, added to the scanner; returns what the material check needs. */
async function collect(parts) {
	const { scanner, n8n } = suite;
	for (const part of parts) scanner.addTexts(part.texts);
	let executionsScanned = 0;
	for (const w of parts.flatMap((part) => part.workflows)) {
		const list = await n8n.executions(w.id, { includeData: true });
		executionsScanned += list.length;
		for (const e of list) scanner.add(`n8n execution data: ${w.name}`, e);
	}
	scanner.add(
		'simulator request log',
		parts.flatMap((part) => part.sim?.requests ?? []),
	);
	scanner.add(
		'simulator call log',
		parts.flatMap((part) => part.sim?.calls ?? []),
	);
	const logText = fs.readFileSync(n8n.logPath, 'utf8');
	scanner.add('n8n log file', logText);
	return { executionsScanned, logText };
}

async function scanAll() {
	const report = suite.scanner.scan();
	let bytes = 0;
	for (const source of report) {
		bytes += source.bytes;
		await suite.check(
			`no secret in ${source.source} (${source.items} item${source.items === 1 ? '' : 's'}, ${(source.bytes / 1024).toFixed(0)} KB)`,
			() => {
				expect(source.findings).toEqual([]);
			},
		);
	}
	return { bytes, sources: report.length };
}

test('5) secrets: the API key (and its Basic-header form) appears in no output, error, execution data or log line', async () => {
	const parts = suite.earlierParts();
	// Whole run (the other categories): the simulators never placed the same dial twice.
	await board.check('faults', 'whole run: zero duplicate dials per external_id (simulator)', () => {
		const dials = parts.flatMap((part) => part.sim?.dials ?? []);
		expect(dials.length).toBeGreaterThan(0);
		expect(duplicateDials(dials)).toEqual([]);
		const dialRequests = parts
			.flatMap((part) => part.sim?.requests ?? [])
			.filter((r) => r.path === '/v2/voice').length;
		return `${dials.length} dials placed, ${dialRequests} dial requests`;
	});

	await suite.timed(async () => {
		await scannerSelfTest();
		const { executionsScanned, logText } = await collect(parts);
		await suite.check(
			"the collected material is the real thing (executions with data, the trigger's rejections in the n8n log)",
			() => {
				expect(executionsScanned).toBeGreaterThan(BURST_EVENTS);
				expect(logText).toMatch(/Telesign Voice Trigger: request rejected/);
				return `${executionsScanned} executions with data, n8n log ${(logText.length / 1024).toFixed(0)} KB`;
			},
		);
		const { bytes, sources } = await scanAll();
		board.figures['Secrets: text scanned'] =
			`${(bytes / 1024 / 1024).toFixed(1)} MB in ${sources} sources, ${executionsScanned} executions; forms searched: ${suite.scanner.secrets.map((s) => s.label).join(', ')}`;
	});
	expect(board.failures('faults')).toEqual([]);
	expect(board.failures('secrets')).toEqual([]);
}, 300_000);
