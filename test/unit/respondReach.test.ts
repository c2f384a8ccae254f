import type { NodeTypeAndVersion } from 'n8n-workflow';

import { TelesignVoice } from '../../nodes/TelesignVoice/TelesignVoice.node';
import {
	respondReach,
	respondReachHint,
} from '../../nodes/TelesignVoice/actions/respond/respondReach';
import { executeContext } from '../helpers/executeContext';

function parent(
	type: string,
	parameters: Record<string, unknown> = {},
	disabled = false,
): NodeTypeAndVersion {
	return {
		name: type,
		type,
		typeVersion: 1,
		disabled,
		parameters: parameters as NodeTypeAndVersion['parameters'],
	};
}

const trigger = (respond?: string, disabled = false) =>
	parent(
		'n8n-nodes-telesign-voice.telesignVoiceTrigger',
		respond === undefined ? {} : { respond },
		disabled,
	);
const manual = parent('n8n-nodes-base.manualTrigger');
const dial = parent('n8n-nodes-telesign-voice.telesignVoice', {
	resource: 'call',
	operation: 'dial',
});

describe('Respond operations: can the action reach a call?', () => {
	it.each([
		['no node upstream', [], 'noTrigger'],
		['Manual Trigger → Call → Dial → (this)', [dial, manual], 'noTrigger'],
		['a disabled Telesign Voice Trigger', [trigger('lastNode', true)], 'noTrigger'],
		[
			'a Telesign Voice Trigger responding Immediately',
			[trigger('immediately')],
			'triggerRespondsImmediately',
		],
		['With Action From Last Node', [trigger('lastNode')], 'answersTrigger'],
		['Using Telesign Voice Respond Operation', [trigger('responseNode')], 'answersTrigger'],
		['a trigger without Respond (the default: last node)', [trigger()], 'answersTrigger'],
		[
			'loaded from a custom folder (CUSTOM. prefix)',
			[parent('CUSTOM.telesignVoiceTrigger', { respond: 'lastNode' })],
			'answersTrigger',
		],
		[
			'two triggers, one of them answering',
			[trigger('immediately'), trigger('responseNode')],
			'answersTrigger',
		],
		['the action node (not the trigger) upstream', [dial], 'noTrigger'],
	])('%s → %s', (_name, parents, expected) => {
		expect(respondReach(parents as NodeTypeAndVersion[])).toBe(expected);
	});

	it('the warnings say nothing reached a call and what to use instead', () => {
		expect(respondReachHint('answersTrigger')).toBeUndefined();
		const none = respondReachHint('noTrigger');
		expect(none).toMatchObject({ type: 'warning', location: 'outputPane' });
		expect(none?.message).toMatch(/^Nothing was sent to any call/);
		expect(none?.message).toContain('Call → Dial');
		expect(none?.message).toContain('Call and Wait for Response');
		const immediately = respondReachHint('triggerRespondsImmediately');
		expect(immediately?.message).toContain('responds Immediately');
		expect(immediately?.message).toContain('With Action From Last Node');
	});
});

describe('Respond operations warn in the run (n8n execution hints)', () => {
	const node = new TelesignVoice();
	const speak = { resource: 'respond', operation: 'speak', message: 'Hello', language: 'en-US' };

	it('after Call → Dial in a manually run workflow: one warning, and the action is still output', async () => {
		const { context, hints, getParentNodes } = executeContext({
			parameters: speak,
			items: [{}, {}],
			parents: [dial, manual],
		});
		const [output] = await node.execute.call(context);
		expect(output).toHaveLength(2);
		expect(getParentNodes).toHaveBeenCalledWith('Telesign Voice', { includeNodeParameters: true });
		expect(hints).toHaveLength(1);
		expect(hints[0].message).toMatch(/^Nothing was sent to any call/);
	});

	it('after a trigger that responds Immediately: the Immediately warning', async () => {
		const { context, hints } = executeContext({
			parameters: { resource: 'respond', operation: 'hangup' },
			parents: [trigger('immediately')],
		});
		await node.execute.call(context);
		expect(hints.map((hint) => hint.message)).toEqual([
			expect.stringContaining('responds Immediately'),
		]);
	});

	it('after a trigger that waits for the action: no warning', async () => {
		const { context, hints } = executeContext({
			parameters: speak,
			parents: [trigger('lastNode')],
		});
		await node.execute.call(context);
		expect(hints).toEqual([]);
	});

	it('Call and Recording operations never warn', async () => {
		const { context, hints, getParentNodes } = executeContext({
			parameters: { resource: 'recording', operation: 'get', referenceId: 'X' },
			parents: [],
			continueOnFail: true,
		});
		await node.execute.call(context);
		expect(getParentNodes).not.toHaveBeenCalled();
		expect(hints).toEqual([]);
	});

	it('a context without getParentNodes (older n8n) runs as before', async () => {
		const { context, hints } = executeContext({ parameters: speak, parents: 'missing' });
		const [output] = await node.execute.call(context);
		expect(output).toHaveLength(1);
		expect(hints).toEqual([]);
	});
});
