/** The trigger's description: fields, options and what the editor shows. */
import {
	NodeHelpers,
	Workflow,
	resolveWebhookDescriptionField,
	webhookDescriptionIsNativelyResolvable,
} from 'n8n-workflow';
import type { IDataObject, INode, INodeType, INodeTypes } from 'n8n-workflow';
import { LEGAL_ACTIONS_BY_EVENT } from '../../../nodes/shared/telesign/actions';
import { KNOWN_EVENTS } from '../../../nodes/shared/telesign/events';
import { TelesignVoice } from '../../../nodes/TelesignVoice/TelesignVoice.node';
import { TelesignVoiceTrigger } from '../../../nodes/TelesignVoiceTrigger/TelesignVoiceTrigger.node';

import { WEBHOOK_ID } from './triggerHarness';

describe('Telesign Voice Trigger: description', () => {
	const trigger = new TelesignVoiceTrigger();
	const d = trigger.description;

	it('is a POST webhook trigger named as the package expects', () => {
		expect(d.name).toBe('telesignVoiceTrigger');
		expect(d.group).toEqual(['trigger']);
		expect(d.inputs).toEqual([]);
		expect(d.version).toEqual([1, 1.1]);
		expect(d.defaultVersion).toBe(1.1);
		expect(d.usableAsTool).toBeUndefined();
		expect(d.webhooks).toHaveLength(1);
		expect(d.webhooks?.[0]).toMatchObject({
			name: 'default',
			httpMethod: 'POST',
			path: 'telesign-voice',
		});
	});

	it('needs the credential of the chosen authentication only', () => {
		expect(d.credentials).toEqual([
			{
				name: 'telesignVoiceApi',
				required: true,
				displayOptions: { show: { authentication: ['telesignSignature'] } },
			},
			{
				name: 'telesignVoiceWebhookAuthApi',
				required: true,
				displayOptions: { show: { authentication: ['basicAuth', 'digestAuth'] } },
				testedBy: 'telesignVoiceWebhookAuthTest',
			},
		]);
	});

	it('offers every known event plus Any Event, and defaults to safe choices', () => {
		const events = d.properties.find((p) => p.name === 'events');
		expect(events?.options?.map((o) => ('value' in o ? o.value : undefined)).sort()).toEqual(
			['*', ...KNOWN_EVENTS].sort(),
		);
		expect(events?.default).toEqual(['*']);
		expect(d.properties.find((p) => p.name === 'authentication')?.default).toBe(
			'telesignSignature',
		);
		expect(d.properties.find((p) => p.name === 'respond')?.default).toBe('lastNode');
	});

	it('says where the URL goes and which events expect which actions, briefly', () => {
		const notices = d.properties.filter((p) => p.type === 'notice').map((p) => p.displayName);
		expect(notices.join(' ')).toMatch(/Production URL to Telesign support/);
		const actions = d.properties.find((p) => p.name === 'actionsNotice')?.displayName ?? '';
		expect(actions).toMatch(/few seconds/);
		expect(actions).toContain('href="https://www.npmjs.com/package/n8n-nodes-telesign-voice"');
		expect(actions.replace(/<[^>]+>/g, '').length).toBeLessThan(200);
		// The per-event detail lives with each event, where it is picked.
		const events = d.properties.find((p) => p.name === 'events')?.options as Array<{
			value: string;
			description?: string;
		}>;
		const eventDescription = (event: string) => events.find((o) => o.value === event)?.description;
		for (const event of KNOWN_EVENTS)
			expect(eventDescription(event)).toMatch(new RegExp(`^${event}: answer with `));
		expect(eventDescription('incoming_call')).toBe(
			'incoming_call: answer with hangup, speak, play, play_multiple or dial',
		);
		expect(eventDescription('call_completed')).toBe(
			'call_completed: answer with no action (the call is over)',
		);
		expect(LEGAL_ACTIONS_BY_EVENT.dial_completed).toContain('send_dtmf');
		expect(eventDescription('dial_completed')).toBe(
			'dial_completed: answer with speak, play, play_multiple, hangup or send_dtmf',
		);
		expect(d.properties.find((p) => p.name === 'noAuthNotice')?.displayName).toMatch(/anyone/i);
	});

	it.each([
		['telesignSignature', []],
		['basicAuth', ['webhookAuthNotice']],
		['digestAuth', ['digestAuthNotice']],
		['none', ['noAuthNotice']],
	])('authentication %s shows the notices %j only', (authentication, expected) => {
		const shown = d.properties
			.filter((p) => ['noAuthNotice', 'webhookAuthNotice', 'digestAuthNotice'].includes(p.name))
			.filter((p) =>
				NodeHelpers.displayParameter({ authentication, respond: 'lastNode' }, p, null, null),
			)
			.map((p) => p.name);
		expect(shown).toEqual(expected);
		if (authentication === 'digestAuth') {
			const digest = d.properties.find((p) => p.name === 'digestAuthNotice')?.displayName ?? '';
			expect(digest).not.toMatch(/sends the password with every request/);
			expect(digest).toMatch(/never sends the password/);
		}
	});

	it('node creator: n8n shows the trigger\'s description for the merged "Telesign Voice" entry, so it describes both nodes', () => {
		// n8n 2.41 merges an action node and its "<name>Trigger" into one entry and gives it the trigger's description.
		expect(d.name.replace('Trigger', '')).toBe(new TelesignVoice().description.name);
		expect(d.description).not.toMatch(/^Starts the workflow/);
		expect(d.description).toMatch(/place/i);
		expect(d.description).toMatch(/call events/i);
	});

	describe('webhook expressions, evaluated by n8n-workflow as n8n does', () => {
		const nodeTypes = {
			getByName: () => trigger as INodeType,
			getByNameAndVersion: () => trigger as INodeType,
			getKnownTypes: () => ({}),
		} as unknown as INodeTypes;

		function evaluate(parameters: IDataObject) {
			const node: INode = {
				id: '1',
				name: 'Trigger',
				type: 'n8n-nodes-telesign-voice.telesignVoiceTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: parameters as INode['parameters'],
				webhookId: WEBHOOK_ID,
			};
			const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes });
			const n = workflow.getNode('Trigger') as INode;
			const webhook = d.webhooks?.[0] as IDataObject;
			const expr = workflow.expression;
			return {
				// The same calls and defaults as n8n's webhook-helpers evaluateResponseOptions().
				responseMode: expr.getSimpleParameterValue(
					n,
					webhook.responseMode as string,
					'webhook',
					{},
					undefined,
					'onReceived',
				),
				responseData: expr.getComplexParameterValue(
					n,
					webhook.responseData as string,
					'webhook',
					{},
					undefined,
					'firstEntryJson',
				),
				// n8n evaluates this for every version-1 webhook node before reading the body.
				binaryData: expr.getSimpleParameterValue(
					n,
					'={{$parameter["options"]["binaryData"]}}',
					'webhook',
					{},
					undefined,
					false,
				),
				subtitle: expr.getSimpleParameterValue(
					n,
					d.subtitle as string,
					'webhook',
					{},
					undefined,
					'',
				),
			};
		}

		it.each([
			['immediately', 'onReceived', ''],
			['lastNode', 'lastNode', 'firstEntryJson'],
			['responseNode', 'responseNode', ''],
		])('respond=%s → responseMode %s, responseData "%s"', (respond, mode, data) => {
			const r = evaluate({ respond });
			expect(r.responseMode).toBe(mode);
			expect(r.responseData).toBe(data);
			expect(r.binaryData).toBeFalsy();
		});

		it.each(['immediately', 'lastNode', 'responseNode'])(
			'respond=%s: n8n resolves responseMode and responseData natively, to what the templates evaluate to',
			(respond) => {
				const webhook = d.webhooks?.[0] as NonNullable<typeof d.webhooks>[number];
				expect(webhookDescriptionIsNativelyResolvable(webhook)).toBe(true);
				const parameters = {
					events: ['*'],
					authentication: 'telesignSignature',
					respond,
					options: {},
				};
				const native = {
					responseMode: resolveWebhookDescriptionField({ parameters }, webhook, 'responseMode'),
					responseData: resolveWebhookDescriptionField({ parameters }, webhook, 'responseData'),
				};
				const evaluated = evaluate(parameters);
				expect(native.responseMode).toEqual({ resolved: true, value: evaluated.responseMode });
				expect(native.responseData).toEqual({ resolved: true, value: evaluated.responseData });
			},
		);

		it('defaults to lastNode when the parameter is absent', () => {
			expect(evaluate({})).toMatchObject({
				responseMode: 'lastNode',
				responseData: 'firstEntryJson',
			});
		});

		it('has a readable subtitle', () => {
			expect(evaluate({}).subtitle).toBe('Events: any');
			expect(evaluate({ events: ['incoming_call', 'dial_completed'] }).subtitle).toBe(
				'Events: incoming_call, dial_completed',
			);
		});
	});
});
