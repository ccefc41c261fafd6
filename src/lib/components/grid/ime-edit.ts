/**
 * Editable grids and input methods (see ../ime.ts). ag-grid starts an edit on a
 * printable key only. An IME's first key is not one on Windows and Linux ('Process'),
 * so typing Chinese into a selected cell did nothing: the composition had no text field
 * to go to. On macOS it is the raw Latin letter, which ag-grid put in front of the
 * composed text. So, as a `suppressKeyboardEvent`: on a cell not being edited an IME
 * key opens the cell's editor, empty (typing replaces the value, as any typed key
 * does), and the IME composes in its input; in an open editor the grid leaves the
 * IME's keys alone, so Enter picking a candidate does not end the edit.
 */
import type { SuppressKeyboardEventParams } from 'ag-grid-community';
import { isImeKey } from '../ime';

/** The `eventKey` an editor gets when an IME opened it: start with an empty input. */
export const IME_START_KEY = 'Process';

export function imeKey(p: SuppressKeyboardEventParams): boolean {
	const e = p.event;
	if (e.type !== 'keydown' || !isImeKey(e)) return false;
	const { node, column, api } = p;
	if (!p.editing && node.rowIndex !== null && column.isCellEditable(node)) {
		api.startEditingCell({
			rowIndex: node.rowIndex,
			colKey: column,
			rowPinned: node.rowPinned,
			key: IME_START_KEY
		});
	}
	return true;
}
