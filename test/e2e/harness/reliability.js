'use strict';
/**
 * Helpers of the reliability and security suite (reliability.e2e.test.js): a scoreboard of cases per
 * category (printed and written to test/RELIABILITY.md), "batch" workflows that run the real action node on a
 * posted list of items, an independent Digest client, execution counting, a bounded worker pool and a
 * scanner that looks for secrets in everything the suite saw.
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const axios = require('axios');

const { ACTION_TYPE } = require('./workflows');

// ------------------------------------------------------------------------------------------ scoreboard

/**
 * Cases per category. `check` runs one case and records whether it passed (an assertion that throws = failed);
 * the test then asserts that its category has no failures, so a failing case fails the jest test as well.
 */
class Scoreboard {
	constructor(categories) {
		/** @type {Array<{key: string, title: string}>} */
		this.categories = categories;
		/** @type {Array<{category: string, name: string, ok: boolean, error?: string, tried?: number, passed?: number}>} */
		this.cases = [];
		this.figures = {};
		this.durations = {};
		this.ran = new Set();
	}

	/** Runs one case; never throws (the failure is recorded and reported by assertCategory). */
	async check(category, name, fn) {
		this.ran.add(category);
		try {
			const detail = await fn();
			this.cases.push({ category, name, ok: true, detail: typeof detail === 'string' ? detail : undefined });
			return true;
		} catch (error) {
			this.cases.push({ category, name, ok: false, error: String(error?.message ?? error).slice(0, 1500) });
			return false;
		}
	}

	/** A group of many similar cases counted individually (e.g. 1,000 burst events). */
	recordGroup(category, name, tried, passed, failures = []) {
		this.ran.add(category);
		this.cases.push({
			category,
			name,
			ok: tried === passed,
			tried,
			passed,
			error: failures.length > 0 ? failures.slice(0, 10).join('\n') : undefined,
		});
	}

	failures(category) {
		return this.cases.filter((c) => c.category === category && !c.ok).map((c) => `${c.name}: ${c.error ?? 'failed'}`);
	}

	rows() {
		return this.categories.map(({ key, title }) => {
			let tried = 0;
			let passed = 0;
			for (const c of this.cases.filter((x) => x.category === key)) {
				tried += c.tried ?? 1;
				passed += c.passed ?? (c.ok ? 1 : 0);
			}
			return { key, title, tried, passed, ran: this.ran.has(key), seconds: this.durations[key] };
		});
	}

	allRan() {
		return this.categories.every(({ key }) => this.ran.has(key));
	}

	table() {
		const rows = this.rows();
		const lines = [
			'| Category | Cases tried | Passed | Rate | Time |',
			'|---|---:|---:|---:|---:|',
			...rows.map((r) => {
				const rate = r.tried === 0 ? (r.ran ? '—' : 'not run') : `${((100 * r.passed) / r.tried).toFixed(1)} %`;
				const time = r.seconds === undefined ? '' : `${r.seconds.toFixed(1)} s`;
				return `| ${r.title} | ${r.tried} | ${r.passed} | ${rate} | ${time} |`;
			}),
		];
		const total = rows.reduce((a, r) => ({ tried: a.tried + r.tried, passed: a.passed + r.passed }), { tried: 0, passed: 0 });
		lines.push(`| **Total** | **${total.tried}** | **${total.passed}** | **${total.tried ? ((100 * total.passed) / total.tried).toFixed(1) : 0} %** | |`);
		return lines.join('\n');
	}

