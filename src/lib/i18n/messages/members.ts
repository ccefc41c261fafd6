import { defineMessages } from '../define';

/** Strings of the members grid, its fields, options and sync status. */
export const members = defineMessages({
	en: { 'members.title': 'Members' },
	fa: { 'members.title': 'اعضا' },
	zh: { 'members.title': '会员' }
});
