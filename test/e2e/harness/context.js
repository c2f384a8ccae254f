'use strict';
/**
 * What an e2e test file needs: the running n8n (from global setup), a fresh simulator wired to it, and the
 * Telesign credentials that point at that simulator.
 */
const fs = require('fs');
const path = require('path');
const { N8nServer } = require('./n8n');
const { TelesignSimulator, DEFAULT_ACCOUNT } = require('../../simulator');
const { STATE_FILE } = require('../global-setup');
const { REPO_ROOT } = require('./install');

function connectN8n() {
	const state = JSON.parse(fs.readFileSync(STATE_FILE, 'utf8'));
	const server = new N8nServer({ port: state.port, userFolder: state.userFolder });
	server.apiKey = state.apiKey;
	server.logPath = state.logPath;
	server.child = { pid: state.pid, exitCode: null };
	return server;
}

function loadExample(name) {
	return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'examples', name), 'utf8'));
}

function findNode(workflow, predicate) {
	const node = workflow.nodes.find(
		typeof predicate === 'string' ? (n) => n.name === predicate : predicate,
	);
	if (!node) throw new Error(`node not found in ${workflow.name}`);
	return node;
}

module.exports = { connectN8n, loadExample, findNode, TelesignSimulator, DEFAULT_ACCOUNT };