	markdown(meta) {
		const out = [
			'# Reliability and security suite — latest run',
			'',
			'Written by `test/e2e/reliability.e2e.test.js` (part of `npm test`, run in CI) at the end of every complete run:',
			'the real action node and trigger inside a real n8n, against the local Telesign simulator. Every case is also',
			'a jest assertion, so a case that fails fails the test run.',
			'',
			`- Date: ${meta.date}`,
			`- n8n: ${meta.n8nVersion} (SQLite, regular mode), Node ${meta.nodeVersion} for the suite`,
			`- Machine: ${meta.cores} CPU cores (${meta.cpuModel}), ${meta.memoryGb} GB RAM, ${meta.platform}`,
			`- Suite duration: ${meta.totalSeconds.toFixed(1)} s; load average (1/5/15 min) at start ${fmtLoad(meta.loadAtStart)}, at end ${fmtLoad(os.loadavg())} (other processes on the machine slow n8n down)`,
			'',
			this.table(),
			'',
		];
		if (Object.keys(this.figures).length > 0) {
			out.push('## Figures', '');
			for (const [name, value] of Object.entries(this.figures)) out.push(`- ${name}: ${value}`);
			out.push('');
		}
		out.push('## Cases', '');
		for (const { key, title } of this.categories) {
			const cases = this.cases.filter((c) => c.category === key);
			out.push(`### ${title}`, '');
			if (cases.length === 0) out.push('(not run)');
			for (const c of cases) {
				const count = c.tried !== undefined ? ` (${c.passed}/${c.tried})` : '';
				const detail = c.ok ? (c.detail ? ` — ${c.detail}` : '') : ` — ${String(c.error).split('\n')[0]}`;
				out.push(`- ${c.ok ? '✅' : '❌'} ${c.name}${count}${detail}`);
			}
			out.push('');
		}
		if (meta.notes && meta.notes.length > 0) {
			out.push('## Notes', '', ...meta.notes.map((n) => `- ${n}`), '');
		}
		return out.join('\n');
	}
}

function fmtLoad(load) {
	return (load || []).map((x) => x.toFixed(1)).join(' / ');
}

function machineMeta() {
	const cpus = os.cpus();
	return {
		cores: cpus.length,
		cpuModel: (cpus[0]?.model || 'unknown').replace(/\s+/g, ' ').trim(),
		memoryGb: Math.round(os.totalmem() / 2 ** 30),
		platform: `${os.platform()} ${os.release()}`,
		nodeVersion: process.version,
	};
}

// ---------------------------------------------------------------------------------- batch workflows

function node(name, type, typeVersion, position, parameters, extra = {}) {
	return { id: crypto.randomUUID(), name, type, typeVersion, position, parameters, ...extra };
}

/**
 * A workflow that runs the Telesign Voice node on the items posted to it: Webhook (POST {cases: [...]},
 * answers with every item of the last node) → Split Out of `cases` → Telesign Voice with `parameters`
 * (expressions such as ={{ $json.to }} read each case). With continueOnFail the node's "On Error" is
 * "Continue" (n8n 2.x: onError = continueRegularOutput), so each failed item becomes an item with `error`.
 * `nodeSettings` are node-level settings such as {retryOnFail: true, maxTries: 3, waitBetweenTries: 0}.
 */
