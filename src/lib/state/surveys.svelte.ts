/**
 * The surveys doc as typed tables, and the commands staff use on it.
 *
 * Each table is a root Y.Map of row maps (see domain/survey.ts). The store keeps a
 * parsed copy of every row per table, updated from one `observeDeep` per table with
 * only the rows a transaction touched, and bumps `version` (a rune) so that views
 * re-derive; listeners get the touched row ids per table (the responses grid uses
 * them to update only those rows).
 *
 * Commands run in `doc.transact(..., LOCAL)`; the undo manager tracks LOCAL only.
 */
/* eslint-disable svelte/prefer-svelte-reactivity --
   Row caches are plain Maps on purpose: views re-derive from `version`. */
import * as Y from 'yjs';
import { personalUndo } from './undo';
import {
	answerId,
	byOrder,
	canSetComplaintStatus,
	canSetItemStatus,
	parseAnswer,
	parseSurveyField,
	readRow,
	responseId,
	SURVEY_TABLES,
	type Answer,
	type Campaign,
	type Complaint,
	type ComplaintStatus,
	type Item,
	type ItemStatus,
	type Option,
	type Question,
	type QuestionKind,
	type Response,
	type SurveyLang,
	type SurveyTable
} from '$lib/domain/survey';
import { newRowId } from '$lib/domain/text';
import { LOCAL, originKind, type OriginKind } from '$lib/sync/origins';

type RowMap = Y.Map<unknown>;

export interface TableRows {
	campaigns: Campaign;
	questions: Question;
	options: Option;
	responses: Response;
	answers: Answer;
	items: Item;
	complaints: Complaint;
}

export interface SurveyChange {
	table: SurveyTable;
	ids: string[];
	origin: OriginKind;
}

export type SurveyWriteResult =
	{ ok: true } | { ok: false; reason: 'readOnly' | 'noSuchRow' | 'invalid' | 'needsAnswer' };

const TABLES = Object.keys(SURVEY_TABLES) as SurveyTable[];

export class SurveysStore {
	readonly doc: Y.Doc;
	readonly undoManager: Y.UndoManager;
	readOnly = $state(false);
	/** Bumped on every change of any table: views derive from it. */
	version = $state(0);
	canUndo = $state(false);
	canRedo = $state(false);

	#rows = new Map<SurveyTable, Map<string, { id: string }>>();
	#listeners = new Set<(c: SurveyChange) => void>();
	#offs: (() => void)[] = [];
	readonly #user: string;

	constructor(opts: { doc: Y.Doc; readOnly?: boolean; username: string }) {
		this.doc = opts.doc;
		this.readOnly = opts.readOnly ?? false;
		this.#user = opts.username;
		const maps: Y.Map<RowMap>[] = [];
		for (const table of TABLES) {
			const map = this.doc.getMap<RowMap>(table);
			maps.push(map);
			const cache = new Map<string, { id: string }>();
			for (const [id, y] of map.entries()) {
				if (y instanceof Y.Map) cache.set(id, readRow(table, id, y.entries()));
			}
			this.#rows.set(table, cache);
			const on = (events: Y.YEvent<Y.AbstractType<unknown>>[], tr: Y.Transaction) =>
				this.#apply(table, map, events, tr);
			map.observeDeep(on);
			this.#offs.push(() => map.unobserveDeep(on));
		}
		const undo = personalUndo(maps, (canUndo, canRedo) => {
			this.canUndo = canUndo;
			this.canRedo = canRedo;
		});
		this.undoManager = undo.manager;
		this.#offs.push(undo.destroy);
	}

