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
		expect({ node: node.name, typeVersion: node.typeVersion }).toEqual({ node: node.name, typeVersion: newest });
	}
});
