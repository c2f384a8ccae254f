'use strict';
/**
 * The reliability and security suite is six test files, test/e2e/reliability/1-input … 6-callAndWait, run in
 * that order except 5-secrets, which runs last (test/e2e/sequencer.js), against the one n8n of the e2e run. What they share, and why:
 *  - this run's Telesign account, keys and webhook password, derived from the run id the global setup wrote, so
 *    that every file uses the same secrets and the last file knows what to look for;
 *  - a part per file in test/.out/reliability/<category>.json: its scoreboard, figures, notes, the workflows it
 *    created, the texts it saw and its simulator's logs. The secrets file scans the parts of the other files;
 *    after each file the parts of this run make the report: test/.out/RELIABILITY.md once every category ran
 *    (with the full 1,000-event burst), else test/.out/reliability-partial.md. Running the tests changes no
 *    tracked file: `npm run test:reliability-report` copies a complete report to test/RELIABILITY.md on purpose.
 * `reliabilitySuite(category)` registers the file's beforeAll/afterAll and returns what its tests use.
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

const { connectN8n } = require('../context');
const { N8N_VERSION, REPO_ROOT } = require('../install');
const { STATE_FILE } = require('../../global-setup');
const { telesignTrigger, respondNode } = require('../workflows');
const { TelesignSimulator } = require('../../../simulator');
const { Scoreboard, machineMeta } = require('./scoreboard');
const { SecretScanner } = require('./secrets');

const CATEGORIES = [
	{ key: 'input', title: '1. Bad input to the action node' },
	{ key: 'forged', title: '2. Forged and malformed events' },
	{ key: 'faults', title: '3. API faults during dialing' },
	{ key: 'burst', title: '4. Burst of 1,000 events' },
	{ key: 'secrets', title: '5. Secrets never exposed' },
	{ key: 'callAndWait', title: '6. Call and Wait: nothing lost, nothing doubled' },
];
const BURST_EVENTS = Number(process.env.RELIABILITY_BURST_EVENTS || 1000);
const BURST_CONCURRENCY = 32;
const CALLER_ID = '15550000001';
const WEBHOOK_USER = 'telesign-reliability';
const PARTS_DIR = path.join(REPO_ROOT, 'test', '.out', 'reliability');
const REPORT_FILE = path.join(REPO_ROOT, 'test', '.out', 'RELIABILITY.md');
const PARTIAL_REPORT_FILE = path.join(REPO_ROOT, 'test', '.out', 'reliability-partial.md');

/**
 * A distinctive account for this suite only (so that any occurrence of its key anywhere is a leak), a wrong key
 * and a webhook password: the same in every file of one run, new in the next run.
 */
function runSecrets(runId) {
	const bytes = (label, n) =>
		crypto.createHmac('sha256', runId).update(`reliability ${label}`).digest().subarray(0, n);
	const hex = (label, n) => bytes(label, n).toString('hex');
	const suiteKeyText = `reliability-suite-secret-${hex('api key', 12)}`;
	return {
		suiteKeyText,
		account: {
			customerId: `RELIAB00-${hex('customer a', 2).toUpperCase()}-4000-8000-${hex('customer b', 6).toUpperCase()}`,
			apiKey: Buffer.from(suiteKeyText).toString('base64'),
		},
		wrongKey: Buffer.from(`reliability-wrong-key-${hex('wrong key', 8)}`).toString('base64'),
		webhookPassword: `Rel-${bytes('webhook password', 12).toString('base64url')}`,
	};
}

const RECORDINGS = [
	{ reference_id: 'RELGETALL0001', date: '2025-03-01T10:00:00' },
	{ reference_id: 'RELGETALL0002', date: '2025-03-02T10:00:00' },
	{ reference_id: 'RELGET0001', date: '2025-04-01T10:00:00' },
	{ reference_id: 'RELDEL0001', date: '2025-05-01T10:00:00' },
	{ reference_id: 'RELDEL0002', date: '2025-05-02T10:00:00' },
];

