/**
 * Recruitment rounds over the registry doc (layout: domain/recruitment.ts): the rounds,
 * the contacts' channel preferences, the recruitment letters recorded in the member
 * files and the pipeline's moves, read for the round page; and the one write, a round
 * and its letters in ONE `LOCAL` transaction, so a round recorded offline (at a fair)
 * syncs later whole, like any other change of the registry.
 */
/* eslint-disable svelte/prefer-svelte-reactivity -- plain maps and lists built per read */
import * as Y from 'yjs';
import { ACTIVITIES, CONTACTS } from '$lib/domain/contacts';
import { ACTIVITY_KIND } from '$lib/domain/activities';
import {
	readRound,
	RECRUITMENT_ROUNDS,
	recruitmentActivityId,
	roundFields,
	type RecruitActivity,
	type RecruitContact,
	type RecruitMove,
	type RecruitmentChannel,
	type RecruitmentSegment,
	type RoundRow
} from '$lib/domain/recruitment';
import type { MemberLanguage } from '$lib/domain/member';
import { newRowId } from '$lib/domain/text';
import { LOCAL } from '$lib/sync/origins';

type RowMap = Y.Map<unknown>;

export interface NewRound {
	channel: RecruitmentChannel;
	year: number;
	number: number;
	segment: RecruitmentSegment;
	language: MemberLanguage;
	name?: string;
}

export class RecruitmentStore {
	readonly doc: Y.Doc;
	readonly readOnly: boolean;
	/** Bumped on every change of the tables read here. */
	version = $state(0);
	#user: string;
	#off: () => void;
	#rounds: Y.Map<RowMap>;
	#activities: Y.Map<RowMap>;
	#contacts: Y.Map<RowMap>;
	#moves: Y.Map<RowMap>;

	constructor(opts: { doc: Y.Doc; user: string; readOnly?: boolean }) {
		this.doc = opts.doc;
		this.readOnly = opts.readOnly ?? false;
		this.#user = opts.user;
		this.#rounds = opts.doc.getMap<RowMap>(RECRUITMENT_ROUNDS);
		this.#activities = opts.doc.getMap<RowMap>(ACTIVITIES);
		this.#contacts = opts.doc.getMap<RowMap>(CONTACTS);
		this.#moves = opts.doc.getMap<RowMap>('moves');
		const bump = () => this.version++;
		const maps = [this.#rounds, this.#activities, this.#contacts, this.#moves];
		for (const m of maps) m.observeDeep(bump);
		this.#off = () => {
			for (const m of maps) m.unobserveDeep(bump);
		};
	}

	rounds(): RoundRow[] {
		void this.version;
		const out: RoundRow[] = [];
		for (const [id, y] of this.#rounds.entries()) {
			if (!(y instanceof Y.Map)) continue;
			const r = readRound(id, y.toJSON());
			if (r) out.push(r);
		}
		return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
	}

	round(id: string): RoundRow | null {
		void this.version;
		const y = this.#rounds.get(id);
		return y instanceof Y.Map ? readRound(id, y.toJSON()) : null;
	}

	contacts(): RecruitContact[] {
		void this.version;
		const out: RecruitContact[] = [];
		for (const y of this.#contacts.values()) {
			if (!(y instanceof Y.Map)) continue;
			out.push({
				memberId: str(y.get('memberId')),
				channel: str(y.get('channel')),
				email: str(y.get('email'))
			});
		}
		return out;
	}

	/** The recruitment letters recorded in the member files. */
	letters(): RecruitActivity[] {
		void this.version;
		const out: RecruitActivity[] = [];
		for (const y of this.#activities.values()) {
			if (!(y instanceof Y.Map) || y.get('kind') !== ACTIVITY_KIND.recruitment) continue;
			out.push({
				memberId: y.get('memberId'),
				kind: ACTIVITY_KIND.recruitment,
				roundId: y.get('roundId'),
				date: y.get('date')
			});
		}
		return out;
	}

	moves(): RecruitMove[] {
		void this.version;
		const out: RecruitMove[] = [];
		for (const y of this.#moves.values()) {
			if (y instanceof Y.Map)
				out.push({ memberId: y.get('memberId'), to: y.get('to'), at: y.get('at') });
		}
		return out;
	}

	/**
	 * Record letters as sent: a new round (`round` as NewRound) or more letters of an
	 * existing one (its id), and one activity per member in the member's file, in one
	 * transaction. A member who already has this round's letter keeps it (same row id).
	 * Returns the round id and how many letters were added, or null when read-only.
	 */
	record(opts: {
		round: NewRound | string;
		/** Member id and the activity's title (in the writer's language). */
		letters: readonly { memberId: string; title: string }[];
		/** The day the letters go out (ISO). */
		date: string;
	}): { roundId: string; added: number } | null {
		if (this.readOnly) return null;
		const now = new Date().toISOString();
		const roundId = typeof opts.round === 'string' ? opts.round : newRowId();
		let added = 0;
		this.doc.transact(() => {
			if (typeof opts.round !== 'string') {
				const r = opts.round;
				const values: Record<string, unknown> = {
					channel: r.channel,
					year: r.year,
					number: r.number,
					segment: JSON.stringify(r.segment),
					language: r.language,
					createdAt: now,
					createdBy: this.#user
				};
				if (r.name?.trim()) values.name = r.name.trim();
				const row = new Y.Map<unknown>();
				this.#rounds.set(roundId, row);
				for (const [k, v] of Object.entries(values)) {
					// The guard applies the same schemas; nothing invalid is sent.
					const ok = roundFields[k as keyof typeof roundFields].safeParse(v).success;
					if (ok) row.set(k, v);
				}
			}
			for (const l of opts.letters) {
				const id = recruitmentActivityId(roundId, l.memberId);
				if (this.#activities.has(id)) continue;
				const row = new Y.Map<unknown>();
				this.#activities.set(id, row);
				row.set('memberId', l.memberId);
				row.set('kind', ACTIVITY_KIND.recruitment);
				row.set('roundId', roundId);
				row.set('title', l.title.slice(0, 200));
				row.set('date', opts.date);
				row.set('createdAt', now);
				added++;
			}
		}, LOCAL);
		return { roundId, added };
	}

	destroy(): void {
		this.#off();
	}
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
