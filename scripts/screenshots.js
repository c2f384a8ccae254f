#!/usr/bin/env node
'use strict';
/**
 * `npm run docs:screenshots`: the pictures in the docs, taken from the real editor so they stay true. Starts the
 * real n8n the tests use (scripts/install-n8n.sh; this package built, packed and installed as users install
 * it) in an empty user folder, with the Telesign Voice simulator as "Telesign", imports the examples as the demo
 * does, places one alert call so the alert example has an execution to show, opens the editor in headless
 * Chromium (Debian's `chromium` package, driven by puppeteer-core) and writes docs/images/*.png: each example's
 * canvas, the key node panels, the credential dialog and the alert's execution. Also renders the sequence
 * diagrams (scripts/sequence-diagram.js). Everything it starts is stopped at the end, also on failure.
 *
 * Env: SCREENSHOTS_N8N_PORT (5960; n8n's task broker uses it + 10000), CHROMIUM_PATH (/usr/bin/chromium),
 * SCREENSHOTS_ONLY (a comma list of image names, e.g. "alert-call-canvas", to take only those).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const axios = require('axios');

const { N8nServer, OWNER } = require('../test/e2e/harness/n8n');
const {
	importExamples,
	DEMO_NUMBERS,
	readExample,
	FILES,
} = require('../test/e2e/harness/examples');
const { TelesignSimulator, DEFAULT_ACCOUNT } = require('../test/simulator');
const { renderDiagrams, launchBrowser } = require('./sequence-diagram');

const IMAGES = path.resolve(__dirname, '..', 'docs', 'images');
const VIEWPORT = { width: 1440, height: 960, deviceScaleFactor: 1 };

/** The pictures: an example's canvas, or a node's panel opened on that canvas (`node`), or a custom shot. */
const SHOTS = [
	{ name: 'alert-call-canvas', example: 'alert' },
	{ name: 'alert-call-node-panel', example: 'alert', node: 'Call with the Alert' },
	{ name: 'alert-call-trigger-panel', example: 'alert', node: 'Telesign Events' },
	{ name: 'alert-call-execution', example: 'alert', execution: true },
	{ name: 'on-call-escalation-canvas', example: 'escalation' },
	{ name: 'inbound-ivr-canvas', example: 'ivr' },
	{ name: 'inbound-ivr-menu-panel', example: 'ivr', node: 'Menu' },
	{ name: 'advanced-alert-dial-canvas', example: 'advancedDial' },
	{ name: 'call-log-canvas', example: 'callLog' },
	{ name: 'credential-dialog', credential: true },
];

const log = (message) => console.log(`[screenshots] ${message}`);

/** Resolves when `fn` (run in the page) returns a truthy value; the browser polls it on every animation frame. */
const until = (page, fn, arg, timeout = 30_000) =>
	page.waitForFunction(fn, { timeout, polling: 'raf' }, arg);

/** Logs the browser in as the owner the harness set up (n8n's own login request, so the session cookie is set). */
async function logIn(page, baseUrl) {
	await page.goto(`${baseUrl}/signin`, { waitUntil: 'domcontentloaded' });
	const status = await page.evaluate(async (owner) => {
		const res = await fetch('/rest/login', {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ emailOrLdapLoginId: owner.email, password: owner.password }),
		});
		return res.status;
	}, OWNER);
	if (status !== 200) throw new Error(`logging in to n8n's editor failed: HTTP ${status}`);
}

/** Hides what is not the workflow: toasts, banners, n8n's "ask AI"/chat panels. */
async function hideNoise(page) {
	await page.addStyleTag({
		// n8n 2.41's "Production Checklist" popover opens by itself on a published workflow (class names of its build).
		content: `.el-notification, [data-test-id="banners"], [class*="banner"], [data-test-id="canvas-chat-button"],
			[data-test-id="ask-assistant-floating-button"], [class*="_enableSlideIn_"] { display: none !important; }`,
	});
}

/** Opens a workflow (or one of its executions) and waits until all its nodes, sticky notes too, are on the canvas; fits the view. */
async function openCanvas(page, url, nodeCount) {
	await page.goto(url, { waitUntil: 'domcontentloaded' });
	await until(page, (n) => document.querySelectorAll('.vue-flow__node').length >= n, nodeCount);
	await hideNoise(page);
	await fitView(page);
}

/** Clicks "Zoom to fit" and waits until the canvas has stopped moving (its transform is the same on two frames). */
async function fitView(page) {
	await page.waitForSelector('[data-test-id="zoom-to-fit"]', { visible: true });
	await page.click('[data-test-id="zoom-to-fit"]');
	await until(page, () => {
		const viewport = document.querySelector('.vue-flow__viewport');
		const now = viewport && getComputedStyle(viewport).transform;
		const settled = now === window.__lastTransform && window.__sameFrames++ > 10;
		if (now !== window.__lastTransform) window.__sameFrames = 0;
		window.__lastTransform = now;
		return settled;
	});
}

