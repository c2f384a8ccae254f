'use strict';
/**
 * The bench's one markdown table (Benchmark | Setting | Median | Spread | Throughput | Ratio | CPU | RSS | Check)
 * and its targets, built from a run's report: batch dial, event answering, package, Call and Wait.
 */
const { CONFIG } = require('./config');
const { EVENT_PIPELINES } = require('./events');
const { fmtMs, fmtX, fmtMb, TABLE_HEADER } = require('./format');
const { min, max } = require('./stats');

/** One batch-dial row. */
function dialLine(row, sec, r, setting, ratio, check = '') {
	const cpu =
		r.cpuMs === undefined
			? '–'
			: r.kind === 'noop'
				? `${fmtMs(r.cpuMs)}/run`
				: `${(r.cpuMs / CONFIG.items).toFixed(2)} ms/dial${r.kind === 'floor' ? ' (client)' : ''}`;
	row([
		sec,
		setting,
		fmtMs(r.wallMs),
		`${fmtMs(r.minMs)}–${fmtMs(r.maxMs)}`,
		r.kind === 'noop' ? '–' : `${Math.round((CONFIG.items / r.wallMs) * 1000)} dials/s`,
		ratio,
		cpu,
		r.kind === 'floor' ? '(no n8n)' : `${fmtMb(r.peakRssKb)} (+${fmtMb(r.rssGrowthKb)})`,
		check,
	]);
}

/** The floor and the node at each concurrency (and with TSA signing): the ratios the targets are about. */
function dialPairs(get, latencyMs) {
	const pairs = CONFIG.concurrencies.map((c) => ({
		c,
		floor: get(`floor c${c}`),
		node: get(`node c${c}`),
		auth: 'Basic',
	}));
	if (latencyMs === CONFIG.tsa.latencyMs) {
		const c = CONFIG.tsa.concurrency;
		pairs.push({ c, floor: get(`floor tsa c${c}`), node: get(`node tsa c${c}`), auth: 'TSA' });
	}
	return pairs;
}

function dialPairRows({ line, latencyMs, noop, httpDefault }, pairs, targets) {
	for (const { c, floor, node, auth } of pairs) {
		line(
			floor,
			`Floor: axios, keep-alive, pool of ${c}, ${auth} (max in flight ${floor.peakInFlight})`,
			'1.00× floor',
		);
		const ratio = node.wallMs / floor.wallMs;
		const excess = (node.wallMs - noop.wallMs) / floor.wallMs;
		const vsHttp = node.wallMs / httpDefault.wallMs;
		const ok = ratio <= 1.15;
		const faster = node.wallMs < httpDefault.wallMs;
		targets.push({
			target: `Batch dial ≤ 1.15× the floor — sim ${latencyMs} ms, concurrency ${c}, ${auth}`,
			value: fmtX(ratio),
			met: ok,
		});
		targets.push({
			target: `Batch dial faster than the HTTP Request node's default — sim ${latencyMs} ms, concurrency ${c}, ${auth}`,
			value: `${fmtX(vsHttp)} its time`,
			met: faster,
		});
		line(
			node,
			`Telesign Voice Dial, concurrency ${c}, ${auth} (max in flight ${node.peakInFlight})`,
			`**${fmtX(ratio)} floor** (${fmtX(excess)} without n8n's fixed cost) · ${fmtX(vsHttp)} HTTP default`,
			`${ok ? '✅' : '❌'} ≤1.15× · ${faster ? '✅ faster' : '❌ slower'} than HTTP default`,
		);
	}
}

/** The rows that explain the ratios: no expressions, n8n's fixed cost, the HTTP Request node. */
function dialReferenceRows({ line, get, noop, httpDefault }, firstPair) {
	const stat = get('node static');
	line(
		stat,
		`Diagnostic: Telesign Voice Dial, concurrency ${stat.concurrency}, no expressions (one fixed To, generated External ID)`,
		`${fmtX(stat.wallMs / firstPair.floor.wallMs)} floor c${firstPair.c}`,
	);
	line(
		noop,
		"n8n's fixed cost: the same workflow with No-Op instead of a dial node",
		`${fmtX(noop.wallMs / firstPair.floor.wallMs)} floor c${firstPair.c}`,
	);
	line(
		httpDefault,
		`HTTP Request v4.2, default: no Batching (max in flight ${httpDefault.peakInFlight})`,
		`${fmtX(httpDefault.wallMs / firstPair.floor.wallMs)} floor c${firstPair.c}`,
	);
	const best = get('HTTP Request best batching');
	line(
		best,
		`HTTP Request v4.2, best Batching tried: ${best.batching.batchSize} items / ${best.batching.batchInterval} ms (max in flight ${best.peakInFlight})`,
		`${fmtX(best.wallMs / httpDefault.wallMs)} HTTP default`,
	);
}

