import { describe, expect, it, vi } from 'vitest';
import { closedFromCode, roomStatus } from '../../src/lib/sync/room.svelte';
import { CLOSE } from '../../src/lib/domain/protocol';
import { MEMBER_FIELD_SPECS, OPTION_SETS, expectKey } from '../../src/lib/domain/fields';
import {
	formatDecimalInput,
	formatNumber,
	hasMessage,
	i18n,
	t
} from '../../src/lib/i18n/index.svelte';
import { decimalToMinor } from '../../src/lib/domain/settings';
import { LOCALE_META, LOCALES } from '../../src/lib/i18n/locales';

describe('room status', () => {
	const base = { browserOnline: true, closed: null, connected: true, synced: true, pending: 0 };
	it('is online only when synced with nothing pending', () => {
		expect(roomStatus(base)).toBe('online');
		expect(roomStatus({ ...base, pending: 2 })).toBe('syncing');
		expect(roomStatus({ ...base, synced: false })).toBe('syncing');
	});
	it('is offline without network or after a final close, connecting otherwise', () => {
		expect(roomStatus({ ...base, browserOnline: false })).toBe('offline');
		expect(roomStatus({ ...base, closed: 'expired' })).toBe('offline');
		expect(roomStatus({ ...base, connected: false, synced: false })).toBe('connecting');
		// A failed attempt on a network that goes nowhere (navigator.onLine may still say true).
		expect(roomStatus({ ...base, connected: false, synced: false, unreachable: true })).toBe(
			'offline'
		);
	});
	it('names the close codes', () => {
		expect(closedFromCode(CLOSE.Unauthorized)).toBe('expired');
		expect(closedFromCode(CLOSE.Forbidden)).toBe('forbidden');
		expect(closedFromCode(CLOSE.Forbidden, 'account_disabled')).toBe('expired');
		expect(closedFromCode(CLOSE.ProtocolMismatch)).toBe('outdated');
		expect(closedFromCode(CLOSE.TooLarge)).toBe('refused');
	});
});

describe('members messages', () => {
	it('label every field, every option and every editor hint in all languages', () => {
		const keys = [
			...MEMBER_FIELD_SPECS.map((s) => `field.${s.key}`),
			...Object.entries(OPTION_SETS).flatMap(([set, values]) =>
				values.map((v) => `option.${set}.${v}`)
			),
			...MEMBER_FIELD_SPECS.map(expectKey),
			...['offline', 'online', 'syncing', 'connecting'].map((s) => `sync.${s}`)
		];
		for (const k of keys) expect(hasMessage(k), k).toBe(true);
		for (const l of LOCALES) {
			i18n.locale = l;
			for (const k of keys) if (hasMessage(k)) expect(t(k), `${l} ${k}`).not.toBe(k);
		}
		i18n.locale = 'en';
	});
	it('counts in the reader’s digits', () => {
		i18n.locale = 'fa';
		expect(t('sync.pending', { count: 3 })).toBe('۳ تغییر در انتظار ارسال');
		i18n.locale = 'en';
		expect(t('sync.pending', { count: 1 })).toBe('1 change waiting');
	});
	it('writes whole numbers as Intl does, without making an Intl formatter', () => {
		const numbers = [0, 7, 10, 1403, 99_999, 12_345_678_901, Number.MAX_SAFE_INTEGER];
		const made = vi.spyOn(Intl, 'NumberFormat');
		const plain: Record<string, string[]> = {};
		for (const l of LOCALES) {
			i18n.locale = l;
			plain[l] = numbers.map(formatNumber);
		}
		expect(made).not.toHaveBeenCalled();
		made.mockRestore();
		for (const l of LOCALES) {
			const intl = new Intl.NumberFormat(LOCALE_META[l].bcp47, { useGrouping: false });
			expect(plain[l], l).toEqual(numbers.map((n) => intl.format(n)));
		}
		// Anything else still goes to Intl: the reader's decimal sign and minus.
		i18n.locale = 'fa';
		expect(formatNumber(1.5)).toBe(new Intl.NumberFormat('fa-IR').format(1.5));
		expect(formatNumber(-3)).toBe(new Intl.NumberFormat('fa-IR').format(-3));
		i18n.locale = 'en';
	});
	it('shows an amount in a field as the reader types it, and reads it back', () => {
		i18n.locale = 'fa';
		expect(formatDecimalInput('50000000')).toBe('۵۰٬۰۰۰٬۰۰۰');
		expect(formatDecimalInput('1250.50')).toBe('۱٬۲۵۰٫۵۰');
		expect(formatDecimalInput('999')).toBe('۹۹۹');
		expect(decimalToMinor(formatDecimalInput('50000000'), 'IRR')).toBe(50_000_000);
		expect(decimalToMinor(formatDecimalInput('1250.50'), 'USD')).toBe(125_050);
		i18n.locale = 'zh';
		expect(formatDecimalInput('1250.50')).toBe('1,250.50');
		expect(decimalToMinor(formatDecimalInput('1250.50'), 'USD')).toBe(125_050);
		i18n.locale = 'en';
		expect(formatDecimalInput('not a number')).toBe('not a number');
	});
});
