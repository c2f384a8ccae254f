/**
 * Whether a Respond operation's action can reach a call. The action only matters as the HTTP answer to a
 * Telesign Voice Trigger that waits for it; anywhere else the node succeeds and nothing happens on any call,
 * so the run says so (n8n shows execution hints on the node's output).
 */
import type { IExecuteFunctions, NodeExecutionHint, NodeTypeAndVersion } from 'n8n-workflow';

/** The trigger's type without its package prefix (installed packages and custom folders prefix differently). */
const TRIGGER_TYPE_SUFFIX = '.telesignVoiceTrigger';

export type RespondReach = 'answersTrigger' | 'noTrigger' | 'triggerRespondsImmediately';

/**
 * Decides from the node's upstream nodes (with their parameters) whether the action can answer Telesign.
 * A trigger without a Respond parameter uses the default (With Action From Last Node), so it can.
 */
export function respondReach(parents: NodeTypeAndVersion[]): RespondReach {
	const triggers = parents.filter(
		(parent) => !parent.disabled && parent.type.endsWith(TRIGGER_TYPE_SUFFIX),
	);
	if (triggers.length === 0) return 'noTrigger';
	if (triggers.every((trigger) => trigger.parameters?.respond === 'immediately'))
		return 'triggerRespondsImmediately';
	return 'answersTrigger';
}

const INSTEAD =
	'To call a number and say something, use Call → Dial (and answer its dial_completed event in a workflow that starts with a Telesign Voice Trigger) or Call → Call and Wait for Response.';

/** The warning for a reach that cannot work, or undefined when the action answers a trigger. */
export function respondReachHint(reach: RespondReach): NodeExecutionHint | undefined {
	if (reach === 'noTrigger') {
		return {
			type: 'warning',
			location: 'outputPane',
			message: `Nothing was sent to any call: this node only builds the answer to a Telesign Voice Trigger, and there is none before it. ${INSTEAD}`,
		};
	}
	if (reach === 'triggerRespondsImmediately') {
		return {
			type: 'warning',
			location: 'outputPane',
			message:
				'Nothing was sent to any call: the Telesign Voice Trigger before this node responds Immediately (No Action), so Telesign already has its answer. Set the trigger\'s Respond to "With Action From Last Node" or "Using Telesign Voice Respond Operation".',
		};
	}
	return undefined;
}

/** Adds the warning to this run when the action cannot reach a call. Never fails the node. */
export function warnIfActionReachesNoCall(this: IExecuteFunctions): void {
	if (typeof this.getParentNodes !== 'function' || typeof this.addExecutionHints !== 'function')
		return;
	// An AI agent's tool call answers the agent, not a trigger: the graph says nothing about it.
	if (typeof this.isToolExecution === 'function' && this.isToolExecution()) return;
	let parents: NodeTypeAndVersion[];
	try {
		parents = this.getParentNodes(this.getNode().name, { includeNodeParameters: true });
	} catch (error) {
		this.logger.debug(
			`Telesign Voice: could not read the upstream nodes: ${(error as Error).message}`,
		);
		return;
	}
	const hint = respondReachHint(respondReach(parents));
	if (hint) this.addExecutionHints(hint);
}