/** Double-clicks a node (found by its id: the canvas names nodes only in their text) and waits for its panel. */
async function openNodePanel(page, nodeId) {
	const selector = `.vue-flow__node[data-id="${nodeId}"] [data-test-id="canvas-node"]`;
	await page.waitForSelector(selector, { visible: true });
	const box = await (await page.$(selector)).boundingBox();
	await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { clickCount: 2 });
	await page.waitForSelector('[data-test-id="ndv"]', { visible: true });
	await page.waitForSelector('[data-test-id="ndv"] [data-test-id="node-parameters"]', {
		visible: true,
	});
	await until(
		page,
		() =>
			document.querySelectorAll(
				'[data-test-id="ndv"] .el-skeleton, [data-test-id="ndv"] .n8n-loading',
			).length === 0,
	);
}

async function screenshot(page, name) {
	const file = path.join(IMAGES, `${name}.png`);
	await page.screenshot({ path: file });
	log(`wrote docs/images/${name}.png`);
	return file;
}

/** Posts one alert to the alert example and waits for its execution to end, so the execution view has data. */
async function placeAlertCall(n8n, imported) {
	const workflow = imported.workflows.find((w) => w.key === 'alert');
	const res = await axios.post(
		imported.alertUrl,
		{ to: DEMO_NUMBERS.presses1, message: 'Disk space on db-1 is below 5 percent.' },
		{ timeout: 60_000 },
	);
	if (res.status !== 202) throw new Error(`the alert example answered HTTP ${res.status}`);
	const started = Date.now();
	for (;;) {
		const done = (await n8n.executions(workflow.id)).find(
			(e) => e.status === 'success' && e.data.resultData.runData['Call with the Alert'],
		);
		if (done) return done.id;
		if (Date.now() - started > 60_000) throw new Error('the alert call did not finish within 60 s');
		await new Promise((resolve) => setTimeout(resolve, 300));
	}
}

async function main() {
	const only = process.env.SCREENSHOTS_ONLY
		? new Set(process.env.SCREENSHOTS_ONLY.split(','))
		: undefined;
	const port = Number(process.env.SCREENSHOTS_N8N_PORT || 5960);
	fs.mkdirSync(IMAGES, { recursive: true });
	const started = { sim: undefined, n8n: undefined, browser: undefined };
	try {
		started.browser = await launchBrowser();
		await renderDiagrams(started.browser, { log });

		started.sim = new TelesignSimulator({
			ownedNumbers: [DEMO_NUMBERS.callerId],
			callees: DEMO_NUMBERS.callees,
			ringMs: 100,
			mediaMs: 200,
		});
		await started.sim.start();
		const userFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'telesign-screenshots-'));
		started.n8n = new N8nServer({ port, userFolder });
		const n8n = await started.n8n.start();
		const imported = await importExamples(n8n, {
			simulatorUrl: started.sim.url,
			account: DEFAULT_ACCOUNT,
		});
		started.sim.configure({ webhookUrl: imported.alertWebhookUrl });
		const executionId = await placeAlertCall(n8n, imported);

		const page = await started.browser.newPage();
		await page.setViewport(VIEWPORT);
		await logIn(page, n8n.baseUrl);
		for (const shot of SHOTS) {
			if (only && !only.has(shot.name)) continue;
			if (shot.credential) {
				await page.goto(`${n8n.baseUrl}/home/credentials/${imported.credential.id}`, {
					waitUntil: 'domcontentloaded',
				});
				await page.waitForSelector('[data-test-id="editCredential-modal"]', { visible: true });
				await page.waitForSelector('[data-test-id="credential-connection-parameter"]', {
					visible: true,
				});
				// n8n tests the credential when the dialog opens: wait for the simulator's answer to show.
				await page.waitForSelector('[data-test-id="credentials-config-container-test-success"]', {
					visible: true,
				});
				await hideNoise(page);
				await screenshot(page, shot.name);
				continue;
			}
			const entry = imported.workflows.find((w) => w.key === shot.example);
			const example = readExample(FILES[shot.example]);
			const nodeId = (name) => example.nodes.find((n) => n.name === name).id;
			if (shot.execution) {
				// The alert's run: every node ran (green), and the Call and Wait node's output is the outcome.
				await openCanvas(
					page,
					`${n8n.baseUrl}/workflow/${entry.id}/executions/${executionId}`,
					example.nodes.length,
				);
				await until(
					page,
					() =>
						document.querySelectorAll('[data-test-id="canvas-node-status-success"]').length >= 5,
				);
				await openNodePanel(page, nodeId('Call with the Alert'));
				await until(page, () =>
					document
						.querySelector('[data-test-id="output-panel"]')
						?.textContent.includes('acknowledged'),
				);
			} else {
				await openCanvas(page, `${n8n.baseUrl}/workflow/${entry.id}`, example.nodes.length);
				if (shot.node) await openNodePanel(page, nodeId(shot.node));
			}
			await screenshot(page, shot.name);
		}
	} finally {
		await started.browser?.close().catch(() => undefined);
		await started.n8n?.stop().catch(() => undefined);
		await started.sim?.stop().catch(() => undefined);
		if (started.n8n) fs.rmSync(started.n8n.userFolder, { recursive: true, force: true });
	}
}

main().catch((error) => {
	console.error(error);
	process.exit(1);
});
