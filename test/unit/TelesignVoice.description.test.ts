import type { ILoadOptionsFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers, NodeOperationError } from 'n8n-workflow';

import codex from '../../nodes/TelesignVoice/TelesignVoice.node.json';
import { TelesignVoice } from '../../nodes/TelesignVoice/TelesignVoice.node';
import { runPool } from '../../nodes/TelesignVoice/actions/pool';
import { executeContext } from '../helpers/executeContext';

const node = new TelesignVoice();
const { description } = node;

const operationsOf = (resource: string) =>
	description.properties.find(
		(property) =>
			property.name === 'operation' && property.displayOptions?.show?.resource?.includes(resource),
	)?.options as INodePropertyOptions[];

describe('Telesign Voice: description', () => {
	it('identity, icon, subtitle, tool use', () => {
		expect(description).toMatchObject({
			name: 'telesignVoice',
			displayName: 'Telesign Voice',
			icon: { light: 'file:telesign.svg', dark: 'file:telesign.dark.svg' },
			group: ['output'],
			version: 1,
			subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
			usableAsTool: true,
		});
	});

	it('needs the credential only for Call and Recording (Respond only builds JSON)', () => {
		expect(description.credentials).toEqual([
			{
				name: 'telesignVoiceApi',
				required: true,
				displayOptions: { show: { resource: ['call', 'recording'] } },
			},
		]);
	});

	it('has the three resources and the standard operation names, each with action text', () => {
		const resources = description.properties.find((property) => property.name === 'resource')
			?.options as INodePropertyOptions[];
		expect(resources.map((option) => option.value).sort()).toEqual([
			'call',
			'recording',
			'respond',
		]);
		expect(operationsOf('call').map((option) => option.value)).toEqual(['dial', 'sendAndWait']);
		expect(
			operationsOf('respond')
				.map((option) => option.value)
				.sort(),
		).toEqual(['dial', 'hangup', 'play', 'rawAction', 'sendDtmf', 'speak'].sort());
		expect(
			operationsOf('recording')
				.map((option) => option.value)
				.sort(),
		).toEqual(['delete', 'download', 'get', 'getAll']);
		expect(operationsOf('recording').find((option) => option.value === 'getAll')?.name).toBe(
			'Get Many',
		);
		for (const resource of ['call', 'respond', 'recording']) {
			for (const option of operationsOf(resource)) {
				expect(typeof option.action).toBe('string');
				expect((option.action as string).length).toBeGreaterThan(3);
				expect(typeof option.description).toBe('string');
			}
		}
	});

	it('every field is shown for some operation, and its defaults resolve', () => {
		const combinations: Array<[string, string]> = [
			['call', 'dial'],
			['call', 'sendAndWait'],
			...['speak', 'play', 'sendDtmf', 'hangup', 'dial', 'rawAction'].map(
				(operation): [string, string] => ['respond', operation],
			),
			...['getAll', 'get', 'download', 'delete'].map((operation): [string, string] => [
				'recording',
				operation,
			]),
		];
		const shown = new Set<INodeProperties>();
		for (const [resource, operation] of combinations) {
			const values = NodeHelpers.getNodeParameters(
				description.properties,
				{ resource, operation },
				true,
				false,
				null,
				null,
			);
			expect(values).toMatchObject({ resource, operation });
			for (const property of description.properties) {
				for (const responseType of ['keyPress', 'approval']) {
					if (
						NodeHelpers.displayParameter(
							{ resource, operation, responseType, collectDigits: true, returnAll: false },
							property,
							null,
							null,
						)
					) {
						shown.add(property);
					}
				}
			}
		}
		expect(
			description.properties
				.filter((property) => !shown.has(property))
				.map((property) => property.name),
		).toEqual([]);
	});

	it('Call and Wait qualifies as a Human-in-the-loop tool as n8n 2.41 decides it (send-and-wait names, webhooks)', () => {
		// n8n's createHitlTools: an `operation` option whose value is exactly "sendAndWait" and a webhook.
		expect(description.webhooks?.length).toBeGreaterThan(0);
		expect(description.webhooks?.[0]).toMatchObject({
			httpMethod: 'POST',
			restartWebhook: true,
			isFullPath: true,
			path: '={{ $nodeId }}',
		});
		const shown = (name: string) =>
			description.properties.filter(
				(p) =>
					p.name === name &&
					NodeHelpers.displayParameter(
						{ resource: 'call', operation: 'sendAndWait', responseType: 'approval' },
						p,
						null,
						null,
					),
			);
		expect(shown('message')).toHaveLength(1);
		expect(
			(shown('responseType')[0].options as INodePropertyOptions[]).map((o) => o.value),
		).toContain('approval');
		expect(shown('approvalOptions')).toHaveLength(1);
		const values = NodeHelpers.getNodeParameters(
			description.properties,
			{ resource: 'call', operation: 'sendAndWait', responseType: 'approval' },
			true,
			false,
			null,
			null,
		);
		expect(values).toMatchObject({ message: '', responseType: 'approval', options: {} });
	});

	it('Speak defaults: en-US, no digit collection, answers Telesign at once', () => {
		const values = NodeHelpers.getNodeParameters(
			description.properties,
			{ resource: 'respond', operation: 'speak', options: { answerTelesignNow: true } },
			true,
			false,
			null,
			null,
		);
		expect(values).toMatchObject({
			language: { mode: 'list', value: 'en-US' },
			collectDigits: false,
			options: { answerTelesignNow: true },
		});
	});

	it('codex: Communication, the package page first (Docs link), then Telesign documentation', () => {
		expect(codex.node).toBe('n8n-nodes-telesign-voice.telesignVoice');
		expect(codex.categories).toEqual(['Communication']);
		expect(codex.resources.primaryDocumentation[0].url).toBe(
			'https://www.npmjs.com/package/n8n-nodes-telesign-voice',
		);
		expect(codex.resources.primaryDocumentation[1].url).toBe(
			'https://developer.telesign.com/enterprise/docs/voice-get-started',
		);
	});

	it('language suggestions can be searched by name or code', async () => {
		const search = node.methods.listSearch.searchLanguages;
		const all = await search.call({} as ILoadOptionsFunctions);
		expect(all.results).toHaveLength(26);
		const french = await search.call({} as ILoadOptionsFunctions, 'fren');
		expect(french.results).toEqual([
			{ name: 'French (Canada) (fr-CA)', value: 'fr-CA' },
			{ name: 'French (France) (fr-FR)', value: 'fr-FR' },
		]);
		expect((await search.call({} as ILoadOptionsFunctions, 'EN-g')).results).toEqual([
			{ name: 'English (United Kingdom) (en-GB)', value: 'en-GB' },
		]);
	});

	it('an unknown operation (e.g. the injected Custom API Call) fails clearly', async () => {
		const { context } = executeContext({
			parameters: { resource: '__CUSTOM_API_CALL__', operation: '__CUSTOM_API_CALL__' },
		});
		await expect(node.execute.call(context)).rejects.toThrow(NodeOperationError);
		await expect(node.execute.call(context)).rejects.toThrow(/HTTP Request node/);
	});
});