function startSimulator(account) {
	const recent = {
		reference_id: 'RELRECENT0001',
		date: new Date(Date.now() - 3_600_000).toISOString().slice(0, 19),
	};
	const sim = new TelesignSimulator({
		accounts: [account],
		ownedNumbers: [CALLER_ID],
		recordings: [...RECORDINGS, recent],
	});
	return sim.start().then(() => sim);
}

function addSecrets(scanner, s) {
	scanner.addSecret('API key', s.account.apiKey, { basicUser: s.account.customerId });
	scanner.addSecret('API key, decoded', s.suiteKeyText);
	scanner.addSecret('API key of the wrong-key credential', s.wrongKey, {
		basicUser: s.account.customerId,
	});
	scanner.addSecret('webhook password', s.webhookPassword, { basicUser: WEBHOOK_USER });
}

/** The credentials a file may use, created in n8n on first use. */
function credentialMaker(suite) {
	const made = {};
	const suffix = crypto.randomBytes(3).toString('hex');
	const { account, wrongKey, webhookPassword } = suite.secrets;
	const make = {
		basic: () => [
			'Reliability Telesign (Basic)',
			'telesignVoiceApi',
			{ ...account, authMethod: 'basic', baseUrl: suite.sim.url },
		],
		digest: () => [
			'Reliability Telesign (Digest)',
			'telesignVoiceApi',
			{ ...account, authMethod: 'digest', baseUrl: suite.sim.url },
		],
		wrongKey: () => [
			'Reliability Telesign (wrong key)',
			'telesignVoiceApi',
			{
				customerId: account.customerId,
				apiKey: wrongKey,
				authMethod: 'basic',
				baseUrl: suite.sim.url,
			},
		],
		webhook: () => [
			'Reliability webhook auth',
			'telesignVoiceWebhookAuthApi',
			{ user: WEBHOOK_USER, password: webhookPassword },
		],
	};
	return (kind) => {
		if (!made[kind]) {
			const [name, type, data] = make[kind]();
			made[kind] = suite.n8n.createCredential(`${name} ${suffix}`, type, data);
		}
		return made[kind];
	};
}

/**
 * An active workflow: Telesign Voice Trigger (given authentication, answers with the last node) → Respond Speak.
 */
async function deployTrigger(
	suite,
	label,
	authentication,
	{ speak = '={{ "Verified " + $json.reference_id }}' } = {},
) {
	const trigger = telesignTrigger(`${label} Events`, {
		authentication,
		respond: 'lastNode',
		options: { includeHeaders: true },
	});
	const credential = await suite.credential(
		authentication === 'telesignSignature' ? 'basic' : 'webhook',
	);
	const ref = { id: credential.id, name: credential.name };
	trigger.credentials =
		authentication === 'telesignSignature'
			? { telesignVoiceApi: ref }
			: { telesignVoiceWebhookAuthApi: ref };
	const answer = respondNode('Answer', 'speak', { message: speak });
	const created = await suite.n8n.createWorkflow({
		name: `Reliability: ${label} trigger`,
		nodes: [trigger, answer],
		connections: { [trigger.name]: { main: [[{ node: 'Answer', type: 'main', index: 0 }]] } },
	});
	const url = suite.n8n.webhookUrl(trigger);
	await suite.n8n.waitForWebhook(url);
	return suite.remember({
		id: created.id,
		name: `Reliability: ${label} trigger`,
		url,
		trigger,
		label,
	});
}

/** The parts the files of this run saved so far, in category order. */
function loadParts(runId) {
	return CATEGORIES.map(({ key }) => path.join(PARTS_DIR, `${key}.json`))
		.filter((file) => fs.existsSync(file))
		.map((file) => JSON.parse(fs.readFileSync(file, 'utf8')))
		.filter((part) => part.runId === runId);
}

function savePart(suite) {
	const part = {
		runId: suite.runId,
		category: suite.category,
		seconds: (Date.now() - suite.started) / 1000,
		loadAtStart: suite.loadAtStart,
		board: suite.board.toJSON(),
		notes: suite.notes,
		workflows: suite.workflows,
		texts: suite.scanner.texts(),
		sim: suite.sim
			? { requests: suite.sim.requests(), calls: suite.sim.calls(), dials: suite.sim.dialsPlaced() }
			: undefined,
	};
	fs.mkdirSync(PARTS_DIR, { recursive: true });
	fs.writeFileSync(path.join(PARTS_DIR, `${suite.category}.json`), JSON.stringify(part));
}

