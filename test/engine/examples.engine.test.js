'use strict';
/**
 * The example workflows use each node's newest version (trigger 1.1 avoids the slower path of 1: n8n
 * no longer parses the body before the node reads its raw bytes).
 */
const fs = require('fs');
const path = require('path');
const { nodeTypes } = require('./harness');

const dir = path.join(__dirname, '../../examples');
const files = fs.readdirSync(dir).filter((name) => name.endsWith('.json'));

it.each(files)('%s: every node of this package is at its newest typeVersion', (file) => {
	const example = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
	const ours = example.nodes.filter((node) => node.type.startsWith('n8n-nodes-telesign-voice.'));
	expect(ours.length).toBeGreaterThan(0);
	for (const node of ours) {
		const { version } = nodeTypes.getByNameAndVersion(node.type).description;
		const newest = Math.max(...(Array.isArray(version) ? version : [version]));
		expect({ node: node.name, typeVersion: node.typeVersion }).toEqual({
			node: node.name,
			typeVersion: newest,
		});
	}
});

const readExample = (file) => JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'));
const isCallAndWait = (node) =>
	node.type === 'n8n-nodes-telesign-voice.telesignVoice' &&
	node.parameters.operation === 'sendAndWait';
const isTrigger = (node) => node.type === 'n8n-nodes-telesign-voice.telesignVoiceTrigger';

it.each(files.filter((file) => readExample(file).nodes.some(isCallAndWait)))(
	'%s: Call and Wait comes with the trigger that relays its events (Authentication = Telesign Signature)',
	(file) => {
		const triggers = readExample(file).nodes.filter(isTrigger);
		expect(triggers.map((t) => t.parameters.authentication)).toEqual(['telesignSignature']);
	},
);

it("outbound-alert-call.json (the README's first workflow): alert in → one Call and Wait node, plus the relaying trigger; 3 working nodes besides notes and input checks", () => {
	const example = readExample('outbound-alert-call.json');
	const inputChecks = ['Check Alert', 'Alert Valid?', 'Accept Alert', 'Reject Alert'];
	const working = example.nodes.filter(
		(n) => n.type !== 'n8n-nodes-base.stickyNote' && !inputChecks.includes(n.name),
	);
	expect(working.map((n) => n.name).sort()).toEqual([
		'Alert Received',
		'Call with the Alert',
		'Telesign Events',
	]);
	const call = example.nodes.find(isCallAndWait);
	expect(call.name).toBe('Call with the Alert');
	// The message travels in the waiting execution, not in the External ID (128 characters): no External ID set.
	expect(call.parameters.options.externalId).toBeUndefined();
	expect(call.parameters).toMatchObject({
		resource: 'call',
		responseType: 'keyPress',
		acknowledgeKey: '1',
	});
	// Alert Received leads to the call through the input checks only.
	const next = (name) => (example.connections[name]?.main ?? []).flat().map((c) => c.node);
	const reached = new Set();
	const walk = (name) => next(name).forEach((n) => !reached.has(n) && (reached.add(n), walk(n)));
	walk('Alert Received');
	expect(reached).toContain('Call with the Alert');
	expect(next('Call with the Alert')).toEqual([]);
});

it('on-call-escalation.json: alert in → one Call and Wait with the on-call list → the result, plus the relaying trigger (9 nodes with notes and input checks; 12 before)', () => {
	const example = readExample('on-call-escalation.json');
	expect(example.nodes).toHaveLength(9);
	const inputChecks = ['Check Alert', 'Alert Valid?', 'Accept Alert', 'Reject Alert'];
	const working = example.nodes.filter(
		(n) => n.type !== 'n8n-nodes-base.stickyNote' && !inputChecks.includes(n.name),
	);
	expect(working.map((n) => n.name).sort()).toEqual([
		'Alert Received',
		'Call On-Call List',
		'Escalation Result',
		'Telesign Events',
	]);
	const calls = example.nodes.filter(isCallAndWait);
	expect(calls.map((n) => n.name)).toEqual(['Call On-Call List']);
	expect(calls[0].parameters).toMatchObject({
		to: '={{ $json.body.oncall }}',
		strategy: 'oneAfterAnother',
		acknowledgeKey: '1',
		options: { moreRounds: 1 },
	});
	expect(example.connections['Call On-Call List'].main[0].map((c) => c.node)).toEqual([
		'Escalation Result',
	]);
});