	#apply(
		table: SurveyTable,
		map: Y.Map<RowMap>,
		events: Y.YEvent<Y.AbstractType<unknown>>[],
		tr: Y.Transaction
	) {
		const ids = new Set<string>();
		for (const e of events) {
			if (e.target === map && e instanceof Y.YMapEvent) {
				for (const k of e.keysChanged) if (k !== null) ids.add(k);
			} else {
				const item = e.target._item;
				if (item && item.parent === map && typeof item.parentSub === 'string')
					ids.add(item.parentSub);
			}
		}
		if (ids.size === 0) return;
		const cache = this.#rows.get(table)!;
		for (const id of ids) {
			const y = map.get(id);
			if (y instanceof Y.Map) cache.set(id, readRow(table, id, y.entries()));
			else cache.delete(id);
		}
		this.version++;
		const change: SurveyChange = { table, ids: [...ids], origin: originKind(tr.origin) };
		for (const f of this.#listeners) f(change);
	}

	subscribe(f: (c: SurveyChange) => void): () => void {
		this.#listeners.add(f);
		return () => this.#listeners.delete(f);
	}

	/** Rows of a table now. Reading it in a reactive context depends on `version`. */
	rows<T extends SurveyTable>(table: T): TableRows[T][] {
		void this.version;
		return [...this.#rows.get(table)!.values()] as TableRows[T][];
	}

	get<T extends SurveyTable>(table: T, id: string): TableRows[T] | undefined {
		void this.version;
		return this.#rows.get(table)!.get(id) as TableRows[T] | undefined;
	}

	questionsOf(campaignId: string): Question[] {
		return this.rows('questions')
			.filter((q) => q.campaignId === campaignId)
			.sort(byOrder);
	}

	optionsOf(questionId: string): Option[] {
		return this.rows('options')
			.filter((o) => o.questionId === questionId)
			.sort(byOrder);
	}

	// ---- generic writes -----------------------------------------------------------------

	#map(table: SurveyTable) {
		return this.doc.getMap<RowMap>(table);
	}

	/** Add a row with the valid fields of `fields`; returns its id (null when read-only). */
	addRow(table: SurveyTable, fields: Record<string, unknown>, id = newRowId()): string | null {
		if (this.readOnly) return null;
		const values: [string, string | number | boolean][] = [];
		for (const [k, v] of Object.entries(fields)) {
			const p = parseSurveyField(table, k, v);
			if (p.ok) values.push([k, p.value]);
		}
		this.doc.transact(() => {
			const row: RowMap = new Y.Map();
			this.#map(table).set(id, row);
			for (const [k, v] of values) row.set(k, v);
		}, LOCAL);
		return id;
	}

	/**
	 * Write several fields of one row in one undo step. `null` or '' clears a field.
	 * Invalid values write nothing.
	 */
	setFields(table: SurveyTable, id: string, fields: Record<string, unknown>): SurveyWriteResult {
		if (this.readOnly) return { ok: false, reason: 'readOnly' };
		const row = this.#map(table).get(id);
		if (!(row instanceof Y.Map)) return { ok: false, reason: 'noSuchRow' };
		const writes: [string, string | number | boolean | null][] = [];
		for (const [k, v] of Object.entries(fields)) {
			if (v === null || v === undefined || v === '') {
				writes.push([k, null]);
				continue;
			}
			const p = parseSurveyField(table, k, v);
			if (!p.ok) return { ok: false, reason: 'invalid' };
			writes.push([k, p.value]);
		}
		this.doc.transact(() => {
			for (const [k, v] of writes) {
				if (v === null) row.delete(k);
				else if (row.get(k) !== v) row.set(k, v);
			}
		}, LOCAL);
		return { ok: true };
	}

	deleteRows(table: SurveyTable, ids: readonly string[]): void {
		if (this.readOnly) return;
		this.doc.transact(() => {
			for (const id of ids) this.#map(table).delete(id);
		}, LOCAL);
	}

	// ---- campaigns and questions --------------------------------------------------------

	createCampaign(fields: Record<string, unknown>): string | null {
		return this.addRow('campaigns', {
			status: 'draft',
			audience: 'allActive',
			languages: 'en',
			createdAt: new Date().toISOString(),
			createdBy: this.#user,
			...fields
		});
	}

	addQuestion(campaignId: string, kind: QuestionKind, texts: Partial<Record<SurveyLang, string>>) {
		const last = this.questionsOf(campaignId).at(-1)?.order ?? 0;
		const fields: Record<string, unknown> = { campaignId, kind, order: last + 1 };
		for (const [l, s] of Object.entries(texts)) fields[`text_${l}`] = s;
		return this.addRow('questions', fields);
	}

	addOption(questionId: string, labels: Partial<Record<SurveyLang, string>>) {
		const last = this.optionsOf(questionId).at(-1)?.order ?? 0;
		const fields: Record<string, unknown> = { questionId, order: last + 1 };
		for (const [l, s] of Object.entries(labels)) fields[`label_${l}`] = s;
		return this.addRow('options', fields);
	}

	/** Swap a question with its neighbour (order is a sort key, never a position). */
	moveQuestion(campaignId: string, id: string, by: -1 | 1): void {
		const list = this.questionsOf(campaignId);
		const i = list.findIndex((q) => q.id === id);
		const j = i + by;
		if (i < 0 || j < 0 || j >= list.length || this.readOnly) return;
		const a = list[i];
		const b = list[j];
		const oa = a.order ?? i;
		const ob = b.order ?? j;
		this.doc.transact(() => {
			this.#map('questions')
				.get(a.id)
				?.set('order', oa === ob ? ob + by : ob);
			this.#map('questions').get(b.id)?.set('order', oa);
		}, LOCAL);
	}

	/** A question and its options (answers stay in the archive). */
	deleteQuestion(id: string): void {
		if (this.readOnly) return;
		const opts = this.optionsOf(id).map((o) => o.id);
		this.doc.transact(() => {
			this.#map('questions').delete(id);
			for (const o of opts) this.#map('options').delete(o);
		}, LOCAL);
	}

	// ---- answers -----------------------------------------------------------------------

	answerOf(campaignId: string, memberId: string, questionId: string): Answer | undefined {
		return this.get('answers', answerId(campaignId, memberId, questionId));
	}

	/**
	 * Staff enter one answer (a grid cell). Checked against the question's kind; empty
	 * clears it. The member's response row is created (source staff) on first answer.
	 */
	setAnswer(
		campaignId: string,
		memberId: string,
		questionId: string,
		raw: unknown
	): { ok: true } | { ok: false; reason: 'readOnly' | 'invalid' | 'noSuchRow' } {
		if (this.readOnly) return { ok: false, reason: 'readOnly' };
		const q = this.get('questions', questionId);
		if (!q || q.campaignId !== campaignId) return { ok: false, reason: 'noSuchRow' };
		const ids = this.optionsOf(questionId).map((o) => o.id);
		const parsed = parseAnswer(q, ids, raw);
		if (!parsed.ok) return { ok: false, reason: 'invalid' };
		const aid = answerId(campaignId, memberId, questionId);
		const rid = responseId(campaignId, memberId);
		const now = new Date().toISOString();
		this.doc.transact(() => {
			const answers = this.#map('answers');
			let row = answers.get(aid);
			if (parsed.value === null) {
				if (row instanceof Y.Map) row.delete('value');
				return;
			}
			if (!(row instanceof Y.Map)) {
				row = new Y.Map();
				answers.set(aid, row);
				row.set('campaignId', campaignId);
				row.set('memberId', memberId);
				row.set('questionId', questionId);
			}
			if (row.get('value') !== parsed.value) row.set('value', parsed.value);
			row.set('updatedAt', now);
			const responses = this.#map('responses');
			let r = responses.get(rid);
			if (!(r instanceof Y.Map)) {
				r = new Y.Map();
				responses.set(rid, r);
				r.set('campaignId', campaignId);
				r.set('memberId', memberId);
				r.set('source', 'staff');
			}
			r.set('submittedAt', now);
			r.set('updatedBy', this.#user);
		}, LOCAL);
		return { ok: true };
	}

	// ---- items and complaints ------------------------------------------------------------

	raiseItem(fields: Record<string, unknown>): string | null {
		return this.addRow('items', {
			kind: 'need',
			status: 'open',
			createdAt: new Date().toISOString(),
			createdBy: this.#user,
			...fields
		});
	}

	/** Answer an item: the answer, who and when, and the status, in one step. */
	answerItem(id: string, answer: string, status: ItemStatus = 'answered'): SurveyWriteResult {
		const item = this.get('items', id);
		if (!item) return { ok: false, reason: 'noSuchRow' };
		if (!canSetItemStatus({ answer }, status)) return { ok: false, reason: 'needsAnswer' };
		return this.setFields('items', id, {
			answer,
			status,
			// When it was first answered ([SV1]): a corrected answer was not answered later.
			answeredAt: item.answeredAt ?? new Date().toISOString(),
			answeredBy: this.#user
		});
	}

	setItemStatus(id: string, status: ItemStatus): SurveyWriteResult {
		const item = this.get('items', id);
		if (!item) return { ok: false, reason: 'noSuchRow' };
		if (!canSetItemStatus(item, status)) return { ok: false, reason: 'needsAnswer' };
		return this.setFields('items', id, { status });
	}

	addComplaint(fields: Record<string, unknown>): string | null {
		return this.addRow('complaints', {
			status: 'open',
			receivedAt: new Date().toISOString().slice(0, 10),
			createdAt: new Date().toISOString(),
			createdBy: this.#user,
			...fields
		});
	}

	setComplaintStatus(id: string, status: ComplaintStatus): SurveyWriteResult {
		const c = this.get('complaints', id);
		if (!c) return { ok: false, reason: 'noSuchRow' };
		if (!canSetComplaintStatus(c, status)) return { ok: false, reason: 'needsAnswer' };
		return this.setFields('complaints', id, { status });
	}

	undo(): boolean {
		return !this.readOnly && this.undoManager.undo() !== null;
	}

	redo(): boolean {
		return !this.readOnly && this.undoManager.redo() !== null;
	}

	destroy(): void {
		for (const f of this.#offs.reverse()) f();
		this.#offs = [];
		this.#listeners.clear();
	}
}