function dialRows(dial, row, targets) {
	for (const latencyMs of CONFIG.latencies) {
		const at = dial.results.filter((r) => r.latencyMs === latencyMs);
		const get = (label) => at.find((r) => r.label === label);
		const sec = `Batch dial 1,000 · sim ${latencyMs} ms`;
		const part = {
			latencyMs,
			get,
			noop: get('n8n No-Op'),
			httpDefault: get('HTTP Request default'),
			line: (...args) => dialLine(row, sec, ...args),
		};
		const pairs = dialPairs(get, latencyMs);
		dialPairRows(part, pairs, targets);
		dialReferenceRows(part, pairs[0]);
	}
}

/** The Ratio and Check cells of one event pipeline against Webhook → Set (and CPU against Header Auth). */
function eventRatio(name, r, { base, auth, c, targetsToo }, targets) {
	let ratio = '1.00×';
	const checks = [];
	if (name !== 'builtin')
		ratio = `**p50 ${fmtX(r.p50 / base.p50)}** · p99 ${fmtX(r.p99 / base.p99)}`;
	// CPU per event against n8n's own credential-checked webhook (the same work: a credential per request).
	const cpuVsAuth =
		auth && name.startsWith('telesign') ? r.cpuMsPerEvent / auth.cpuMsPerEvent : undefined;
	if (cpuVsAuth !== undefined) ratio += ` · **CPU ${fmtX(cpuVsAuth)} Header Auth**`;
	if (targetsToo && name === 'telesign') {
		const ok = r.p50 / base.p50 <= 1.1;
		targets.push({
			target: `Event answering p50 ≤ 1.10× Webhook → Set — concurrency ${c}`,
			value: fmtX(r.p50 / base.p50),
			met: ok,
		});
		checks.push(`${ok ? '✅' : '❌'} p50 ≤1.10×`);
		if (cpuVsAuth !== undefined) {
			const cpuOk = cpuVsAuth <= 1.3;
			targets.push({
				target: `Event answering CPU per event ≤ 1.30× Webhook with Header Auth — concurrency ${c}`,
				value: fmtX(cpuVsAuth),
				met: cpuOk,
			});
			checks.push(`${cpuOk ? '✅' : '❌'} CPU ≤1.30×`);
		}
	}
	if (r.failures > 0)
		checks.push(
			`❌ ${r.failures} of ${r.n + r.failures} unanswered (${String(r.firstFailure).slice(0, 60)})`,
		);
	return { ratio, check: checks.join(' · ') };
}

function eventRows(
	results,
	sectionTitle,
	names,
	{ targetsToo = false, cpuNote = '' } = {},
	row,
	targets,
) {
	const concurrencies = [...new Set(results.map((r) => r.concurrency))];
	for (const c of concurrencies) {
		const get = (name) => results.find((r) => r.pipeline === name && r.concurrency === c);
		const base = get('builtin');
		const sec = `${sectionTitle} · ${base.n} events · concurrency ${c}`;
		for (const name of names) {
			const r = get(name);
			if (!r) continue;
			const { ratio, check } = eventRatio(
				name,
				r,
				{ base, auth: get('builtin-auth'), c, targetsToo },
				targets,
			);
			row([
				sec,
				EVENT_PIPELINES[name].label,
				`p50 ${fmtMs(r.p50)} · p99 ${fmtMs(r.p99)}`,
				`block p50s ${fmtMs(min(r.blockP50))}–${fmtMs(max(r.blockP50))}`,
				`${r.perSecond.toFixed(r.perSecond < 20 ? 1 : 0)} events/s`,
				ratio,
				`${r.cpuMsPerEvent.toFixed(0)} ms/event${cpuNote}`,
				name === 'builtin' ? fmtMb(r.peakRssKb) : '(same run)',
				check,
			]);
		}
	}
}

