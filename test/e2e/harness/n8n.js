'use strict';
/**
 * A real n8n process for tests, demos and benchmarks: started on loopback with this package installed as a
 * community package, an owner account and a public-API key; helpers to create credentials and workflows,
 * activate them and read executions through n8n's own public API.
 */
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const axios = require('axios');

const { ensureN8n, buildAndPack, installPackageInto, log } = require('./install');

const OWNER = {
	email: 'owner@example.com',
	firstName: 'Telesign',
	lastName: 'Tester',
	password: 'Telesign-E2e-Passw0rd',
};
const PACKAGE = 'n8n-nodes-telesign-voice';

function delay(ms) {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

class N8nServer {
	/**
	 * @param {object} o
	 * @param {number} [o.port]
	 * @param {string} [o.userFolder] reuse a folder (the demo keeps one); default: a fresh temp folder
	 * @param {Record<string,string>} [o.env] extra environment
	 * @param {'start'|'webhook'|'worker'} [o.command] n8n's command: main (default), webhook processor or queue
	 *   worker (queue mode). A worker serves no HTTP: `port` is then its health-check port (/healthz/readiness).
	 * @param {string} [o.tarball] the package tarball to install (default: this repository, built and packed)
	 */
	constructor(o = {}) {
		this.command = o.command || 'start';
		this.tarball = o.tarball;
		this.port = o.port || 5688;
		this.userFolder = o.userFolder || fs.mkdtempSync(path.join(os.tmpdir(), 'telesign-n8n-'));
		this.extraEnv = o.env || {};
		this.logPath = path.join(this.userFolder, 'n8n.log');
		this.baseUrl = `http://127.0.0.1:${this.port}`;
		this.apiKey = undefined;
		this.child = undefined;
	}

	env() {
		return {
			PATH: process.env.PATH,
			HOME: process.env.HOME,
			TZ: 'UTC',
			N8N_USER_FOLDER: this.userFolder,
			N8N_PORT: String(this.port),
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_HOST: '127.0.0.1',
			N8N_PROTOCOL: 'http',
			WEBHOOK_URL: `${this.baseUrl}/`,
			N8N_ENCRYPTION_KEY: this.encryptionKey(),
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_RUNNERS_ENABLED: 'false',
			// Each instance its own task-broker port (default 5679), so several n8n can run side by side.
			N8N_RUNNERS_BROKER_PORT: String(this.port + 10000),
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
			N8N_SECURE_COOKIE: 'false',
			N8N_LOG_LEVEL: process.env.N8N_LOG_LEVEL || 'info',
			DB_SQLITE_POOL_SIZE: '4',
			EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
			EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
			EXECUTIONS_DATA_PRUNE: 'false',
			...(this.command === 'worker'
				? { QUEUE_HEALTH_CHECK_ACTIVE: 'true', QUEUE_HEALTH_CHECK_PORT: String(this.port) }
				: {}),
			...this.extraEnv,
		};
	}

	encryptionKey() {
		const file = path.join(this.userFolder, 'encryption-key');
		if (!fs.existsSync(file)) fs.writeFileSync(file, crypto.randomBytes(24).toString('hex'));
		return fs.readFileSync(file, 'utf8').trim();
	}

	/**
	 * Installs n8n (cached) and the packed package, starts n8n, and — for the main process — sets up the owner
	 * and an API key (webhook processors and workers share main's database and need neither).
	 */
	async start({ timeoutMs = 180_000 } = {}) {
		const { node24, n8nBin } = ensureN8n();
		this.node24 = node24;
		this.n8nBin = n8nBin;
		installPackageInto(this.userFolder, this.tarball || buildAndPack());
		const logStream = fs.createWriteStream(this.logPath, { flags: 'a' });
		this.child = spawn(node24, [n8nBin, this.command], {
			env: this.env(),
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		this.child.stdout.pipe(logStream);
		this.child.stderr.pipe(logStream);
		this.exited = new Promise((resolve) =>
			this.child.once('exit', (code, signal) => resolve({ code, signal })),
		);
		const started = Date.now();
		for (;;) {
			if (this.child.exitCode !== null) {
				throw new Error(
					`n8n exited during start (code ${this.child.exitCode}); log: ${this.logPath}\n${this.tail()}`,
				);
			}
			try {
				const res = await axios.get(`${this.baseUrl}/healthz/readiness`, {
					timeout: 2000,
					validateStatus: () => true,
				});
				if (res.status === 200 && res.data && res.data.status === 'ok') break;
			} catch {
				/* not up yet */
			}
			if (Date.now() - started > timeoutMs)
				throw new Error(
					`n8n not ready after ${timeoutMs} ms; log: ${this.logPath}\n${this.tail()}`,
				);
			await delay(500);
		}
		log(
			`n8n ${this.command} up on ${this.baseUrl} after ${((Date.now() - started) / 1000).toFixed(1)} s (user folder ${this.userFolder})`,
		);
		if (this.command === 'start') await this.setupOwnerAndApiKey();
		return this;
	}

	tail(lines = 40) {
		try {
			return fs.readFileSync(this.logPath, 'utf8').split('\n').slice(-lines).join('\n');
		} catch {
			return '';
		}
	}

	async setupOwnerAndApiKey() {
		const keyFile = path.join(this.userFolder, 'e2e-api-key');
		if (fs.existsSync(keyFile)) {
			this.apiKey = fs.readFileSync(keyFile, 'utf8').trim();
			const check = await this.api('GET', '/workflows?limit=1', undefined, {
				allowStatus: [200, 401],
			});
			if (check.status === 200) return;
		}
		const rest = axios.create({
			baseURL: `${this.baseUrl}/rest`,
			validateStatus: () => true,
			timeout: 30_000,
		});
		let res = await rest.post('/owner/setup', OWNER);
		if (res.status !== 200)
			res = await rest.post('/login', {
				emailOrLdapLoginId: OWNER.email,
				password: OWNER.password,
			});
		if (res.status !== 200)
			throw new Error(`owner setup/login failed: HTTP ${res.status} ${JSON.stringify(res.data)}`);
		const cookie = (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
		const scopes = await rest.get('/api-keys/scopes', { headers: { cookie } });
		const created = await rest.post(
			'/api-keys',
			{ label: `e2e-${Date.now()}`, scopes: scopes.data.data, expiresAt: null },
			{ headers: { cookie } },
		);
		if (!created.data?.data?.rawApiKey)
			throw new Error(`API key creation failed: HTTP ${created.status}`);
		this.apiKey = created.data.data.rawApiKey;
		fs.writeFileSync(keyFile, this.apiKey, { mode: 0o600 });
	}

	/** An axios client for n8n's internal REST API, logged in as the owner (what the editor UI uses). */
	async restSession() {
		const rest = axios.create({
			baseURL: `${this.baseUrl}/rest`,
			validateStatus: () => true,
			timeout: 60_000,
		});
		const res = await rest.post('/login', {
			emailOrLdapLoginId: OWNER.email,
			password: OWNER.password,
		});
		if (res.status !== 200) throw new Error(`login failed: HTTP ${res.status}`);
		const cookie = (res.headers['set-cookie'] || []).map((c) => c.split(';')[0]).join('; ');
		rest.defaults.headers.common.cookie = cookie;
		return rest;
	}

	/** Runs the credential test of the editor's credential dialog ("Test" / "Retry"). */
	async testCredential(credential, type, data) {
		const rest = await this.restSession();
		const res = await rest.post('/credentials/test', {
			credentials: { id: credential.id, name: credential.name, type, data },
		});
		if (res.status !== 200)
			throw new Error(
				`credential test: HTTP ${res.status} ${JSON.stringify(res.data).slice(0, 300)}`,
			);
		return res.data.data;
	}

	/** Public API call; throws on an unexpected status. */
	async api(method, urlPath, body, { allowStatus = [200, 201, 204] } = {}) {
		const res = await axios.request({
			method,
			url: `${this.baseUrl}/api/v1${urlPath}`,
			data: body,
			headers: { 'X-N8N-API-KEY': this.apiKey },
			validateStatus: () => true,
			timeout: 60_000,
		});
		if (!allowStatus.includes(res.status)) {
			throw new Error(
				`n8n API ${method} ${urlPath} → HTTP ${res.status}: ${JSON.stringify(res.data).slice(0, 800)}`,
			);
		}
		return res;
	}

	async createCredential(name, type, data) {
		const res = await this.api('POST', '/credentials', { name, type, data });
		return { id: res.data.id, name };
	}

	async createDataTable(name, columns) {
		const res = await this.api('POST', '/data-tables', { name, columns });
		return res.data;
	}

	async dataTableRows(id) {
		const res = await this.api('GET', `/data-tables/${id}/rows?limit=250`);
		return res.data.data;
	}

	/**
	 * Creates (and optionally activates) a workflow from an n8n workflow JSON (e.g. an examples/ file).
	 * @param {object} workflow
	 * @param {{credentials?: Record<string,{id:string,name:string}>, activate?: boolean}} o
	 */
	async createWorkflow(workflow, { credentials = {}, activate = true } = {}) {
		const nodes = workflow.nodes.map((node) => {
			if (!node.credentials) return node;
			const replaced = {};
			for (const [type, ref] of Object.entries(node.credentials))
				replaced[type] = credentials[type] || ref;
			return { ...node, credentials: replaced };
		});
		const body = {
			name: workflow.name,
			nodes,
			connections: workflow.connections,
			settings: { executionOrder: 'v1', ...(workflow.settings || {}) },
		};
		const res = await this.api('POST', '/workflows', body);
		const id = res.data.id;
		if (activate) await this.api('POST', `/workflows/${id}/activate`, {});
		return { id, nodes };
	}

	async deactivate(id) {
		await this.api('POST', `/workflows/${id}/deactivate`, {});
	}

	/** Webhook production URL of a trigger node (webhookId + path); `baseUrl`: another process serving it. */
	webhookUrl(node, pathSuffix = 'telesign-voice', baseUrl = this.baseUrl) {
		return `${baseUrl}/webhook/${node.webhookId}/${pathSuffix}`;
	}

	/**
	 * Waits until a freshly activated POST webhook is registered (n8n registers it asynchronously): a GET to a
	 * registered POST webhook answers "not registered for GET requests", an unknown one "is not registered".
	 */
	async waitForWebhook(url, timeoutMs = 30_000) {
		const started = Date.now();
		for (;;) {
			const res = await axios.get(url, { validateStatus: () => true, timeout: 5000 });
			const text = JSON.stringify(res.data || '');
			if (res.status !== 404 || /not registered for GET requests/i.test(text)) return;
			if (Date.now() - started > timeoutMs)
				throw new Error(`webhook ${url} not registered after ${timeoutMs} ms`);
			await delay(250);
		}
	}

	async executions(workflowId, { includeData = true } = {}) {
		const all = [];
		let cursor;
		for (let page = 0; page < 50; page++) {
			const qs = new URLSearchParams({
				workflowId: String(workflowId),
				includeData: String(includeData),
				limit: '250',
			});
			if (cursor) qs.set('cursor', cursor);
			const res = await this.api('GET', `/executions?${qs}`);
			all.push(...res.data.data);
			cursor = res.data.nextCursor;
			if (!cursor) break;
		}
		return all;
	}

	/** Waits until the workflow has at least `count` finished executions; returns them (oldest first). */
	async waitForExecutions(workflowId, count, { timeoutMs = 30_000, includeData = true } = {}) {
		const started = Date.now();
		for (;;) {
			const list = await this.executions(workflowId, { includeData });
			const finished = list.filter(
				(e) => e.finished || e.stoppedAt || ['success', 'error', 'crashed'].includes(e.status),
			);
			if (finished.length >= count) return finished.sort((a, b) => Number(a.id) - Number(b.id));
			if (Date.now() - started > timeoutMs) {
				throw new Error(
					`workflow ${workflowId}: ${finished.length}/${count} executions after ${timeoutMs} ms`,
				);
			}
			await delay(250);
		}
	}

	/** Names of the nodes that ran in an execution (with includeData). */
	static nodesRun(execution) {
		return Object.keys(execution?.data?.resultData?.runData || {});
	}

	/** First output item JSON of a node in an execution. */
	static output(execution, nodeName, index = 0) {
		const runs = execution?.data?.resultData?.runData?.[nodeName];
		return runs?.[0]?.data?.main?.[0]?.[index]?.json;
	}

	/** Peak resident memory of the n8n process in kB (from /proc), or undefined. */
	rssKb() {
		try {
			const status = fs.readFileSync(`/proc/${this.child.pid}/status`, 'utf8');
			const hwm = /VmHWM:\s+(\d+)/.exec(status);
			return hwm ? Number(hwm[1]) : undefined;
		} catch {
			return undefined;
		}
	}

	async stop() {
		if (!this.child || this.child.exitCode !== null) return;
		this.child.kill('SIGTERM');
		const timer = delay(15_000).then(() => 'timeout');
		if ((await Promise.race([this.exited, timer])) === 'timeout') this.child.kill('SIGKILL');
	}
}

module.exports = { N8nServer, OWNER, PACKAGE, delay };
