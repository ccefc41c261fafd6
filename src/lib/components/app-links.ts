/** The app's main pages this user's roles may open (the header's menu, a page without access). */
import { DOC, type DocName } from '$lib/domain/access';
import { t } from '$lib/i18n/index.svelte';
import { accessTo, canAdmin } from '$lib/session.svelte';

/** A page's route (the template makes its href with `resolve(path)`) and its name. */
export interface AppLink {
	path:
		| '/members'
		| '/pipeline'
		| '/surveys'
		| '/ledger'
		| '/reports'
		| '/settings'
		| '/admin/users'
		| '/admin/exports';
	label: string;
}

/** Reactive where it is read (the session's roles, the locale). */
export function appLinks(): AppLink[] {
	const can = (doc: DocName) => accessTo(doc) !== null;
	const links: (AppLink & { show: boolean })[] = [
		{ path: '/members', label: t('nav.members'), show: can(DOC.registry) },
		{ path: '/pipeline', label: t('nav.pipeline'), show: can(DOC.registry) },
		{ path: '/surveys', label: t('nav.surveys'), show: can(DOC.surveys) },
		{ path: '/ledger', label: t('nav.ledger'), show: can(DOC.ledger) },
		{ path: '/reports', label: t('nav.reports'), show: can(DOC.reports) },
		{ path: '/settings', label: t('nav.settings'), show: can(DOC.settings) },
		{ path: '/admin/users', label: t('nav.admin'), show: canAdmin() },
		{ path: '/admin/exports', label: t('nav.exportLog'), show: canAdmin() }
	];
	return links.filter((l) => l.show).map(({ path, label }) => ({ path, label }));
}
