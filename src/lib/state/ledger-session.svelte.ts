/**
 * What the /ledger pages share while open: the ledger room with its store, the
 * registry (members' names, tiers, regions, status; editable only for staff and
 * admin, who apply lapses) and the settings (currency, grace period, tier fees;
 * read only here, the settings area owns that doc). One instance per visit of
 * /ledger, handed to the pages through Svelte context.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- plain caches keyed by version runes */
import { getContext, setContext } from 'svelte';
import * as Y from 'yjs';
import { accessFor, DOC, type Access, type SessionUser } from '$lib/domain/access';
import type { CalendarName } from '$lib/domain/calendar';
import {
	readLedgerSettings,
	underLiveMembers,
	type EntryRow,
	type LedgerSettings,
	type Reminder
} from '$lib/domain/ledger';
import type { MemberRow } from '$lib/domain/member';
import { liveMemberId, mergedRecordsByLive } from '$lib/domain/merge';
import { openRoom, type OpenRoomOptions, type Room } from '$lib/sync/room.svelte';
import { LedgerStore } from './ledger.svelte';
import { MembersStore } from './members.svelte';

const KEY = Symbol('gh.ledger');
const NO_MERGES: ReadonlyMap<string, string> = new Map();

export class LedgerSession {
	readonly user: SessionUser;
	readonly access: Access | null;
	readonly registryAccess: Access | null;
	readonly ledgerRoom: Room | null;
	readonly registryRoom: Room | null;
	readonly settingsRoom: Room | null;
	ledger = $state<LedgerStore | null>(null);
	members = $state<MembersStore | null>(null);
	/** Bumped when members change. */
	membersVersion = $state(0);
	settingsVersion = $state(0);
	loadError = $state(false);
	/**
	 * The fiscal calendar changed while the ledger's pages were open (the admin, in
	 * another tab or on another device): from what to what, until the person has seen
	 * it. The layout says so, and the next charge asks to check its year first.
	 */
	calendarChange = $state<{ from: CalendarName; to: CalendarName } | null>(null);
	#shownCalendar: CalendarName | null = null;

	#offs: (() => void)[] = [];
	#destroyed = false;
	#memberMap: { v: number; map: Map<string, MemberRow> } | null = null;
	#settings: { v: number; value: LedgerSettings } | null = null;
	/** Memos of the reads by live record, keyed by what they were made from. */
	#live = new Map<
		string,
		{ from: unknown; members: MembersStore | null; merges: number; value: unknown }
	>();