describe('worker pool', () => {
	it('keeps results by index and never exceeds the concurrency', async () => {
		let inFlight = 0;
		let maxInFlight = 0;
		const results = await runPool([0, 1, 2, 3, 4, 5, 6], 3, async (index) => {
			inFlight++;
			maxInFlight = Math.max(maxInFlight, inFlight);
			// Later indexes finish first.
			for (let tick = 0; tick < 10 - index; tick++) await Promise.resolve();
			inFlight--;
			return index * 10;
		});
		expect(maxInFlight).toBe(3);
		expect([...results.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect([0, 1, 2, 3, 4, 5, 6].map((index) => results.get(index))).toEqual(
			[0, 10, 20, 30, 40, 50, 60].map((value) => ({ ok: true, value })),
		);
	});

	it('stops starting tasks after a failure, but lets the running ones settle', async () => {
		const started: number[] = [];
		let settled = 0;
		const results = await runPool(
			[0, 1, 2, 3, 4, 5],
			2,
			async (index) => {
				started.push(index);
				await Promise.resolve();
				settled++;
				if (index === 0) throw new Error('boom');
				return index;
			},
			{ stopOnFailure: true },
		);
		expect(started).toEqual([0, 1]);
		expect(settled).toBe(2);
		expect(results.get(0)).toEqual({ ok: false, error: new Error('boom') });
		expect(results.get(1)).toEqual({ ok: true, value: 1 });
	});
});
