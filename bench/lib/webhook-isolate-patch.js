'use strict';
/**
 * Preloaded (NODE_OPTIONS=--require) into a throwaway n8n by the bench's "patched" diagnostic; nothing on disk
 * changes. It replaces n8n 2.41's LiveWebhooks.webhookPhaseNeedsIsolate with the rule proposed in
 * bench/RESULTS.md: the webhook phase skips its expression isolate for any start node whose parameters are
 * static and whose webhook descriptions n8n resolves natively — n8n's own tests, minus "is n8n's Webhook node".
 * It measures the gain for a trigger that evaluates nothing in webhook(); the proposal adds a lazy scope so
 * that a node which does evaluate still gets an isolate (this patch does not need one for this package).
 */
const Module = require('module');

const TARGET = /[\\/]n8n[\\/]dist[\\/]webhooks[\\/]live-webhooks\.js$/;
const originalLoad = Module._load;
let patched = false;

Module._load = function load(request, parent, isMain) {
	const loaded = originalLoad.call(this, request, parent, isMain);
	if (patched || !String(request).includes('live-webhooks')) return loaded;
	let filename;
	try {
		filename = Module._resolveFilename(request, parent, isMain);
	} catch {
		return loaded;
	}
	if (!TARGET.test(filename) || !loaded || !loaded.LiveWebhooks) return loaded;
	const workflow = Module.createRequire(filename)('n8n-workflow');
	loaded.LiveWebhooks.prototype.webhookPhaseNeedsIsolate = function webhookPhaseNeedsIsolate(
		startNode,
	) {
		if (!this.expressionEngineConfig.allowWebhookIsolateSkip || startNode === null) return true;
		// Version 1 of a webhook node still evaluates the old binaryData expression on every request.
		if (startNode.typeVersion === 1) return true;
		if (!workflow.nodeParametersAreStatic(startNode)) return true;
		const webhooks = this.nodeTypes.getByNameAndVersion(startNode.type, startNode.typeVersion)
			?.description.webhooks;
		if (!webhooks?.length) return true;
		return !webhooks.every(workflow.webhookDescriptionIsNativelyResolvable);
	};
	patched = true;
	process.stderr.write('[bench patch] LiveWebhooks.webhookPhaseNeedsIsolate: type test removed\n');
	return loaded;
};
