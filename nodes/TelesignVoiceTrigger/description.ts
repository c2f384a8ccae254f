/**
 * Parameters of the Telesign Voice Trigger. Event names and the actions each event accepts come from the
 * shared domain modules, so the UI cannot drift from what the package knows about Telesign.
 */
import type { INodePropertyOptions, INodeProperties } from 'n8n-workflow';

import { LEGAL_ACTIONS_BY_EVENT } from '../shared/telesign/actions';
import { KNOWN_EVENTS } from '../shared/telesign/events';

export const ANY_EVENT = '*';

export type RespondMode = 'immediately' | 'lastNode' | 'responseNode';

export type AuthenticationMethod = 'telesignSignature' | 'basicAuth' | 'digestAuth' | 'none';

function titleCase(eventName: string): string {
	return eventName
		.split('_')
		.map((word) => word.charAt(0).toUpperCase() + word.slice(1))
		.join(' ');
}

/** "speak, play, dial or hangup" — what an event may be answered with. */
export function describeLegalActions(eventName: string): string {
	const actions = LEGAL_ACTIONS_BY_EVENT[eventName] ?? [];
	if (actions.length === 0) return 'no action (the call is over)';
	if (actions.length === 1) return actions[0];
	return `${actions.slice(0, -1).join(', ')} or ${actions[actions.length - 1]}`;
}

const eventOptions: INodePropertyOptions[] = [
	{
		name: 'Any Event',
		value: ANY_EVENT,
		description: 'Every event, including event names this node does not know yet',
	},
	...[...KNOWN_EVENTS].sort().map((eventName) => ({
		name: titleCase(eventName),
		value: eventName,
		description: `${eventName}: answer with ${describeLegalActions(eventName)}`,
	})),
];

/** The package's documentation (its README on npm). */
export const PACKAGE_PAGE = 'https://www.npmjs.com/package/n8n-nodes-telesign-voice';

export const triggerProperties: INodeProperties[] = [
	{
		displayName:
			"Give this node's Production URL to Telesign support: they register it as your account's Voice event URL (there is no API for it, and it takes about a business day). Telesign needs HTTPS on a public DNS name. The Test URL only listens while you wait for a test event in the editor.",
		name: 'setupNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Events',
		name: 'events',
		type: 'multiOptions',
		required: true,
		default: [ANY_EVENT],
		options: eventOptions,
		description:
			'Which events start the workflow. Telesign posts every Voice event of the account to one URL; other events are acknowledged with HTTP 200 and an empty JSON object and start nothing.',
	},
	{
		displayName: 'Authentication',
		name: 'authentication',
		type: 'options',
		options: [
			{
				name: 'Telesign Signature',
				value: 'telesignSignature',
				description:
					"Verify Telesign's HMAC-SHA256 signature of the request body with the API key of a Telesign Voice API credential",
			},
			{
				name: 'Basic Auth',
				value: 'basicAuth',
				description:
					'Telesign sends a user and password (HTTP Basic) that you agreed with Telesign support',
			},
			{
				name: 'Digest Auth',
				value: 'digestAuth',
				description:
					'HTTP Digest (RFC 7616, SHA-256 or MD5) with a user and password agreed with Telesign support; the password is never sent',
			},
			{
				name: 'None',
				value: 'none',
				description: 'Accept every request (not recommended)',
			},
		],
		default: 'telesignSignature',
		description:
			'How the node checks that a request really comes from Telesign. Requests that fail get HTTP 401 and start nothing.',
	},
	{
		displayName:
			'Without authentication anyone who learns this URL can start the workflow and steer your calls. Use it only for a quick test.',
		name: 'noAuthNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['none'] } },
	},
	{
		displayName:
			'Give Telesign support the same user and password together with the URL. Use HTTPS: Basic auth sends the password with every request.',
		name: 'webhookAuthNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['basicAuth'] } },
	},
	{
		displayName:
			'Give Telesign support the same user and password together with the URL. Digest auth never sends the password: Telesign answers a challenge with a hash of it.',
		name: 'digestAuthNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { authentication: ['digestAuth'] } },
	},
	{
		displayName: 'Respond',
		name: 'respond',
		type: 'options',
		options: [
			{
				name: 'Immediately (No Action)',
				value: 'immediately',
				description:
					'Answer HTTP 200 with an empty JSON object at once; the workflow runs on its own. For call_completed and logging flows.',
			},
			{
				name: 'With Action From Last Node',
				value: 'lastNode',
				description:
					'Answer with the JSON of the first item of the last node that runs, normally a Telesign Voice node with a Respond operation',
			},
			{
				name: 'Using Telesign Voice Respond Operation',
				value: 'responseNode',
				description:
					"A Telesign Voice node's Respond operation answers as soon as it runs, and the workflow goes on. n8n's own Respond to Webhook node does not work with this trigger.",
			},
		],
		default: 'lastNode',
		description: 'How Telesign is answered. The answer to an event is the next action on the call.',
	},
	{
		displayName: `The answer is the next action on the call, so answer within a few seconds. Which actions an event accepts is shown with each event in Events (and in the <a href="${PACKAGE_PAGE}" target="_blank">package documentation</a>).`,
		name: 'actionsNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { respond: ['lastNode', 'responseNode'] } },
	},
	{
		displayName:
			'Telesign gets an empty JSON object at once, so the call goes on without a new action. For events that expect an action (e.g. incoming_call, dial_completed), choose another Respond option.',
		name: 'immediateNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { respond: ['immediately'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Include Request Headers',
				name: 'includeHeaders',
				type: 'boolean',
				default: false,
				description:
					'Whether to add the request headers to the item as "headers". Authorization, X-TS-Authorization and cookies are never included.',
			},
		],
	},
];