function batchWorkflow(name, parameters, { continueOnFail = true, credential, nodeSettings = {} } = {}) {
	const hookPath = `reliability-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${crypto.randomBytes(4).toString('hex')}`;
	const action = node('Telesign Voice', ACTION_TYPE, 1, [440, 0], parameters, {
		onError: continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
		...nodeSettings,
	});
	if (credential) action.credentials = { telesignVoiceApi: { id: credential.id, name: credential.name } };
	return {
		hookPath,
		workflow: {
			name: `Reliability: ${name}`,
			nodes: [
				node(
					'Batch In',
					'n8n-nodes-base.webhook',
					2,
					[0, 0],
					{ httpMethod: 'POST', path: hookPath, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
					{ webhookId: crypto.randomUUID() },
				),
				node('One Item per Case', 'n8n-nodes-base.splitOut', 1, [220, 0], {
					fieldToSplitOut: 'body.cases',
					include: 'noOtherFields',
					options: {},
				}),
				action,
			],
			connections: {
				'Batch In': { main: [[{ node: 'One Item per Case', type: 'main', index: 0 }]] },
				'One Item per Case': { main: [[{ node: 'Telesign Voice', type: 'main', index: 0 }]] },
			},
		},
	};
}

/** Creates and activates a batch workflow; `run(cases)` posts them and resolves {status, data}. */
async function deployBatch(n8n, name, parameters, options = {}) {
	const { workflow, hookPath } = batchWorkflow(name, parameters, options);
	const created = await n8n.createWorkflow(workflow);
	const url = `${n8n.baseUrl}/webhook/${hookPath}`;
	await n8n.waitForWebhook(url);
	return {
		id: created.id,
		name: workflow.name,
		url,
		async run(cases, { timeoutMs = 120_000 } = {}) {
			const res = await axios.post(url, { cases }, { validateStatus: () => true, timeout: timeoutMs });
			options.onResponse?.(res);
			return { status: res.status, data: res.data };
		},
	};
}

// ------------------------------------------------------------------------------------------- Digest

/*
 * An independent client-side implementation of the trigger's stateless Digest nonces, so the suite can mint a
 * nonce that is *older than its lifetime* without waiting 5 minutes. It mirrors what
 * nodes/shared/telesign/webhookAuth.ts documents: secret = HMAC-SHA256(key = webhook password,
 * "telesign-voice-digest-nonce:v1\n<user>\n<webhookId>/telesign-voice"); nonce = base64url("<unix ms>:<random
 * hex>:<base64url HMAC-SHA256(secret, "<unix ms>:<random hex>")>"). Only someone who knows the webhook password
 * can do this — the test plays Telesign replaying an old challenge, which the trigger must refuse as stale.
 */
function base64url(data) {
	return Buffer.from(data).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function digestNonceSecret({ user, password, webhookId, webhookPath = 'telesign-voice' }) {
	return crypto
		.createHmac('sha256', password)
		.update(`telesign-voice-digest-nonce:v1\n${user}\n${webhookId}/${webhookPath}`, 'utf8')
		.digest();
}

function mintDigestNonce(secret, issuedAtMs, random = crypto.randomBytes(12).toString('hex')) {
	const stamp = String(Math.floor(issuedAtMs));
	const mac = base64url(crypto.createHmac('sha256', secret).update(`${stamp}:${random}`, 'utf8').digest());
	return base64url(`${stamp}:${random}:${mac}`);
}

/** The challenges of a 401 (one WWW-Authenticate header per algorithm), parsed. */
function parseDigestChallenges(header) {
	// Several WWW-Authenticate headers may arrive joined into one value (Node joins repeated headers with ", ").
	const values = (Array.isArray(header) ? header : header ? [header] : []).flatMap((v) => v.split(/,\s*(?=Digest\s)/i));
	return values
		.filter((v) => /^Digest\s/i.test(v))
		.map((v) => {
			const params = {};
			for (const m of v.replace(/^Digest\s+/i, '').matchAll(/([a-z]+)=("([^"]*)"|[^,\s]+)/gi)) {
				params[m[1].toLowerCase()] = m[3] !== undefined ? m[3] : m[2];
			}
			return params;
		});
}

function digestHash(algorithm, text) {
	return crypto
		.createHash(algorithm === 'MD5' ? 'md5' : 'sha256')
		.update(text, 'utf8')
		.digest('hex');
}

/** `Authorization: Digest …` for one request (RFC 7616, qop=auth). */
function digestAuthorization({ user, password, realm, nonce, method = 'POST', uri, algorithm = 'SHA-256', nc = '00000001', cnonce }) {
	const cn = cnonce || crypto.randomBytes(8).toString('hex');
	const ha1 = digestHash(algorithm, `${user}:${realm}:${password}`);
	const ha2 = digestHash(algorithm, `${method}:${uri}`);
	const response = digestHash(algorithm, [ha1, nonce, nc, cn, 'auth', ha2].join(':'));
	return `Digest username="${user}", realm="${realm}", nonce="${nonce}", uri="${uri}", algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="${cn}", response="${response}"`;
}

// --------------------------------------------------------------------------------------- executions

/** Ids of a workflow's executions now (to tell new ones apart later). */
async function executionIds(n8n, workflowId) {
	return new Set((await n8n.executions(workflowId, { includeData: false })).map((e) => e.id));
}

/**
 * Waits until at least `count` new executions (ids not in `before`) have finished; light (no execution data).
 * Returns the finished new executions.
 */
async function waitForNewExecutions(n8n, workflowId, before, count, { timeoutMs = 120_000, pollMs = 500 } = {}) {
	const started = Date.now();
	for (;;) {
		const fresh = (await n8n.executions(workflowId, { includeData: false })).filter((e) => !before.has(e.id));
		const finished = fresh.filter((e) => e.stoppedAt || ['success', 'error', 'crashed', 'canceled'].includes(e.status));
		if (finished.length >= count) return { finished, all: fresh };
		if (Date.now() - started > timeoutMs) {
			throw new Error(`workflow ${workflowId}: ${finished.length}/${count} new finished executions after ${timeoutMs} ms`);
		}
		await new Promise((resolve) => setTimeout(resolve, pollMs));
	}
}

// ---------------------------------------------------------------------------------------------- pool

/** Runs fn(item, index) for every item with at most `concurrency` in flight; results in input order. */
async function runPool(items, concurrency, fn) {
	const results = new Array(items.length);
	let next = 0;
	const worker = async () => {
		while (next < items.length) {
			const index = next++;
			results[index] = await fn(items[index], index);
		}
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
	return results;
}

function percentile(sorted, p) {
	if (sorted.length === 0) return 0;
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

// ------------------------------------------------------------------------------------------- secrets

/**
 * Collects every text the suite saw (HTTP bodies, error items, execution data, logs) by source, and searches
 * them for secrets and their encoded forms.
 */
class SecretScanner {
	constructor() {
		/** @type {Array<{label: string, value: string}>} */
		this.secrets = [];
		/** @type {Map<string, string[]>} */
		this.sources = new Map();
	}

	/** Adds a secret and the forms it could leak in (base64 of a Basic header, URL-encoded, JSON-escaped). */
	addSecret(label, value, { basicUser } = {}) {
		const forms = new Map([[label, value]]);
		forms.set(`${label} (URL-encoded)`, encodeURIComponent(value));
		forms.set(`${label} (JSON-escaped)`, JSON.stringify(value).slice(1, -1));
		if (basicUser !== undefined) forms.set(`${label} (in a Basic header)`, Buffer.from(`${basicUser}:${value}`).toString('base64'));
		for (const [formLabel, formValue] of forms) {
			if (formValue.length >= 8 && !this.secrets.some((s) => s.value === formValue)) this.secrets.push({ label: formLabel, value: formValue });
		}
	}

	add(source, value) {
		if (value === undefined || value === null) return;
		const text = typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : safeJson(value);
		if (!this.sources.has(source)) this.sources.set(source, []);
		this.sources.get(source).push(text);
	}

	/** [{source, items, bytes, findings: [{label, where}]}] */
	scan() {
		return [...this.sources.entries()].map(([source, texts]) => {
			const findings = [];
			let bytes = 0;
			texts.forEach((text, index) => {
				bytes += text.length;
				for (const secret of this.secrets) {
					const at = text.indexOf(secret.value);
					if (at >= 0) findings.push({ label: secret.label, where: `#${index} at ${at}: …${text.slice(Math.max(0, at - 60), at)}[SECRET]…` });
				}
			});
			return { source, items: texts.length, bytes, findings };
		});
	}
}

function safeJson(value) {
	try {
		return JSON.stringify(value);
	} catch {
		return String(value);
	}
}

function writeReport(file, text) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

module.exports = {
	Scoreboard,
	machineMeta,
	batchWorkflow,
	deployBatch,
	digestNonceSecret,
	mintDigestNonce,
	parseDigestChallenges,
	digestAuthorization,
	executionIds,
	waitForNewExecutions,
	runPool,
	percentile,
	SecretScanner,
	writeReport,
};
