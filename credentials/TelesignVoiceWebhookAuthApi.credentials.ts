import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { MIN_WEBHOOK_PASSWORD_LENGTH } from '../nodes/shared/telesign/webhookAuth';

/**
 * User name and password that Telesign must present when it posts events to the Telesign Voice Trigger's URL
 * (HTTP Basic or Digest auth). Give the same values to Telesign support when registering the URL.
 * There is no remote service to test against: the trigger node checks it locally (testedBy).
 */
export class TelesignVoiceWebhookAuthApi implements ICredentialType {
	name = 'telesignVoiceWebhookAuthApi';

	displayName = 'Telesign Voice Webhook Auth API';

	icon = { light: 'file:telesign.svg', dark: 'file:telesign.dark.svg' } as const;

	documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-telesign-voice';

	properties: INodeProperties[] = [
		{
			displayName:
				'Telesign sends this user and password with every event to the trigger URL. Agree on them with Telesign support when you give them the URL.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'User',
			name: 'user',
			type: 'string',
			default: '',
			required: true,
			description:
				'User name Telesign sends with every event (no ":" and no leading or trailing spaces)',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: `At least ${MIN_WEBHOOK_PASSWORD_LENGTH} characters`,
			description: `Password Telesign sends with every event: at least ${MIN_WEBHOOK_PASSWORD_LENGTH} characters, no leading or trailing spaces`,
			hint: `At least ${MIN_WEBHOOK_PASSWORD_LENGTH} characters, no leading or trailing spaces`,
		},
	];
}