/** The event-answering sections of the table: [report key, section title, pipelines, options]. */
const EVENT_SECTIONS = [
	[
		'events',
		'Event answering',
		['builtin', 'builtin-auth', 'telesign', 'telesign-nocache'],
		{ targetsToo: true },
	],
	[
		'diagnostics',
		'Event answering, diagnostic',
		['builtin', 'builtin-auth', 'telesign-noauth', 'telesign', 'telesign-v1'],
	],
	[
		'legacy',
		'Event answering, diagnostic, n8n with N8N_EXPRESSION_ENGINE=legacy',
		['builtin', 'builtin-auth', 'telesign-noauth', 'telesign'],
	],
	[
		'patched',
		'Event answering, change request measured: trigger in an n8n patched as proposed',
		['builtin', 'builtin-auth', 'telesign', 'telesign-patched'],
	],
	[
		'lazy',
		'Event answering, diagnostic, n8n with N8N_EXPRESSION_ENGINE_LAZY_ACQUIRE=true',
		['builtin', 'builtin-auth', 'telesign-noauth', 'telesign'],
	],
	[
		'queue',
		'Queue mode: through one webhook processor (+ main, 2 workers)',
		['builtin', 'builtin-auth', 'telesign'],
		{ cpuNote: ' (webhook processor)' },
	],
];

function packageRows(p, env, row, targets) {
	const sizeOk = p.size <= 150 * 1000;
	const depsOk = p.dependencies === 0;
	targets.push({
		target: 'Tarball ≤ 150 kB',
		value: `${(p.size / 1000).toFixed(1)} kB`,
		met: sizeOk,
	});
	targets.push({ target: '0 runtime dependencies', value: String(p.dependencies), met: depsOk });
	row([
		'Package',
		'`npm pack` tarball',
		`${(p.size / 1000).toFixed(1)} kB`,
		'',
		'',
		`${p.entryCount} files, ${(p.unpackedSize / 1000).toFixed(0)} kB unpacked`,
		'',
		'',
		`${sizeOk ? '✅' : '❌'} ≤150 kB`,
	]);
	row([
		'Package',
		'runtime dependencies',
		String(p.dependencies),
		'',
		'',
		`peer: ${p.peer.join(', ') || 'none'}`,
		'',
		'',
		`${depsOk ? '✅' : '❌'} 0`,
	]);
	row([
		'Package',
		`require() + instantiate the ${p.files.length} node and credential classes (fresh Node ${env.n8nNode} process, n8n-workflow loaded first)`,
		fmtMs(p.load.ownMs),
		`${fmtMs(p.load.ownMin)}–${fmtMs(p.load.ownMax)}`,
		'',
		`n8n-workflow itself: ${fmtMs(p.load.workflowMs)}`,
		'',
		'',
		`median of ${p.load.runs} processes`,
	]);
}

function buildTable(report) {
	const rows = [...TABLE_HEADER];
	const targets = [];
	const row = (cells) => rows.push(`| ${cells.join(' | ')} |`);
	if (report.dial) dialRows(report.dial, row, targets);
	for (const [key, title, names, options] of EVENT_SECTIONS) {
		if (report[key]) eventRows(report[key], title, names, options, row, targets);
	}
	if (report.package) packageRows(report.package, report.env, row, targets);
	if (report.callAndWait) require('../callAndWait').rows(report.callAndWait, row, targets);
	return { table: rows.join('\n'), targets };
}

function buildSearchTable(report) {
	if (!report.dial) return '';
	const rows = [
		'| Sim latency | Batching: items per batch / interval | Median of 2 runs |',
		'|---|---|---:|',
	];
	for (const s of report.dial.search) {
		for (const c of s.searched)
			rows.push(
				`| ${s.latencyMs} ms | ${c.batching.batchSize} / ${c.batching.batchInterval} ms | ${fmtMs(c.wallMs)} |`,
			);
	}
	return rows.join('\n');
}

module.exports = { buildTable, buildSearchTable };
