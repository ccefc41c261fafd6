/** The localised name of a registry field (messages `field.<key>` in messages/members.ts). */
import { t, type MessageKey } from './index.svelte';

export const fieldLabel = (key: string) => t(`field.${key}` as MessageKey);