	/**
	 * `describeRefused`: an entry this device recorded that the server refused (the
	 * ledger became view-only, [C27]), as a line for the notice; from the UI, which words it.
	 */
	constructor(user: SessionUser, opts: Pick<OpenRoomOptions, 'describeRefused'> = {}) {
		this.user = user;
		this.access = accessFor(DOC.ledger, user.roles);
		this.registryAccess = accessFor(DOC.registry, user.roles);
		const open = (doc: string) => openRoom({ user, room: `${user.org}/${doc}` });
		this.ledgerRoom = this.access
			? openRoom({ user, room: `${user.org}/${DOC.ledger}`, ...opts })
			: null;
		this.registryRoom = this.access && this.registryAccess ? open(DOC.registry) : null;
		this.settingsRoom =
			this.access && accessFor(DOC.settings, user.roles) ? open(DOC.settings) : null;

		this.ledgerRoom?.whenLoaded.then(
			() => {
				if (this.#destroyed || !this.ledgerRoom) return;
				this.ledger = new LedgerStore({
					doc: this.ledgerRoom.doc,
					user: user.username,
					readOnly: this.readOnly
				});
			},
			() => (this.loadError = true)
		);
		this.registryRoom?.whenLoaded.then(() => {
			if (this.#destroyed || !this.registryRoom) return;
			const m = new MembersStore({
				doc: this.registryRoom.doc,
				readOnly: this.registryAccess !== 'edit'
			});
			this.#offs.push(m.subscribe(() => this.membersVersion++));
			this.members = m;
			this.membersVersion++;
		});
		const settingsDoc = this.settingsRoom?.doc;
		if (settingsDoc) {
			const bump = () => this.settingsVersion++;
			settingsDoc.on('afterTransaction', bump);
			this.#offs.push(() => settingsDoc.off('afterTransaction', bump));
		}
	}

	get readOnly(): boolean {
		return this.access !== 'edit' || (this.ledgerRoom?.readOnly ?? false);
	}

	/**
	 * The settings are in step with the server, or cannot be now (offline, refused:
	 * the local copy is what there is). Until then the fiscal calendar is not known:
	 * a year shown, typed or charged would be read in the wrong calendar. Not "the
	 * config has keys": a first sync can bring the config's older values before
	 * its newer ones.
	 */
	get settingsReady(): boolean {
		const r = this.settingsRoom;
		if (!r) return true;
		return r.synced || r.status === 'offline';
	}

	/** The calendar of the dues years and quarters (settings; absent: Gregorian). */
	get fiscalCalendar(): CalendarName {
		return this.settings().fiscalCalendar;
	}

	/** The pages show years in `calendar` now (the ledger layout, once they show and on each change). */
	showCalendar(calendar: CalendarName): void {
		const shown = this.#shownCalendar;
		this.#shownCalendar = calendar;
		if (shown === null || shown === calendar) return;
		const from = this.calendarChange?.from ?? shown;
		this.calendarChange = from === calendar ? null : { from, to: calendar };
	}

	/**
	 * Before a charge: the change of the fiscal calendar not yet seen, once (the
	 * person checks the year, then charges), or null to go on.
	 */
	takeCalendarChange(): { from: CalendarName; to: CalendarName } | null {
		const c = this.calendarChange;
		this.calendarChange = null;
		return c;
	}

	/** Staff and admin may change a member's status (lapse review). */
	get canEditRegistry(): boolean {
		return this.registryAccess === 'edit' && !(this.registryRoom?.readOnly ?? false);
	}

	/** Live members by id (merged records left out: no dues, no picker, no lapse). */
	memberMap(): Map<string, MemberRow> {
		const v = this.membersVersion;
		if (this.#memberMap && this.#memberMap.v === v) return this.#memberMap.map;
		const map = new Map((this.members?.rows() ?? []).map((r) => [r.id, r]));
		this.#memberMap = { v, map };
		return map;
	}

	/**
	 * One member by id for a label: a live member or a merged record (whose entries are
	 * read under its survivor, [L4], and say they were posted on it).
	 */
	member(id: string): MemberRow | undefined {
		return this.memberMap().get(id) ?? this.members?.get(id);
	}

	/**
	 * [L4] Ledger rows name the record they were posted on, and posted rows never change;
	 * a merge is followed here, when they are read: every page that groups by member
	 * reads entries and reminders through these, each under the live record its member
	 * id belongs to now (`bookedOn` says the merged record it was posted on).
	 */
	mergedInto(): ReadonlyMap<string, string> {
		void this.members?.mergesVersion;
		return this.members?.mergedInto() ?? NO_MERGES;
	}

	/** The live record member id `id` belongs to now: itself, or the survivor of its merge. */
	liveMemberId(id: string): string {
		const m = this.mergedInto();
		return liveMemberId(id, (x) => m.get(x));
	}

	#underLive<T extends { memberId: string }>(key: string, rows: readonly T[]): T[] {
		const members = this.members;
		const merges = members?.mergesVersion ?? 0;
		const c = this.#live.get(key);
		if (c && c.from === rows && c.members === members && c.merges === merges) return c.value as T[];
		const m = this.mergedInto();
		const value = m.size ? underLiveMembers(rows, (x) => m.get(x)) : (rows as T[]);
		this.#live.set(key, { from: rows, members, merges, value });
		return value;
	}

	/** Every readable entry, each under its member's live record ([L4]). */
	entries(): EntryRow[] {
		return this.#underLive('entries', this.ledger?.entries() ?? []);
	}

	/** Reminders sent, each under its member's live record ([L4]). */
	reminders(): Reminder[] {
		return this.#underLive('reminders', this.ledger?.reminders() ?? []);
	}

	/** The records merged into each live member, by its id (found by their numbers too). */
	mergedRecords(): Map<string, MemberRow[]> {
		const members = this.members;
		const merges = members?.mergesVersion ?? 0;
		const c = this.#live.get('records');
		if (c && c.members === members && c.merges === merges)
			return c.value as Map<string, MemberRow[]>;
		const value = new Map<string, MemberRow[]>();
		for (const [live, ids] of mergedRecordsByLive(this.mergedInto())) {
			const rows = ids.map((id) => this.members?.get(id)).filter((r) => r !== undefined);
			if (rows.length) value.set(live, rows);
		}
		this.#live.set('records', { from: null, members, merges, value });
		return value;
	}

	settings(): LedgerSettings {
		const v = this.settingsVersion;
		if (this.#settings && this.#settings.v === v) return this.#settings.value;
		const doc = this.settingsRoom?.doc;
		const config: Record<string, unknown> = doc ? doc.getMap('config').toJSON() : {};
		const tiers: [string, Record<string, unknown>][] = [];
		if (doc) {
			for (const [id, row] of doc.getMap('tiers').entries()) {
				if (row instanceof Y.Map) tiers.push([id, row.toJSON()]);
			}
		}
		const value = readLedgerSettings({ config, tiers });
		this.#settings = { v, value };
		return value;
	}

	destroy(): void {
		this.#destroyed = true;
		for (const f of this.#offs) f();
		this.ledger?.destroy();
		this.members?.destroy();
		for (const r of [this.ledgerRoom, this.registryRoom, this.settingsRoom]) void r?.destroy();
	}
}

export function setLedgerSession(s: LedgerSession): void {
	setContext(KEY, s);
}

export function ledgerSession(): LedgerSession {
	return getContext<LedgerSession>(KEY);
}