/** The report of this run's parts: written (complete or partial) and printed. */
function writeReport(suite) {
	const parts = loadParts(suite.runId);
	const board = new Scoreboard(CATEGORIES);
	for (const part of parts) board.absorb(part.board);
	const totalSeconds = parts.reduce((sum, part) => sum + part.seconds, 0);
	const meta = {
		date: new Date().toISOString(),
		n8nVersion: N8N_VERSION,
		totalSeconds,
		notes: parts.flatMap((p) => p.notes),
		loadAtStart: parts[0].loadAtStart,
		...machineMeta(),
	};
	const complete = board.allRan() && BURST_EVENTS === 1000;
	const file = complete ? REPORT_FILE : PARTIAL_REPORT_FILE;
	fs.mkdirSync(path.dirname(file), { recursive: true });
	// Only this run's report stays: a complete one of an earlier run is never published as this run's.
	fs.rmSync(complete ? PARTIAL_REPORT_FILE : REPORT_FILE, { force: true });
	const text = board.markdown(meta);
	fs.writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
	const own = board.rows().find((r) => r.key === suite.category);
	process.stdout.write(
		`\nReliability and security suite, ${own.title}: ${own.passed}/${own.tried} passed\n`,
	);
	if (board.allRan()) {
		process.stdout.write(
			`Reliability and security suite (${totalSeconds.toFixed(1)} s)\n${board.table()}\n`,
		);
		for (const [name, value] of Object.entries(board.figures))
			process.stdout.write(`  ${name}: ${value}\n`);
	}
	process.stdout.write(`  report: ${path.relative(REPO_ROOT, file)}\n`);
}

/** What every file of the suite starts with; `simulator: false` for a file that places no request. */
function reliabilitySuite(category, { simulator = true } = {}) {
	const suite = {
		category,
		board: new Scoreboard(CATEGORIES),
		scanner: new SecretScanner(),
		notes: [],
		workflows: [], // {id, name} of everything this file created
		started: Date.now(),
		loadAtStart: os.loadavg(),
		remember(workflow) {
			suite.workflows.push({ id: workflow.id, name: workflow.name });
			return workflow;
		},
		check: (name, fn) => suite.board.check(category, name, fn),
		rememberResponse: (source) => (res) => suite.scanner.add(source, res.data),
		voiceRequests: (since = 0) =>
			suite.sim
				.requests()
				.slice(since)
				.filter((r) => r.path === '/v2/voice'),
		deployTrigger: (...args) => deployTrigger(suite, ...args),
		/** The saved parts of the files that ran before this one in this run. */
		earlierParts: () => loadParts(suite.runId).filter((part) => part.category !== category),
	};
	const numberBase = 2000000 + 100000 * CATEGORIES.findIndex((c) => c.key === category);
	let numberSeq = 0;
	/** A fresh valid destination number (unique over the whole run). */
	suite.freshNumber = () => `1555${String(numberBase + ++numberSeq).padStart(7, '0')}`;
	suite.timed = async (fn) => {
		const started = Date.now();
		try {
			return await fn();
		} finally {
			suite.board.durations[category] =
				(suite.board.durations[category] || 0) + (Date.now() - started) / 1000;
		}
	};
	beforeAll(async () => {
		suite.runId = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8')).runId;
		suite.secrets = runSecrets(suite.runId);
		suite.n8n = connectN8n();
		if (simulator) suite.sim = await startSimulator(suite.secrets.account);
		addSecrets(suite.scanner, suite.secrets);
		suite.credential = credentialMaker(suite);
	});
	afterAll(async () => {
		await suite.sim?.stop();
		for (const w of suite.workflows) await suite.n8n.deactivate(w.id).catch(() => undefined);
		if (!suite.runId) return;
		savePart(suite);
		writeReport(suite);
	});
	return suite;
}

module.exports = {
	reliabilitySuite,
	CATEGORIES,
	BURST_EVENTS,
	BURST_CONCURRENCY,
	CALLER_ID,
	WEBHOOK_USER,
};
