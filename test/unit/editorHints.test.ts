/** What the editor shows before anything runs: placeholders, units and rules on the fields. */
import type { INodeProperties } from 'n8n-workflow';

import { TelesignVoiceWebhookAuthApi } from '../../credentials/TelesignVoiceWebhookAuthApi.credentials';
import {
	MIN_WEBHOOK_PASSWORD_LENGTH,
	webhookCredentialProblems,
} from '../../nodes/shared/telesign/webhookAuth';
import { TelesignVoice } from '../../nodes/TelesignVoice/TelesignVoice.node';
import { TelesignVoiceTrigger } from '../../nodes/TelesignVoiceTrigger/TelesignVoiceTrigger.node';

function allProperties(properties: INodeProperties[]): INodeProperties[] {
	return properties.flatMap((property) => [
		property,
		...allProperties(
			((property.options ?? []) as INodeProperties[]).filter((option) => 'type' in option),
		),
	]);
}

const nodeProperties = [
	...new TelesignVoice().description.properties,
	...new TelesignVoiceTrigger().description.properties,
];

describe('editor hints', () => {
	it('every collection says "Add option" (n8n\'s own casing)', () => {
		const collections = allProperties(nodeProperties).filter(
			(property) => property.type === 'collection',
		);
		expect(collections.length).toBeGreaterThan(3);
		expect([...new Set(collections.map((property) => property.placeholder))]).toEqual([
			'Add option',
		]);
	});

	it("Dial's Timeout shows its unit", () => {
		const dialOptions = nodeProperties.find(
			(property) =>
				property.name === 'options' && property.displayOptions?.show?.resource?.includes('call'),
		);
		const timeout = (dialOptions?.options as INodeProperties[]).find(
			(option) => option.name === 'timeout',
		);
		expect(timeout?.hint).toMatch(/^In milliseconds \(30000 = 30 seconds\)/);
	});

	it('the webhook credential shows the password rule on the field, the same rule its test applies', () => {
		const password = new TelesignVoiceWebhookAuthApi().properties.find(
			(property) => property.name === 'password',
		);
		expect(password?.hint).toBe(
			`At least ${MIN_WEBHOOK_PASSWORD_LENGTH} characters, no leading or trailing spaces`,
		);
		expect(password?.placeholder).toBe(`At least ${MIN_WEBHOOK_PASSWORD_LENGTH} characters`);
		expect(
			webhookCredentialProblems('telesign', 'x'.repeat(MIN_WEBHOOK_PASSWORD_LENGTH - 1)),
		).not.toEqual([]);
		expect(webhookCredentialProblems('telesign', 'x'.repeat(MIN_WEBHOOK_PASSWORD_LENGTH))).toEqual(
			[],
		);
	});
});
